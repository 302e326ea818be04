"""Tests of the completeness check of a medical necessity letter."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cmmh_tui.completeness import (
    ElementCheck,
    check_letter,
    expects_session_length,
    is_minor,
)
from cmmh_tui.validation import load_case_text

SAMPLE_DIR = Path("/work/shared/cases")
FIXTURES = Path(__file__).parent / "fixtures"
STEPS = {
    "patient_plan",
    "clinician",
    "diagnoses",
    "service",
    "denial",
    "clinical",
    "assessment",
    "standards",
    "review",
}
ALWAYS_CHECKED = [
    "recipient",
    "identifiers",
    "credentials",
    "practice",
    "relationship",
    "diagnoses",
    "clinical_picture",
    "measures",
    "prior_treatment",
    "service",
    "goals",
    "less_intensive_care",
    "assessment",
    "consequences",
    "standards",
    "requests",
    "signature",
    "enclosures",
]
MINIMAL = {"id": "a", "patient": {"name": "Ana B"}}


def load_case(path: Path) -> dict:
    case, _warnings = load_case_text(path.read_text(encoding="utf-8"), str(path))
    return case


def sample(name: str) -> dict:
    return load_case(SAMPLE_DIR / f"{name}.toml")


def statuses(case: dict) -> dict[str, str]:
    return {check.key: check.status for check in check_letter(case)}


def find(case: dict, key: str) -> ElementCheck:
    return next(check for check in check_letter(case) if check.key == key)


def test_routine_case_checks_every_element() -> None:
    keys = [
        check.key for check in check_letter(sample("weekly-psychotherapy-proactive"))
    ]
    assert keys == ALWAYS_CHECKED


def test_denial_case_adds_denial_checks() -> None:
    keys = [check.key for check in check_letter(sample("tms-preservice"))]
    assert keys == (
        ALWAYS_CHECKED[:2]
        + ["denial"]
        + ALWAYS_CHECKED[2:14]
        + ["denial_answer"]
        + ALWAYS_CHECKED[14:]
    )


@pytest.mark.parametrize("path", sorted(SAMPLE_DIR.glob("*.toml")), ids=str)
def test_steps_are_wizard_steps(path: Path) -> None:
    assert {check.step for check in check_letter(load_case(path))} <= STEPS


@pytest.mark.parametrize("path", sorted(SAMPLE_DIR.glob("*.toml")), ids=str)
def test_statuses_are_known(path: Path) -> None:
    found = {check.status for check in check_letter(load_case(path))}
    assert found <= {"present", "thin", "missing"}


@pytest.mark.parametrize("path", sorted(SAMPLE_DIR.glob("*.toml")), ids=str)
def test_details_are_sentences(path: Path) -> None:
    details = [check.detail for check in check_letter(load_case(path))]
    starts_well = [d[:1].isupper() or d[:1].isdigit() for d in details]
    assert [d for d, ok in zip(details, starts_well, strict=True) if not ok] == []
    assert [d for d in details if not d.endswith(".")] == []


def test_complete_case_is_present_throughout() -> None:
    found = statuses(load_case(FIXTURES / "letter-complete.toml"))
    assert {key: status for key, status in found.items() if status != "present"} == {}


def test_minimal_case_statuses() -> None:
    assert statuses(MINIMAL) == {
        "recipient": "missing",
        "identifiers": "missing",
        "credentials": "missing",
        "practice": "missing",
        "relationship": "missing",
        "diagnoses": "missing",
        "clinical_picture": "missing",
        "measures": "missing",
        "prior_treatment": "missing",
        "service": "missing",
        "goals": "missing",
        "less_intensive_care": "missing",
        "assessment": "thin",
        "consequences": "missing",
        "standards": "thin",
        "requests": "present",
        "signature": "missing",
        "enclosures": "missing",
    }


def test_residential_sample_statuses() -> None:
    assert statuses(sample("residential-sud-concurrent")) == {
        "recipient": "present",
        "identifiers": "present",
        "denial": "present",
        "credentials": "thin",
        "practice": "present",
        "relationship": "present",
        "diagnoses": "present",
        "clinical_picture": "present",
        "measures": "present",
        "prior_treatment": "present",
        "service": "present",
        "goals": "present",
        "less_intensive_care": "present",
        "assessment": "present",
        "consequences": "present",
        "denial_answer": "thin",
        "standards": "present",
        "requests": "present",
        "signature": "present",
        "enclosures": "missing",
    }


def test_adolescent_sample_statuses() -> None:
    found = statuses(sample("adolescent-eating-disorder-iop"))
    assert found["recipient"] == "thin"
    assert found["practice"] == "thin"
    assert found["relationship"] == "missing"
    assert found["prior_treatment"] == "missing"
    assert found["assessment"] == "thin"
    assert found["signature"] == "thin"


def test_single_measure_is_thin() -> None:
    check = find(sample("tms-preservice"), "measures")
    assert check.status == "thin"
    assert check.detail == (
        "Only one measure; add dated scores that show severity or trend."
    )


def test_two_dated_measures_present() -> None:
    assert find(sample("weekly-psychotherapy-proactive"), "measures").status == (
        "present"
    )


def test_undated_measure_is_thin() -> None:
    case = sample("weekly-psychotherapy-proactive")
    del case["clinical"]["measures"][0]["date"]
    check = find(case, "measures")
    assert check.status == "thin"
    assert check.detail == "Add the score and date for PCL-5."


def test_missing_assessment_names_the_tools() -> None:
    check = find(sample("tms-preservice"), "assessment")
    assert check.status == "thin"
    assert "LOCUS, CALOCUS-CASII, ECSII or The ASAM Criteria" in check.detail


def test_assessment_without_dimensions_is_thin() -> None:
    check = find(sample("adolescent-eating-disorder-iop"), "assessment")
    assert check.detail == ("Add ratings for all 8 CALOCUS-CASII dimensions (0 rated).")


def test_asam_without_edition_is_thin() -> None:
    case = sample("residential-sud-concurrent")
    del case["assessment"]["edition"]
    check = find(case, "assessment")
    assert check.status == "thin"
    assert "edition of The ASAM Criteria" in check.detail


def test_malformed_diagnosis_code_is_thin() -> None:
    case = {"id": "a", "patient": {"name": "A"}}
    case["diagnoses"] = [{"code": "F331", "description": "Depression"}]
    check = find(case, "diagnoses")
    assert check.status == "thin"
    assert "F331" in check.detail


def test_diagnosis_without_description_is_thin() -> None:
    case = {"id": "a", "patient": {"name": "A"}, "diagnoses": [{"code": "F33.1"}]}
    assert find(case, "diagnoses").detail == (
        "Fix these: diagnosis 1 has no description."
    )


def test_service_gaps_listed() -> None:
    check = find(sample("weekly-psychotherapy-proactive"), "service")
    assert (
        check.detail
        == "Add the session or program-day length and the expected duration."
    )


def test_credentials_name_population_experience() -> None:
    check = find(sample("residential-sud-concurrent"), "credentials")
    assert check.detail == (
        "Add a sentence on your experience with patients like this one."
    )


def test_denial_answer_asks_for_direct_answer() -> None:
    check = find(sample("tms-preservice"), "denial_answer")
    assert check.detail.startswith("Answer the stated reason directly")


def test_one_request_turned_off_is_thin() -> None:
    case = sample("tms-preservice")
    case["standards"] = {"request_same_specialty": False}
    check = find(case, "requests")
    assert check.status == "thin"
    assert "a same-specialty reviewer" in check.detail


def test_both_requests_turned_off_is_missing() -> None:
    case = sample("tms-preservice")
    case["standards"] = {"request_criteria": False, "request_same_specialty": False}
    assert find(case, "requests").status == "missing"


def test_signature_without_contact_is_thin() -> None:
    check = find(sample("tms-preservice"), "signature")
    assert check.status == "thin"
    assert check.detail == "Add a phone number, email or address to reach you."


def test_group_number_expected_on_employer_plan() -> None:
    case = sample("residential-sud-concurrent")
    del case["patient"]["group_number"]
    assert find(case, "identifiers").detail == "Add the group number."


def test_group_number_not_expected_on_individual_plan() -> None:
    assert find(sample("tms-preservice"), "identifiers").status == "present"


def test_session_length_not_expected_for_residential() -> None:
    assert expects_session_length(sample("residential-sud-concurrent")) is False


def test_session_length_expected_for_outpatient() -> None:
    assert expects_session_length(sample("weekly-psychotherapy-proactive")) is True


@pytest.mark.parametrize(
    ("born", "minor"),
    [
        (dt.date(2007, 6, 5), False),
        (dt.date(2007, 6, 6), True),
        (dt.date(1990, 1, 1), False),
    ],
)
def test_minor_turns_adult_on_birthday(born: dt.date, minor: bool) -> None:
    case = {"id": "a", "patient": {"name": "A", "date_of_birth": born}}
    assert is_minor(case, dt.date(2025, 6, 5)) is minor


def test_child_tool_counts_as_minor() -> None:
    case = {"id": "a", "patient": {"name": "A"}, "assessment": {"tool": "ECSII"}}
    assert is_minor(case, dt.date(2025, 6, 5)) is True

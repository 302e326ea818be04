"""Tests of case file parsing and validation."""

from pathlib import Path

import pytest

from cmmh_tui.schema import Check, iter_fields
from cmmh_tui.validation import (
    CaseFileError,
    Severity,
    check_text,
    load_case_text,
    npi_check_digit_valid,
    parse_toml,
    validate_case,
)

SAMPLE_CASES = sorted((Path(__file__).parents[2] / "shared" / "cases").glob("*.toml"))


def paths_of(problems):
    return [p.path for p in problems]


@pytest.mark.parametrize("path", SAMPLE_CASES, ids=lambda p: p.stem)
def test_sample_case_loads(path):
    case, warnings = load_case_text(path.read_text(), str(path))
    assert case["id"]
    assert [w for w in warnings if w.severity is Severity.ERROR] == []


def test_sample_cases_present():
    assert len(SAMPLE_CASES) >= 4


def test_minimal_case_is_valid():
    assert validate_case({"id": "a-1", "patient": {"name": "A"}}) == []


def test_missing_id_and_patient_reported():
    problems = validate_case({"title": "x"})
    assert "id" in paths_of(problems)
    assert "patient.name" in paths_of(problems)


def test_syntax_error_names_line():
    data, problems = parse_toml('id = "a"\npatient = {name = \n')
    assert data is None
    assert "line 2" in problems[0].message


def test_wrong_type_names_field_value_and_expectation():
    problems = validate_case(
        {"id": "a", "patient": {"name": "A", "date_of_birth": "1990-01-02"}}
    )
    assert paths_of(problems) == ["patient.date_of_birth"]
    assert "'1990-01-02'" in problems[0].message
    assert "TOML date" in problems[0].message


def test_unknown_enumeration_lists_allowed_values():
    problems = validate_case(
        {"id": "a", "patient": {"name": "A"}, "plan": {"plan_type": "erisa"}}
    )
    assert paths_of(problems) == ["plan.plan_type"]
    assert "'erisa'" in problems[0].message
    assert "erisa_self_funded" in problems[0].message


def test_every_error_reported_not_only_first():
    problems = validate_case(
        {
            "id": "Bad ID",
            "status": "pending-ish",
            "patient": {"name": 5},
            "service": {"urgent": "yes", "review_type": "later"},
            "diagnoses": [{"code": "F3"}, {"code": "F33.1"}, {"description": "x"}],
        }
    )
    assert set(paths_of(problems)) == {
        "id",
        "status",
        "patient.name",
        "service.urgent",
        "service.review_type",
        "diagnoses[0].code",
        "diagnoses[2].code",
    }


def test_malformed_icd_code_reported():
    problems = validate_case(
        {"id": "a", "patient": {"name": "A"}, "diagnoses": [{"code": "F331"}]}
    )
    assert paths_of(problems) == ["diagnoses[0].code"]
    assert "F33.1" in problems[0].message


@pytest.mark.parametrize("code", ["F33.1", "F50.01", "F11.20", "Z63.0", "F43.12"])
def test_well_formed_icd_codes_accepted(code):
    assert check_text(Check.ICD10CM, code) is None


@pytest.mark.parametrize("code", ["33.1", "F3", "F33.12345", "f33-1", "FF3.1"])
def test_malformed_icd_codes_rejected(code):
    assert check_text(Check.ICD10CM, code) is not None


def test_future_format_refused():
    problems = validate_case({"format": 2, "id": "a", "patient": {"name": "A"}})
    assert paths_of(problems) == ["format"]
    assert "newer" in problems[0].message


def test_npi_check_digit():
    assert npi_check_digit_valid("1234567893")
    assert not npi_check_digit_valid("1234567890")


def test_npi_bad_check_digit_is_warning():
    problem = check_text(Check.NPI, "1234567890")
    assert problem is not None
    assert problem.severity is Severity.WARNING


def test_npi_wrong_length_is_error():
    problem = check_text(Check.NPI, "12345")
    assert problem is not None
    assert problem.severity is Severity.ERROR


def test_unknown_keys_accepted():
    case = {
        "id": "a",
        "patient": {"name": "A", "pronouns": "she/her"},
        "extra": {"x": 1},
    }
    assert validate_case(case) == []


def test_load_case_text_raises_with_every_error():
    text = 'id = "a"\nstatus = "nope"\n[patient]\nname = 3\n'
    with pytest.raises(CaseFileError) as raised:
        load_case_text(text, "bad.toml")
    assert len(raised.value.problems) == 2
    assert "bad.toml: status:" in str(raised.value)


def test_array_of_tables_row_type_checked():
    problems = validate_case(
        {"id": "a", "patient": {"name": "A"}, "clinical": {"measures": [{"score": 3}]}}
    )
    assert paths_of(problems) == ["clinical.measures[0].instrument"]


def test_catalog_paths_unique():
    paths = [path for path, _field in iter_fields()]
    assert len(paths) == len(set(paths))


def test_empty_required_text_reported():
    problems = validate_case({"id": "", "patient": {"name": "  "}})
    assert paths_of(problems) == ["id", "patient.name"]
    assert "empty" in problems[0].message


def test_case_id_with_trailing_newline_rejected():
    problems = validate_case({"id": "ok\n", "patient": {"name": "A"}})
    assert "id" in paths_of(problems)


def test_control_character_in_text_rejected():
    problems = validate_case({"id": "a", "patient": {"name": "\x1b]0;title\x07"}})
    assert paths_of(problems) == ["patient.name"]
    assert "U+001B" in problems[0].message


def test_line_break_in_one_line_field_is_warning():
    problems = validate_case({"id": "a", "patient": {"name": "A\nB"}})
    assert len(problems) == 1
    assert problems[0].severity is Severity.WARNING


def test_line_break_in_long_text_accepted():
    case = {"id": "a", "patient": {"name": "A"}, "clinical": {"summary": "x\ny"}}
    assert validate_case(case) == []


def test_non_finite_numbers_rejected_anywhere():
    case = {
        "id": "a",
        "patient": {"name": "A"},
        "clinical": {"measures": [{"instrument": "PHQ-9", "score": float("nan")}]},
        "custom": {"value": float("inf")},
    }
    assert set(paths_of(validate_case(case))) == {
        "clinical.measures[0].score",
        "custom.value",
    }


def test_list_element_type_names_element():
    case = {"id": "a", "patient": {"name": "A"}}
    case["clinician"] = {"board_certifications": ["Psychiatry", 1]}
    problems = validate_case(case)
    assert paths_of(problems) == ["clinician.board_certifications[1]"]
    assert "integer 1" in problems[0].message


def test_deep_nesting_reported_not_raised():
    data, problems = parse_toml("x = " + "[" * 3000 + "1" + "]" * 3000)
    assert data is None
    assert "nested too deeply" in problems[0].message

"""Completeness check of a case against the elements of a medical necessity letter."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from cmmh_tui.level_of_care import tool_for
from cmmh_tui.model import get_path
from cmmh_tui.schema import Check
from cmmh_tui.validation import check_text

PRESENT = "present"
THIN = "thin"
MISSING = "missing"

GROUP_PLAN_TYPES = frozenset(
    {"erisa_self_funded", "erisa_fully_insured", "government", "church"}
)
"""Employer and sponsor plans, whose cards carry a group number."""

STATE_REGULATED_PLAN_TYPES = frozenset({"erisa_fully_insured", "individual_aca"})
"""Plans that a state insurance regulator oversees, unlike self-funded ERISA plans."""

MEDICARE_PLAN_TYPES = frozenset({"medicare", "medicare_advantage"})
"""Medicare coverage, to which the federal parity law (MHPAEA) does not apply."""

ROUND_THE_CLOCK_WORDS = ("residential", "inpatient", "24-hour", "24 hour")
"""Words that mark 24-hour care, where a session length does not apply."""


@dataclass(frozen=True)
class ToolCriteria:
    """A level-of-care tool and the nonprofit professional body that publishes it."""

    tool: str
    publisher: str
    dimension_count: int
    """Number of ratings a complete assessment with the tool has."""
    edition: str = ""

    @property
    def name(self) -> str:
        """Tool name with its edition, such as "The ASAM Criteria, 3rd edition"."""
        if self.tool == "ASAM":
            edition = f", {self.edition} edition" if self.edition else ""
            return f"The ASAM Criteria{edition}"
        return self.tool

    @property
    def publisher_description(self) -> str:
        """Publisher named with the kind of body it is, such as "a nonprofit ..."."""
        if " with " in self.publisher:
            return f"{self.publisher}, nonprofit professional associations"
        return f"{self.publisher}, a nonprofit professional association"


_PUBLISHERS = {
    "LOCUS": "the American Association for Community Psychiatry",
    "CALOCUS-CASII": (
        "the American Academy of Child and Adolescent Psychiatry with the "
        "American Association for Community Psychiatry"
    ),
    "ECSII": "the American Academy of Child and Adolescent Psychiatry",
    "ASAM": "the American Society of Addiction Medicine",
}


@dataclass(frozen=True)
class ElementCheck:
    """Coverage of one letter element by a case, with the wizard step that fills it."""

    key: str
    label: str
    status: str
    """One of "present", "thin" or "missing"."""
    detail: str
    step: str
    """Wizard step that fills the element."""


def _filled(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | dict):
        return bool(value)
    return True


def _text(case: dict, path: str) -> str:
    value = get_path(case, path)
    return value.lower() if isinstance(value, str) else ""


def _rows(case: dict, path: str) -> list[dict]:
    value = get_path(case, path)
    if not isinstance(value, list):
        return []
    return [row for row in value if isinstance(row, dict)]


def has_denial(case: dict) -> bool:
    """Tell whether the case records an adverse determination."""
    return isinstance(case.get("denial"), dict)


def expects_group_number(case: dict) -> bool:
    """Tell whether the plan is a group plan, whose card carries a group number."""
    return get_path(case, "plan.plan_type") in GROUP_PLAN_TYPES


def expects_session_length(case: dict) -> bool:
    """Tell whether the service is given in sessions or program days."""
    words = " ".join(
        _text(case, f"service.{key}")
        for key in ("level_of_care", "frequency", "description")
    )
    return not any(word in words for word in ROUND_THE_CLOCK_WORDS)


def is_minor(case: dict, today: dt.date) -> bool:
    """Tell whether the patient is under 18 or assessed with a child or youth tool."""
    if get_path(case, "assessment.tool") in ("CALOCUS-CASII", "ECSII"):
        return True
    born = get_path(case, "patient.date_of_birth")
    if not isinstance(born, dt.date):
        return False
    had_birthday = (today.month, today.day) >= (born.month, born.day)
    age = today.year - born.year - (0 if had_birthday else 1)
    return age < 18


def parity_law_applies(case: dict) -> bool:
    """Tell whether the letter cites the federal parity law for this plan type."""
    return get_path(case, "plan.plan_type") not in MEDICARE_PLAN_TYPES


def california_law_applies(case: dict) -> bool:
    """Tell whether California SB 855 reaches the plan.

    SB 855 binds plans regulated by the state: a patient living in California
    on a fully insured employer plan or an individual plan. Self-funded
    employer plans, Medicare and federal plans are outside it.
    """
    state = get_path(case, "patient.state")
    if not isinstance(state, str) or state.strip().upper() != "CA":
        return False
    return get_path(case, "plan.plan_type") in STATE_REGULATED_PLAN_TYPES


def tool_criteria(case: dict) -> ToolCriteria | None:
    """Return the level-of-care tool of the assessment, when one is named."""
    tool = get_path(case, "assessment.tool")
    if tool not in _PUBLISHERS:
        return None
    edition = get_path(case, "assessment.edition") if tool == "ASAM" else ""
    edition = edition if isinstance(edition, str) else ""
    # The count of rated rows: LOCUS rates recovery environment stress and support
    # apart (7 rows) and CALOCUS-CASII splits two dimensions the same way (8 rows).
    described = tool_for(tool, edition or None)
    return ToolCriteria(
        tool=tool,
        publisher=_PUBLISHERS[tool],
        dimension_count=len(described.dimensions) if described else 6,
        edition=edition,
    )


def _missing_labels(case: dict, fields: list[tuple[str, str]]) -> list[str]:
    return [label for path, label in fields if not _filled(get_path(case, path))]


def _join(labels: list[str]) -> str:
    if len(labels) == 1:
        return labels[0]
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def _check_fields(
    case: dict,
    key: str,
    label: str,
    step: str,
    fields: list[tuple[str, str]],
    essential: int,
) -> ElementCheck:
    """Check a list of fields, where the first `essential` ones decide missing or thin.

    The element is missing when all essential fields are empty, and thin when any
    field is empty.
    """
    gaps = _missing_labels(case, fields)
    essential_labels = [label for _, label in fields[:essential]]
    if gaps and all(gap in gaps for gap in essential_labels):
        return ElementCheck(key, label, MISSING, f"Add {_join(gaps)}.", step)
    if gaps:
        return ElementCheck(key, label, THIN, f"Add {_join(gaps)}.", step)
    return ElementCheck(key, label, PRESENT, "All fields are filled in.", step)


def _check_recipient(case: dict) -> ElementCheck:
    fields = [
        ("plan.insurer", "the insurer"),
        ("plan.appeals_address", "the appeals or review address"),
    ]
    return _check_fields(
        case, "recipient", "Insurer and address", "patient_plan", fields, 1
    )


def _check_identifiers(case: dict) -> ElementCheck:
    fields = [
        ("patient.member_id", "the member ID"),
        ("patient.date_of_birth", "the patient's date of birth"),
        ("plan.plan_name", "the plan name"),
    ]
    if expects_group_number(case):
        fields.append(("patient.group_number", "the group number"))
    return _check_fields(
        case, "identifiers", "Patient and plan identifiers", "patient_plan", fields, 2
    )


def _check_denial(case: dict) -> ElementCheck:
    fields = [
        ("denial.reason", "the reason the notice gives"),
        ("denial.date", "the date on the notice"),
        ("denial.reference", "the claim or reference number"),
    ]
    return _check_fields(
        case, "denial", "Denial date, reference and reason", "denial", fields, 1
    )


def _check_credentials(case: dict) -> ElementCheck:
    fields = [
        ("clinician.name", "your name"),
        ("clinician.npi", "your NPI"),
        ("clinician.credentials", "your degree and credentials"),
        ("clinician.license", "your license type and number"),
        ("clinician.specialty", "your specialty"),
        ("clinician.years_in_practice", "your years in practice"),
        (
            "clinician.population_experience",
            "a sentence on your experience with patients like this one",
        ),
    ]
    return _check_fields(
        case, "credentials", "Clinician credentials", "clinician", fields, 2
    )


def _check_practice(case: dict) -> ElementCheck:
    fields = [
        ("clinician.practice", "the practice name"),
        (
            "clinician.practice_description",
            "the setting, population treated and modalities",
        ),
    ]
    return _check_fields(case, "practice", "The practice", "clinician", fields, 2)


def _check_relationship(case: dict) -> ElementCheck:
    fields = [
        (
            "clinical.relationship",
            "how long you have treated the patient and when you last evaluated them",
        )
    ]
    return _check_fields(
        case, "relationship", "Relationship to the patient", "clinical", fields, 1
    )


def _check_diagnoses(case: dict) -> ElementCheck:
    key, label, step = "diagnoses", "Diagnoses with ICD-10-CM codes", "diagnoses"
    diagnoses = _rows(case, "diagnoses")
    if not diagnoses:
        detail = "Add every relevant diagnosis with its ICD-10-CM code."
        return ElementCheck(key, label, MISSING, detail, step)
    problems: list[str] = []
    for index, diagnosis in enumerate(diagnoses, start=1):
        code = diagnosis.get("code")
        if not _filled(code):
            problems.append(f"diagnosis {index} has no code")
        elif check_text(Check.ICD10CM, str(code)) is not None:
            problems.append(f"code {code} is not a well-formed ICD-10-CM code")
        if not _filled(diagnosis.get("description")):
            problems.append(f"diagnosis {index} has no description")
    if problems:
        detail = f"Fix these: {_join(problems)}."
        return ElementCheck(key, label, THIN, detail, step)
    count = len(diagnoses)
    noun = "diagnosis" if count == 1 else "diagnoses"
    detail = f"{count} {noun} with codes; list co-occurring conditions too."
    return ElementCheck(key, label, PRESENT, detail, step)


def _check_clinical_picture(case: dict) -> ElementCheck:
    fields = [
        ("clinical.summary", "symptoms, severity and duration"),
        ("clinical.functional_impairment", "functional impairment"),
        ("clinical.risk", "current risk"),
    ]
    return _check_fields(
        case, "clinical_picture", "Clinical picture and risk", "clinical", fields, 3
    )


def _check_measures(case: dict) -> ElementCheck:
    key, label, step = "measures", "Standardized measures", "clinical"
    measures = _rows(case, "clinical.measures")
    if not measures:
        detail = (
            "Add standardized measures (such as PHQ-9, GAD-7, PCL-5 or EDE-Q) "
            "with scores and dates."
        )
        return ElementCheck(key, label, MISSING, detail, step)
    undated = [
        str(measure.get("instrument", "a measure"))
        for measure in measures
        if not _filled(measure.get("score")) or not _filled(measure.get("date"))
    ]
    if undated:
        detail = f"Add the score and date for {_join(undated)}."
        return ElementCheck(key, label, THIN, detail, step)
    if len(measures) == 1:
        detail = "Only one measure; add dated scores that show severity or trend."
        return ElementCheck(key, label, THIN, detail, step)
    detail = f"{len(measures)} dated scores."
    return ElementCheck(key, label, PRESENT, detail, step)


def _check_prior_treatment(case: dict) -> ElementCheck:
    key, label, step = "prior_treatment", "Prior treatment and response", "clinical"
    treatments = _rows(case, "clinical.prior_treatment")
    if not treatments:
        detail = (
            "Add earlier medications with dose and duration, therapies, levels of "
            "care and hospitalizations, with the response to each."
        )
        return ElementCheck(key, label, MISSING, detail, step)
    incomplete = [
        str(row.get("treatment", "a treatment"))
        for row in treatments
        if not _filled(row.get("response")) or not _filled(row.get("dates"))
    ]
    if incomplete:
        detail = f"Add the dates and response for {_join(incomplete)}."
        return ElementCheck(key, label, THIN, detail, step)
    count = len(treatments)
    noun = "treatment" if count == 1 else "treatments"
    detail = f"{count} earlier {noun} with dates and response."
    return ElementCheck(key, label, PRESENT, detail, step)


def _check_service(case: dict) -> ElementCheck:
    fields = [
        ("service.description", "what the treatment is"),
        ("service.codes", "the CPT or HCPCS codes"),
        ("service.level_of_care", "the level of care"),
        ("service.frequency", "the frequency"),
        ("service.start", "the start date"),
    ]
    if expects_session_length(case):
        fields.append(("service.session_length", "the session or program-day length"))
    if not _filled(get_path(case, "service.requested_through")):
        fields.append(("service.expected_duration", "the expected duration"))
    return _check_fields(case, "service", "Requested treatment", "service", fields, 2)


def _check_goals(case: dict) -> ElementCheck:
    fields = [("clinical.goals", "measurable treatment goals")]
    return _check_fields(case, "goals", "Treatment goals", "clinical", fields, 1)


def _check_less_intensive_care(case: dict) -> ElementCheck:
    fields = [
        (
            "clinical.why_lower_levels_fail",
            "why a less intensive level of care is not safe and effective",
        )
    ]
    return _check_fields(
        case,
        "less_intensive_care",
        "Why less intensive care fails",
        "clinical",
        fields,
        1,
    )


def _check_assessment(case: dict) -> ElementCheck:
    key, label, step = "assessment", "Level-of-care assessment", "assessment"
    criteria = tool_criteria(case)
    if criteria is None:
        detail = (
            "No level-of-care tool is named; rate the dimensions of LOCUS, "
            "CALOCUS-CASII, ECSII or The ASAM Criteria to argue the level."
        )
        return ElementCheck(key, label, THIN, detail, step)
    gaps: list[str] = []
    if criteria.tool == "ASAM" and not criteria.edition:
        gaps.append("the edition of The ASAM Criteria")
    if not _filled(get_path(case, "assessment.recommended_level")):
        gaps.append("the level the tool recommends")
    rated = [
        row
        for row in _rows(case, "assessment.dimensions")
        if _filled(row.get("rating"))
    ]
    if len(rated) < criteria.dimension_count:
        gaps.append(
            f"ratings for all {criteria.dimension_count} {criteria.tool} dimensions "
            f"({len(rated)} rated)"
        )
    if gaps:
        return ElementCheck(key, label, THIN, f"Add {_join(gaps)}.", step)
    detail = f"{criteria.tool} ratings for {len(rated)} dimensions."
    return ElementCheck(key, label, PRESENT, detail, step)


def _check_consequences(case: dict) -> ElementCheck:
    fields = [
        ("clinical.consequences_of_denial", "the expected consequences of a denial")
    ]
    return _check_fields(
        case, "consequences", "Consequences of denial", "clinical", fields, 1
    )


def _check_denial_answer(case: dict) -> ElementCheck:
    key, label, step = "denial_answer", "Answer to the denial reason", "clinical"
    if _filled(get_path(case, "clinical.denial_response")):
        detail = "The letter answers the stated reason in your words."
        return ElementCheck(key, label, PRESENT, detail, step)
    detail = (
        "Answer the stated reason directly; until then the letter builds a reply "
        "from the level-of-care argument."
    )
    return ElementCheck(key, label, THIN, detail, step)


def _check_standards(case: dict) -> ElementCheck:
    key, label, step = "standards", "Standards relied on", "standards"
    named = tool_criteria(case) is not None
    named = named or _filled(get_path(case, "standards.additional"))
    named = named or _filled(get_path(case, "standards.state_law"))
    if not named:
        detail = (
            "Only general standards of care are cited; name the professional "
            "criteria or practice guidelines you rely on."
        )
        return ElementCheck(key, label, THIN, detail, step)
    detail = "Standards of care, professional criteria and applicable law are cited."
    return ElementCheck(key, label, PRESENT, detail, step)


def _check_requests(case: dict) -> ElementCheck:
    key, label, step = "requests", "Requests to the plan", "standards"
    asks_criteria = get_path(case, "standards.request_criteria", True) is not False
    asks_peer = get_path(case, "standards.request_same_specialty", True) is not False
    if asks_criteria and asks_peer:
        detail = "The letter asks for the criteria used and a same-specialty reviewer."
        return ElementCheck(key, label, PRESENT, detail, step)
    if asks_criteria or asks_peer:
        left_out = "a same-specialty reviewer" if asks_criteria else "the criteria used"
        detail = f"The letter does not ask for {left_out}; turn that request on."
        return ElementCheck(key, label, THIN, detail, step)
    detail = (
        "The letter asks for neither the criteria used nor a same-specialty "
        "reviewer; turn both requests on."
    )
    return ElementCheck(key, label, MISSING, detail, step)


def _check_signature(case: dict) -> ElementCheck:
    key, label, step = "signature", "Signature block", "clinician"
    fields = [
        ("clinician.name", "your name"),
        ("clinician.credentials", "your credentials"),
        ("clinician.license", "your license"),
        ("clinician.npi", "your NPI"),
        ("clinician.practice", "your practice"),
    ]
    gaps = _missing_labels(case, fields)
    contact = ("clinician.phone", "clinician.email", "clinician.address")
    if not any(_filled(get_path(case, path)) for path in contact):
        gaps.append("a phone number, email or address to reach you")
    if not _filled(get_path(case, "clinician.name")):
        return ElementCheck(key, label, MISSING, f"Add {_join(gaps)}.", step)
    if gaps:
        return ElementCheck(key, label, THIN, f"Add {_join(gaps)}.", step)
    return ElementCheck(key, label, PRESENT, "All fields are filled in.", step)


def _check_enclosures(case: dict) -> ElementCheck:
    key, label, step = "enclosures", "Enclosures", "standards"
    enclosures = get_path(case, "standards.enclosures")
    if not _filled(enclosures):
        detail = (
            "No enclosures are listed; list the records, rating scales and "
            "assessments you send with the letter."
        )
        return ElementCheck(key, label, MISSING, detail, step)
    count = len(enclosures)
    noun = "enclosure" if count == 1 else "enclosures"
    return ElementCheck(key, label, PRESENT, f"{count} {noun} listed.", step)


def check_letter(case: dict) -> list[ElementCheck]:
    """Check every element of a medical necessity letter, in letter order.

    The denial checks appear only for a case with a denial table.
    """
    checks = [_check_recipient(case), _check_identifiers(case)]
    if has_denial(case):
        checks.append(_check_denial(case))
    checks += [
        _check_credentials(case),
        _check_practice(case),
        _check_relationship(case),
        _check_diagnoses(case),
        _check_clinical_picture(case),
        _check_measures(case),
        _check_prior_treatment(case),
        _check_service(case),
        _check_goals(case),
        _check_less_intensive_care(case),
        _check_assessment(case),
        _check_consequences(case),
    ]
    if has_denial(case):
        checks.append(_check_denial_answer(case))
    checks += [
        _check_standards(case),
        _check_requests(case),
        _check_signature(case),
        _check_enclosures(case),
    ]
    return checks

"""Reviewer-facing guidance and F1 help text for each step of the letter wizard."""

from __future__ import annotations

from dataclasses import dataclass

from cmmh_tui.schema import field_at


@dataclass(frozen=True)
class Guidance:
    """Advice on one part of the letter, seen from the insurer's reviewer."""

    step: str
    title: str
    looks_for: str
    strong: str
    source: str


LEGAL_NOTE = (
    "This is general information, not legal advice. The plan document and the "
    "denial notice control, and state law may give the patient more time or more "
    "rights."
)

_LETTER_SOURCE = (
    "Feldman, DeBofsky, Plakun and Potts, Providing a Routine Medical Necessity "
    "Letter to Improve Access to Care for Our Patients, J Psychiatr Pract "
    "2021;27(4):288-295; CoverMyMentalHealth.org clinician resources."
)

GUIDANCE: dict[str, Guidance] = {
    "patient_plan": Guidance(
        step="patient_plan",
        title="Patient and plan",
        looks_for=(
            "The reviewer first matches the letter to a member and a request: "
            "patient name, date of birth, member ID, group number, plan name, and "
            "the claim, authorization or reference number. A letter that cannot "
            "be matched is delayed or filed against the wrong request."
        ),
        strong=(
            "Copy identifiers exactly as they appear on the insurance card and the "
            "denial notice. Name the utilization review company when the insurer "
            "delegates review, because that company reads the letter. Record the "
            "plan type even as not known yet, and find out: it decides which "
            "appeal rules, deadlines and regulator apply."
        ),
        source=_LETTER_SOURCE,
    ),
    "clinician": Guidance(
        step="clinician",
        title="Treating clinician",
        looks_for=(
            "Whether the person vouching for the treatment is qualified to judge "
            "it: license, board certifications, specialty, NPI, years in practice, "
            "experience with this population, and how well they know the patient."
        ),
        strong=(
            "Give credentials concretely: license type, state and number, boards "
            "held, years in practice and the setting and population of the "
            "practice. Say how long you have treated the patient and when you last "
            "evaluated them. A clear specialty also supports the later request "
            "that a reviewer of the same specialty decide the case."
        ),
        source=_LETTER_SOURCE,
    ),
    "diagnoses": Guidance(
        step="diagnoses",
        title="Diagnoses",
        looks_for=(
            "Which conditions the care treats, each with an ICD-10-CM code, and "
            "whether each is a covered condition under the plan."
        ),
        strong=(
            "List every relevant diagnosis with a billable ICD-10-CM code, "
            "co-occurring conditions included, and mark the primary one. Insurers "
            "sometimes exclude one diagnosis but cover another, so leaving out a "
            "co-occurring diagnosis can give up coverage the patient has. Use the "
            "codes that are on the claim, and check them against the current code "
            "set."
        ),
        source=(
            _LETTER_SOURCE + " Codes: ICD-10-CM, published by CDC's National "
            "Center for Health Statistics."
        ),
    ),
    "service": Guidance(
        step="service",
        title="Requested service",
        looks_for=(
            "Exactly what is requested: level of care and setting, CPT or HCPCS "
            "codes, frequency, session length, expected duration, dates, and the "
            "type of review the request is under."
        ),
        strong=(
            "Make the codes, units and dates match the authorization request or "
            "claim. Tie the expected duration to measurable goals instead of "
            "asking open-ended. Mark an urgent request as urgent: under the ERISA "
            "claims rule a claim involving urgent care must be decided within 72 "
            "hours."
        ),
        source=_LETTER_SOURCE
        + " Urgent claims: 29 CFR 2560.503-1(f)(2)(i), for employer plans. "
        + LEGAL_NOTE,
    ),
    "denial": Guidance(
        step="denial",
        title="The denial",
        looks_for=(
            "Whether the letter answers the reason the notice gives. For employer "
            "plans the notice itself must state the specific reason, the plan "
            "provision it rests on, the internal criteria relied on or that they "
            "are free on request, the clinical judgment behind a medical "
            "necessity denial, and the review procedures with their deadlines."
        ),
        strong=(
            "Quote the stated reason and answer it directly with clinical facts. "
            "A notice that only says the care does not meet criteria, without "
            "naming the criterion, is missing a required element: point that out "
            "and ask for it. Record the date on the notice, the dates it was sent "
            "and received, the reference number, the criteria cited and any "
            "peer-to-peer window the insurer states."
        ),
        source=(
            "29 CFR 2560.503-1(g)(1), the ERISA claims procedure for employer "
            "plans; other plan types follow their own rules. " + LEGAL_NOTE
        ),
    ),
    "clinical": Guidance(
        step="clinical",
        title="Clinical picture",
        looks_for=(
            "Evidence that the care is needed now: symptoms with severity and "
            "duration, standardized scores, functional impairment, risk, and how "
            "earlier treatment worked."
        ),
        strong=(
            "Give dated scores on standard measures such as PHQ-9, GAD-7, C-SSRS, "
            "PCL-5, Y-BOCS, AUDIT or EDE-Q, and repeat them to show the course. "
            "Describe impairment concretely at work, school, home and in "
            "self-care, and name each risk: self-harm, violence, medical "
            "instability, withdrawal. List earlier medications with dose and "
            "duration, therapies and levels of care, with the response to each. "
            "Say why a less intensive level is not safe and effective and what is "
            "expected if the care is denied. Draw on the record, not on "
            "psychotherapy notes, which insurers generally do not need."
        ),
        source=_LETTER_SOURCE
        + " Psychotherapy notes need their own authorization: 45 CFR "
        "164.508(a)(2).",
    ),
    "assessment": Guidance(
        step="assessment",
        title="Level-of-care assessment",
        looks_for=(
            "Whether the requested level follows from a multidimensional "
            "assessment with a recognized tool, and which dimensions make a less "
            "intensive level unsafe."
        ),
        strong=(
            "Name the tool and edition: LOCUS for adults, CALOCUS-CASII for ages 6 "
            "to 18, ECSII for ages 0 to 5, the ASAM Criteria for substance use. "
            "Date the assessment and argue dimension by dimension, giving each "
            "rating with the clinical facts behind it, then show how the ratings "
            "lead to the recommended level. When the denial says the patient can "
            "be treated at a lower level, the dimension that drives the placement, "
            "such as relapse potential or recovery environment, is the answer."
        ),
        source=(
            "Tool publishers: American Association for Community Psychiatry "
            "(LOCUS), AACAP with AACP (CALOCUS-CASII), AACAP (ECSII), American "
            "Society of Addiction Medicine (ASAM Criteria). " + _LETTER_SOURCE
        ),
    ),
    "standards": Guidance(
        step="standards",
        title="Standards and requests",
        looks_for=(
            "Which standard the decision should be measured against, and whether "
            "the insurer's own criteria are consistent with it."
        ),
        strong=(
            "Rely on generally accepted standards of care and on the criteria of "
            "the relevant nonprofit professional association, such as LOCUS, "
            "CALOCUS-CASII, ECSII or ASAM. Cite the federal parity law, MHPAEA, "
            "and state law where it applies: in California, SB 855 requires "
            "state-regulated plans to decide mental health and substance use "
            "necessity by those standards and criteria. Whether a state law "
            "reaches a self-funded employer plan is doubtful, so check this for "
            "the plan at hand. Ask for the criteria the insurer applied, which "
            "MHPAEA lets patients and their providers request, and ask that a "
            "reviewer of the same specialty decide. The principles of Wit v. "
            "United Behavioral Health can be cited as clinical consensus, but not "
            "as binding law."
        ),
        source=(
            "MHPAEA disclosure: 29 CFR 2590.712(d) and 45 CFR 146.136(d). "
            "California SB 855 (2020): Health and Safety Code 1374.721, Insurance "
            "Code 10144.52. Wit v. United Behavioral Health, N.D. Cal. No. "
            "14-cv-02346, findings of 2019, reversed by the Ninth Circuit in 2022. "
            + LEGAL_NOTE
        ),
    ),
    "review": Guidance(
        step="review",
        title="Review and send",
        looks_for=(
            "A complete, consistent letter that can be read in a few minutes: "
            "identifiers that match the request, a clear request, the denial "
            "reason answered, and enclosures that back what the letter claims."
        ),
        strong=(
            "Check that dates, codes and the requested level agree across the "
            "letter, that every score has a date, and that each listed enclosure "
            "is attached. Send it in time: for employer plans an internal appeal "
            "may be filed up to 180 days after the denial is received, but the "
            "deadline in the notice is the one to meet. A complaint never "
            "replaces a timely appeal. Keep a copy and a record of how and when "
            "the letter was sent."
        ),
        source=(
            "Appeal window: 29 CFR 2560.503-1(h)(3)(i), for employer plans. "
            "Complaints alongside appeals: CoverMyMentalHealth.org. " + LEGAL_NOTE
        ),
    ),
}
"""Guidance by wizard step, in the order the steps appear."""

STEP_FIELDS: dict[str, tuple[str, ...]] = {
    "patient_plan": (
        "patient.name",
        "patient.date_of_birth",
        "patient.member_id",
        "patient.group_number",
        "patient.state",
        "patient.guardian",
        "plan.insurer",
        "plan.plan_name",
        "plan.plan_type",
        "plan.utilization_review",
        "plan.appeals_address",
        "plan.appeals_fax",
        "plan.um_phone",
    ),
    "clinician": (
        "clinician.name",
        "clinician.credentials",
        "clinician.specialty",
        "clinician.board_certifications",
        "clinician.license",
        "clinician.npi",
        "clinician.practice",
        "clinician.practice_description",
        "clinician.years_in_practice",
        "clinician.population_experience",
        "clinician.phone",
        "clinician.fax",
        "clinician.email",
        "clinician.address",
    ),
    "diagnoses": (
        "diagnoses.code",
        "diagnoses.description",
        "diagnoses.primary",
    ),
    "service": (
        "service.description",
        "service.level_of_care",
        "service.codes",
        "service.frequency",
        "service.session_length",
        "service.expected_duration",
        "service.start",
        "service.requested_through",
        "service.review_type",
        "service.urgent",
    ),
    "denial": (
        "denial.date",
        "denial.received",
        "denial.sent",
        "denial.reference",
        "denial.reason",
        "denial.criteria_cited",
        "denial.reviewer",
        "denial.p2p_window",
        "denial.final_internal",
    ),
    "clinical": (
        "clinical.relationship",
        "clinical.summary",
        "clinical.functional_impairment",
        "clinical.risk",
        "clinical.measures",
        "clinical.prior_treatment",
        "clinical.why_lower_levels_fail",
        "clinical.consequences_of_denial",
        "clinical.goals",
        "clinical.denial_response",
    ),
    "assessment": (
        "assessment.tool",
        "assessment.edition",
        "assessment.recommended_level",
        "assessment.date",
        "assessment.dimensions",
    ),
    "standards": (
        "standards.state_law",
        "standards.additional",
        "standards.request_criteria",
        "standards.request_same_specialty",
        "standards.enclosures",
    ),
    "review": (),
}
"""Dotted case-file paths of the fields each wizard step edits."""

_STEP_INTROS = {
    "patient_plan": "Who the patient is and which plan is paying. The letter's "
    "header is built from these fields.",
    "clinician": "The clinician who signs the letter, and the practice.",
    "diagnoses": "One row per diagnosis. An ICD-10-CM code is billable only when "
    "no more specific code exists below it.",
    "service": "The treatment requested or under review.",
    "denial": "The adverse benefit determination, copied from the notice. Leave "
    "this step empty for a letter written before any denial.",
    "clinical": "The clinical case for the treatment. Measures and prior treatment "
    "take one row each.",
    "assessment": "A level-of-care assessment with a published tool. Pick the tool "
    "first; the dimensions and levels follow from it.",
    "standards": "The standards the letter relies on and what it asks the insurer for.",
    "review": "The letter assembled from the earlier steps, to read before it is "
    "exported. Go back to any step to change what it says.",
}

_FIELD_PURPOSES = {
    "patient.name": "Full name, as on the insurance card.",
    "clinician.name": "Full name, as it will appear above the signature.",
    "clinician.specialty": "Specialty; it backs a request for a reviewer of the "
    "same specialty.",
    "clinician.board_certifications": "Board certifications held; they show the "
    "standing to judge this treatment.",
    "clinician.years_in_practice": "Years in practice, as a whole number.",
    "clinician.phone": "Telephone number for the letterhead and for call-backs.",
    "clinician.fax": "Fax number for the letterhead; many insurers reply by fax.",
    "clinician.email": "Email address for the letterhead.",
    "clinician.address": "Postal address for the letterhead.",
}
"""Help wording for fields whose catalog description only repeats the label."""

# Textual's default focus and selection keys. The wizard's help screen lists the
# wizard's own keys, such as step changes and saving, after this text.
_KEYS = (
    "Keys:\n"
    "Tab and Shift+Tab move between fields.\n"
    "In a list of choices, the arrow keys move and Enter selects.\n"
    "F1 shows this help."
)


def _step_help(step: str) -> str:
    lines = [_STEP_INTROS[step], ""]
    for path in STEP_FIELDS[step]:
        field = field_at(path)
        if field is not None:
            purpose = _FIELD_PURPOSES.get(path, field.doc)
            lines.append(f"{field.title}: {purpose}")
    if STEP_FIELDS[step]:
        lines.append("")
    lines.append(_KEYS)
    return "\n".join(lines)


STEP_HELP: dict[str, str] = {step: _step_help(step) for step in GUIDANCE}
"""F1 help text by wizard step: what each field is for and the keys that work."""

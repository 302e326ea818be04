"""Field catalog of the case file format, version 1.

One declaration per field feeds validation, the format documentation and the
editing screens, so the three cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

FORMAT_VERSION = 1
"""The newest case file format this version of cmmh reads and writes."""


class Kind(StrEnum):
    """Value type of a field, as it appears in TOML."""

    TEXT = "string"
    LONG_TEXT = "string (multi-line)"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    DATE = "date"
    DATETIME = "date-time"
    TEXT_LIST = "array of strings"
    CHOICE = "string, one of"
    TABLE = "table"
    TABLE_ARRAY = "array of tables"


class Check(StrEnum):
    """Extra format check applied to a text field."""

    ICD10CM = "icd10cm"
    NPI = "npi"
    CASE_ID = "case_id"
    STATE = "state"


@dataclass(frozen=True)
class Field:
    """One field of the case file: its TOML key, type and meaning."""

    key: str
    kind: Kind
    doc: str
    label: str = ""
    choices: tuple[str, ...] = ()
    children: tuple[Field, ...] = ()
    required: bool = False
    check: Check | None = None
    added_by_app: bool = False

    @property
    def title(self) -> str:
        """Human label for screens and error messages."""
        return self.label or self.key.replace("_", " ").capitalize()

    def child(self, key: str) -> Field | None:
        """Return the declared child field named `key`, if any."""
        for child in self.children:
            if child.key == key:
                return child
        return None


def _table(key: str, doc: str, *children: Field, **options) -> Field:
    return Field(key, Kind.TABLE, doc, children=children, **options)


def _array(key: str, doc: str, *children: Field, **options) -> Field:
    return Field(key, Kind.TABLE_ARRAY, doc, children=children, **options)


PLAN_TYPES = (
    "erisa_self_funded",
    "erisa_fully_insured",
    "individual_aca",
    "medicaid_managed_care",
    "medicare_advantage",
    "medicare",
    "government",
    "church",
    "fehbp",
    "other",
    "unknown",
)
"""Plan types; they decide which appeal rules and regulator apply."""

PLAN_TYPE_LABELS = {
    "erisa_self_funded": "Employer plan, self-funded (ERISA)",
    "erisa_fully_insured": "Employer plan, fully insured",
    "individual_aca": "Individual or ACA marketplace plan",
    "medicaid_managed_care": "Medicaid managed care",
    "medicare_advantage": "Medicare Advantage",
    "medicare": "Original Medicare",
    "government": "Government employer plan (non-federal)",
    "church": "Church plan",
    "fehbp": "Federal employees plan (FEHBP)",
    "other": "Other",
    "unknown": "Not known yet",
}

REVIEW_TYPES = (
    "pre_service",
    "concurrent",
    "post_service",
    "retrospective",
    "appeal",
)
"""Utilization review types a service can be under."""

REVIEW_TYPE_LABELS = {
    "pre_service": "Prior authorization (pre-service)",
    "concurrent": "Concurrent review (care under way)",
    "post_service": "Post-service (claim after care)",
    "retrospective": "Retrospective review",
    "appeal": "Appeal stage",
}

CASE_STATUSES = ("draft", "open", "waiting", "won", "partial", "lost", "closed")
"""Case status values, from draft to closed."""

ASSESSMENT_TOOLS = ("LOCUS", "CALOCUS-CASII", "ECSII", "ASAM")
ASAM_EDITIONS = ("3rd", "4th")

P2P_OUTCOMES = ("approved", "partial", "denied", "pending", "no_call")
CONTACT_CHANNELS = ("phone", "fax", "mail", "email", "portal", "in_person")
SENT_VIA = ("fax", "mail", "email", "portal", "hand", "not_sent")
REPRESENTATIVE_SCOPES = (
    "speak_with_insurer",
    "receive_notices",
    "request_records",
    "file_complaints",
    "file_appeals",
    "request_external_review",
)

US_STATES = frozenset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO "
    "MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY "
    "PR VI GU AS MP".split()
)

_PERSON_CONTACT = (
    Field("phone", Kind.TEXT, "Telephone number."),
    Field("fax", Kind.TEXT, "Fax number."),
    Field("email", Kind.TEXT, "Email address."),
    Field("address", Kind.LONG_TEXT, "Postal address."),
)

PATIENT = _table(
    "patient",
    "The patient the case is about.",
    Field("name", Kind.TEXT, "Full name.", required=True),
    Field("date_of_birth", Kind.DATE, "Date of birth."),
    Field(
        "state",
        Kind.TEXT,
        "Two-letter US state or territory where the patient lives; state law "
        "on appeals and parity may apply.",
        check=Check.STATE,
    ),
    Field("member_id", Kind.TEXT, "Insurance member or subscriber ID.", "Member ID"),
    Field("group_number", Kind.TEXT, "Group number on the insurance card."),
    Field(
        "guardian",
        Kind.TEXT,
        "Parent or legal guardian, with relationship, when the patient is a minor "
        "or has a guardian.",
    ),
    *_PERSON_CONTACT,
    required=True,
)

PLAN = _table(
    "plan",
    "The health plan and whoever reviews its behavioral health claims.",
    Field("insurer", Kind.TEXT, "Insurance company or plan sponsor."),
    Field("plan_name", Kind.TEXT, "Name of the plan or product."),
    Field(
        "plan_type",
        Kind.CHOICE,
        "How the plan is funded and regulated; it decides the appeal rules "
        "and where to complain.",
        choices=PLAN_TYPES,
    ),
    Field(
        "utilization_review",
        Kind.TEXT,
        "Utilization review or behavioral health management company, when the "
        "insurer delegates review.",
        "Utilization review entity",
    ),
    Field("appeals_address", Kind.LONG_TEXT, "Postal address for appeals."),
    Field("appeals_fax", Kind.TEXT, "Fax number for appeals."),
    Field("um_phone", Kind.TEXT, "Utilization management telephone line.", "UM phone"),
    Field("provider_phone", Kind.TEXT, "Provider services telephone line."),
    Field("member_phone", Kind.TEXT, "Member services telephone line."),
)

CLINICIAN = _table(
    "clinician",
    "The treating clinician who signs the letter.",
    Field("name", Kind.TEXT, "Full name."),
    Field("credentials", Kind.TEXT, "Degree and credentials, such as MD or PhD."),
    Field("specialty", Kind.TEXT, "Specialty."),
    Field("board_certifications", Kind.TEXT_LIST, "Board certifications held."),
    Field("license", Kind.TEXT, "License type, state and number.", "License"),
    Field(
        "npi",
        Kind.TEXT,
        "10-digit National Provider Identifier.",
        "NPI",
        check=Check.NPI,
    ),
    Field("practice", Kind.TEXT, "Practice or program name."),
    Field(
        "practice_description",
        Kind.LONG_TEXT,
        "Setting, population treated and modalities of the practice.",
    ),
    Field("years_in_practice", Kind.INTEGER, "Years in practice."),
    Field(
        "population_experience",
        Kind.LONG_TEXT,
        "Experience treating patients like this one.",
    ),
    *_PERSON_CONTACT,
)

DIAGNOSES = _array(
    "diagnoses",
    "Every relevant diagnosis, co-occurring conditions included.",
    Field(
        "code",
        Kind.TEXT,
        "ICD-10-CM code, such as F33.1.",
        "ICD-10-CM code",
        required=True,
        check=Check.ICD10CM,
    ),
    Field("description", Kind.TEXT, "Diagnosis as worded in the record."),
    Field("primary", Kind.BOOLEAN, "Whether this is the primary diagnosis."),
)

SERVICE = _table(
    "service",
    "The treatment requested or under review.",
    Field("description", Kind.LONG_TEXT, "What the treatment is."),
    Field("level_of_care", Kind.TEXT, "Level of care and setting."),
    Field("codes", Kind.TEXT_LIST, "CPT or HCPCS codes.", "CPT/HCPCS codes"),
    Field("frequency", Kind.TEXT, "How often, such as weekly."),
    Field("session_length", Kind.TEXT, "Length of each session or day."),
    Field("expected_duration", Kind.TEXT, "How long treatment is expected to last."),
    Field("start", Kind.DATE, "Start date, requested or actual."),
    Field("requested_through", Kind.DATE, "Last date of the period requested."),
    Field(
        "review_type", Kind.CHOICE, "Type of utilization review.", choices=REVIEW_TYPES
    ),
    Field("urgent", Kind.BOOLEAN, "Whether the request is urgent (expedited)."),
)

DENIAL = _table(
    "denial",
    "The adverse benefit determination, when there is one.",
    Field("date", Kind.DATE, "Date printed on the denial notice."),
    Field("received", Kind.DATE, "Date the notice was received."),
    Field("sent", Kind.DATE, "Date the notice was sent, when it differs."),
    Field("reference", Kind.TEXT, "Claim, authorization or reference number."),
    Field("reason", Kind.LONG_TEXT, "The reason the notice gives."),
    Field("criteria_cited", Kind.TEXT, "Criteria or guideline the insurer cited."),
    Field("reviewer", Kind.TEXT, "Who made the determination, as far as known."),
    Field(
        "p2p_window",
        Kind.TEXT,
        "Peer-to-peer window the insurer states.",
        "Peer-to-peer window",
    ),
    Field(
        "final_internal",
        Kind.BOOLEAN,
        "Whether this is the final internal adverse determination.",
    ),
)

MEASURES = _array(
    "measures",
    "Standardized measures with scores and dates.",
    Field("instrument", Kind.TEXT, "Instrument, such as PHQ-9.", required=True),
    Field("score", Kind.NUMBER, "Score."),
    Field("date", Kind.DATE, "Date administered."),
    Field("note", Kind.TEXT, "What the score means here."),
)

PRIOR_TREATMENT = _array(
    "prior_treatment",
    "Earlier treatment and how the patient responded.",
    Field(
        "treatment",
        Kind.TEXT,
        "Medication with dose, therapy, or level of care.",
        required=True,
    ),
    Field("dates", Kind.TEXT, "When, such as 2024-03 to 2024-06."),
    Field("response", Kind.LONG_TEXT, "Response, side effects, why it ended."),
)

CLINICAL = _table(
    "clinical",
    "The clinical picture the letter argues from.",
    Field(
        "relationship",
        Kind.LONG_TEXT,
        "How long the clinician has treated the patient and when last evaluated.",
        "Relationship to patient",
    ),
    Field("summary", Kind.LONG_TEXT, "Symptoms, severity and duration."),
    Field(
        "functional_impairment",
        Kind.LONG_TEXT,
        "Impairment at work, school, home and in self-care.",
    ),
    Field(
        "risk",
        Kind.LONG_TEXT,
        "Risk of self-harm, violence, medical instability or withdrawal.",
    ),
    Field(
        "why_lower_levels_fail",
        Kind.LONG_TEXT,
        "Why a less intensive level of care is not safe and effective.",
        "Why less intensive care fails",
    ),
    Field(
        "consequences_of_denial",
        Kind.LONG_TEXT,
        "Expected consequences if the care is denied.",
    ),
    Field("goals", Kind.LONG_TEXT, "Measurable treatment goals."),
    Field(
        "denial_response",
        Kind.LONG_TEXT,
        "The clinician's answer to the reason the insurer gave.",
        "Answer to the denial reason",
    ),
    MEASURES,
    PRIOR_TREATMENT,
)

DIMENSIONS = _array(
    "dimensions",
    "One rating per dimension of the chosen tool.",
    Field("name", Kind.TEXT, "Dimension name.", required=True),
    Field("rating", Kind.NUMBER, "Rating on the tool's scale."),
    Field("rationale", Kind.LONG_TEXT, "Why this rating."),
)

ASSESSMENT = _table(
    "assessment",
    "Level-of-care assessment with a published tool.",
    Field("tool", Kind.CHOICE, "Level-of-care tool.", choices=ASSESSMENT_TOOLS),
    Field("edition", Kind.CHOICE, "ASAM Criteria edition.", choices=ASAM_EDITIONS),
    Field("recommended_level", Kind.TEXT, "Level the tool recommends."),
    Field("date", Kind.DATE, "Date of the assessment."),
    DIMENSIONS,
)

STANDARDS = _table(
    "standards",
    "Standards relied on and requests made in the letter.",
    Field(
        "state_law",
        Kind.LONG_TEXT,
        "State law on medical necessity or parity the clinician relies on.",
    ),
    Field("additional", Kind.LONG_TEXT, "Other guidelines or literature relied on."),
    Field(
        "request_criteria", Kind.BOOLEAN, "Ask for the criteria used (default true)."
    ),
    Field(
        "request_same_specialty",
        Kind.BOOLEAN,
        "Ask for a same-specialty reviewer (default true).",
    ),
    Field("enclosures", Kind.TEXT_LIST, "Documents enclosed with the letter."),
)

_HOLDS = _array(
    "holds",
    "Periods on hold during the call.",
    Field("start", Kind.DATETIME, "When the hold started.", required=True),
    Field("end", Kind.DATETIME, "When the hold ended; absent while on hold."),
)

_NOTES = _array(
    "notes",
    "Time-stamped notes taken during the call.",
    Field("at", Kind.DATETIME, "When the note was taken.", required=True),
    Field("text", Kind.LONG_TEXT, "The note.", required=True),
)

_REVIEWER = _table(
    "reviewer",
    "The insurer's reviewing clinician.",
    Field("name", Kind.TEXT, "Name."),
    Field("credentials", Kind.TEXT, "Credentials, such as MD, DO, PhD or RN."),
    Field("specialty", Kind.TEXT, "Specialty."),
    Field("board_certified", Kind.BOOLEAN, "Whether board certified."),
    Field("license_state", Kind.TEXT, "State of licensure."),
)

PEER_TO_PEER = _array(
    "peer_to_peer",
    "Peer-to-peer review calls with the insurer's reviewer.",
    Field("requested", Kind.DATETIME, "When the call was requested."),
    Field("deadline", Kind.DATETIME, "Payer's deadline for the call."),
    Field("started", Kind.DATETIME, "When the call started."),
    Field("connected", Kind.DATETIME, "When the reviewer came on the line."),
    Field("ended", Kind.DATETIME, "When the call ended."),
    Field("reference", Kind.TEXT, "Reference number for the call."),
    _REVIEWER,
    Field("criteria_set", Kind.TEXT, "Criteria set the reviewer applied."),
    Field("criteria_edition", Kind.TEXT, "Edition of that criteria set."),
    Field("criteria_public", Kind.BOOLEAN, "Whether the criteria are public."),
    Field("criteria_copy_requested", Kind.BOOLEAN, "Whether a copy was requested."),
    Field("unmet_criterion", Kind.LONG_TEXT, "The criterion said to be unmet."),
    Field("new_information", Kind.LONG_TEXT, "New clinical information given."),
    Field("outcome", Kind.CHOICE, "Outcome of the call.", choices=P2P_OUTCOMES),
    Field("authorization", Kind.TEXT, "Authorization number, when approved."),
    Field("approved_units", Kind.TEXT, "Approved dates, days or units."),
    Field("alternative", Kind.LONG_TEXT, "The reviewer's alternative recommendation."),
    Field("next_steps", Kind.LONG_TEXT, "Next steps and their dates."),
    _HOLDS,
    _NOTES,
)

_CONTACTS = _array(
    "contacts",
    "Every contact with the insurer about the complaint.",
    Field("at", Kind.DATETIME, "When.", required=True),
    Field("channel", Kind.CHOICE, "How.", choices=CONTACT_CHANNELS),
    Field("name", Kind.TEXT, "Representative's name."),
    Field("reference", Kind.TEXT, "Reference number."),
    Field("summary", Kind.LONG_TEXT, "What was said or sent."),
)

COMPLAINT = _table(
    "complaint",
    "A formal complaint to the insurer (not an appeal).",
    Field("opened", Kind.DATE, "When the complaint was first made."),
    Field("subject", Kind.LONG_TEXT, "What the complaint is about."),
    Field("outcome_wanted", Kind.LONG_TEXT, "The resolution requested."),
    Field("regulator", Kind.TEXT, "Regulator escalated to, if any."),
    _CONTACTS,
)

REPRESENTATIVES = _array(
    "representatives",
    "People the patient authorizes to act for them with the insurer.",
    Field("name", Kind.TEXT, "Representative's full name.", required=True),
    Field("relationship", Kind.TEXT, "Relationship to the patient."),
    Field("phone", Kind.TEXT, "Telephone number."),
    Field("address", Kind.LONG_TEXT, "Postal address."),
    Field(
        "scopes",
        Kind.TEXT_LIST,
        "Powers granted: " + ", ".join(REPRESENTATIVE_SCOPES) + ".",
    ),
    Field("expires", Kind.DATE, "When the authorization expires."),
    Field("signed", Kind.DATE, "When the patient signed."),
)

DOCUMENTS = _array(
    "documents",
    "Documents exported from the case.",
    Field(
        "name",
        Kind.TEXT,
        "Document name, such as medical-necessity-letter.",
        required=True,
    ),
    Field("template_version", Kind.TEXT, "Version of the template used."),
    Field("created", Kind.DATETIME, "When it was exported."),
    Field("path", Kind.TEXT, "Where the file was written."),
    Field("sent_via", Kind.CHOICE, "How it was sent.", choices=SENT_VIA),
    Field("sent_at", Kind.DATETIME, "When it was sent."),
    added_by_app=True,
)

EDITOR = _table(
    "editor",
    "State of the editing screens, so a case reopens where it was left.",
    Field("step", Kind.TEXT, "Wizard step last shown."),
    Field(
        "pending",
        Kind.TABLE,
        "Text typed into a field that does not validate "
        'yet, by field path, such as "patient.date_of_birth" = "13/45/2025"; '
        "the field itself stays unset until the text is corrected.",
    ),
    Field(
        "incomplete_rows",
        Kind.TABLE,
        "Rows still missing a required value, by "
        "list path, each as {position, row}; they return to the list when the "
        "case is opened in the wizard.",
    ),
    Field(
        "no_denial",
        Kind.BOOLEAN,
        "Whether the letter is written ahead of any "
        "denial; the denial table is then set aside under editor.denial.",
    ),
    Field(
        "denial",
        Kind.TABLE,
        "The denial table set aside while no_denial is "
        "true, kept so that nothing typed is lost.",
    ),
    added_by_app=True,
)

CASE = _table(
    "case",
    "A case file.",
    Field(
        "format",
        Kind.INTEGER,
        f"Case file format version; {FORMAT_VERSION} for this release. Absent means 1.",
        added_by_app=True,
    ),
    Field(
        "id",
        Kind.TEXT,
        "Case identifier: lowercase letters, digits and hyphens; also the file name.",
        "Case ID",
        required=True,
        check=Check.CASE_ID,
    ),
    Field("title", Kind.TEXT, "One-line description of the case."),
    Field("status", Kind.CHOICE, "Case status.", choices=CASE_STATUSES),
    Field("opened", Kind.DATE, "When the case was opened."),
    Field(
        "updated",
        Kind.DATETIME,
        "When cmmh last saved the file (UTC).",
        added_by_app=True,
    ),
    Field("tags", Kind.TEXT_LIST, "Free labels."),
    PATIENT,
    PLAN,
    CLINICIAN,
    DIAGNOSES,
    SERVICE,
    DENIAL,
    CLINICAL,
    ASSESSMENT,
    STANDARDS,
    PEER_TO_PEER,
    COMPLAINT,
    REPRESENTATIVES,
    DOCUMENTS,
    EDITOR,
)
"""The whole case file, as one table."""


def field_at(path: str) -> Field | None:
    """Return the field declared at a dotted path such as `clinical.measures.score`."""
    current = CASE
    for key in path.split("."):
        found = current.child(key)
        if found is None:
            return None
        current = found
    return current


def iter_fields(root: Field = CASE, prefix: str = "") -> list[tuple[str, Field]]:
    """List every declared field under `root` with its dotted path, depth first."""
    rows: list[tuple[str, Field]] = []
    for child in root.children:
        child_path = f"{prefix}.{child.key}" if prefix else child.key
        rows.append((child_path, child))
        rows.extend(iter_fields(child, child_path))
    return rows

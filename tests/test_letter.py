"""Tests of the medical necessity letter rendered from real case files."""

from __future__ import annotations

import copy
import datetime as dt
import html
import re
from pathlib import Path

import pytest

from cmmh_tui.rendering import render_document, render_markdown_html
from cmmh_tui.schema import Kind, iter_fields
from cmmh_tui.validation import load_case_text

LETTER = "medical-necessity-letter"
TODAY = dt.date(2025, 6, 5)
SAMPLE_DIR = Path("/work/shared/cases")
FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE_NAMES = [
    "adolescent-eating-disorder-iop",
    "residential-sud-concurrent",
    "tms-preservice",
    "weekly-psychotherapy-proactive",
]

# The only markers each sample case may show: all name fields the case lacks.
EXPECTED_MISSING = {
    "adolescent-eating-disorder-iop": [
        "appeals address of the plan",
        "your direct answer to the reason the plan gave",
        "your experience treating patients like this one",
        "setting, population and modalities of the practice",
        "how long you have treated the patient and when you last evaluated them",
        "prior treatment and response",
        "session or program-day length",
        "dimension ratings of the CALOCUS-CASII assessment",
        "your phone number, email or address",
    ],
    "residential-sud-concurrent": [
        "your direct answer to the reason the plan gave",
        "your experience treating patients like this one",
    ],
    "tms-preservice": [
        "appeals address of the plan",
        "your direct answer to the reason the plan gave",
        "your experience treating patients like this one",
        "setting, population and modalities of the practice",
        "how long you have treated the patient and when you last evaluated them",
        "session or program-day length",
        "expected duration of treatment",
        "your phone number, email or address",
    ],
    "weekly-psychotherapy-proactive": [
        "your experience treating patients like this one",
        "session or program-day length",
        "expected duration of treatment",
        "your phone number, email or address",
    ],
}

# Letter sections and the case fields that fill them completely.
SECTION_FIELDS = {
    "Relationship to the patient": ["clinical.relationship"],
    "Diagnoses": ["diagnoses"],
    "Clinical picture": [
        "clinical.summary",
        "clinical.functional_impairment",
        "clinical.risk",
    ],
    "Standardized measures": ["clinical.measures"],
    "Prior treatment and response": ["clinical.prior_treatment"],
    "If this care is not covered": ["clinical.consequences_of_denial"],
}


def load_case(path: Path) -> dict:
    case, _warnings = load_case_text(path.read_text(encoding="utf-8"), str(path))
    return case


def sample(name: str) -> dict:
    return load_case(SAMPLE_DIR / f"{name}.toml")


def render(case: dict) -> str:
    return render_document(case, LETTER, today=TODAY).text


def sections(text: str) -> dict[str, str]:
    """Split a letter into its sections, keyed by heading text without the hashes."""
    parts = re.split(r"^#{1,3} (.+)$", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def filled(case: dict, path: str) -> bool:
    value: object = case
    for key in path.split("."):
        if not isinstance(value, dict) or key not in value:
            return False
        value = value[key]
    return value not in (None, "", [], {})


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sample_missing_labels(name: str) -> None:
    rendered = render_document(sample(name), LETTER, today=TODAY)
    assert rendered.missing == EXPECTED_MISSING[name]


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_filled_sections_have_no_marker(name: str) -> None:
    case = sample(name)
    by_heading = sections(render(case))
    for heading, paths in SECTION_FIELDS.items():
        if all(filled(case, path) for path in paths):
            assert "[MISSING" not in by_heading[heading], heading


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sample_shows_every_diagnosis(name: str) -> None:
    case = sample(name)
    text = render(case)
    for diagnosis in case["diagnoses"]:
        assert f"- {diagnosis['code']}: {diagnosis['description']}" in text


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sample_shows_every_service_code(name: str) -> None:
    case = sample(name)
    text = render(case)
    for code in case["service"]["codes"]:
        assert code in text


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sample_shows_member_id(name: str) -> None:
    case = sample(name)
    assert f"- Member ID: {case['patient']['member_id']}" in render(case)


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sample_shows_every_measure(name: str) -> None:
    case = sample(name)
    text = render(case)
    for measure in case["clinical"]["measures"]:
        instrument, score = measure["instrument"], measure["score"]
        assert f"- {instrument}: {score} on " in text


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sample_shows_clinician_identity(name: str) -> None:
    case = sample(name)
    text = render(case)
    clinician = case["clinician"]
    assert f"{clinician['name']}, {clinician['credentials']}\\\n" in text
    assert f"NPI: {clinician['npi']}" in text


def test_every_dimension_rating_shown() -> None:
    case = sample("residential-sud-concurrent")
    text = render(case)
    for dimension in case["assessment"]["dimensions"]:
        assert f"- {dimension['name']}: rated {dimension['rating']}" in text


@pytest.mark.parametrize(
    "name",
    ["adolescent-eating-disorder-iop", "residential-sud-concurrent", "tms-preservice"],
)
def test_denial_cited(name: str) -> None:
    case = sample(name)
    text = render(case)
    assert f"The notice states: “{case['denial']['reason']}”" in text
    assert f"- Reference number: {case['denial']['reference']}" in text
    assert f"(reference {case['denial']['reference']})" in text


def test_denial_date_cited() -> None:
    text = render(sample("residential-sud-concurrent"))
    assert "adverse determination dated March 17, 2025" in text


def test_routine_letter_has_no_denial_wording() -> None:
    text = render(sample("weekly-psychotherapy-proactive"))
    for wording in ("adverse determination", "reason given for the denial", "notice"):
        assert wording not in text, wording


def test_routine_letter_asks_to_keep_it_on_file() -> None:
    text = render(sample("weekly-psychotherapy-proactive"))
    assert "before any coverage decision is made" in text


def test_denial_response_used_when_given() -> None:
    case = load_case(FIXTURES / "letter-complete.toml")
    text = render(case)
    assert case["clinical"]["denial_response"] in text


def test_complete_case_has_no_marker() -> None:
    rendered = render_document(
        load_case(FIXTURES / "letter-complete.toml"), LETTER, today=TODAY
    )
    assert "[MISSING" not in rendered.text
    assert rendered.missing == []


def test_complete_case_lists_enclosures() -> None:
    text = render(load_case(FIXTURES / "letter-complete.toml"))
    assert "## Enclosures\n\n- LOCUS worksheet dated 2025-06-02\n" in text


def test_minimal_case_renders_with_markers() -> None:
    rendered = render_document({"id": "a", "patient": {"name": "Ana B"}}, LETTER)
    assert "[MISSING: patient's date of birth]" in rendered.text
    assert "patient's date of birth" in rendered.missing


def test_minimal_case_shows_patient_name() -> None:
    text = render({"id": "a", "patient": {"name": "Ana B"}})
    assert "- Patient: Ana B\n" in text


def test_whitespace_only_field_counts_as_missing() -> None:
    case = {"id": "a", "patient": {"name": "Ana B", "member_id": "   "}}
    assert "member ID" in render_document(case, LETTER).missing


def test_recommended_level_reads_naturally() -> None:
    text = render(load_case(FIXTURES / "letter-complete.toml"))
    assert "It recommends Level 4, medically monitored" in text


def test_numeric_level_gets_the_word_level() -> None:
    text = render(sample("residential-sud-concurrent"))
    assert "It recommends level 3.7." in text


def test_asam_edition_named() -> None:
    text = render(sample("residential-sud-concurrent"))
    assert "The ASAM Criteria, 3rd edition" in text


def test_asam_without_edition_is_marked() -> None:
    case = sample("residential-sud-concurrent")
    del case["assessment"]["edition"]
    text = render(case)
    assert "[MISSING: edition of The ASAM Criteria used]" in text


def test_tool_publisher_named() -> None:
    text = render(sample("residential-sud-concurrent"))
    assert "the American Society of Addiction Medicine" in text


def test_california_law_for_state_regulated_plan() -> None:
    text = render(sample("adolescent-eating-disorder-iop"))
    assert "Health and Safety Code section 1374.721" in text


def test_no_california_law_outside_california() -> None:
    text = render(sample("residential-sud-concurrent"))
    assert "SB 855" not in text


def test_no_california_law_for_self_funded_plan() -> None:
    case = sample("adolescent-eating-disorder-iop")
    case["plan"]["plan_type"] = "erisa_self_funded"
    assert "SB 855" not in render(case)


def test_parity_law_cited_with_disclosure_rule() -> None:
    text = render(sample("tms-preservice"))
    assert "(29 CFR 2590.712(d); 45 CFR 146.136(d))" in text


def test_no_parity_law_for_medicare_advantage() -> None:
    case = sample("tms-preservice")
    case["plan"]["plan_type"] = "medicare_advantage"
    assert "MHPAEA" not in render(case)


def test_erisa_notice_rule_only_for_employer_plans() -> None:
    employer = render(sample("residential-sud-concurrent"))
    individual = render(sample("tms-preservice"))
    assert "29 CFR 2560.503-1(g)(1)" in employer
    assert "29 CFR 2560.503-1(g)(1)" not in individual


def test_state_law_text_included() -> None:
    case = sample("tms-preservice")
    case["standards"] = {"state_law": "Texas Insurance Code chapter 1355 applies."}
    assert "**State law.** Texas Insurance Code chapter 1355 applies." in render(case)


def test_criteria_request_can_be_turned_off() -> None:
    case = sample("residential-sud-concurrent")
    case["standards"] = {"request_criteria": False}
    assert "Please send me the specific" not in render(case)


def test_criteria_requested_by_default() -> None:
    text = render(sample("residential-sud-concurrent"))
    assert "Please send me the specific medical-necessity criteria" in text


def test_same_specialty_request_can_be_turned_off() -> None:
    case = sample("residential-sud-concurrent")
    case["standards"] = {"request_same_specialty": False}
    assert "same or a similar specialty" not in render(case)


def test_same_specialty_requested_by_default() -> None:
    text = render(sample("residential-sud-concurrent"))
    assert "same or a similar specialty (addiction psychiatry)" in text


def test_child_principle_only_for_minors() -> None:
    adolescent = render(sample("adolescent-eating-disorder-iop"))
    adult = render(sample("residential-sud-concurrent"))
    assert "children and adolescents" in adolescent
    assert "children and adolescents" not in adult


def test_group_number_omitted_for_individual_plan() -> None:
    assert "Group number" not in render(sample("tms-preservice"))


def test_group_number_marked_for_employer_plan() -> None:
    case = sample("residential-sud-concurrent")
    del case["patient"]["group_number"]
    assert "- Group number: [MISSING: group number]" in render(case)


def test_session_length_not_asked_for_residential_care() -> None:
    assert "Session length" not in render(sample("residential-sud-concurrent"))


def test_multi_line_text_keeps_its_lines() -> None:
    text = render(sample("residential-sud-concurrent"))
    assert "moderate depressive episode.\\\nAdmitted after" in text


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_letter_has_no_trailing_whitespace(name: str) -> None:
    text = render(sample(name))
    assert [line for line in text.split("\n") if line != line.rstrip()] == []


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_letter_has_no_repeated_blank_lines(name: str) -> None:
    assert "\n\n\n" not in render(sample(name))


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_letter_has_no_dangling_hard_break(name: str) -> None:
    html_text = render_markdown_html(render(sample(name)))
    assert "\\</p>" not in html_text


def test_original_case_is_not_changed() -> None:
    case = sample("residential-sud-concurrent")
    before = copy.deepcopy(case)
    render(case)
    assert case == before


# Hostile markup: every text field contains Markdown, HTML and Jinja syntax.

HOSTILE_LINES = [
    "# Heading",
    "**bold** and _under_ | a | b |",
    "[link](http://x) <script>alert(1)</script>",
    "{{ 7*7 }} {% if %} &amp; `code`",
    "- item",
    "1. item",
    "> quote",
    "---",
    "===",
]

LETTER_HEADINGS = [
    "<h1>Letter of medical necessity</h1>",
    "<h2>The reason given for the denial</h2>",
    "<h2>Treating clinician</h2>",
    "<h2>The practice</h2>",
    "<h2>Relationship to the patient</h2>",
    "<h2>Diagnoses</h2>",
    "<h2>Clinical picture</h2>",
    "<h3>Standardized measures</h3>",
    "<h3>Prior treatment and response</h3>",
    "<h2>Requested treatment</h2>",
    "<h2>Why a less intensive level of care is not safe and effective</h2>",
    "<h2>If this care is not covered</h2>",
    "<h2>Standards relied on</h2>",
    "<h2>Requests</h2>",
    "<h2>Enclosures</h2>",
]

LETTER_STRONG = [
    "<strong>Re:</strong>",
    "<strong>Functional impairment.</strong>",
    "<strong>Risk.</strong>",
    "<strong>Treatment goals.</strong>",
    "<strong>Other guidelines.</strong>",
    "<strong>Federal parity law.</strong>",
    "<strong>State law.</strong>",
]


@pytest.fixture(scope="module")
def hostile_case() -> dict:
    return load_case(FIXTURES / "hostile-markup.toml")


@pytest.fixture(scope="module")
def hostile_html(hostile_case: dict) -> str:
    return render_markdown_html(render(hostile_case))


def test_hostile_fixture_fills_every_text_field(hostile_case: dict) -> None:
    text_kinds = (Kind.TEXT, Kind.LONG_TEXT, Kind.TEXT_LIST)
    app_tables = {path for path, field in iter_fields() if field.added_by_app}
    unfilled = []
    for path, field in iter_fields():
        if field.kind not in text_kinds or field.check:
            continue
        if path.split(".")[0] in app_tables:
            continue
        values = collect(hostile_case, path.split("."))
        if not values or not all("# Heading" in str(value) for value in values):
            unfilled.append(path)
    assert unfilled == []


def collect(node: object, keys: list[str]) -> list[object]:
    """Collect the values at a dotted path, descending into arrays of tables."""
    if not keys:
        return [node]
    if isinstance(node, list):
        return [value for item in node for value in collect(item, keys)]
    if isinstance(node, dict) and keys[0] in node:
        return collect(node[keys[0]], keys[1:])
    return []


@pytest.mark.parametrize("line", HOSTILE_LINES)
def test_hostile_text_shown_literally(hostile_html: str, line: str) -> None:
    assert html.escape(line, quote=False) in hostile_html


def test_hostile_indentation_shown_as_text(hostile_html: str) -> None:
    assert "indented clinical.summary" in hostile_html


@pytest.mark.parametrize(
    "tag", ["<script", "<a ", "<em>", "<code>", "<pre>", "<blockquote>", "<table>"]
)
def test_hostile_text_creates_no_markup(hostile_html: str, tag: str) -> None:
    assert tag not in hostile_html


@pytest.mark.parametrize("tag", ["<ol", "<hr", "<img"])
def test_hostile_text_creates_no_blocks(hostile_html: str, tag: str) -> None:
    assert tag not in hostile_html


def test_hostile_text_adds_no_headings(hostile_html: str) -> None:
    assert re.findall(r"<h\d>.*?</h\d>", hostile_html) == LETTER_HEADINGS


def test_hostile_text_adds_no_bold(hostile_html: str) -> None:
    assert re.findall(r"<strong>.*?</strong>", hostile_html) == LETTER_STRONG


def test_hostile_template_syntax_not_evaluated(hostile_html: str) -> None:
    assert "49" not in hostile_html


def test_hostile_case_has_no_missing_fields(hostile_case: dict) -> None:
    assert render_document(hostile_case, LETTER, today=TODAY).missing == []


def test_hostile_fixture_checks_skip_only_checked_fields() -> None:
    checked = {path for path, field in iter_fields() if field.check}
    assert checked == {"id", "patient.state", "clinician.npi", "diagnoses.code"}

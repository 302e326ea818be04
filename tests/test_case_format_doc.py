"""docs/case-format.md checked against the field catalog, so the two cannot drift."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from cmmh_tui import schema
from cmmh_tui.schema import Kind, iter_fields
from cmmh_tui.validation import Severity, errors_only, validate_case

DOC_PATH = Path(__file__).resolve().parents[1] / "docs" / "case-format.md"

ENUMERATIONS = {
    "PLAN_TYPES": schema.PLAN_TYPES,
    "REVIEW_TYPES": schema.REVIEW_TYPES,
    "CASE_STATUSES": schema.CASE_STATUSES,
    "ASSESSMENT_TOOLS": schema.ASSESSMENT_TOOLS,
    "ASAM_EDITIONS": schema.ASAM_EDITIONS,
    "P2P_OUTCOMES": schema.P2P_OUTCOMES,
    "CONTACT_CHANNELS": schema.CONTACT_CHANNELS,
    "SENT_VIA": schema.SENT_VIA,
    "REPRESENTATIVE_SCOPES": schema.REPRESENTATIVE_SCOPES,
}

DOC_TYPE_NAMES = {
    Kind.TEXT: "string",
    Kind.LONG_TEXT: "string (multi-line)",
    Kind.INTEGER: "integer",
    Kind.NUMBER: "number",
    Kind.BOOLEAN: "boolean",
    Kind.DATE: "date",
    Kind.DATETIME: "date-time",
    Kind.TEXT_LIST: "array of strings",
    Kind.CHOICE: "string, one of",
    Kind.TABLE: "table",
    Kind.TABLE_ARRAY: "array of tables",
}
"""How each kind is named in the Type column of the field tables."""

_FIELD_ROW = re.compile(r"^\| `([a-z0-9_.]+)` \| ([^|]+) \|", re.MULTILINE)
_TABLE_HEADING = re.compile(r"^### `(\[\[?)([a-z0-9_]+)\]\]?`", re.MULTILINE)


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def documented_types(doc: str) -> dict[str, str]:
    """The type of every field in the Fields section, by dotted path.

    A top-level table is documented by its heading, such as `[patient]` or
    `[[diagnoses]]`, and every other field by a table row.
    """
    fields = doc[doc.index("\n## Fields\n") : doc.index("\n## Allowed values\n")]
    types = {match[1]: match[2].strip() for match in _FIELD_ROW.finditer(fields)}
    for match in _TABLE_HEADING.finditer(fields):
        types[match[2]] = "array of tables" if match[1] == "[[" else "table"
    return types


def toml_blocks(doc: str) -> list[str]:
    """Return the contents of every ```toml block."""
    return re.findall(r"^```toml\n(.*?)^```", doc, re.MULTILINE | re.DOTALL)


def section(doc: str, heading: str) -> str:
    """Return the text from a heading line to the next heading of any level."""
    start = doc.index(f"\n{heading}\n")
    following = re.search(r"^#", doc[start + len(heading) + 2 :], re.MULTILINE)
    end = start + len(heading) + 2 + following.start() if following else len(doc)
    return doc[start:end]


@pytest.mark.parametrize("path", [path for path, _ in iter_fields()])
def test_every_field_documented(path: str, documented_types: dict[str, str]) -> None:
    assert path in documented_types


@pytest.mark.parametrize(
    ("path", "kind"), [(path, field.kind) for path, field in iter_fields()]
)
def test_documented_type_matches_catalog(
    path: str, kind: Kind, documented_types: dict[str, str]
) -> None:
    documented = documented_types.get(path, "")
    if kind is Kind.CHOICE:
        # The column goes on to link the list of allowed values.
        documented = documented[: len(DOC_TYPE_NAMES[kind])]

    assert documented == DOC_TYPE_NAMES[kind]


def test_rows_name_only_catalog_fields(documented_types: dict[str, str]) -> None:
    declared = {path for path, _ in iter_fields()}

    assert set(documented_types) - declared == set()


@pytest.mark.parametrize(
    ("name", "value"),
    [(name, value) for name, values in ENUMERATIONS.items() for value in values],
)
def test_every_allowed_value_documented(name: str, value: str, doc: str) -> None:
    allowed_values = doc[doc.index("\n## Allowed values\n") :]

    assert f"`{value}`" in allowed_values


@pytest.mark.parametrize(
    "path", [path for path, field in iter_fields() if field.kind is Kind.CHOICE]
)
def test_choice_field_values_in_its_section(path: str, doc: str) -> None:
    field = schema.field_at(path)
    allowed_values = doc[doc.index("\n## Allowed values\n") :]
    mention = allowed_values.index(f"`{path}`")
    next_heading = allowed_values.find("\n### ", mention)
    text = allowed_values[mention : next_heading if next_heading > 0 else None]

    for value in field.choices:
        assert f"`{value}`" in text, value


def test_every_required_field_listed(doc: str) -> None:
    required_section = section(doc, "## Required fields")

    for path, field in iter_fields():
        if field.required and field.kind not in (Kind.TABLE, Kind.TABLE_ARRAY):
            assert f"`{path}`" in required_section, path


def test_fields_added_by_app_are_described(doc: str) -> None:
    saving = section(doc, "## What cmmh changes when it saves")

    for key in ("format", "updated", "[[documents]]", "[editor]"):
        assert f"`{key}" in saving, key


def test_doc_says_comments_are_lost(doc: str) -> None:
    comments = section(doc, "### Comments are not kept")

    assert "cmmh does not keep comments" in comments


def test_doc_says_unknown_keys_are_kept(doc: str) -> None:
    assert "### Unknown keys are kept" in doc


def test_doc_names_format_version(doc: str) -> None:
    assert doc.startswith(f"# Case file format, version {schema.FORMAT_VERSION}\n")


def test_doc_lists_codes_beyond_states(doc: str) -> None:
    states_section = section(doc, "### State codes")

    for code in ("DC", "PR", "VI", "GU", "AS", "MP"):
        assert code in schema.US_STATES, code
        assert f"`{code}`" in states_section, code


def test_examples_are_valid_cases(doc: str) -> None:
    blocks = toml_blocks(doc)

    assert len(blocks) >= 2
    for block in blocks:
        errors = errors_only(validate_case(tomllib.loads(block)))
        assert errors == [], errors


def test_complete_example_uses_every_table(doc: str) -> None:
    example = tomllib.loads(toml_blocks(doc)[-1])
    top_level_tables = [
        field.key
        for field in schema.CASE.children
        if field.kind in (Kind.TABLE, Kind.TABLE_ARRAY)
    ]

    for key in top_level_tables:
        assert key in example, key


def test_complete_example_has_no_warnings(doc: str) -> None:
    example = tomllib.loads(toml_blocks(doc)[-1])
    warnings = [p for p in validate_case(example) if p.severity is Severity.WARNING]

    assert warnings == []

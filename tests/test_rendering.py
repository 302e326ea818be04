"""Tests of the document registry, the Jinja environment and Markdown rendering."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import jinja2
import pytest

from cmmh_tui.rendering import (
    DOCUMENTS,
    DocumentSpec,
    RenderedDocument,
    UnknownDocument,
    make_environment,
    render_document,
    render_markdown_html,
)

LETTER = "medical-necessity-letter"
TODAY = dt.date(2025, 4, 2)


def render_source(source: str, **context: object) -> str:
    """Render template source that the test itself owns."""
    return make_environment().from_string(source).render(context)


def test_letter_is_registered() -> None:
    spec = DOCUMENTS[LETTER]
    assert spec == DocumentSpec(
        name=LETTER,
        title="Medical necessity letter",
        template="medical-necessity-letter.md.j2",
        version="1",
        notice=spec.notice,
    )


def test_letter_notice_says_not_legal_advice() -> None:
    assert "not legal advice" in DOCUMENTS[LETTER].notice


def test_letter_notice_names_what_controls() -> None:
    assert "plan document and the denial notice control" in DOCUMENTS[LETTER].notice


def test_notice_defaults_to_empty() -> None:
    assert DocumentSpec("x", "X", "x.md.j2", "1").notice == ""


def test_unknown_document_is_key_error() -> None:
    with pytest.raises(KeyError):
        render_document({"id": "a", "patient": {"name": "A"}}, "no-such-document")


def test_unknown_document_message_lists_known_names() -> None:
    with pytest.raises(UnknownDocument) as raised:
        render_document({"id": "a", "patient": {"name": "A"}}, "no-such-document")
    assert str(raised.value) == (
        "unknown document 'no-such-document'; known documents: "
        + ", ".join(sorted(DOCUMENTS))
    )


def test_render_returns_name_and_version() -> None:
    rendered = render_document({"id": "a", "patient": {"name": "A"}}, LETTER)
    assert (rendered.name, rendered.template_version) == (LETTER, "1")


def test_render_result_type() -> None:
    rendered = render_document({"id": "a", "patient": {"name": "A"}}, LETTER)
    assert isinstance(rendered, RenderedDocument)


def test_today_defaults_to_current_date() -> None:
    rendered = render_document({"id": "a", "patient": {"name": "A"}}, LETTER)
    today = dt.date.today()
    assert f"{today:%B} {today.day}, {today.year}" in rendered.text


def test_undefined_variable_raises() -> None:
    with pytest.raises(jinja2.UndefinedError):
        render_source("Dear {{ no_such_name }}")


def test_undefined_attribute_raises() -> None:
    with pytest.raises(jinja2.UndefinedError):
        render_source("{{ case.no_such_table }}", case={})


def test_string_values_are_escaped() -> None:
    assert render_source("{{ text }}", text="# not a heading") == "\\# not a heading"


def test_joined_values_are_escaped() -> None:
    assert render_source("{{ codes|join(', ') }}", codes=["*a*", "b"]) == "\\*a\\*, b"


def test_user_text_is_never_evaluated() -> None:
    assert render_source("{{ text }}", text="{{ 7*7 }}") == "{{ 7\\*7 }}"


def test_dates_use_month_name_style() -> None:
    assert render_source("{{ day }}", day=dt.date(2025, 4, 2)) == "April 2, 2025"


def test_datetimes_add_the_time() -> None:
    moment = dt.datetime(2025, 4, 2, 9, 5)
    assert render_source("{{ moment }}", moment=moment) == "April 2, 2025 09:05"


@pytest.mark.parametrize(("number", "shown"), [(3, "3"), (3.9, "3.9"), (19.0, "19.0")])
def test_numbers_shown_as_given(number: float, shown: str) -> None:
    assert render_source("{{ number }}", number=number) == shown


def test_booleans_shown_as_words() -> None:
    assert render_source("{{ a }}/{{ b }}", a=True, b=False) == "yes/no"


def test_missing_markers_are_listed_in_document_order() -> None:
    rendered = render_document(
        {"id": "a", "patient": {"name": "A"}}, LETTER, today=TODAY
    )
    positions = [
        rendered.text.find(f"[MISSING: {label}]") for label in rendered.missing
    ]
    assert positions == sorted(positions)


def test_missing_markers_listed_once() -> None:
    rendered = render_document(
        {"id": "a", "patient": {"name": "A"}}, LETTER, today=TODAY
    )
    assert len(rendered.missing) == len(set(rendered.missing))


def test_marker_used_twice_is_listed_once() -> None:
    rendered = render_document(
        {"id": "a", "patient": {"name": "A"}}, LETTER, today=TODAY
    )
    assert rendered.text.count("[MISSING: your NPI]") == 2


def test_every_listed_label_has_a_marker() -> None:
    rendered = render_document(
        {"id": "a", "patient": {"name": "A"}}, LETTER, today=TODAY
    )
    absent = [
        label
        for label in rendered.missing
        if f"[MISSING: {label}]" not in rendered.text
    ]
    assert absent == []


def test_markdown_html_renders_tables() -> None:
    html = render_markdown_html("| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert "<table>" in html


def test_markdown_html_follows_commonmark() -> None:
    assert render_markdown_html("# Title\n") == "<h1>Title</h1>\n"


def test_rendering_does_not_import_textual() -> None:
    code = (
        "import sys, cmmh_tui.rendering, cmmh_tui.completeness, "
        "cmmh_tui.markdown_escape; print('textual' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"

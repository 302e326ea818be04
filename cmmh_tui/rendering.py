"""Rendering of case documents from Jinja2 Markdown templates.

A field that a reviewer of the document would expect renders as a visible
"[MISSING: label]" marker and is listed in `RenderedDocument.missing`. Optional
contact details (fax, email) and fields that do not apply to the case, such as
a group number on an individual plan, are left out without a marker.
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jinja2
from markdown_it import MarkdownIt

from cmmh_tui import completeness
from cmmh_tui.markdown_escape import escape_markdown, escape_markdown_paragraphs
from cmmh_tui.model import get_path
from cmmh_tui.schema import PLAN_TYPE_LABELS, REVIEW_TYPE_LABELS, field_at

TEMPLATE_PACKAGE = "cmmh_tui.templates"


@dataclass(frozen=True)
class DocumentSpec:
    """A document cmmh can export: its template and the version of that template."""

    name: str
    title: str
    template: str
    version: str
    notice: str = ""
    """Sentence the screens and the command line show next to the document."""


LEGAL_REFERENCE_NOTICE = (
    "Legal citations in this letter are for reference and are not legal advice; "
    "the plan document and the denial notice control, and state law can give more "
    "rights. Check each citation and the standards summary before you send it."
)

DOCUMENTS: dict[str, DocumentSpec] = {
    "medical-necessity-letter": DocumentSpec(
        name="medical-necessity-letter",
        title="Medical necessity letter",
        template="medical-necessity-letter.md.j2",
        version="1",
        notice=LEGAL_REFERENCE_NOTICE,
    ),
}


@dataclass(frozen=True)
class RenderedDocument:
    """Markdown text of a rendered document and the fields it still lacks."""

    name: str
    text: str
    missing: list[str]
    """Human labels of the missing fields, in document order, without duplicates."""
    template_version: str


class UnknownDocument(KeyError):
    """A document name that no template is registered for."""

    def __init__(self, name: str) -> None:
        self.name = name
        known = ", ".join(sorted(DOCUMENTS))
        super().__init__(f"unknown document {name!r}; known documents: {known}")

    def __str__(self) -> str:
        return str(self.args[0])


class _Trusted(str):
    """Markdown that the rendering module built or escaped, output without escaping."""


def _format_date(value: dt.date) -> str:
    return f"{value:%B} {value.day}, {value.year}"


def _finalize(value: Any) -> str:
    """Turn the value of every `{{ }}` expression into safe Markdown text."""
    if isinstance(value, _Trusted):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return f"{_format_date(value)} {value:%H:%M}"
    if isinstance(value, dt.date):
        return _format_date(value)
    if isinstance(value, int | float):
        return str(value)
    if value is None:
        # NOTE: a None here is a template bug, because value() returns None only
        # for use in conditions. An empty string keeps the document usable.
        return ""
    # A StrictUndefined value raises here, naming the undefined variable.
    return escape_markdown(str(value))


def _is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | dict):
        return not value
    return False


def _default_label(path: str) -> str:
    field = field_at(path)
    return path if field is None else field.title


class _MissingMarkers:
    """Markers for fields a document lacks, collected while one document renders."""

    def __init__(self) -> None:
        self.labels: dict[str, str] = {}

    def marker(self, label: str) -> _Trusted:
        text = f"[MISSING: {escape_markdown(label)}]"
        self.labels.setdefault(text, label)
        return _Trusted(text)

    def in_order(self, text: str) -> list[str]:
        """List the labels whose markers appear in `text`, by first appearance."""
        found = [
            (text.find(marker), label)
            for marker, label in self.labels.items()
            if marker in text
        ]
        ordered: list[str] = []
        for _, label in sorted(found):
            if label not in ordered:
                ordered.append(label)
        return ordered


def _template_helpers(case: dict, markers: _MissingMarkers) -> dict[str, Callable]:
    """Build the functions templates use to read the case."""

    def value(path: str) -> Any:
        found = get_path(case, path)
        return None if _is_empty(found) else found

    def need(path: str, label: str | None = None) -> Any:
        found = value(path)
        if found is None:
            return markers.marker(label or _default_label(path))
        return found

    def need_in(row: dict, key: str, label: str) -> Any:
        found = row.get(key)
        if _is_empty(found):
            return markers.marker(label)
        return found

    def rows(path: str) -> list[dict]:
        found = get_path(case, path)
        if not isinstance(found, list):
            return []
        return [row for row in found if isinstance(row, dict)]

    return {
        "value": value,
        "need": need,
        "need_in": need_in,
        "rows": rows,
        "missing": markers.marker,
    }


def _paragraphs(value: Any) -> Any:
    """Escape block text, keeping blank lines as paragraph breaks."""
    if isinstance(value, str) and not isinstance(value, _Trusted):
        return _Trusted(escape_markdown_paragraphs(value))
    return value


def _load_template_source(name: str) -> str:
    resource = importlib.resources.files(TEMPLATE_PACKAGE).joinpath(name)
    try:
        return resource.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise jinja2.TemplateNotFound(name) from error


def make_environment() -> jinja2.Environment:
    """Create the Jinja environment every document renders in.

    Undefined variables raise, and every `{{ }}` value passes through the
    Markdown escaping of `_finalize`, so case text can never add markup.
    """
    environment = jinja2.Environment(
        loader=jinja2.FunctionLoader(_load_template_source),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["paragraphs"] = _paragraphs
    environment.globals["PLAN_TYPE_LABELS"] = PLAN_TYPE_LABELS
    environment.globals["REVIEW_TYPE_LABELS"] = REVIEW_TYPE_LABELS
    return environment


_ENVIRONMENT = make_environment()


def _text_at(case: dict, path: str) -> str:
    found = get_path(case, path)
    return found.strip() if isinstance(found, str) else ""


ERISA_PLAN_TYPES = frozenset({"erisa_self_funded", "erisa_fully_insured"})
"""Employer plans that the ERISA claims procedure rule, 29 CFR 2560.503-1, governs."""


def _letter_facts(case: dict, today: dt.date) -> dict[str, Any]:
    """Derive the case facts the letter template branches on."""
    recommended_level = _text_at(case, "assessment.recommended_level")
    request_criteria = get_path(case, "standards.request_criteria", True)
    request_same_specialty = get_path(case, "standards.request_same_specialty", True)
    return {
        "has_denial": completeness.has_denial(case),
        "is_minor": completeness.is_minor(case, today),
        "is_erisa_plan": get_path(case, "plan.plan_type") in ERISA_PLAN_TYPES,
        "expects_group_number": completeness.expects_group_number(case),
        "expects_session_length": completeness.expects_session_length(case),
        "parity_law_applies": completeness.parity_law_applies(case),
        "california_law_applies": completeness.california_law_applies(case),
        "tool_criteria": completeness.tool_criteria(case),
        # "Level 4, ..." already names the level; "3.7" reads "level 3.7".
        "level_needs_word": not recommended_level.lower().startswith("level"),
        "request_criteria": request_criteria is not False,
        "request_same_specialty": request_same_specialty is not False,
    }


def render_document(
    case: dict, name: str, *, today: dt.date | None = None
) -> RenderedDocument:
    """Render the document `name` from a case.

    Raises:
        UnknownDocument: when no document of that name is registered.
        jinja2.TemplateError: when the template itself is broken.
    """
    spec = DOCUMENTS.get(name)
    if spec is None:
        raise UnknownDocument(name)
    markers = _MissingMarkers()
    today = today or dt.date.today()
    context: dict[str, Any] = {
        "case": case,
        "today": today,
        "facts": _letter_facts(case, today),
        **_template_helpers(case, markers),
    }
    text = _ENVIRONMENT.get_template(spec.template).render(context)
    text = _tidy(text)
    return RenderedDocument(
        name=spec.name,
        text=text,
        missing=markers.in_order(text),
        template_version=spec.version,
    )


def _tidy(text: str) -> str:
    """Strip trailing spaces, dangling hard breaks and repeated blank lines.

    Templates end address and signature lines with a backslash hard break; at
    the end of a paragraph that backslash would print literally, so it goes.
    """
    # Split on "\n" only: str.splitlines would also split on characters such as
    # U+2028 that Markdown treats as text, and so start unescaped lines.
    lines = [line.rstrip(" \t") for line in text.split("\n")]
    tidy: list[str] = []
    for index, line in enumerate(lines):
        if not line and (not tidy or not tidy[-1]):
            continue
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if not following and _ends_with_hard_break(line):
            line = line[:-1]
        tidy.append(line)
    while tidy and not tidy[-1]:
        tidy.pop()
    return "\n".join(tidy) + "\n"


def _ends_with_hard_break(line: str) -> bool:
    # An even run of backslashes is escaped backslashes; an odd run ends in a break.
    backslashes = len(line) - len(line.rstrip("\\"))
    return backslashes % 2 == 1


_MARKDOWN = MarkdownIt("commonmark").enable("table")


def render_markdown_html(markdown_text: str) -> str:
    """Render Markdown to HTML with CommonMark rules plus tables."""
    return _MARKDOWN.render(markdown_text)

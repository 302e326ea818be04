"""Form fields built from the case field catalog, each with its reason shown below it.

A `FieldEditor` shows one field of the catalog with the widget its kind calls
for: an Input for short text, numbers and dates, a TextArea for long text and
for lists (one item per line, so an item may contain commas), a Select for a
choice and a Checkbox for a yes or no. Every edit goes straight into the
`Draft`, which keeps invalid text as typed; the editor then posts `FieldEdited`
so the screen can schedule a save.
"""

from __future__ import annotations

from typing import Any

from cmmh_tui.screens.wizard_draft import (
    Draft,
    display_text,
    field_for,
    parse_text,
    related_dates,
)
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, TextArea

from cmmh_tui.schema import PLAN_TYPE_LABELS, REVIEW_TYPE_LABELS, Check, Kind
from cmmh_tui.validation import Problem, Severity

try:
    from cmmh_tui.identifiers import split_paste
except ImportError:  # pragma: no cover - only before the identifiers module lands

    def split_paste(text: str) -> list[str]:
        return [line.strip() for line in text.splitlines() if line.strip()]


try:
    from cmmh_tui.codes import CodeLookup, lookup_icd10cm
except ImportError:  # pragma: no cover - only before the codes module lands
    CodeLookup = Any  # type: ignore[assignment,misc]
    lookup_icd10cm = None  # type: ignore[assignment]

CHOICE_LABELS = {"plan_type": PLAN_TYPE_LABELS, "review_type": REVIEW_TYPE_LABELS}
"""Screen labels for choice fields whose stored values are identifiers."""

BOOLEAN_DEFAULTS = {
    "standards.request_criteria": True,
    "standards.request_same_specialty": True,
}
"""Yes-or-no fields whose absence means yes, as the catalog documents."""

LIST_HINT = "one per line"

EMPTY_PLACEHOLDER = "(empty)"
"""Shown in an empty field, so it is visible without color."""

LIST_PLACEHOLDER = "(empty; one per line)"

PASTE_SEPARATOR = "; "


def widget_id(path: str) -> str:
    """Return the DOM id of the control that edits a field path."""
    return "field-" + path.replace(".", "--").replace("_", "-")


def describe_problem(problem: Problem | None) -> tuple[str, str]:
    """Return the message shown under a field and the class that styles it."""
    if problem is None:
        return "", ""
    if problem.severity is Severity.WARNING:
        return f"Warning: {problem.message}", "-warning"
    reason = problem.message.rstrip(". ")
    return f"Invalid: {reason}; kept as typed, not yet saved", "-error"


class FieldEdited(Message):
    """A field's value changed in the draft."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path


class CodeLookedUp(Message):
    """An ICD-10-CM code typed into a field was looked up."""

    def __init__(self, path: str, lookup: CodeLookup) -> None:
        super().__init__()
        self.path = path
        self.lookup = lookup


class PasteInput(Input):
    """An Input that keeps every non-blank line of a multi-line paste, joined."""

    def on_blur(self) -> None:
        # Show the start of a long value once the field is left, not its end.
        self.cursor_position = 0

    def _on_paste(self, event: events.Paste) -> None:
        lines = [line for line in split_paste(event.text) if line.strip()]
        if len(lines) <= 1:
            return  # Input's own handler inserts the single line.
        event.prevent_default()
        event.stop()
        self.replace(PASTE_SEPARATOR.join(lines), *self.selection)
        self.notify(
            f"Pasted {len(lines)} lines into one line, joined with "
            f'"{PASTE_SEPARATOR.strip()}"; blank lines were left out. Use a '
            "multi-line field to keep line breaks.",
            title="Paste joined",
        )


class MarkedCheckbox(Checkbox):
    """A Checkbox drawn as [X] or [ ], so its state reads without color."""

    BUTTON_LEFT = "["
    BUTTON_RIGHT = "]"

    @property
    def BUTTON_INNER(self) -> str:  # noqa: N802 - overrides Textual's class constant
        return "X" if self.value else " "


class FieldEditor(Vertical):
    """One catalog field: its label, its control and the reason for any problem."""

    def __init__(self, draft: Draft, path: str, *, label: str = "") -> None:
        super().__init__(classes="field")
        self.draft = draft
        self.path = path
        self.field = field_for(path)
        self.label_text = label or self.field.title
        self._shown_text = ""
        self._checked = False
        self._note = ""

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field-line"):
            if self.field.kind is not Kind.BOOLEAN:
                yield Label(self.label_text, classes="field-label")
            yield self._make_control()
        yield Label("", classes="field-message")

    def _make_control(self) -> Widget:
        field = self.field
        control_id = widget_id(self.path)
        tooltip = field.doc
        if field.kind is Kind.CHOICE:
            labels = CHOICE_LABELS.get(field.key, {})
            options = [(labels.get(c, c), c) for c in field.choices]
            value = self.draft.value(self.path)
            if value is not None and value not in field.choices:
                options.append((f"{value} (as saved)", value))
            select = Select(
                options,
                value=value if value is not None else Select.NULL,
                prompt="(not set)",
                compact=True,
                id=control_id,
            )
            select.tooltip = tooltip
            return select
        if field.kind is Kind.BOOLEAN:
            value = self.draft.value(self.path)
            if value is None:
                value = BOOLEAN_DEFAULTS.get(self.path, False)
            self._checked = bool(value)
            box = MarkedCheckbox(self.label_text, self._checked, id=control_id)
            box.tooltip = tooltip
            return box
        text = self.draft.raw_text(self.path)
        if text is None:
            text = display_text(field, self.draft.value(self.path))
        self._shown_text = text
        if field.kind in (Kind.LONG_TEXT, Kind.TEXT_LIST):
            area = TextArea(
                text,
                compact=True,
                id=control_id,
                tab_behavior="focus",
                placeholder=LIST_PLACEHOLDER if self._is_list else EMPTY_PLACEHOLDER,
            )
            area.tooltip = f"{tooltip} ({LIST_HINT})" if self._is_list else tooltip
            area.add_class("-list" if self._is_list else "-long")
            return area
        placeholder = "YYYY-MM-DD" if field.kind is Kind.DATE else EMPTY_PLACEHOLDER
        # Tabbing through a filled form must not arm every field for replacement,
        # so focus puts the cursor after the text instead of selecting it.
        entry = PasteInput(
            text,
            placeholder=placeholder,
            compact=True,
            id=control_id,
            select_on_focus=False,
        )
        entry.tooltip = tooltip
        return entry

    @property
    def _is_list(self) -> bool:
        return self.field.kind is Kind.TEXT_LIST

    def on_mount(self) -> None:
        if self.draft.raw_text(self.path) is not None or self._shown_text:
            self._check(self._shown_text, apply=False)

    def _control(self) -> Widget | None:
        found = self.query(f"#{widget_id(self.path)}")
        return found.first() if found else None

    @property
    def text(self) -> str:
        """The text now in the control, for text fields."""
        control = self._control()
        if isinstance(control, TextArea):
            return control.text
        if isinstance(control, Input):
            return control.value
        return ""

    def set_text(self, text: str) -> None:
        """Replace the text in the control and store it, as if typed."""
        control = self._control()
        if isinstance(control, TextArea):
            control.load_text(text)
        elif isinstance(control, Input):
            control.value = text
        self._text_changed(text)

    def focus_control(self) -> None:
        """Move the focus to the control of this field."""
        control = self._control()
        if control is not None:
            control.focus()

    def flush(self) -> None:
        """Store text in the control whose change is not handled yet.

        Called before the form is rebuilt or saved, so fast typing is never lost.
        """
        if self.field.kind in (Kind.CHOICE, Kind.BOOLEAN) or not self.is_attached:
            return
        control = self._control()
        if isinstance(control, Input | TextArea):
            self._text_changed(self.text)

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._text_changed(event.value)

    @on(TextArea.Changed)
    def _area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self._text_changed(event.text_area.text)

    def _text_changed(self, text: str) -> None:
        if text == self._shown_text:
            return
        self._shown_text = text
        self._check(text, apply=True)
        self.post_message(FieldEdited(self.path))
        for path in related_dates(self.path):
            for editor in self.screen.query(FieldEditor):
                if editor.path == path:
                    editor.recheck()

    def recheck(self) -> None:
        """Check the text shown again, after a field it depends on changed."""
        self._check(self._shown_text, apply=False)

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        event.stop()
        value = None if event.value is Select.NULL else event.value
        if value == self.draft.value(self.path):
            return
        self.draft.apply_value(self.path, value)
        self.post_message(FieldEdited(self.path))

    @on(Checkbox.Changed)
    def _checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        if event.value == self._checked:
            return
        self._checked = event.value
        self.draft.apply_value(self.path, event.value)
        self.post_message(FieldEdited(self.path))

    def _check(self, text: str, *, apply: bool) -> None:
        if apply:
            problem = self.draft.apply_text(self.path, text)
        else:
            problem = parse_text(self.field, text)[1]
        if problem is None and self.field.kind is Kind.DATE:
            problem = self.draft.date_warning(self.path)
        self._note = ""
        stored = self.draft.value(self.path)
        if problem is None and isinstance(stored, str) and stored != text.strip():
            if self.field.check is Check.ICD10CM:
                self._note = f"Stored in upper case as {stored}. "
        message, style = describe_problem(problem)
        if self._note and not message:
            message, style = self._note.strip(), "-note"
        self.show_message(message, style)
        if self.field.check is Check.ICD10CM and text.strip() and problem is None:
            self._look_up_code(text)

    def show_message(self, message: str, style: str = "") -> None:
        """Show a reason under the field; an empty message hides the line."""
        found = self.query(".field-message")
        if not found:
            return  # The field is being removed.
        label = found.first(Label)
        label.update(message)
        label.set_classes(f"field-message {style}".strip())
        label.display = bool(message)

    @work(thread=True, exclusive=True, group="code-lookup")
    def _look_up_code(self, text: str) -> None:
        if lookup_icd10cm is None:
            return
        lookup = lookup_icd10cm(text)
        self.app.call_from_thread(self._show_lookup, text, lookup)

    def _show_lookup(self, text: str, lookup: CodeLookup) -> None:
        # The field may have been rebuilt, removed or edited since the look-up
        # started, so a late result is dropped.
        if not (self.is_attached and self.is_mounted) or text != self.text:
            return
        note = self._note
        if lookup.exists is False:
            self.show_message(
                f"Warning: {note}{lookup.message} Kept as typed.", "-warning"
            )
        elif lookup.billable is False:
            self.show_message(f"Warning: {note}{lookup.message}", "-warning")
        elif lookup.exists:
            self.show_message(f"✓ {note}Found: {lookup.description}", "-ok")
        else:
            self.show_message(f"Note: {note}{lookup.message}", "-note")
        self.post_message(CodeLookedUp(self.path, lookup))


def field_editors(draft: Draft, paths: list[str]) -> list[FieldEditor]:
    """Build one editor per field path, in the given order."""
    return [FieldEditor(draft, path) for path in paths]

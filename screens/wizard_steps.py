"""The wizard's steps and the form panel of each, built from the field catalog."""

from __future__ import annotations

from dataclasses import dataclass

from cmmh_tui.screens.wizard_draft import Draft
from cmmh_tui.screens.wizard_fields import (
    FieldEdited,
    FieldEditor,
    MarkedCheckbox,
)
from cmmh_tui.screens.wizard_rows import RowEditor
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import DescendantBlur
from textual.message import Message
from textual.widgets import Checkbox, Input, Label

from cmmh_tui.schema import Check, Kind, field_at
from cmmh_tui.validation import check_text


@dataclass(frozen=True)
class Step:
    """One step of the wizard: its fixed id and its title."""

    id: str
    title: str
    short: str = ""

    @property
    def list_title(self) -> str:
        """Title for the narrow step list."""
        return self.short or self.title


STEPS = (
    Step("patient_plan", "Patient and plan"),
    Step("clinician", "Clinician"),
    Step("diagnoses", "Diagnoses"),
    Step("service", "Requested service", "Service"),
    Step("denial", "Denial"),
    Step("clinical", "Clinical picture"),
    Step("assessment", "Level of care"),
    Step("standards", "Standards and requests", "Standards"),
    Step("review", "Review and export"),
)
"""The steps in order; their ids are stored in `editor.step`."""

STEP_IDS = tuple(step.id for step in STEPS)


def step_titled(step_id: str) -> Step:
    """Return the step with this id."""
    return STEPS[STEP_IDS.index(step_id)]


def simple_fields(table: str, *, skip: tuple[str, ...] = ()) -> list[str]:
    """List the paths of a table's fields that are not tables or row lists."""
    return [
        f"{table}.{child.key}"
        for child in field_at(table).children
        if child.kind not in (Kind.TABLE, Kind.TABLE_ARRAY) and child.key not in skip
    ]


CASE_FIELDS = ["title", "status", "opened", "tags"]
"""Case-level fields shown at the end of the first step."""


class StepPanel(VerticalScroll):
    """The scrolling form of one step."""

    can_focus = False
    """Tab goes from the step list straight to the first field, not to the panel."""

    def __init__(self, draft: Draft, step: Step) -> None:
        super().__init__(id=f"step-{step.id}", classes="step-panel")
        self.draft = draft
        self.step = step

    def section(self, title: str, paths: list[str]) -> ComposeResult:
        """Yield a titled group of field editors."""
        yield Label(title, classes="section-title")
        for path in paths:
            yield FieldEditor(self.draft, path)


class CaseIdEdited(Message):
    """The case id was changed while the case is new; the file moves on save."""


class PatientPlanPanel(StepPanel):
    """The patient, the case id, the plan, then the case's own fields."""

    _id_editing = False
    """Whether the case ID field contains a typed id not yet applied."""

    def compose(self) -> ComposeResult:
        yield Label("Patient", classes="section-title")
        yield FieldEditor(self.draft, "patient.name", label="Patient's full name")
        with Vertical(classes="field", id="case-id-field"):
            with Horizontal(classes="field-line"):
                yield Label("Case ID", classes="field-label")
                yield Input(
                    self.draft.case_id,
                    placeholder="given when the name is entered",
                    compact=True,
                    id="case-id",
                    disabled=not self.draft.is_new,
                )
            yield Label("", classes="field-message")
        for path in simple_fields("patient", skip=("name",)):
            yield FieldEditor(self.draft, path)
        yield from self.section("Health plan", simple_fields("plan"))
        yield from self.section("This case", CASE_FIELDS)

    def on_mount(self) -> None:
        self._show_id_hint()

    def show_case_id(self) -> None:
        """Show the id the case has now, unless a new one is being typed."""
        if self._id_editing:
            return
        self._put_id(self.draft.case_id)
        self._show_id_hint()

    def _put_id(self, case_id: str) -> None:
        entry = self.query_one("#case-id", Input)
        if entry.value != case_id:
            with entry.prevent(Input.Changed):
                entry.value = case_id

    def _id_message(self, message: str, style: str) -> None:
        label = self.query_one("#case-id-field .field-message", Label)
        label.update(message)
        label.set_classes(f"field-message {style}")
        label.display = bool(message)

    def _show_id_hint(self) -> None:
        if self.draft.is_new:
            hint = "Also the file name; you can change it while the case is new."
        else:
            hint = "The file name of this case; fixed once the case is saved."
        self._id_message(hint, "-note")

    @on(Input.Changed, "#case-id")
    def _id_typed(self, event: Input.Changed) -> None:
        event.stop()
        typed = event.value.strip()
        self._id_editing = typed != self.draft.case_id
        if typed == self.draft.case_id:
            self._show_id_hint()
            return
        problem = check_text(Check.CASE_ID, typed) if typed else None
        if problem is not None:
            self._id_message(f"Invalid: {problem.message}", "-error")
        else:
            self._id_message("Press Enter or leave the field to use this ID.", "-note")

    @on(Input.Submitted, "#case-id")
    def _id_submitted(self) -> None:
        self.apply_case_id()

    def on_descendant_blur(self, event: DescendantBlur) -> None:
        if event.widget.id == "case-id":
            self.apply_case_id()

    def apply_case_id(self) -> None:
        """Rename the case to the typed id, or keep the old id and show the reason."""
        entry = self.query_one("#case-id", Input)
        typed = entry.value.strip()
        old = self.draft.case_id
        self._id_editing = False
        if typed == old:
            self._put_id(old)
            self._show_id_hint()
            return
        problem = self.draft.rename(typed)
        if problem is None:
            self._put_id(typed)
            self._show_id_hint()
            self.post_message(CaseIdEdited())
            return
        self._put_id(old)
        kept = f"Kept {old}: " if old else "Not used: "
        reason = problem.message.rstrip(". ")
        self._id_message(f"{kept}{reason}.", "-error")


class TablePanel(StepPanel):
    """A step that edits one table of simple fields."""

    def __init__(self, draft: Draft, step: Step, table: str) -> None:
        super().__init__(draft, step)
        self.table = table

    def compose(self) -> ComposeResult:
        field = field_at(self.table)
        yield from self.section(field.doc, simple_fields(self.table))


class DiagnosesPanel(StepPanel):
    """Every diagnosis, as rows."""

    def compose(self) -> ComposeResult:
        yield RowEditor(self.draft, "diagnoses", "Diagnosis", id="rows-diagnoses")


class DenialPanel(StepPanel):
    """The denial notice, or the switch for a letter written before any denial."""

    def compose(self) -> ComposeResult:
        yield MarkedCheckbox(
            "No denial yet: a routine letter written ahead",
            self.draft.no_denial,
            id="no-denial",
        )
        yield Label("", id="no-denial-note", classes="section-doc")
        with Vertical(id="denial-fields"):
            yield from self.section("Denial notice", simple_fields("denial"))

    def on_mount(self) -> None:
        self._show_state()

    def _show_state(self) -> None:
        on_ = self.draft.no_denial
        self.query_one("#denial-fields").display = not on_
        note = self.query_one("#no-denial-note", Label)
        if on_:
            note.update(
                "The letter is written without a denial. Anything typed in the "
                "denial fields is kept aside and comes back when this is unticked."
            )
        else:
            note.update("Fill in the denial notice below, or tick the box above.")

    @on(Checkbox.Changed, "#no-denial")
    async def _switched(self, event: Checkbox.Changed) -> None:
        event.stop()
        if event.value == self.draft.no_denial:
            return
        for editor in self.query(FieldEditor):
            editor.flush()
        self.draft.set_no_denial(event.value)
        if not event.value:
            # The fields show the denial table brought back from where it was set
            # aside, not what they showed while it was away.
            await self.recompose()
            self.query_one("#no-denial").focus()
        self._show_state()
        self.post_message(FieldEdited("denial"))


class ClinicalPanel(StepPanel):
    """The clinical picture, then measures and prior treatment as rows."""

    def compose(self) -> ComposeResult:
        yield from self.section("Clinical picture", simple_fields("clinical"))
        yield RowEditor(self.draft, "clinical.measures", "Measure", id="rows-measures")
        yield RowEditor(
            self.draft, "clinical.prior_treatment", "Treatment", id="rows-prior"
        )

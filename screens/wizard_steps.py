"""The wizard's steps and the form panel of each, built from the field catalog."""

from __future__ import annotations

from dataclasses import dataclass

from cmmh_tui.screens.wizard_draft import Draft
from cmmh_tui.screens.wizard_fields import (
    FieldEdited,
    FieldEditor,
    MarkedCheckbox,
    describe_problem,
)
from cmmh_tui.screens.wizard_rows import RowEditor
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Checkbox, Input, Label

from cmmh_tui.schema import Kind, field_at


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
    """The case id was changed while the case is new."""


class PatientPlanPanel(StepPanel):
    """The patient, the case id, the plan, then the case's own fields."""

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
        """Show the id the case got, once the name has been entered."""
        entry = self.query_one("#case-id", Input)
        if entry.value != self.draft.case_id:
            with entry.prevent(Input.Changed):
                entry.value = self.draft.case_id
        self._show_id_hint()

    def _show_id_hint(self) -> None:
        message = self.query_one("#case-id-field .field-message", Label)
        if self.draft.is_new:
            message.update(
                "Also the file name; you can change it while the case is new."
            )
        else:
            message.update("The file name of this case; fixed once the case is saved.")
        message.set_classes("field-message -note")

    @on(Input.Changed, "#case-id")
    def _id_changed(self, event: Input.Changed) -> None:
        event.stop()
        if not self.draft.saved_id:
            return
        problem = self.draft.rename(event.value.strip())
        message, style = describe_problem(problem)
        label = self.query_one("#case-id-field .field-message", Label)
        if problem is None:
            self._show_id_hint()
            self.post_message(CaseIdEdited())
        else:
            label.update(message.replace("; kept as typed, not yet saved", ""))
            label.set_classes(f"field-message {style}")


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
    def _switched(self, event: Checkbox.Changed) -> None:
        event.stop()
        if event.value == self.draft.no_denial:
            return
        self.draft.set_no_denial(event.value)
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

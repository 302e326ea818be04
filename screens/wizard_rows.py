"""Row editor for the case's lists of tables: diagnoses, measures, prior treatment.

Each row shows one `FieldEditor` per column from the catalog, with a Remove
button; an Add button and ctrl+o append a row. Rows live in the draft, so a
row still missing its required value is kept and saved aside, not dropped.
"""

from __future__ import annotations

from cmmh_tui.screens.wizard_draft import Draft
from cmmh_tui.screens.wizard_fields import CodeLookedUp, FieldEdited, FieldEditor
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label

from cmmh_tui.schema import field_at


class RowPanel(Vertical):
    """One row of a list: a field editor per column and a Remove button."""

    def __init__(self, draft: Draft, list_path: str, index: int, noun: str) -> None:
        super().__init__(classes="row")
        self.draft = draft
        self.list_path = list_path
        self.index = index
        self.noun = noun

    def compose(self) -> ComposeResult:
        yield Label(f"{self.noun} {self.index + 1}", classes="row-title")
        for child in field_at(self.list_path).children:
            yield FieldEditor(self.draft, f"{self.list_path}.{self.index}.{child.key}")
        # On a line of its own, because its label contains the whole description,
        # which would otherwise squeeze the Remove button.
        fill = Button("Fill description", compact=True, classes="fill-description")
        fill.display = False
        yield fill
        with Horizontal(classes="row-actions"):
            yield Button(
                f"Remove {self.noun.lower()} {self.index + 1}",
                compact=True,
                classes="remove-row",
            )

    def editor(self, key: str) -> FieldEditor:
        """Return the editor of one column of this row."""
        path = f"{self.list_path}.{self.index}.{key}"
        for editor in self.query(FieldEditor):
            if editor.path == path:
                return editor
        raise LookupError(path)

    @on(CodeLookedUp)
    def _offer_description(self, event: CodeLookedUp) -> None:
        event.stop()
        found = self.query(".fill-description")
        if not self.is_attached or not found:
            return  # The row was removed or rebuilt since the look-up started.
        button = found.first(Button)
        description = event.lookup.description
        empty = not str(
            self.draft.value(f"{self.list_path}.{self.index}.description") or ""
        )
        button.display = bool(description) and empty
        if description:
            button.label = f"Fill description: {description}"
            button.tooltip = description
            self._offered = description

    @on(Button.Pressed, ".fill-description")
    def _fill_description(self, event: Button.Pressed) -> None:
        event.stop()
        description = self.editor("description")
        description.set_text(getattr(self, "_offered", ""))
        event.button.display = False
        description.focus_control()


class RowEditor(Vertical):
    """Every row of one list field, with keys to add and remove rows."""

    BINDINGS = [
        Binding("ctrl+o", "add_row", "Add row", id="wizard.add_row"),
    ]
    """ctrl+o appends a row to the list that has the focus."""

    def __init__(self, draft: Draft, list_path: str, noun: str, *, id: str) -> None:
        super().__init__(classes="rows", id=id)
        self.draft = draft
        self.list_path = list_path
        self.noun = noun
        self.field = field_at(list_path)

    def compose(self) -> ComposeResult:
        yield Label(self.field.title, classes="section-title")
        yield Label(self.field.doc, classes="section-doc")
        rows = self.draft.rows(self.list_path)
        for index in range(len(rows)):
            yield RowPanel(self.draft, self.list_path, index, self.noun)
        if not rows:
            yield Label(f"No {self.field.title.lower()} yet.", classes="row-empty")
        yield Button(
            f"Add {self.noun.lower()} (ctrl+o)", compact=True, classes="add-row"
        )

    @on(Button.Pressed, ".add-row")
    async def _add_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        await self.action_add_row()

    async def action_add_row(self) -> None:
        """Append an empty row and move the focus to its first field."""
        for editor in self.query(FieldEditor):
            editor.flush()
        index = self.draft.add_row(self.list_path)
        await self.recompose()
        self.post_message(FieldEdited(self.list_path))
        self.rows()[index].query(FieldEditor).first().query_one(
            "Input, TextArea, Select, Checkbox"
        ).focus()

    @on(Button.Pressed, ".remove-row")
    async def _remove_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        panel = event.button.query_ancestor(RowPanel)
        for editor in self.query(FieldEditor):
            editor.flush()
        self.draft.remove_row(self.list_path, panel.index)
        await self.recompose()
        self.post_message(FieldEdited(self.list_path))
        self.notify(f"Removed {self.noun.lower()} {panel.index + 1}.", title="Removed")
        self.query_one(".add-row", Button).focus()

    def rows(self) -> list[RowPanel]:
        """Return the row panels in order."""
        return list(self.query(RowPanel))

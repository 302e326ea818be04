"""The case list: every case file of the data folder, readable or not."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from cmmh_tui.model import insurer_name, patient_name
from cmmh_tui.store import CaseEntry

COLUMNS = ("Patient", "Insurer", "Status", "ID")
STATUS_WIDTH = len("✗ unreadable")
WIDE_SCREEN = 100
SHOWN_REASONS = 3
"""Problems of an unreadable file shown below the table; more would push it away."""


def shorten(text: str, width: int) -> str:
    """Cut text to `width` characters, ending with an ellipsis when cut."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


class CaseListScreen(Screen[None]):
    """Lists cases with patient, insurer and status; Enter opens one."""

    CSS_PATH = "case_list.tcss"
    COMMAND_GROUP = "cases"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_case", "Open", id="cases.open"),
        Binding("n", "new_case", "New case", id="cases.new"),
        Binding("e", "edit_case", "Edit", id="cases.edit"),
        Binding("r", "reload", "Reload", id="cases.reload"),
    ]
    """Keys of the case list; each also appears in the command palette."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[CaseEntry] = []
        """Case files as last read, in table row order."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="cases"):
            yield DataTable(id="case-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="case-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.load_cases()

    def on_resize(self) -> None:
        self._show_entries(self.entries)

    def on_screen_resume(self) -> None:
        self.load_cases()

    @work(thread=True, exclusive=True, group="case-list")
    def load_cases(self) -> None:
        """Read the data folder in a thread and show the result."""
        entries = self.app.store.list_cases()
        self.app.call_from_thread(self._show_entries, entries)

    def _column_widths(self) -> tuple[int, ...]:
        """Split the screen width between the columns, so none is pushed off screen.

        Below WIDE_SCREEN columns the ID column is left out; the line under the
        table shows the selected case's id.
        """
        columns = 4 if self.size.width >= WIDE_SCREEN else 3
        available = max(self.size.width - 2 * columns - 2, 40) - STATUS_WIDTH
        if columns == 3:
            patient = available * 2 // 5
            return patient, available - patient, STATUS_WIDTH
        patient = available * 3 // 10
        insurer = available * 35 // 100
        return patient, insurer, STATUS_WIDTH, available - patient - insurer

    def _show_entries(self, entries: list[CaseEntry]) -> None:
        table = self.query_one(DataTable)
        selected = self.selected_entry()
        table.clear(columns=True)
        widths = self._column_widths()
        for label, width in zip(COLUMNS, widths, strict=False):
            table.add_column(label, width=width)
        self.entries = entries
        for entry in entries:
            if entry.case is None:
                row = (entry.path.name, "", "✗ unreadable", entry.case_id)
            else:
                row = (
                    patient_name(entry.case),
                    insurer_name(entry.case),
                    str(entry.case.get("status", "")),
                    entry.case_id,
                )
            cells = [
                shorten(text, width) for text, width in zip(row, widths, strict=False)
            ]
            table.add_row(*cells, key=str(entry.path))
        if selected is not None:
            for index, entry in enumerate(entries):
                if entry.path == selected.path:
                    table.move_cursor(row=index)
        self._describe(self.selected_entry())

    def selected_entry(self) -> CaseEntry | None:
        """Return the entry under the cursor, if any."""
        table = self.query_one(DataTable)
        if not self.entries or table.cursor_row >= len(self.entries):
            return None
        return self.entries[table.cursor_row]

    def _describe(self, entry: CaseEntry | None) -> None:
        detail = self.query_one("#case-detail", Static)
        if entry is None:
            detail.update(
                "No cases yet. Press n to start a new case, or import case files "
                "with: cmmh import FILE"
            )
        elif entry.case is None:
            reasons = entry.reason.splitlines()
            shown = "\n".join(reasons[:SHOWN_REASONS])
            if len(reasons) > SHOWN_REASONS:
                shown += (
                    f"\n... and {len(reasons) - SHOWN_REASONS} more; "
                    f"`cmmh check {entry.path}` lists them all."
                )
            detail.update(
                f"{entry.path.name} could not be read and is left untouched:\n{shown}"
            )
        else:
            title = str(entry.case.get("title") or "")
            detail.update(f"{entry.case_id}: {title}" if title else entry.case_id)

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self) -> None:
        self._describe(self.selected_entry())

    @on(DataTable.RowSelected)
    def _row_selected(self) -> None:
        self.action_open_case()

    def _readable_selection(self) -> CaseEntry | None:
        entry = self.selected_entry()
        if entry is None:
            self.notify("No case selected.", severity="warning")
            return None
        if entry.case is None:
            self.notify(
                f"{entry.path.name} cannot be opened until the file is fixed.",
                severity="error",
            )
            return None
        return entry

    def action_open_case(self) -> None:
        """Open the selected case."""
        from cmmh_tui.screens.case_detail import CaseDetailScreen

        entry = self._readable_selection()
        if entry is not None:
            self.app.push_screen(CaseDetailScreen(entry.case_id))

    def action_new_case(self) -> None:
        """Start a new case in the letter wizard."""
        from cmmh_tui.screens.wizard import WizardScreen

        self.app.push_screen(WizardScreen(self.app.store, None))

    def action_edit_case(self) -> None:
        """Edit the selected case in the letter wizard."""
        from cmmh_tui.screens.wizard import WizardScreen

        entry = self._readable_selection()
        if entry is not None:
            self.app.push_screen(WizardScreen(self.app.store, entry.case_id))

    def action_reload(self) -> None:
        """Read the data folder again."""
        self.load_cases()

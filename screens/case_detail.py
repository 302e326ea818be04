"""One case: its key facts and a preview of the medical necessity letter."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown, Static

from cmmh_tui.export import export_document
from cmmh_tui.model import Case, get_path, insurer_name, patient_name
from cmmh_tui.rendering import DOCUMENTS, render_document
from cmmh_tui.schema import PLAN_TYPE_LABELS, REVIEW_TYPE_LABELS
from cmmh_tui.store import StoreError
from cmmh_tui.validation import CaseFileError

LETTER = "medical-necessity-letter"


def summarise_case(case: Case) -> str:
    """Return the case's key facts as plain lines for the summary panel."""
    lines = [f"Patient: {patient_name(case)}"]
    born = get_path(case, "patient.date_of_birth")
    member = get_path(case, "patient.member_id")
    extra = [f"born {born}" if born else "", f"member ID {member}" if member else ""]
    if any(extra):
        lines[0] += " (" + ", ".join(part for part in extra if part) + ")"
    plan_type = PLAN_TYPE_LABELS.get(str(get_path(case, "plan.plan_type", "")), "")
    insurer = insurer_name(case)
    if insurer or plan_type:
        lines.append("Plan: " + ", ".join(p for p in (insurer, plan_type) if p))
    service = get_path(case, "service.description")
    if service:
        review = REVIEW_TYPE_LABELS.get(str(get_path(case, "service.review_type", "")))
        lines.append(f"Service: {service}" + (f"; {review}" if review else ""))
    codes = [str(d.get("code", "")) for d in case.get("diagnoses", [])]
    if codes:
        lines.append("Diagnoses: " + ", ".join(codes))
    denial = case.get("denial")
    if isinstance(denial, dict) and denial:
        when = denial.get("date", "date unknown")
        reference = denial.get("reference", "no reference")
        lines.append(f"Denied {when}, ref {reference}: {denial.get('reason', '')}")
    else:
        lines.append("No denial recorded: the letter is written ahead of any decision.")
    lines.append(f"Status: {case.get('status', 'not set')}")
    return "\n".join(lines)


class CaseDetailScreen(Screen[None]):
    """Shows a case's key facts and its letter; keys export or copy the letter."""

    CSS_PATH = "case_detail.tcss"
    COMMAND_GROUP = "case"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "export_letter", "Export letter", id="case.export"),
        Binding("c", "copy_letter", "Copy letter", id="case.copy"),
        Binding("e", "edit_case", "Edit", id="case.edit"),
        Binding("q", "close", "Back", id="case.back"),
        Binding("escape", "close", "Back", show=False, id="case.back_escape"),
    ]
    """Keys of the case screen; q and Escape both go back to the list."""

    def __init__(self, case_id: str) -> None:
        super().__init__()
        self.case_id = case_id
        """Id of the case shown."""
        self.case: Case | None = None
        self.letter_text = ""
        """The letter as last rendered, exactly what export writes."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="facts")
        yield Static("", id="letter-status")
        with VerticalScroll(id="letter-scroll"):
            yield Markdown("", id="letter")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.case_id
        self.load_case()

    def on_screen_resume(self) -> None:
        if self.case is not None:
            self.load_case()

    def load_case(self) -> None:
        """Read the case from disk and render its letter."""
        try:
            self.case = self.app.store.load(self.case_id)
        except (CaseFileError, StoreError) as error:
            self.query_one("#facts", Static).update(str(error))
            self.notify("This case could not be read.", severity="error")
            return
        self.query_one("#facts", Static).update(summarise_case(self.case))
        rendered = render_document(self.case, LETTER)
        self.letter_text = rendered.text
        self.query_one("#letter", Markdown).update(rendered.text)
        self._show_status(rendered.missing)

    def _show_status(self, missing: list[str]) -> None:
        notice = DOCUMENTS[LETTER].notice
        if missing:
            shown = ", ".join(missing[:6]) + (" and more" if len(missing) > 6 else "")
            status = f"! Letter is missing {len(missing)} item(s): {shown}."
        else:
            status = "✓ Letter has every element filled in."
        self.query_one("#letter-status", Static).update(f"{status}\n{notice}")

    def action_export_letter(self) -> None:
        """Read the case again, so the export matches the file, and write the letter."""
        self.load_case()
        if self.case is not None:
            self._export(self.case)

    @work(thread=True, exclusive=True, group="export")
    def _export(self, case: Case) -> None:
        try:
            result = export_document(self.app.store, case, LETTER)
        except (StoreError, CaseFileError) as error:
            self.app.call_from_thread(
                self.notify, f"Export failed: {error}", severity="error", timeout=15
            )
            return
        message = f"Letter written to {result.path}"
        if result.missing:
            message += f" ({len(result.missing)} item(s) still missing)"
        self.app.call_from_thread(self.notify, message, timeout=15)

    def action_copy_letter(self) -> None:
        """Copy the letter's Markdown to the terminal clipboard (OSC 52)."""
        self.app.copy_to_clipboard(self.letter_text)
        self.notify(
            f"Sent the letter ({len(self.letter_text.splitlines())} lines) to the "
            "terminal's clipboard. If nothing arrives, your terminal does not "
            "accept clipboard requests (OSC 52): export it with x instead."
        )

    def action_edit_case(self) -> None:
        """Open the case in the letter wizard."""
        from cmmh_tui.screens.wizard import WizardScreen

        self.app.push_screen(WizardScreen(self.app.store, self.case_id))

    def action_close(self) -> None:
        """Go back to the case list."""
        self.dismiss()

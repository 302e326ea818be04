"""Reviewer guidance beside each wizard step, and the F1 help screen for a step."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from cmmh_tui.guidance import GUIDANCE, LEGAL_NOTE, STEP_HELP

WIZARD_KEYS = (
    "Wizard keys:\n"
    "ctrl+n next step, ctrl+b previous step, ctrl+g step list.\n"
    "F2 shows or hides the guidance.\n"
    "ctrl+s saves now; changes also save as you go.\n"
    "ctrl+o adds a row to the list you are in.\n"
    "F4 saves the clinician as your profile (clinician step).\n"
    "F7 in a multi-line field selects all of its text.\n"
    "F8 exports the letter, F9 copies it. F10 or Escape closes the wizard."
)


def guidance_text(step: str) -> str:
    """Return the guidance for a step as plain text, or an empty string."""
    guidance = GUIDANCE.get(step)
    if guidance is None:
        return ""
    return (
        f"What the reviewer looks for\n{guidance.looks_for}\n\n"
        f"What makes it strong\n{guidance.strong}\n\n"
        f"Source: {guidance.source}"
    )


class GuidancePanel(VerticalScroll):
    """Guidance on what the insurer's reviewer looks for in the current step."""

    def compose(self) -> ComposeResult:
        yield Label("", id="guidance-title", classes="section-title")
        yield Static("", id="guidance-body")

    def show_step(self, step: str) -> None:
        """Show the guidance for a step."""
        guidance = GUIDANCE.get(step)
        title = f"Guidance: {guidance.title}" if guidance else "Guidance"
        self.query_one("#guidance-title", Label).update(title)
        body = guidance_text(step)
        if step == "review":
            body = f"{body}\n\n{LEGAL_NOTE}".strip()
        self.query_one("#guidance-body", Static).update(body)
        self.scroll_home(animate=False)


class StepHelpScreen(ModalScreen[None]):
    """Help for one step: what each field is for and the keys that work."""

    BINDINGS = [
        Binding("f1", "close", "Close help", id="help.close_f1"),
        Binding("q", "close", "Close help", show=False, id="help.close_q"),
        Binding("escape", "close", "Close help", show=False, id="help.close_escape"),
    ]
    """F1, q and Escape all close the help."""

    def __init__(self, step: str, title: str) -> None:
        super().__init__(classes="wizard-help")
        self.step = step
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Label(f"Help: {self.title_text}", classes="section-title")
            with VerticalScroll(id="help-body"):
                yield Static(STEP_HELP.get(self.step, ""))
                yield Static(WIZARD_KEYS)
            yield Button("Close (F1, q or Escape)", compact=True, id="help-close")

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    @on(Button.Pressed, "#help-close")
    def _close_pressed(self) -> None:
        self.dismiss()

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss()

"""Review step: the completeness check, the letter preview, export and copy."""

from __future__ import annotations

import datetime as dt

import jinja2
from cmmh_tui.screens.wizard_draft import Draft
from cmmh_tui.screens.wizard_steps import Step, StepPanel
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, Label, Markdown, OptionList
from textual.widgets.option_list import Option

from cmmh_tui.completeness import ElementCheck, check_letter
from cmmh_tui.model import Case
from cmmh_tui.rendering import DOCUMENTS, RenderedDocument, render_document

LETTER = "medical-necessity-letter"

STATUS_MARKS = {"present": "✓ present", "thin": "~ thin", "missing": "✗ missing"}
"""Status words with a symbol, so a status reads without color."""


def element_line(check: ElementCheck) -> str:
    """Format one completeness element as a line of the list."""
    mark = STATUS_MARKS.get(check.status, check.status)
    detail = f": {check.detail}" if check.detail else ""
    return f"{mark:<9}  {check.label}{detail}"


class StepRequested(Message):
    """The user chose an element whose step should be shown."""

    def __init__(self, step: str) -> None:
        super().__init__()
        self.step = step


class ReviewPanel(StepPanel):
    """Completeness list, preview of the letter, export and copy."""

    def __init__(self, draft: Draft, step: Step, today: dt.date | None) -> None:
        super().__init__(draft, step)
        self.today = today
        self.checks: list[ElementCheck] = []
        self.rendered: RenderedDocument | None = None
        """The letter as last rendered for the preview; export writes the same text."""
        self._steps: dict[str, str] = {}
        """Step of each element in the completeness list, by option id."""
        self._generation = 0
        """Number of the latest render asked for; older results are dropped."""

    def compose(self) -> ComposeResult:
        yield Label("Completeness", classes="section-title")
        yield Label("", id="review-summary")
        yield OptionList(id="review-elements")
        yield Label(
            "Enter on an element opens the step that fills it.", classes="section-doc"
        )
        with Horizontal(classes="row-actions"):
            yield Button("Export letter (F8)", compact=True, id="review-export")
            yield Button("Copy letter (F9)", compact=True, id="review-copy")
        yield Label("", id="review-result")
        yield Label(DOCUMENTS[LETTER].notice, classes="section-doc", id="review-notice")
        yield Label("Preview", classes="section-title")
        yield Markdown("", id="review-preview")

    def refresh_review(self) -> None:
        """Check completeness and render the preview from the case as it would save."""
        self._generation += 1
        self._render_letter(self.draft.saveable(), self._generation)

    @work(thread=True, exclusive=True, group="review-render")
    def _render_letter(self, case: Case, generation: int) -> None:
        checks = check_letter(case)
        try:
            rendered = render_document(case, LETTER, today=self.today)
        except (jinja2.TemplateError, KeyError, OSError) as error:
            rendered = None
            message = f"Preview failed: {error}"
        else:
            message = ""
        self.app.call_from_thread(self._show, generation, checks, rendered, message)

    def _show(
        self,
        generation: int,
        checks: list[ElementCheck],
        rendered: RenderedDocument | None,
        error: str,
    ) -> None:
        if generation != self._generation or not self.is_attached:
            return  # A newer render is on its way, or the wizard closed.
        self.checks = checks
        self._steps = {check.key: check.step for check in checks}
        self.rendered = rendered
        elements = self.query_one("#review-elements", OptionList)
        highlighted = elements.highlighted
        elements.clear_options()
        elements.add_options(
            [Option(element_line(check), id=check.key) for check in checks]
        )
        if checks:
            elements.highlighted = min(highlighted or 0, len(checks) - 1)
        counts = {status: 0 for status in STATUS_MARKS}
        for check in checks:
            counts[check.status] = counts.get(check.status, 0) + 1
        summary = ", ".join(f"{counts[s]} {STATUS_MARKS[s]}" for s in STATUS_MARKS)
        self.query_one("#review-summary", Label).update(summary)
        preview = rendered.text if rendered else error
        self.query_one("#review-preview", Markdown).update(preview)

    @on(OptionList.OptionSelected, "#review-elements")
    def _element_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        # The list may have been rebuilt since the key was pressed, so the
        # element is found by its id rather than by its position.
        step = self._steps.get(str(event.option.id))
        if step is not None:
            self.post_message(StepRequested(step))

    @on(Button.Pressed, "#review-export")
    async def _export_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        await self.screen.run_action("export_letter")

    @on(Button.Pressed, "#review-copy")
    async def _copy_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        await self.screen.run_action("copy_letter")

    def show_result(self, message: str) -> None:
        """Show the outcome of the last export."""
        self.query_one("#review-result", Label).update(message)

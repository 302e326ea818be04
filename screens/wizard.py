"""The letter wizard: create or edit a case, step by step, and export its letter.

Every edit lands in a `Draft` at once and is saved to the case file a moment
after typing stops, when a field loses focus, on every step change and on close.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Iterator
from typing import ClassVar

from cmmh_tui.screens.wizard_assessment import AssessmentPanel
from cmmh_tui.screens.wizard_draft import Draft
from cmmh_tui.screens.wizard_fields import FieldEdited, FieldEditor, widget_id
from cmmh_tui.screens.wizard_guidance import GuidancePanel, StepHelpScreen
from cmmh_tui.screens.wizard_review import LETTER, ReviewPanel, StepRequested
from cmmh_tui.screens.wizard_steps import (
    STEP_IDS,
    STEPS,
    CaseIdEdited,
    ClinicalPanel,
    DenialPanel,
    DiagnosesPanel,
    PatientPlanPanel,
    StepPanel,
    TablePanel,
    step_titled,
)
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import ContentSwitcher, Footer, Input, Label, OptionList
from textual.widgets.option_list import Option

from cmmh_tui.export import export_document
from cmmh_tui.model import patient_name
from cmmh_tui.store import CaseStore, StoreError
from cmmh_tui.validation import CaseFileError

SAVE_DELAY = 1.0
"""Seconds after the last keystroke before the case is saved."""

RETRY_DELAY = 10.0
"""Seconds between attempts to save after a failed write."""

WIDE_COLUMNS = 120
"""Terminal width from which the guidance sits beside the form by default."""

PRELOAD_DELAY = 3.0
"""Seconds after opening before the ICD-10-CM tables load, unless needed sooner.

Loading them blocks the interface for about a second (measured), so it waits
until the keys typed while the wizard opens have been handled."""


class StepCommands(Provider):
    """Command palette entries that open each step of the wizard."""

    def _commands(self) -> Iterator[tuple[str, str]]:
        for number, step in enumerate(STEPS, start=1):
            yield f"wizard: go to step {number}, {step.title}", step.id

    async def discover(self) -> Hits:
        for title, step_id in self._commands():
            yield DiscoveryHit(title, self._opener(step_id), help="Open this step")

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, step_id in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), self._opener(step_id))

    def _opener(self, step_id: str):
        screen = self.screen

        def open_step() -> None:
            if isinstance(screen, WizardScreen):
                screen.show_step(step_id)

        return open_step


class WizardScreen(Screen[str | None]):
    """Guided screens that build a case and its medical necessity letter."""

    CSS_PATH = "wizard.tcss"
    COMMAND_GROUP = "wizard"
    COMMANDS = Screen.COMMANDS | {StepCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "next_step", "Next", id="wizard.next", priority=True),
        Binding("ctrl+b", "previous_step", "Back", id="wizard.previous", priority=True),
        # Left out of the footer, so F10 Close fits at 80 columns; F1 help and
        # the command palette list it.
        Binding("ctrl+g", "focus_steps", "Steps", show=False, id="wizard.steps"),
        Binding("f1", "help", "Help", id="wizard.help"),
        Binding("f2", "toggle_guidance", "Guide", id="wizard.guidance"),
        Binding("ctrl+s", "save", "Save", show=False, id="wizard.save"),
        Binding("f4", "save_profile", "Profile", id="wizard.save_profile"),
        Binding("f8", "export_letter", "Export", id="wizard.export"),
        Binding("f9", "copy_letter", "Copy", id="wizard.copy"),
        Binding("f10", "close", "Close", id="wizard.close"),
        Binding("escape", "close", "Close", show=False, id="wizard.close_escape"),
    ]
    """Keys of the wizard; each also appears in the command palette."""

    guidance_shown: ClassVar[bool | None] = None
    """Whether the guidance is shown, once the user has toggled it this session."""

    def __init__(
        self,
        store: CaseStore,
        case_id: str | None = None,
        *,
        today: dt.date | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.today = today
        """Date for new cases and the letter preview; None means the real date."""
        case = store.load(case_id) if case_id is not None else None
        self.draft = Draft(store, case, today or dt.date.today())
        """The case under edit, with raw input that does not validate yet."""
        self.step = self._initial_step()
        """Id of the step shown."""
        self._save_timer: Timer | None = None
        self._close_requested = False
        self._notified_error = ""
        """Save error last shown as a notification, so a retry does not repeat it."""
        self._codes_loading = False
        self._focus_chosen = False
        """Whether a key moved the focus since the step was last shown."""

    def _initial_step(self) -> str:
        stored = self.draft.case.get("editor", {}).get("step")
        return stored if stored in STEP_IDS else STEP_IDS[0]

    def compose(self) -> ComposeResult:
        with Horizontal(id="wizard-top"):
            yield Label("", id="wizard-title")
            yield Label("", id="save-state")
        with Horizontal(id="wizard-body"):
            yield OptionList(
                *[
                    Option(f"{number} {step.list_title}", id=step.id)
                    for number, step in enumerate(STEPS, start=1)
                ],
                id="step-list",
            ).with_tooltip("Steps of the letter; ctrl+g moves here.")
            # Only the first step is built now; the others on their first
            # showing, so the wizard opens quickly.
            with ContentSwitcher(initial=f"step-{self.step}", id="steps"):
                yield self._panel(self.step)
            yield GuidancePanel(id="guidance")
        yield Footer(compact=True)

    def _panel(self, step_id: str) -> StepPanel:
        draft = self.draft
        step = step_titled(step_id)
        if step_id == "patient_plan":
            return PatientPlanPanel(draft, step)
        if step_id == "diagnoses":
            return DiagnosesPanel(draft, step)
        if step_id == "denial":
            return DenialPanel(draft, step)
        if step_id == "clinical":
            return ClinicalPanel(draft, step)
        if step_id == "assessment":
            return AssessmentPanel(draft, step)
        if step_id == "review":
            return ReviewPanel(draft, step, self.today)
        return TablePanel(draft, step, step_id)

    def on_mount(self) -> None:
        self.set_timer(PRELOAD_DELAY, self._preload_codes)
        self._apply_width(self.size.width)
        self.show_step(self.step, save=False)
        self._show_save_state()

    def _preload_codes(self) -> None:
        if not self._codes_loading:
            self._codes_loading = True
            self._load_codes()

    @work(thread=True, group="code-preload")
    def _load_codes(self) -> None:
        from cmmh_tui.codes import preload

        preload()

    # Layout

    def on_resize(self, event: events.Resize) -> None:
        self._apply_width(event.size.width)

    def _apply_width(self, width: int) -> None:
        wide = width >= WIDE_COLUMNS
        self.set_class(wide, "-wide")
        self.set_class(not wide, "-narrow")
        shown = self.guidance_shown if self.guidance_shown is not None else wide
        self.query_one("#guidance").display = shown

    def action_toggle_guidance(self) -> None:
        """Show or hide the guidance; the choice lasts until the app quits."""
        guidance = self.query_one("#guidance")
        WizardScreen.guidance_shown = not guidance.display
        guidance.display = WizardScreen.guidance_shown

    # Steps

    def show_step(self, step_id: str, *, save: bool = True) -> None:
        """Show one step, saving first, and remember it in the case."""
        self.step = step_id
        self.draft.case.setdefault("editor", {})["step"] = step_id
        if save:
            self.save_now(on_step_change=True)
        switcher = self.query_one("#steps", ContentSwitcher)
        mounting = None
        if not switcher.query_children(f"#step-{step_id}"):
            mounting = switcher.mount(self._panel(step_id))
        switcher.current = f"step-{step_id}"
        step_list = self.query_one("#step-list", OptionList)
        step_list.highlighted = STEP_IDS.index(step_id)
        self.query_one(GuidancePanel).show_step(step_id)
        self._show_title()
        if step_id == "diagnoses":
            self._preload_codes()
        self._focus_chosen = False
        self.call_later(self._step_shown, step_id, mounting)
        self.refresh_bindings()

    async def _step_shown(self, step_id: str, mounting: Awaitable[None] | None) -> None:
        if mounting is not None:
            await mounting
        if step_id != self.step or not self.is_attached:
            return
        if step_id == "review":
            self.query_one(ReviewPanel).refresh_review()
        self.call_after_refresh(self._focus_step, step_id)

    def _focus_step(self, step_id: str) -> None:
        # A key pressed since the step was asked for may have moved the focus
        # (ctrl+g to the step list); that choice wins.
        if step_id != self.step or self._focus_chosen:
            return
        panel = self.query_one(f"#step-{self.step}", StepPanel)
        focusable = [w for w in panel.query("*") if w.focusable]
        if focusable:
            # The first control sits at the top, so the step opens scrolled to
            # its start. Scrolling to the control instead could use the layout
            # of a panel that is still being built.
            focusable[0].focus(scroll_visible=False)
        panel.scroll_home(animate=False)

    def _show_title(self) -> None:
        number = STEP_IDS.index(self.step) + 1
        who = patient_name(self.draft.case) or "New case"
        case_id = f" ({self.draft.case_id})" if self.draft.case_id else ""
        title = f"{who}{case_id} · {number}/{len(STEPS)} "
        self.query_one("#wizard-title", Label).update(
            title + step_titled(self.step).title
        )

    def action_next_step(self) -> None:
        """Show the next step."""
        index = STEP_IDS.index(self.step)
        if index + 1 < len(STEP_IDS):
            self.show_step(STEP_IDS[index + 1])

    def action_previous_step(self) -> None:
        """Show the previous step."""
        index = STEP_IDS.index(self.step)
        if index > 0:
            self.show_step(STEP_IDS[index - 1])

    def action_focus_steps(self) -> None:
        """Move the focus to the step list."""
        self._focus_chosen = True
        self.query_one("#step-list").focus()

    @on(OptionList.OptionSelected, "#step-list")
    def _step_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.show_step(str(event.option.id))

    @on(StepRequested)
    def _step_requested(self, event: StepRequested) -> None:
        if event.step in STEP_IDS:
            self.show_step(event.step)

    def action_help(self) -> None:
        """Show help for the current step."""
        self.app.push_screen(StepHelpScreen(self.step, step_titled(self.step).title))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save_profile":
            return self.step == "clinician"
        if action in ("export_letter", "copy_letter"):
            return self.step == "review"
        return True

    # Saving

    @on(FieldEdited)
    def _field_edited(self, event: FieldEdited) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY, self._save_after_typing)
        self._show_save_state()
        if event.path == "patient.name":
            self._show_title()

    def _save_after_typing(self) -> None:
        self.save_now()

    @on(events.DescendantBlur)
    def _field_left(self, event: events.DescendantBlur) -> None:
        if isinstance(event.widget, Input) and event.widget.id == widget_id(
            "patient.name"
        ):
            self.save_now(name_confirmed=True)
        elif self.draft.dirty:
            self.save_now()

    @on(Input.Submitted)
    def _field_submitted(self, event: Input.Submitted) -> None:
        self.save_now(name_confirmed=True)

    @on(CaseIdEdited)
    def _case_id_edited(self) -> None:
        self.save_now()

    def _confirm_typed_id(self) -> None:
        """Use a case id still being typed, as leaving its field would."""
        if self.focused is not None and self.focused.id == "case-id":
            self.query_one(PatientPlanPanel).apply_case_id()

    def action_save(self) -> None:
        """Save the case now."""
        self._confirm_typed_id()
        if self.save_now(name_confirmed=True):
            self.notify(f"Saved {self.store.case_path(self.draft.case_id)}.")

    def save_now(
        self, *, name_confirmed: bool = False, on_step_change: bool = False
    ) -> bool:
        """Save the case if anything changed; return whether it is saved.

        A new case gets its id only once its name is confirmed (the name
        field is left, Enter is pressed or the step changes), so the id is not
        made from half a name.
        """
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        for editor in self.query(FieldEditor):
            editor.flush()
        unsaved_new = self.draft.is_new and self.draft.saved_id is None
        if unsaved_new and not (name_confirmed or on_step_change):
            return False
        if not self.draft.dirty and not (unsaved_new or on_step_change):
            return True
        saved = self.draft.save()
        if saved:
            for panel in self.query(PatientPlanPanel):
                panel.show_case_id()
            self._show_title()
        elif self.draft.saved_id is not None or not unsaved_new:
            self.set_timer(RETRY_DELAY, self._retry_save)
            self._notify_save_error()
        self._show_save_state()
        return saved

    def _notify_save_error(self) -> None:
        """Show a failed save's full reason once; the header has room for little."""
        error = self.draft.last_error
        if not error or error == self._notified_error:
            return
        self._notified_error = error
        self.notify(error, title="Not saved", severity="error", timeout=20)

    def _retry_save(self) -> None:
        if self.is_attached and self.draft.dirty:
            self.save_now()

    def _show_save_state(self) -> None:
        label = self.query_one("#save-state", Label)
        if self.draft.last_error:
            label.update(f"✗ Not saved: {self.draft.last_error}")
            label.set_classes("-error")
        elif self.draft.saved_id is None and self.draft.has_name:
            label.update("○ Name not confirmed: press Enter or Tab")
            label.set_classes("-pending")
        elif self.draft.saved_id is None:
            label.update("○ Not saved: needs a name")
            label.set_classes("-pending")
        elif self.draft.dirty:
            label.update("● Unsaved changes")
            label.set_classes("-pending")
        else:
            label.update("✓ Saved")
            label.set_classes("-saved")

    def save_before_exit(self) -> bool:
        """Save whatever was typed, because the app is about to exit.

        Returns:
            Whether the case is saved, or had nothing to save.
        """
        self._confirm_typed_id()
        return self.save_now(name_confirmed=True) or not self.draft.dirty

    def action_close(self) -> None:
        """Save and close the wizard; after a failed save, a second press closes."""
        self._confirm_typed_id()
        if self.save_now(name_confirmed=True) or not self.draft.dirty:
            self.dismiss(self.draft.saved_id)
            return
        if self._close_requested:
            self.dismiss(self.draft.saved_id)
            return
        self._close_requested = True
        reason = self.draft.last_error or "the case needs the patient's name."
        self.notify(
            f"Not saved: {reason} Press F10 again to close and discard the "
            "unsaved changes.",
            title="Changes not saved",
            severity="error",
        )

    # Clinician profile, export and copy

    def action_save_profile(self) -> None:
        """Save the clinician block as the profile that new cases start from."""
        try:
            path = self.store.save_profile(self.draft.clinician_profile())
        except StoreError as error:
            self.notify(str(error), title="Profile not saved", severity="error")
            return
        self.notify(
            f"Saved the clinician as your profile in {path}. New cases start with it.",
            title="Profile saved",
        )

    def action_export_letter(self) -> None:
        """Write the letter to a Markdown file and show where it went."""
        review = self.query_one(ReviewPanel)
        if not self.save_now(name_confirmed=True):
            review.show_result(f"✗ Not exported: {self.draft.last_error}")
            return
        case = self.draft.saveable()
        try:
            result = export_document(self.store, case, LETTER)
        except (StoreError, CaseFileError) as error:
            review.show_result(f"✗ Not exported: {error}")
            return
        self.draft.case["documents"] = case["documents"]
        self.draft.case["updated"] = case["updated"]
        missing = ", ".join(result.missing) if result.missing else "nothing"
        review.show_result(f"✓ Exported to {result.path}\nStill missing: {missing}")
        self.notify(f"Exported the letter to {result.path}.", title="Exported")

    def action_copy_letter(self) -> None:
        """Copy the previewed letter to the clipboard through the terminal."""
        rendered = self.query_one(ReviewPanel).rendered
        if rendered is None:
            self.notify("The preview is not ready yet; try again.", severity="warning")
            return
        self.app.copy_to_clipboard(rendered.text)
        lines = rendered.text.count("\n")
        self.notify(
            f"Copied the medical necessity letter ({lines} lines of Markdown) to the "
            "clipboard through the terminal. If nothing arrives, export it (F8).",
            title="Copied",
        )

"""SVG snapshots of every wizard step at 80x24, from a fixed case and a fixed date."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from cmmh_tui.screens.wizard import WizardScreen
from cmmh_tui.screens.wizard_fields import FieldEditor
from cmmh_tui.screens.wizard_review import ReviewPanel
from cmmh_tui.screens.wizard_steps import STEP_IDS

from cmmh_tui.app import CmmhApp
from cmmh_tui.store import CaseStore

FIXTURE = Path(__file__).parent / "fixtures" / "wizard-residential-sud.toml"
CASE_ID = "carlos-m-residential"
TODAY = dt.date(2025, 6, 2)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    store = CaseStore(tmp_path / "data")
    store.ensure()
    shutil.copy(FIXTURE, store.case_path(CASE_ID))
    return store.root


async def settle(pilot, condition, what: str) -> None:
    for _ in range(400):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def lookups_done(screen: WizardScreen) -> bool:
    codes = [e for e in screen.query(FieldEditor) if e.path.endswith(".code")]
    return all(e.query_one(".field-message").display for e in codes)


def open_step(step: str, case_id: str | None = CASE_ID):
    async def run_before(pilot) -> None:
        WizardScreen.guidance_shown = None
        app = pilot.app
        await pilot.pause()
        app.push_screen(WizardScreen(app.store, case_id, today=TODAY))
        await settle(pilot, lambda: isinstance(app.screen, WizardScreen), "wizard")
        screen = app.screen
        await pilot.pause()
        # A blinking cursor would make the picture depend on timing.
        for control in screen.query("Input, TextArea"):
            control.cursor_blink = False
        screen.show_step(step)
        panel = screen.query_one(f"#step-{step}")
        await settle(
            pilot,
            lambda: screen.focused is not None and panel in screen.focused.ancestors,
            "focus in the step",
        )
        # Steps are built on their first showing, so their controls exist only now.
        for control in screen.query("Input, TextArea"):
            control.cursor_blink = False
        await pilot.pause()
        if step == "diagnoses":
            await settle(pilot, lambda: lookups_done(screen), "code look-ups")
        if step == "review":
            review = screen.query_one(ReviewPanel)
            await settle(pilot, lambda: review.rendered is not None, "preview")
            # Markdown mounts its blocks after update() returns; until then the
            # panel's height, and so its scroll bar, is still changing.
            preview = screen.query_one("#review-preview")
            await settle(pilot, lambda: len(preview.children) > 10, "preview blocks")
            await pilot.wait_for_scheduled_animations()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("step", STEP_IDS)
def test_wizard_step_snapshot(snap_compare, data_dir, step):
    assert snap_compare(
        CmmhApp(data_dir), terminal_size=(80, 24), run_before=open_step(step)
    )


def test_wizard_new_case_snapshot(snap_compare, data_dir):
    assert snap_compare(
        CmmhApp(data_dir),
        terminal_size=(80, 24),
        run_before=open_step("patient_plan", None),
    )


def test_wizard_wide_snapshot(snap_compare, data_dir):
    assert snap_compare(
        CmmhApp(data_dir), terminal_size=(160, 50), run_before=open_step("clinical")
    )

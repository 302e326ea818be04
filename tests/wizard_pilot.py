"""Pilot helpers shared by the wizard tests: open the wizard, move, type, read back."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Callable

from cmmh_tui.screens.wizard import WizardScreen
from cmmh_tui.screens.wizard_fields import FieldEditor, widget_id
from textual.widgets import Input

from cmmh_tui.app import CmmhApp
from cmmh_tui.store import CaseStore

TODAY = dt.date(2025, 6, 2)
"""Date the wizard is opened with, so rendered letters do not depend on the clock."""

SIZE = (80, 24)


async def wait_for(pilot, condition: Callable[[], object], what: str) -> None:
    """Pause until `condition()` is true; fail after about 8 seconds."""
    for _ in range(400):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"timed out waiting for {what}")


async def open_wizard(app: CmmhApp, pilot, case_id: str | None = None) -> WizardScreen:
    """Push the wizard on a case (or a new one) and wait until it is shown."""
    await pilot.pause()
    app.push_screen(WizardScreen(app.store, case_id, today=TODAY))
    await wait_for(pilot, lambda: isinstance(app.screen, WizardScreen), "the wizard")
    await pilot.pause()
    return app.screen


async def goto(pilot, screen: WizardScreen, step: str) -> None:
    """Show a step and wait until its panel is built and displayed."""
    screen.show_step(step)
    panel_id = f"#step-{step}"
    await wait_for(
        pilot,
        lambda: screen.query(panel_id) and screen.query_one(panel_id).display,
        f"the {step} step",
    )
    await pilot.pause()


def key_for(char: str) -> str:
    """Return the Pilot key name that types `char`."""
    return {" ": "space", "\n": "enter"}.get(char, char)


async def type_into(pilot, screen: WizardScreen, path: str, text: str) -> None:
    """Focus a field, clear it and type text key by key."""
    selector = "#case-id" if path == "id" else f"#{widget_id(path)}"
    control = screen.query_one(selector)
    control.focus()
    await pilot.pause()
    if isinstance(control, Input):
        control.value = ""
    else:
        control.clear()
    await pilot.press(*[key_for(char) for char in text])


def saved(store: CaseStore, case_id: str) -> dict:
    """Read the case file as saved on disk."""
    return tomllib.loads(store.case_path(case_id).read_text(encoding="utf-8"))


def message_under(screen: WizardScreen, path: str) -> str:
    """Return the message shown under a field, or an empty string."""
    editor = next(e for e in screen.query(FieldEditor) if e.path == path)
    label = editor.query_one(".field-message")
    return str(label.render()) if label.display else ""

"""Pilot tests of edge cases in the wizard: fast typing, invalid values, the case ID."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import threading
import tomllib
from pathlib import Path

import pytest
from cmmh_tui.screens import wizard_fields
from cmmh_tui.screens.wizard import WizardScreen
from cmmh_tui.screens.wizard_fields import FieldEditor, widget_id
from cmmh_tui.screens.wizard_review import ReviewPanel
from cmmh_tui.screens.wizard_rows import RowEditor
from textual import events
from textual.widgets import Checkbox, Input, OptionList, Select
from wizard_pilot import (
    SIZE,
    TODAY,
    goto,
    message_under,
    open_wizard,
    saved,
    wait_for,
)

from cmmh_tui.app import CmmhApp
from cmmh_tui.codes import CodeLookup, lookup_icd10cm
from cmmh_tui.store import CaseStore


def control(screen: WizardScreen, path: str):
    return screen.query_one("#case-id" if path == "id" else f"#{widget_id(path)}")


def shown_value(screen: WizardScreen, path: str) -> str | None:
    """Return the text of a field's Input, or None while it is being rebuilt."""
    found = screen.query(f"#{widget_id(path)}")
    return found.first().value if found else None


async def type_into(pilot, screen: WizardScreen, path: str, text: str) -> None:
    entry = control(screen, path)
    entry.focus()
    await pilot.pause()
    if isinstance(entry, Input):
        entry.value = ""
    else:
        entry.clear()
    await pilot.press(*[{" ": "space", "\n": "enter"}.get(c, c) for c in text])


def burst(app: CmmhApp, *keys: str) -> None:
    """Send keys as a fast typist or a paste-like burst would: no pause between."""
    for key in keys:
        char = key if len(key) == 1 else None
        event = events.Key(key, char)
        event.set_sender(app)
        app._driver.send_message(event)


def editor_for(screen: WizardScreen, path: str) -> FieldEditor:
    return next(e for e in screen.query(FieldEditor) if e.path == path)


def footer_text(app: CmmhApp) -> str:
    """Return the bottom line of the screen as plain text."""
    lines = app.screen._compositor.render_update(full=True)
    del lines
    strips = app.screen._compositor.render_strips()
    return "".join(segment.text for segment in strips[-1])


def save_state(screen: WizardScreen) -> str:
    return str(screen.query_one("#save-state").render())


@pytest.fixture
def store(tmp_path: Path) -> CaseStore:
    return CaseStore(tmp_path / "data")


def install(store: CaseStore, source: Path) -> str:
    case = tomllib.loads(source.read_text(encoding="utf-8"))
    store.ensure()
    shutil.copy(source, store.case_path(case["id"]))
    return case["id"]


@pytest.fixture
def carlos(store: CaseStore, cases_dir: Path) -> str:
    return install(store, cases_dir / "residential-sud-concurrent.toml")


@pytest.fixture
def robert(store: CaseStore, cases_dir: Path) -> str:
    return install(store, cases_dir / "tms-preservice.toml")


# Fast typing, rebuilt rows and background look-ups


async def test_row_add_keeps_unhandled_code(store, carlos):
    app = CmmhApp(store.root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(app, pilot, carlos)
        await goto(pilot, screen, "diagnoses")
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: len(screen.draft.rows("diagnoses")) == 4, "row")
        entry = control(screen, "diagnoses.3.code")
        # The control contains text whose Changed message is not handled yet, as
        # when keys arrive faster than the screen handles them.
        with entry.prevent(Input.Changed):
            entry.insert_text_at_cursor("F33.2")
        await screen.query_one(RowEditor).action_add_row()
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: not screen.draft.dirty, "the save")
        assert saved(store, carlos)["diagnoses"][-1]["code"] == "F33.2"


async def test_lookup_result_for_removed_field(store, carlos, monkeypatch):
    release = threading.Event()

    def held_lookup(text: str) -> CodeLookup:
        release.wait(5)
        return lookup_icd10cm(text)

    monkeypatch.setattr(wizard_fields, "lookup_icd10cm", held_lookup)
    app = CmmhApp(store.root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(app, pilot, carlos)
        await goto(pilot, screen, "diagnoses")
        await type_into(pilot, screen, "diagnoses.0.code", "F33.2")
        # A rebuild removes a field's children before the field itself.
        await (
            editor_for(screen, "diagnoses.0.code").query_one(".field-message").remove()
        )
        release.set()
        await pilot.pause(0.3)
        assert app.is_running


async def test_review_enter_after_list_rebuilt(store, carlos):
    app = CmmhApp(store.root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(app, pilot, carlos)
        await goto(pilot, screen, "review")
        review = screen.query_one(ReviewPanel)
        await wait_for(pilot, lambda: review.checks, "the completeness check")
        elements = screen.query_one("#review-elements", OptionList)
        elements.focus()
        elements.highlighted = len(review.checks) - 1
        review.checks = review.checks[:1]
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running


async def test_review_list_highlights_first_element(store, carlos):
    app = CmmhApp(store.root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(app, pilot, carlos)
        await goto(pilot, screen, "review")
        review = screen.query_one(ReviewPanel)
        await wait_for(pilot, lambda: review.checks, "the completeness check")
        assert screen.query_one("#review-elements", OptionList).highlighted == 0


# A value that fails validation is kept aside; the rest of the case saves


async def test_control_character_in_long_text_kept_aside(store, carlos):
    app = CmmhApp(store.root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(app, pilot, carlos)
        await goto(pilot, screen, "clinical")
        control(screen, "clinical.summary").load_text("Bad\x07 summary")
        await pilot.pause()
        await type_into(pilot, screen, "clinical.goals", "Stay sober")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not screen.draft.dirty, "the save")
        on_disk = saved(store, carlos)
        assert on_disk["clinical"]["goals"] == "Stay sober"
        assert on_disk["editor"]["pending"]["clinical.summary"] == "Bad\x07 summary"
        assert "control character" in message_under(screen, "clinical.summary")


async def test_control_character_in_list_item_kept_aside(store, carlos):
    app = CmmhApp(store.root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(app, pilot, carlos)
        await goto(pilot, screen, "standards")
        control(screen, "standards.enclosures").load_text("Plan\nNotes\x1b[2J")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not screen.draft.dirty, "the save")
        pending = saved(store, carlos)["editor"]["pending"]
        assert pending["standards.enclosures"] == "Plan\nNotes\x1b[2J"
        assert message_under(screen, "standards.enclosures").startswith(
            "Invalid: line 2 contains the control character"
        )


async def test_control_character_in_one_line_field_kept_aside(store, carlos):
    app = CmmhApp(store.root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(app, pilot, carlos)
        control(screen, "plan.insurer").value = "Lake\x00shore"
        await pilot.pause()
        await type_into(pilot, screen, "patient.member_id", "NEW-ID")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not screen.draft.dirty, "the save")
        assert saved(store, carlos)["patient"]["member_id"] == "NEW-ID"


async def test_save_error_names_the_field(store, carlos):
    app = CmmhApp(store.root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(app, pilot, carlos)
        await type_into(pilot, screen, "patient.name", "")
        await pilot.press("ctrl+s")
        assert "✗ Not saved: Name is required" in save_state(screen)


# The case ID


async def new_case_named(pilot, app: CmmhApp, name: str) -> WizardScreen:
    screen = await open_wizard(app, pilot)
    await type_into(pilot, screen, "patient.name", name)
    await pilot.press("tab")
    await wait_for(pilot, lambda: screen.draft.saved_id, "the first save")
    return screen


def id_message(screen: WizardScreen) -> str:
    label = screen.query_one("#case-id-field .field-message")
    return str(label.render()) if label.display else ""


async def test_case_id_taken_is_refused_and_said(store, robert):
    app = CmmhApp(store.root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await new_case_named(pilot, app, "Robert Thompson")
        await type_into(pilot, screen, "id", "robert-t-tms")
        await pilot.press("tab")
        await wait_for(pilot, lambda: "already exists" in id_message(screen), "why")
        assert screen.query_one("#case-id", Input).value == "robert-t-2025-06-02"


async def test_case_id_not_renamed_while_typing(store, robert):
    app = CmmhApp(store.root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await new_case_named(pilot, app, "Robert Thompson")
        await type_into(pilot, screen, "id", "robert-t-tms")
        await pilot.press("tab")
        await pilot.pause()
        assert sorted(p.stem for p in store.cases_dir.glob("*.toml")) == [
            "robert-t-2025-06-02",
            "robert-t-tms",
        ]


async def test_case_id_invalid_message_shown(store):
    app = CmmhApp(store.root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await new_case_named(pilot, app, "Maya Rodriguez")
        await type_into(pilot, screen, "id", "Maya.R")
        assert id_message(screen).startswith("Invalid:")


async def test_case_id_cleared_shows_the_id_kept(store):
    app = CmmhApp(store.root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await new_case_named(pilot, app, "Maya Rodriguez")
        await type_into(pilot, screen, "id", "")
        await pilot.press("tab")
        await pilot.pause()
        assert screen.query_one("#case-id", Input).value == "maya-r-2025-06-02"


async def test_case_id_renamed_on_enter(store):
    app = CmmhApp(store.root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await new_case_named(pilot, app, "Maya Rodriguez")
        await type_into(pilot, screen, "id", "maya-ed")
        await pilot.press("enter")
        await wait_for(pilot, lambda: store.exists("maya-ed"), "the renamed file")
        assert not store.exists("maya-r-2025-06-02")


# No denial yet, the assessment level, codes and dates


async def test_denial_values_back_after_reopen_and_untick(store, carlos):
    app = CmmhApp(store.root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(app, pilot, carlos)
        await goto(pilot, screen, "denial")
        screen.query_one("#no-denial", Checkbox).value = True
        await pilot.pause()
        await pilot.press("f10")
        await wait_for(pilot, lambda: app.screen is not screen, "the close")
        again = await open_wizard(app, pilot, carlos)
        await goto(pilot, again, "denial")
        again.query_one("#no-denial", Checkbox).value = False
        await wait_for(
            pilot,
            lambda: shown_value(again, "denial.reference") == "UM-2025-0031877",
            "the denial reference",
        )


async def test_typed_level_shown_as_saved_after_tool_chosen(store, carlos):
    path = store.case_path(carlos)
    text = path.read_text(encoding="utf-8")
    text = text.replace('tool = "ASAM"\n', "").replace(
        'recommended_level = "3.7"', 'recommended_level = "Level 4"'
    )
    path.write_text(text, encoding="utf-8")
    app = CmmhApp(store.root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(app, pilot, carlos)
        await goto(pilot, screen, "assessment")
        screen.query_one("#assessment-tool", Select).value = "ASAM 4th"
        await wait_for(
            pilot,
            lambda: (
                [s.selection for s in screen.query("#assessment-level")] == ["Level 4"]
            ),
            "the typed level, as saved",
        )


async def test_lowercase_icd_code_stored_upper_case(store, carlos):
    app = CmmhApp(store.root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(app, pilot, carlos)
        await goto(pilot, screen, "diagnoses")
        await type_into(pilot, screen, "diagnoses.0.code", "f50.02")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not screen.draft.dirty, "the save")
        assert saved(store, carlos)["diagnoses"][0]["code"] == "F50.02"


async def test_lowercase_icd_code_says_upper_case(store, carlos):
    app = CmmhApp(store.root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(app, pilot, carlos)
        await goto(pilot, screen, "diagnoses")
        await type_into(pilot, screen, "diagnoses.0.code", "f50.02")
        await wait_for(
            pilot,
            lambda: "upper case as F50.02" in message_under(screen, "diagnoses.0.code"),
            "the note",
        )


@pytest.mark.parametrize(
    ("step", "path", "typed"),
    [
        ("service", "service.requested_through", "2025-01-01"),
        ("denial", "denial.received", "2025-03-01"),
        ("denial", "denial.date", "2025-06-04"),
        ("patient_plan", "patient.date_of_birth", "2025-06-03"),
    ],
)
async def test_unlikely_date_warns_and_is_kept(store, carlos, step, path, typed):
    app = CmmhApp(store.root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(app, pilot, carlos)
        await goto(pilot, screen, step)
        await type_into(pilot, screen, path, typed)
        assert message_under(screen, path).startswith("Warning:")
        assert screen.draft.value(path) == dt.date.fromisoformat(typed)


# Opening, status, footer and small things


async def test_step_list_keys_during_open(store, carlos):
    path = store.case_path(carlos)
    path.write_text(
        path.read_text(encoding="utf-8") + '\n[editor]\nstep = "clinician"\n',
        encoding="utf-8",
    )
    app = CmmhApp(store.root)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(WizardScreen(app.store, carlos, today=TODAY))
        # No pause for idle: the keys come while the first step is still settling.
        while not isinstance(app.screen, WizardScreen):
            await asyncio.sleep(0.001)
        screen = app.screen
        burst(app, "ctrl+g", "end", "enter")
        await wait_for(pilot, lambda: screen.step == "review", "the review step")


async def test_status_says_name_not_confirmed(store):
    app = CmmhApp(store.root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(app, pilot)
        await type_into(pilot, screen, "patient.name", "Maya")
        assert "Name not confirmed" in save_state(screen)


async def test_fill_description_focuses_the_description(store, carlos):
    app = CmmhApp(store.root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(app, pilot, carlos)
        await goto(pilot, screen, "diagnoses")
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: len(screen.draft.rows("diagnoses")) == 4, "row")
        await type_into(pilot, screen, "diagnoses.3.code", "F33.2")
        fill = screen.query(".fill-description").last()
        await wait_for(pilot, lambda: fill.display, "the description offer")
        fill.focus()
        await pilot.press("enter")
        assert screen.focused is control(screen, "diagnoses.3.description")


async def test_remove_button_label_not_cut(store, carlos):
    app = CmmhApp(store.root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(app, pilot, carlos)
        await goto(pilot, screen, "diagnoses")
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: len(screen.draft.rows("diagnoses")) == 4, "row")
        await type_into(pilot, screen, "diagnoses.3.code", "F33.2")
        fill = screen.query(".fill-description").last()
        await wait_for(pilot, lambda: fill.display, "the description offer")
        await pilot.pause()
        button = screen.query(".remove-row").last()
        assert button.region.width >= len("Remove diagnosis 4")


async def test_paste_drops_blank_lines(store, carlos):
    app = CmmhApp(store.root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(app, pilot, carlos)
        entry = control(screen, "patient.guardian")
        entry.focus()
        await pilot.pause()
        entry.post_message(events.Paste("Ana Mendez\n\nmother\n"))
        await wait_for(pilot, lambda: entry.value, "the paste")
        assert entry.value == "Ana Mendez; mother"


async def test_invalid_message_punctuation(store, carlos):
    app = CmmhApp(store.root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(app, pilot, carlos)
        await type_into(pilot, screen, "patient.date_of_birth", "13/45/2025")
        assert ".;" not in message_under(screen, "patient.date_of_birth")


@pytest.mark.parametrize("step", ["patient_plan", "clinician", "diagnoses", "review"])
async def test_footer_shows_close_at_80_columns(store, carlos, step):
    app = CmmhApp(store.root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(app, pilot, carlos)
        await goto(pilot, screen, step)
        if step == "diagnoses":
            screen.query(Input).first().focus()
        await pilot.pause()
        assert "Close" in footer_text(app)

"""Pilot tests of the letter wizard on a real data folder at 80x24."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import shutil
import stat
import tomllib
from pathlib import Path

import pytest
from cmmh_tui.screens.wizard import WizardScreen
from cmmh_tui.screens.wizard_assessment import AssessmentPanel, DimensionEditor
from cmmh_tui.screens.wizard_fields import widget_id
from cmmh_tui.screens.wizard_guidance import StepHelpScreen
from cmmh_tui.screens.wizard_review import ReviewPanel
from cmmh_tui.screens.wizard_rows import RowEditor
from textual.widgets import Checkbox, Input, Markdown, OptionList, Select, TextArea
from wizard_pilot import (
    SIZE,
    TODAY,
    goto,
    message_under,
    open_wizard,
    saved,
    type_into,
    wait_for,
)

from cmmh_tui.app import CmmhApp
from cmmh_tui.store import CaseStore


def run(coroutine) -> None:
    asyncio.run(coroutine)


def install_case(store: CaseStore, source: Path) -> str:
    case = tomllib.loads(source.read_text(encoding="utf-8"))
    store.ensure()
    shutil.copy(source, store.case_path(case["id"]))
    return case["id"]


@pytest.fixture
def store(tmp_path: Path) -> CaseStore:
    return CaseStore(tmp_path / "data")


@pytest.fixture
def carlos(store: CaseStore, cases_dir: Path) -> str:
    return install_case(store, cases_dir / "residential-sud-concurrent.toml")


# Creating a case from nothing


def test_new_case_gets_id_from_name(store):
    async def scenario():
        app = CmmhApp(store.root)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_wizard(app, pilot)
            await type_into(pilot, screen, "patient.name", "Maya Rodriguez")
            await pilot.press("tab")
            await wait_for(pilot, lambda: screen.draft.saved_id, "the first save")
            assert screen.draft.case_id == "maya-r-2025-06-02"
            assert saved(store, "maya-r-2025-06-02")["patient"]["name"] == (
                "Maya Rodriguez"
            )
            assert screen.query_one("#case-id", Input).value == "maya-r-2025-06-02"

    run(scenario())


def test_new_case_id_editable_while_new(store):
    async def scenario():
        app = CmmhApp(store.root)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_wizard(app, pilot)
            await type_into(pilot, screen, "patient.name", "Maya Rodriguez")
            await pilot.press("tab")
            await wait_for(pilot, lambda: screen.draft.saved_id, "the first save")
            await type_into(pilot, screen, "id", "maya-eating-disorder")
            await pilot.press("ctrl+s")
            await wait_for(
                pilot,
                lambda: store.exists("maya-eating-disorder"),
                "the renamed file",
            )
            assert not store.exists("maya-r-2025-06-02")
            assert saved(store, "maya-eating-disorder")["id"] == "maya-eating-disorder"

    run(scenario())


STEP_ENTRIES = [
    (
        "patient_plan",
        [
            ("patient.date_of_birth", "2010-01-19"),
            ("patient.member_id", "PCB881203344"),
            ("plan.insurer", "Pacific Bay Health Plan"),
        ],
        [
            ("patient.date_of_birth", dt.date(2010, 1, 19)),
            ("patient.member_id", "PCB881203344"),
            ("plan.insurer", "Pacific Bay Health Plan"),
        ],
    ),
    (
        "clinician",
        [
            ("clinician.name", "Samuel Okafor"),
            ("clinician.npi", "1234567893"),
            ("clinician.board_certifications", "Psychiatry\nChild, Adolescent"),
            ("clinician.years_in_practice", "9"),
        ],
        [
            ("clinician.name", "Samuel Okafor"),
            ("clinician.npi", "1234567893"),
            ("clinician.board_certifications", ["Psychiatry", "Child, Adolescent"]),
            ("clinician.years_in_practice", 9),
        ],
    ),
    (
        "service",
        [
            ("service.description", "Eating-disorder IOP"),
            ("service.codes", "S9480"),
            ("service.start", "02/19/2025"),
        ],
        [
            ("service.description", "Eating-disorder IOP"),
            ("service.codes", ["S9480"]),
            ("service.start", dt.date(2025, 2, 19)),
        ],
    ),
    (
        "denial",
        [("denial.reference", "PB-UR-55120"), ("denial.p2p_window", "5 days")],
        [("denial.reference", "PB-UR-55120"), ("denial.p2p_window", "5 days")],
    ),
    (
        "clinical",
        [
            ("clinical.summary", "Restricting anorexia nervosa."),
            ("clinical.goals", "Eat all meals independently."),
        ],
        [
            ("clinical.summary", "Restricting anorexia nervosa."),
            ("clinical.goals", "Eat all meals independently."),
        ],
    ),
    (
        "standards",
        [("standards.enclosures", "Treatment plan\nGrowth chart")],
        [("standards.enclosures", ["Treatment plan", "Growth chart"])],
    ),
]


def dig(case: dict, path: str):
    value = case
    for part in path.split("."):
        value = value[part]
    return value


def test_walk_all_steps_saves_each(store):
    async def scenario():
        app = CmmhApp(store.root)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_wizard(app, pilot)
            await type_into(pilot, screen, "patient.name", "Maya Rodriguez")
            await pilot.press("tab")
            await wait_for(pilot, lambda: screen.draft.saved_id, "the first save")
            case_id = screen.draft.case_id
            for step, entries, expected in STEP_ENTRIES:
                await goto(pilot, screen, step)
                for path, text in entries:
                    await type_into(pilot, screen, path, text)
                await pilot.press("ctrl+n")
                await wait_for(pilot, lambda: not screen.draft.dirty, "the save")
                on_disk = saved(store, case_id)
                for path, value in expected:
                    assert dig(on_disk, path) == value, path
                assert on_disk["editor"]["step"] == screen.step
            assert screen.step == "standards" or screen.step == "review"

    run(scenario())


def test_next_and_back_keys_move_steps(store, carlos):
    async def scenario():
        app = CmmhApp(store.root)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_wizard(app, pilot, carlos)
            await pilot.press("ctrl+n")
            assert screen.step == "clinician"
            await pilot.press("ctrl+n", "ctrl+n")
            assert screen.step == "service"
            await pilot.press("ctrl+b")
            assert screen.step == "diagnoses"

    run(scenario())


def test_step_list_enter_jumps(store, carlos):
    async def scenario():
        app = CmmhApp(store.root)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_wizard(app, pilot, carlos)
            await pilot.press("ctrl+g")
            await pilot.press("down", "down", "down", "down", "enter")
            assert screen.step == "denial"

    run(scenario())


def test_reopen_returns_to_last_step(store, carlos):
    async def scenario():
        app = CmmhApp(store.root)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_wizard(app, pilot, carlos)
            await goto(pilot, screen, "clinical")
            await pilot.press("f10")
            await wait_for(pilot, lambda: app.screen is not screen, "the close")
            again = await open_wizard(app, pilot, carlos)
            assert again.step == "clinical"

    run(scenario())


# Validation in place


def test_invalid_date_kept_as_typed(store, carlos):
    async def scenario():
        app = CmmhApp(store.root)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_wizard(app, pilot, carlos)
            await type_into(pilot, screen, "patient.date_of_birth", "13/45/2025")
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: not screen.draft.dirty, "the save")
            on_disk = saved(store, carlos)
            assert "date_of_birth" not in on_disk["patient"]
            assert on_disk["editor"]["pending"]["patient.date_of_birth"] == "13/45/2025"
            assert message_under(screen, "patient.date_of_birth").startswith("Invalid:")
            await pilot.press("f10")
            await wait_for(pilot, lambda: app.screen is not screen, "the close")
            again = await open_wizard(app, pilot, carlos)
            entry = again.query_one(f"#{widget_id('patient.date_of_birth')}", Input)
            assert entry.value == "13/45/2025"
            assert message_under(again, "patient.date_of_birth").startswith("Invalid:")

    run(scenario())


def test_corrected_date_clears_pending(store, carlos):
    async def scenario():
        app = CmmhApp(store.root)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_wizard(app, pilot, carlos)
            await type_into(pilot, screen, "patient.date_of_birth", "13/45/2025")
            await type_into(pilot, screen, "patient.date_of_birth", "08/02/1990")
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: not screen.draft.dirty, "the save")
            on_disk = saved(store, carlos)
            assert on_disk["patient"]["date_of_birth"] == dt.date(1990, 8, 2)
            assert "pending" not in on_disk.get("editor", {})

    run(scenario())


def test_npi_check_digit_warns(store, carlos):
    async def scenario():
        app = CmmhApp(store.root)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_wizard(app, pilot, carlos)
            await goto(pilot, screen, "clinician")
            await type_into(pilot, screen, "clinician.npi", "1234567890")
            assert message_under(screen, "clinician.npi").startswith("Warning:")
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: not screen.draft.dirty, "the save")
            assert saved(store, carlos)["clinician"]["npi"] == "1234567890"

    run(scenario())


def test_integer_field_rejects_words(store, carlos):
    async def scenario():
        app = CmmhApp(store.root)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_wizard(app, pilot, carlos)
            await goto(pilot, screen, "clinician")
            await type_into(pilot, screen, "clinician.years_in_practice", "twelve")
            assert message_under(screen, "clinician.years_in_practice").startswith(
                "Invalid:"
            )
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: not screen.draft.dirty, "the save")
            on_disk = saved(store, carlos)
            assert "years_in_practice" not in on_disk["clinician"]
            assert (
                on_disk["editor"]["pending"]["clinician.years_in_practice"] == "twelve"
            )

    run(scenario())


def test_unknown_icd_code_flagged_and_kept(store, carlos):
    async def scenario():
        app = CmmhApp(store.root)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_wizard(app, pilot, carlos)
            await goto(pilot, screen, "diagnoses")
            await type_into(pilot, screen, "diagnoses.0.code", "F99.99")
            await wait_for(
                pilot,
                lambda: message_under(screen, "diagnoses.0.code").startswith(
                    "Warning:"
                ),
                "the code look-up",
            )
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: not screen.draft.dirty, "the save")
            assert saved(store, carlos)["diagnoses"][0]["code"] == "F99.99"

    run(scenario())


def test_malformed_icd_code_invalid_at_once(store, carlos):
    async def scenario():
        app = CmmhApp(store.root)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_wizard(app, pilot, carlos)
            await goto(pilot, screen, "diagnoses")
            await type_into(pilot, screen, "diagnoses.0.code", "F3")
            assert message_under(screen, "diagnoses.0.code").startswith("Invalid:")

    run(scenario())


def test_code_lookup_offers_description(store):
    async def scenario():
        app = CmmhApp(store.root)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_wizard(app, pilot)
            await type_into(pilot, screen, "patient.name", "Robert Thompson")
            await pilot.press("tab")
            await goto(pilot, screen, "diagnoses")
            await pilot.press("ctrl+o")
            await pilot.pause()
            await type_into(pilot, screen, "diagnoses.0.code", "F33.2")
            fill = screen.query_one(".fill-description")
            await wait_for(pilot, lambda: fill.display, "the description offer")
            fill.focus()
            await pilot.press("enter")
            description = screen.query_one(
                f"#{widget_id('diagnoses.0.description')}", Input
            )
            assert "Major depressive disorder" in description.value

    run(scenario())


def test_multiline_paste_joins_lines(store, carlos):
    async def scenario():
        app = CmmhApp(store.root)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_wizard(app, pilot, carlos)
            entry = screen.query_one(f"#{widget_id('patient.guardian')}", Input)
            entry.focus()
            await pilot.pause()
            entry.post_message(
                __import__("textual").events.Paste("Ana Mendez\nmother\n")
            )
            await wait_for(pilot, lambda: entry.value, "the paste")
            assert entry.value == "Ana Mendez; mother"

    run(scenario())


# Rows, the denial switch and the assessment


def test_rows_add_and_remove(store, carlos):
    async def scenario():
        app = CmmhApp(store.root)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_wizard(app, pilot, carlos)
            await goto(pilot, screen, "clinical")
            measures = screen.query_one("#rows-measures", RowEditor)
            measures.query_one(".add-row").focus()
            await pilot.press("ctrl+o")
            await pilot.pause()
            await type_into(pilot, screen, "clinical.measures.2.instrument", "GAD-7")
            await type_into(pilot, screen, "clinical.measures.2.score", "15")
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: not screen.draft.dirty, "the save")
            rows = saved(store, carlos)["clinical"]["measures"]
            assert rows[2] == {"instrument": "GAD-7", "score": 15}
            measures.rows()[0].query_one(".remove-row").focus()
            await pilot.press("enter")
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: not screen.draft.dirty, "the save")
            rows = saved(store, carlos)["clinical"]["measures"]
            assert [row["instrument"] for row in rows] == [
                "Brief Addiction Monitor (craving item)",
                "GAD-7",
            ]

    run(scenario())


def test_incomplete_row_set_aside_and_restored(store, carlos):
    async def scenario():
        app = CmmhApp(store.root)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_wizard(app, pilot, carlos)
            await goto(pilot, screen, "clinical")
            screen.query_one("#rows-prior", RowEditor).query_one(".add-row").focus()
            await pilot.press("ctrl+o")
            await pilot.pause()
            await type_into(pilot, screen, "clinical.prior_treatment.2.dates", "2023")
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: not screen.draft.dirty, "the save")
            on_disk = saved(store, carlos)
            assert len(on_disk["clinical"]["prior_treatment"]) == 2
            stashed = on_disk["editor"]["incomplete_rows"]["clinical.prior_treatment"]
            assert stashed == [{"position": 2, "row": {"dates": "2023"}}]
            await pilot.press("f10")
            await wait_for(pilot, lambda: app.screen is not screen, "the close")
            again = await open_wizard(app, pilot, carlos)
            field = again.query_one(
                f"#{widget_id('clinical.prior_treatment.2.dates')}", Input
            )
            assert field.value == "2023"

    run(scenario())


def test_no_denial_sets_denial_aside(store, carlos):
    async def scenario():
        app = CmmhApp(store.root)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_wizard(app, pilot, carlos)
            await goto(pilot, screen, "denial")
            screen.query_one("#no-denial", Checkbox).focus()
            await pilot.press("enter")
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: not screen.draft.dirty, "the save")
            on_disk = saved(store, carlos)
            assert "denial" not in on_disk
            assert on_disk["editor"]["denial"]["reference"] == "UM-2025-0031877"
            assert on_disk["editor"]["no_denial"] is True
            assert not screen.query_one("#denial-fields").display
            await pilot.press("enter")
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: not screen.draft.dirty, "the save")
            on_disk = saved(store, carlos)
            assert on_disk["denial"]["reference"] == "UM-2025-0031877"
            assert "editor" not in on_disk or "denial" not in on_disk["editor"]

    run(scenario())


def test_assessment_fills_matching_dimensions(store, carlos):
    async def scenario():
        app = CmmhApp(store.root)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_wizard(app, pilot, carlos)
            await goto(pilot, screen, "assessment")
            editors = list(screen.query(DimensionEditor))
            ratings = [e.query_one(Select).value for e in editors]
            assert ratings == [1, 1, 2, 2, 4, 3]
            rationale = editors[4].query_one(TextArea).text
            assert (
                rationale == "Daily cravings, two failed IOP episodes, overdose history"
            )

    run(scenario())


def test_assessment_rating_saved_as_row(store, carlos):
    async def scenario():
        app = CmmhApp(store.root)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_wizard(app, pilot, carlos)
            await goto(pilot, screen, "assessment")
            editor = list(screen.query(DimensionEditor))[0]
            editor.query_one(Select).value = 2
            await pilot.pause()
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: not screen.draft.dirty, "the save")
            rows = saved(store, carlos)["assessment"]["dimensions"]
            assert rows[0]["rating"] == 2

    run(scenario())


def test_tool_change_keeps_ratings(store, carlos):
    async def scenario():
        app = CmmhApp(store.root)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_wizard(app, pilot, carlos)
            await goto(pilot, screen, "assessment")
            screen.query_one("#assessment-tool", Select).value = "LOCUS"
            await wait_for(
                pilot,
                lambda: screen.draft.value("assessment.tool") == "LOCUS",
                "the tool change",
            )
            await pilot.pause()
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: not screen.draft.dirty, "the save")
            on_disk = saved(store, carlos)
            assert on_disk["assessment"]["tool"] == "LOCUS"
            assert "edition" not in on_disk["assessment"]
            assert len(on_disk["assessment"]["dimensions"]) == 6
            panel = screen.query_one(AssessmentPanel)
            assert panel.query(".remove-rating")

    run(scenario())


# Profile, guidance, help


def test_profile_saved_and_fills_new_case(store, carlos):
    async def scenario():
        app = CmmhApp(store.root)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_wizard(app, pilot, carlos)
            await goto(pilot, screen, "clinician")
            await pilot.press("f4")
            await wait_for(pilot, lambda: store.profile_path.exists(), "the profile")
            await pilot.press("f10")
            await wait_for(pilot, lambda: app.screen is not screen, "the close")
            fresh = await open_wizard(app, pilot)
            await goto(pilot, fresh, "clinician")
            name = fresh.query_one(f"#{widget_id('clinician.name')}", Input)
            assert name.value == "Alex Rivera"

    run(scenario())


def test_guidance_toggles_and_is_remembered(store, carlos):
    async def scenario():
        WizardScreen.guidance_shown = None
        app = CmmhApp(store.root)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_wizard(app, pilot, carlos)
            guidance = screen.query_one("#guidance")
            assert not guidance.display
            await pilot.press("f2")
            assert guidance.display
            await pilot.press("f10")
            await wait_for(pilot, lambda: app.screen is not screen, "the close")
            again = await open_wizard(app, pilot, carlos)
            assert again.query_one("#guidance").display
        WizardScreen.guidance_shown = None

    run(scenario())


def test_guidance_beside_form_when_wide(store, carlos):
    async def scenario():
        WizardScreen.guidance_shown = None
        app = CmmhApp(store.root)
        async with app.run_test(size=(160, 50)) as pilot:
            screen = await open_wizard(app, pilot, carlos)
            guidance = screen.query_one("#guidance")
            form = screen.query_one("#steps")
            assert guidance.display
            assert guidance.region.x > form.region.x

    run(scenario())


def test_help_opens_and_closes(store, carlos):
    async def scenario():
        app = CmmhApp(store.root)
        async with app.run_test(size=SIZE) as pilot:
            await open_wizard(app, pilot, carlos)
            await pilot.press("f1")
            await wait_for(
                pilot, lambda: isinstance(app.screen, StepHelpScreen), "the help"
            )
            await pilot.press("q")
            await wait_for(
                pilot, lambda: isinstance(app.screen, WizardScreen), "the help to close"
            )

    run(scenario())


# Review, export and copy


def test_review_element_enter_jumps(store, carlos):
    async def scenario():
        app = CmmhApp(store.root)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_wizard(app, pilot, carlos)
            await goto(pilot, screen, "review")
            review = screen.query_one(ReviewPanel)
            await wait_for(pilot, lambda: review.checks, "the completeness check")
            elements = screen.query_one("#review-elements", OptionList)
            target = next(
                i for i, c in enumerate(review.checks) if c.step == "clinician"
            )
            elements.focus()
            elements.highlighted = target
            await pilot.press("enter")
            assert screen.step == "clinician"

    run(scenario())


def test_review_marks_status_in_words(store, carlos):
    async def scenario():
        app = CmmhApp(store.root)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_wizard(app, pilot, carlos)
            await goto(pilot, screen, "review")
            review = screen.query_one(ReviewPanel)
            await wait_for(pilot, lambda: review.checks, "the completeness check")
            elements = screen.query_one("#review-elements", OptionList)
            lines = [str(elements.get_option_at_index(i).prompt) for i in range(3)]
            assert all(
                line.startswith(("✓ present", "~ thin", "✗ missing")) for line in lines
            )

    run(scenario())


def test_export_matches_preview(store, carlos):
    async def scenario():
        app = CmmhApp(store.root)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_wizard(app, pilot, carlos)
            await goto(pilot, screen, "review")
            review = screen.query_one(ReviewPanel)
            await wait_for(pilot, lambda: review.rendered, "the preview")
            await pilot.press("f8")
            path = store.exports_dir / carlos / "medical-necessity-letter.md"
            await wait_for(pilot, path.exists, "the export")
            exported = path.read_text(encoding="utf-8")
            assert "Carlos Mendez" in exported
            assert exported == review.rendered.text.replace(
                TODAY.strftime("%B %-d, %Y"), dt.date.today().strftime("%B %-d, %Y")
            )
            result = str(review.query_one("#review-result").render())
            assert str(path) in result
            assert saved(store, carlos)["documents"][0]["path"] == str(path)
            preview = review.query_one("#review-preview", Markdown)
            assert preview.source == review.rendered.text

    run(scenario())


def test_copy_sends_letter_to_clipboard(store, carlos):
    async def scenario():
        app = CmmhApp(store.root)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_wizard(app, pilot, carlos)
            await goto(pilot, screen, "review")
            review = screen.query_one(ReviewPanel)
            await wait_for(pilot, lambda: review.rendered, "the preview")
            await pilot.press("f9")
            assert app.clipboard == review.rendered.text

    run(scenario())


# Saving failures and closing


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_save_error_shown_and_kept(store, carlos):
    async def scenario():
        app = CmmhApp(store.root)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_wizard(app, pilot, carlos)
            store.cases_dir.chmod(stat.S_IRUSR | stat.S_IXUSR)
            try:
                await type_into(pilot, screen, "patient.member_id", "NEW-ID")
                await pilot.press("ctrl+s")
                state = screen.query_one("#save-state")
                assert "Not saved" in str(state.render())
                assert screen.draft.value("patient.member_id") == "NEW-ID"
            finally:
                store.cases_dir.chmod(stat.S_IRWXU)
            await pilot.press("ctrl+s")
            assert saved(store, carlos)["patient"]["member_id"] == "NEW-ID"

    run(scenario())


def test_save_refused_after_outside_edit(store, carlos):
    """A case file changed by another program is not overwritten by the wizard."""

    async def scenario():
        app = CmmhApp(store.root)
        path = store.case_path(carlos)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_wizard(app, pilot, carlos)
            outside = path.read_text() + '\n[hand_notes]\nnote = "from an editor"\n'
            path.write_text(outside)
            await type_into(pilot, screen, "patient.member_id", "NEW-ID")
            await pilot.press("ctrl+s")
            state = str(screen.query_one("#save-state").render())
            assert "Not saved" in state
            assert "changed by another program" in state
            assert path.read_text() == outside
            await pilot.press("f10")
            assert app.screen is screen
            await pilot.press("f10")
            await wait_for(pilot, lambda: app.screen is not screen, "the close")
        assert path.read_text() == outside

    run(scenario())


def test_escape_closes_after_saving(store, carlos):
    async def scenario():
        app = CmmhApp(store.root)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_wizard(app, pilot, carlos)
            await type_into(pilot, screen, "plan.appeals_fax", "217-555-0100")
            await pilot.press("escape")
            await wait_for(pilot, lambda: app.screen is not screen, "the close")
            assert saved(store, carlos)["plan"]["appeals_fax"] == "217-555-0100"

    run(scenario())


def test_unknown_keys_survive_editing(store, carlos):
    path = store.case_path(carlos)
    text = path.read_text(encoding="utf-8")
    text = text.replace("[patient]\n", '[patient]\npronouns = "he/him"\n')
    path.write_text(text + '\n[custom]\nnote = "kept"\n', encoding="utf-8")

    async def scenario():
        app = CmmhApp(store.root)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_wizard(app, pilot, carlos)
            await type_into(pilot, screen, "patient.member_id", "NEW-ID")
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: not screen.draft.dirty, "the save")
            on_disk = saved(store, carlos)
            assert on_disk["patient"]["pronouns"] == "he/him"
            assert on_disk["custom"] == {"note": "kept"}

    run(scenario())


def test_close_unnamed_case_asks_twice(store):
    async def scenario():
        app = CmmhApp(store.root)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_wizard(app, pilot)
            await type_into(pilot, screen, "patient.member_id", "X1")
            await pilot.press("f10")
            assert app.screen is screen
            await pilot.press("f10")
            await wait_for(pilot, lambda: app.screen is not screen, "the close")
            assert not list(store.cases_dir.glob("*.toml"))

    run(scenario())


def test_add_button_adds_row(store, carlos):
    async def scenario():
        app = CmmhApp(store.root)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_wizard(app, pilot, carlos)
            await goto(pilot, screen, "diagnoses")
            screen.query_one("#rows-diagnoses .add-row").focus()
            await pilot.press("enter")
            await wait_for(
                pilot, lambda: len(screen.draft.rows("diagnoses")) == 4, "row"
            )
            assert screen.focused.id == widget_id("diagnoses.3.code")

    run(scenario())


def test_export_button_writes_letter(store, carlos):
    async def scenario():
        app = CmmhApp(store.root)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_wizard(app, pilot, carlos)
            await goto(pilot, screen, "review")
            screen.query_one("#review-export").focus()
            await pilot.press("enter")
            path = store.exports_dir / carlos / "medical-necessity-letter.md"
            await wait_for(pilot, path.exists, "the export")
            assert "Carlos Mendez" in path.read_text(encoding="utf-8")

    run(scenario())

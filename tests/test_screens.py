"""Pilot tests of the case list and case screens on a real data folder."""

from pathlib import Path

import pytest
from cmmh_tui.screens.case_detail import CaseDetailScreen
from cmmh_tui.screens.case_list import CaseListScreen
from textual.widgets import DataTable, Markdown, Static

from cmmh_tui.app import CmmhApp
from cmmh_tui.store import CaseStore
from cmmh_tui.validation import load_case_text

SAMPLE_CASES = sorted((Path(__file__).parents[2] / "shared" / "cases").glob("*.toml"))


@pytest.fixture
def data_dir(tmp_path):
    store = CaseStore(tmp_path / "data")
    for sample in SAMPLE_CASES:
        case, _ = load_case_text(sample.read_text(), str(sample))
        store.save(case)
    return store.root


async def wait_for_rows(pilot, table: DataTable, count: int) -> None:
    for _ in range(100):
        if table.row_count == count:
            return
        await pilot.pause(0.02)
    raise AssertionError(f"table has {table.row_count} rows, expected {count}")


def cell_texts(table: DataTable) -> list[str]:
    return [
        str(cell) for row in range(table.row_count) for cell in table.get_row_at(row)
    ]


async def test_case_list_shows_patient_insurer_status(data_dir):
    app = CmmhApp(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.screen.query_one(DataTable)
        await wait_for_rows(pilot, table, len(SAMPLE_CASES))
        cells = cell_texts(table)
        assert "Carlos Mendez" in cells
        assert "Lakeshore Health Plan" in cells
        assert "open" in cells


async def test_case_list_marks_unreadable_file(data_dir):
    (data_dir / "cases" / "zz-broken.toml").write_text("id = [")
    app = CmmhApp(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.screen.query_one(DataTable)
        await wait_for_rows(pilot, table, len(SAMPLE_CASES) + 1)
        assert "✗ unreadable" in cell_texts(table)
        await pilot.press(*["down"] * len(SAMPLE_CASES))
        await pilot.pause()
        detail = str(app.screen.query_one("#case-detail", Static).render())
        assert "left untouched" in detail
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CaseListScreen)
    assert (data_dir / "cases" / "zz-broken.toml").read_text() == "id = ["


async def test_empty_data_folder_explains_next_step(tmp_path):
    app = CmmhApp(tmp_path / "empty")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.1)
        detail = str(app.screen.query_one("#case-detail", Static).render())
        assert "cmmh import" in detail


async def test_enter_opens_case_with_letter_preview(data_dir):
    app = CmmhApp(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.screen.query_one(DataTable)
        await wait_for_rows(pilot, table, len(SAMPLE_CASES))
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CaseDetailScreen)
        assert screen.case_id == "carlos-m-residential"
        facts = str(screen.query_one("#facts", Static).render())
        assert "Carlos Mendez" in facts
        assert "UM-2025-0031877" in facts
        assert "Carlos Mendez" in screen.letter_text
        assert screen.query_one("#letter", Markdown).source == screen.letter_text
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, CaseListScreen)


async def test_export_key_writes_letter_matching_preview(data_dir):
    app = CmmhApp(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.screen.query_one(DataTable)
        await wait_for_rows(pilot, table, len(SAMPLE_CASES))
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        await pilot.press("x")
        exported = (
            data_dir
            / "exports"
            / "carlos-m-residential"
            / "medical-necessity-letter.md"
        )
        for _ in range(100):
            if exported.exists():
                break
            await pilot.pause(0.02)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert exported.read_text() == screen.letter_text
        messages = [n.message for n in app._notifications]
        assert any(str(exported) in m for m in messages)


async def test_copy_key_puts_letter_on_clipboard(data_dir):
    app = CmmhApp(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.screen.query_one(DataTable)
        await wait_for_rows(pilot, table, len(SAMPLE_CASES))
        await pilot.press("enter", "c")
        await pilot.pause()
        assert app.clipboard == app.screen.letter_text


async def test_palette_lists_screen_commands(data_dir):
    app = CmmhApp(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.screen.query_one(DataTable)
        await wait_for_rows(pilot, table, len(SAMPLE_CASES))
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "cases: New case" in titles
        await pilot.press("enter")
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "case: Export letter" in titles


async def test_ctrl_q_quits(data_dir):
    app = CmmhApp(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


async def test_export_after_hand_edit_keeps_edit(data_dir):
    app = CmmhApp(data_dir)
    path = data_dir / "cases" / "carlos-m-residential.toml"
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.screen.query_one(DataTable)
        await wait_for_rows(pilot, table, len(SAMPLE_CASES))
        await pilot.press("enter")
        await pilot.pause()
        path.write_text(path.read_text() + '\n[hand_notes]\nnote = "kept"\n')
        await pilot.press("x")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert '[hand_notes]\nnote = "kept"' in path.read_text()


async def test_palette_has_no_screenshot_command(data_dir):
    app = CmmhApp(data_dir)
    async with app.run_test(size=(80, 24)):
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Screenshot" not in titles
        assert "Quit" in titles


async def test_case_list_hides_id_column_when_narrow(data_dir):
    app = CmmhApp(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.screen.query_one(DataTable)
        await wait_for_rows(pilot, table, len(SAMPLE_CASES))
        assert len(table.columns) == 3
        assert "Empire Crest Insurance Company" in cell_texts(table)
    app = CmmhApp(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        table = app.screen.query_one(DataTable)
        await wait_for_rows(pilot, table, len(SAMPLE_CASES))
        assert len(table.columns) == 4
        assert "dana-k-weekly-therapy" in cell_texts(table)

"""Every sample case file opens in the wizard with every value it holds on screen."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import tomllib
from pathlib import Path

import pytest
from cmmh_tui.screens.wizard import WizardScreen
from cmmh_tui.screens.wizard_assessment import DimensionEditor
from cmmh_tui.screens.wizard_fields import FieldEditor
from cmmh_tui.screens.wizard_steps import STEP_IDS
from textual.widgets import Checkbox, Input, Select, TextArea

from cmmh_tui.app import CmmhApp
from cmmh_tui.store import CaseStore

SAMPLES = sorted(
    (Path(__file__).resolve().parents[2] / "shared" / "cases").glob("*.toml")
)
NOT_SHOWN = {"format", "updated"}
"""App-owned keys the wizard does not show."""


def leaves(value, path: str = ""):
    """Yield (path, value) for every scalar in a case, list items included."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield from leaves(child, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from leaves(child, f"{path}.{index}")
    else:
        yield path, value


def shown_texts(screen: WizardScreen) -> list[str]:
    texts: list[str] = []
    for entry in screen.query(Input):
        texts.append(entry.value)
    for area in screen.query(TextArea):
        texts.append(area.text)
        texts.extend(area.text.splitlines())
    for select in screen.query(Select):
        if select.value is not Select.NULL:
            # The tool Select's value "ASAM 3rd" stands for tool and edition.
            texts.append(str(select.value))
            texts.extend(str(select.value).split(" "))
    return texts


def checkbox_for(screen: WizardScreen, path: str) -> Checkbox:
    editor = next(e for e in screen.query(FieldEditor) if e.path == path)
    return editor.query_one(Checkbox)


def rated_rows(screen: WizardScreen) -> set[int]:
    return {e.index for e in screen.query(DimensionEditor) if e.index is not None}


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_sample_case_shows_every_value(tmp_path, sample):
    case = tomllib.loads(sample.read_text(encoding="utf-8"))
    store = CaseStore(tmp_path / "data")
    store.ensure()
    shutil.copy(sample, store.case_path(case["id"]))

    async def scenario():
        app = CmmhApp(store.root)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            app.push_screen(WizardScreen(store, case["id"], today=dt.date(2025, 6, 2)))
            await pilot.pause()
            screen = app.screen
            for step in STEP_IDS:
                screen.show_step(step)
                await pilot.pause()
                assert screen.query_one(f"#step-{step}").display
            texts = shown_texts(screen)
            rated = rated_rows(screen)
            for path, value in leaves(case):
                if path in NOT_SHOWN:
                    continue
                if path.startswith("assessment.dimensions.") and path.endswith(".name"):
                    index = int(path.split(".")[2])
                    assert index in rated or value in texts, path
                elif isinstance(value, bool):
                    assert checkbox_for(screen, path).value is value, path
                elif isinstance(value, dt.date):
                    assert value.isoformat() in texts, path
                else:
                    assert str(value) in texts or value in texts, path

    asyncio.run(scenario())

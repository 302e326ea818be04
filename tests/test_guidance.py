"""Tests for the letter wizard's guidance and help text."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cmmh_tui.guidance import GUIDANCE, LEGAL_NOTE, STEP_FIELDS, STEP_HELP
from cmmh_tui.schema import field_at

STEPS = (
    "patient_plan",
    "clinician",
    "diagnoses",
    "service",
    "denial",
    "clinical",
    "assessment",
    "standards",
    "review",
)


def test_guidance_steps_in_order():
    assert tuple(GUIDANCE) == STEPS


def test_help_covers_every_step():
    assert tuple(STEP_HELP) == STEPS


def test_step_fields_cover_every_step():
    assert tuple(STEP_FIELDS) == STEPS


@pytest.mark.parametrize("step", STEPS)
def test_guidance_complete(step):
    guidance = GUIDANCE[step]
    assert guidance.step == step
    assert guidance.title
    assert len(guidance.looks_for) > 80
    assert len(guidance.strong) > 80
    assert guidance.source


@pytest.mark.parametrize("step", STEPS)
def test_text_free_of_markup_brackets(step):
    guidance = GUIDANCE[step]
    for text in (guidance.looks_for, guidance.strong, guidance.source, STEP_HELP[step]):
        assert "[" not in text
        assert "]" not in text


@pytest.mark.parametrize("step", STEPS)
def test_help_short_enough(step):
    assert len(STEP_HELP[step].splitlines()) <= 25


@pytest.mark.parametrize("step", STEPS)
def test_help_mentions_keys(step):
    assert "Tab" in STEP_HELP[step]


@pytest.mark.parametrize("step", STEPS)
def test_step_fields_exist_in_schema(step):
    for path in STEP_FIELDS[step]:
        assert field_at(path) is not None, path


@pytest.mark.parametrize("step", [step for step in STEPS if STEP_FIELDS[step]])
def test_help_lists_each_field(step):
    for path in STEP_FIELDS[step]:
        assert f"{field_at(path).title}:" in STEP_HELP[step], path


def test_denial_cites_notice_rule():
    assert "29 CFR 2560.503-1(g)(1)" in GUIDANCE["denial"].source


def test_standards_cite_parity_and_state_law():
    source = GUIDANCE["standards"].source
    assert "29 CFR 2590.712(d)" in source
    assert "1374.721" in source
    assert "10144.52" in source


def test_standards_flag_erisa_reach_unverified():
    assert "check this" in GUIDANCE["standards"].strong


@pytest.mark.parametrize("step", ["service", "denial", "standards", "review"])
def test_legal_points_carry_note(step):
    assert LEGAL_NOTE in GUIDANCE[step].source


def test_legal_note_wording():
    assert "not legal advice" in LEGAL_NOTE
    assert "plan document" in LEGAL_NOTE
    assert "denial notice" in LEGAL_NOTE


def test_diagnoses_mention_co_occurring():
    assert "co-occurring" in GUIDANCE["diagnoses"].strong


def test_assessment_argues_by_dimension():
    assert "dimension by dimension" in GUIDANCE["assessment"].strong


def test_module_does_not_import_textual():
    code = "import sys, cmmh_tui.guidance; print('textual' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"

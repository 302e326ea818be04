"""Tests of case data helpers and of the core staying free of Textual."""

import subprocess
import sys

import pytest

from cmmh_tui.model import get_path, insurer_name, new_case, patient_name, set_path
from cmmh_tui.validation import validate_case


def test_get_path_nested_and_default():
    case = {"patient": {"name": "A"}}
    assert get_path(case, "patient.name") == "A"
    assert get_path(case, "patient.state", "none") == "none"
    assert get_path(case, "patient.name.first") is None


def test_set_path_creates_tables():
    case = {}
    set_path(case, "denial.reference", "R-1")
    assert case == {"denial": {"reference": "R-1"}}


def test_set_path_empty_removes_key_and_empty_table():
    case = {"denial": {"reference": "R-1"}, "patient": {"name": "A"}}
    set_path(case, "denial.reference", "")
    assert case == {"patient": {"name": "A"}}


def test_set_path_false_is_kept():
    case = {}
    set_path(case, "service.urgent", False)
    assert case == {"service": {"urgent": False}}


def test_set_path_keeps_sibling_keys():
    case = {"patient": {"name": "A", "pronouns": "they/them"}}
    set_path(case, "patient.name", "B")
    assert case["patient"] == {"name": "B", "pronouns": "they/them"}


def test_new_case_is_valid():
    case = new_case("ann-e", "Ann Example")
    assert validate_case(case) == []
    assert patient_name(case) == "Ann Example"


def test_insurer_falls_back_to_plan_name():
    assert insurer_name({"plan": {"plan_name": "Crest PPO"}}) == "Crest PPO"
    assert insurer_name({}) == ""


@pytest.mark.parametrize(
    "module",
    [
        "cmmh_tui.schema",
        "cmmh_tui.validation",
        "cmmh_tui.model",
        "cmmh_tui.store",
        "cmmh_tui.cli",
        "cmmh_tui.export",
        "cmmh_tui.rendering",
    ],
)
def test_core_module_does_not_import_textual(module):
    code = f"import sys, {module}; print('textual' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "False", result.stderr

"""Tests for ICD-10-CM look-up and CPT/HCPCS shape checks."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cmmh_tui.codes import (
    check_procedure_code,
    code_set_note,
    lookup_icd10cm,
    normalize_icd10cm,
    preload,
)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("F33.1", "F33.1"),
        (" f33.1 ", "F33.1"),
        ("F331", "F33.1"),
        ("f50 01", "F50.01"),
        ("F50", "F50"),
        ("F50.", "F50"),
        ("t43212a", "T43.212A"),
        ("F3.31", "F3.31"),
        ("", ""),
    ],
)
def test_normalize_icd10cm(typed, expected):
    assert normalize_icd10cm(typed) == expected


def test_lookup_billable_code():
    result = lookup_icd10cm("f331")
    assert result.code == "F33.1"
    assert result.well_formed
    assert result.exists is True
    assert result.billable is True
    assert result.description == "Major depressive disorder, recurrent, moderate"
    assert result.message == "F33.1 Major depressive disorder, recurrent, moderate"


def test_lookup_subcategory_suggests_children():
    result = lookup_icd10cm("F43.1")
    assert result.exists is True
    assert result.billable is False
    assert "subcategory" in result.message
    assert "F43.12" in result.message


def test_lookup_category_named_category():
    result = lookup_icd10cm("F50")
    assert result.billable is False
    assert "F50 Eating disorders is a category" in result.message


def test_lookup_unknown_code():
    result = lookup_icd10cm("F99.99")
    assert result.well_formed
    assert result.exists is False
    assert result.billable is False
    assert result.description is None
    assert result.message == "F99.99 is not in ICD-10-CM; check the code."


def test_lookup_malformed_code():
    result = lookup_icd10cm("F3")
    assert not result.well_formed
    assert result.exists is False
    assert "not a well-formed ICD-10-CM code" in result.message


def test_lookup_empty_code():
    result = lookup_icd10cm("  ")
    assert not result.well_formed
    assert "missing" in result.message


def test_lookup_seventh_character_code():
    result = lookup_icd10cm("T43.212A")
    assert result.billable is True


def test_lookup_returns_cached_result():
    assert lookup_icd10cm("F41.1") is lookup_icd10cm("f411")


def test_preload_then_lookup():
    preload()
    assert lookup_icd10cm("F41.1").exists is True


def test_lookup_without_library():
    # Setting the module to None in sys.modules makes its import fail, as when
    # the package is not installed.
    code = (
        "import sys; sys.modules['simple_icd_10_cm'] = None\n"
        "from cmmh_tui.codes import lookup_icd10cm\n"
        "r = lookup_icd10cm('F33.1')\n"
        "print(r.exists, r.billable, r.well_formed)\n"
        "print(r.message)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    flags, message = result.stdout.splitlines()
    assert flags == "None None True"
    assert "not installed" in message


def test_import_is_lazy():
    code = "import sys, cmmh_tui.codes; print('simple_icd_10_cm' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_code_set_note_names_release():
    note = code_set_note()
    assert "release" in note
    assert "check codes against the current code set" in note


@pytest.mark.parametrize(
    "code",
    [
        "90837",
        "90867",
        "99214",
        "0591T",
        "3008F",
        "0001U",
        "H0018",
        "S9480",
        "G0176",
        " h0018 ",
    ],
)
def test_procedure_code_accepted(code):
    assert check_procedure_code(code) is None


@pytest.mark.parametrize(
    "code", ["9083", "908377", "0591X", "W1234", "H001", "HH001", "90837.1", "F33.1"]
)
def test_procedure_code_rejected(code):
    message = check_procedure_code(code)
    assert message is not None
    assert "not a CPT or HCPCS code" in message


def test_procedure_code_with_modifier():
    message = check_procedure_code("90837-95")
    assert "modifier" in message
    assert "90837" in message


def test_procedure_code_missing():
    assert "missing" in check_procedure_code("")


def test_lookup_keeps_description_brackets():
    result = lookup_icd10cm("A07.1")
    assert result.description == "Giardiasis [lambliasis]"

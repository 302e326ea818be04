"""Tests for case IDs, typed dates and pasted text."""

from __future__ import annotations

import datetime

import pytest

from cmmh_tui.identifiers import case_id_from_name, parse_date_input, split_paste
from cmmh_tui.validation import CASE_ID_PATTERN

TODAY = datetime.date(2026, 12, 4)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Maya Rodriguez", "maya-r-2026-12-04"),
        ("  maya   rodriguez ", "maya-r-2026-12-04"),
        ("Rodriguez, Maya", "maya-r-2026-12-04"),
        ("José Núñez", "jose-n-2026-12-04"),
        ("Zoë Saldaña-Pérez", "zoe-s-2026-12-04"),
        ("Dr. Mary-Jane O'Neil Jr.", "mary-jane-o-2026-12-04"),
        ("Maya Elena Rodriguez", "maya-r-2026-12-04"),
        ("Cher", "cher-2026-12-04"),
        ("", "case-2026-12-04"),
        ("!!! ???", "case-2026-12-04"),
        ("李小龙", "case-2026-12-04"),
    ],
)
def test_case_id_from_name(name, expected):
    assert case_id_from_name(name, (), TODAY) == expected


def test_case_id_counts_up_when_taken():
    taken = {"maya-r-2026-12-04", "maya-r-2026-12-04-2"}
    assert case_id_from_name("Maya Rodriguez", taken, TODAY) == "maya-r-2026-12-04-3"


def test_case_id_free_name_ignores_others():
    taken = ["maya-r-2026-12-04"]
    assert case_id_from_name("Carlos Mendez", taken, TODAY) == "carlos-m-2026-12-04"


def test_case_id_long_name_fits_pattern():
    case_id = case_id_from_name("A" * 100 + " Zed", {"x"}, TODAY)
    assert len(case_id) <= 64
    assert case_id.endswith("-z-2026-12-04")
    assert CASE_ID_PATTERN.match(case_id)


def test_case_id_long_name_counter_fits():
    first = case_id_from_name("A" * 100 + " Zed", (), TODAY)
    second = case_id_from_name("A" * 100 + " Zed", {first}, TODAY)
    assert second.endswith("-z-2026-12-04-2")
    assert len(second) <= 64


@pytest.mark.parametrize(
    "name", ["Maya Rodriguez", "", "---", "Ünïcödé Ñame", "a-", "-b c", "9 Lives"]
)
def test_case_id_matches_pattern(name):
    assert CASE_ID_PATTERN.match(case_id_from_name(name, (), TODAY))


@pytest.mark.parametrize(
    "text", ["2025-04-02", "04/02/2025", "4/2/2025", " 2025-4-2 ", "04/2/2025"]
)
def test_parse_date_forms(text):
    assert parse_date_input(text) == datetime.date(2025, 4, 2)


@pytest.mark.parametrize(
    "text", ["", "   ", "2025/04/02", "4/2/25", "April 2, 2025", "02-04-2025", "x"]
)
def test_parse_date_rejects_forms(text):
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_date_input(text)


@pytest.mark.parametrize("text", ["02/30/2025", "2025-13-01", "13/02/2025"])
def test_parse_date_rejects_impossible(text):
    with pytest.raises(ValueError, match="not a valid calendar date"):
        parse_date_input(text)


def test_parse_date_leap_day():
    assert parse_date_input("2/29/2024") == datetime.date(2024, 2, 29)


def test_split_paste_line_ends():
    assert split_paste("one\r\ntwo\rthree\nfour") == ["one", "two", "three", "four"]


def test_split_paste_drops_trailing_blanks():
    assert split_paste("one\n\n  \r\n\t\n") == ["one"]


def test_split_paste_keeps_inner_and_leading_blanks():
    assert split_paste("\none\n\ntwo  \n") == ["", "one", "", "two  "]


def test_split_paste_empty():
    assert split_paste("") == []
    assert split_paste("\r\n\r\n") == []

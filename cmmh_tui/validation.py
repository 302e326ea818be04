"""Parsing and validation of case files against the field catalog.

Validation collects every problem instead of stopping at the first, so a
clinician fixing a file by hand gets the whole list at once.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from cmmh_tui.schema import (
    CASE,
    FORMAT_VERSION,
    US_STATES,
    Check,
    Field,
    Kind,
)

ICD10CM_PATTERN = re.compile(r"[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?")
"""Shape of an ICD-10-CM code: letter, digit, digit or letter, then up to four
characters after a dot (CMS ICD-10-CM tabular list conventions)."""

CASE_ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
"""Case ids: also file and folder names, so no dots, slashes or upper case."""


class Severity(StrEnum):
    """Severity of a problem: errors block a save or import, warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a case file, located by its dotted field path."""

    path: str
    message: str
    severity: Severity = Severity.ERROR

    def describe(self, source: str = "") -> str:
        """Format the problem as one line, prefixed with the file when given."""
        where = f"{source}: " if source else ""
        field = f"{self.path}: " if self.path else ""
        label = "warning: " if self.severity is Severity.WARNING else ""
        return f"{where}{label}{field}{self.message}"


class CaseFileError(Exception):
    """A case file that cannot be used, with every problem found in it."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(p.describe(source) for p in problems))


def errors_only(problems: list[Problem]) -> list[Problem]:
    """Return the problems that are errors."""
    return [p for p in problems if p.severity is Severity.ERROR]


_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def parse_toml(text: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Parse TOML text, reporting a syntax error with its line and column."""
    try:
        return tomllib.loads(text), []
    except RecursionError:
        return None, [Problem("", "arrays or tables are nested too deeply to read")]
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        position = _TOML_POSITION.search(message)
        if position:
            reason = message[: position.start()].strip()
            message = (
                f"TOML syntax error at line {position.group(1)}, column "
                f"{position.group(2)}: {reason}"
            )
        elif "(at end of document)" in message:
            reason = message.replace("(at end of document)", "").strip()
            last_line = text.count("\n") + (0 if text.endswith("\n") else 1)
            message = (
                f"TOML syntax error at the end of the file, line {last_line}: {reason}"
            )
        else:
            message = f"TOML syntax error: {message}"
        return None, [Problem("", message)]


def npi_check_digit_valid(npi: str) -> bool:
    """Check an NPI's last digit with the Luhn formula over the prefix 80840.

    CMS defines the NPI check digit this way so that the NPI is a valid card
    number with the health-industry prefix 80840.
    """
    digits = [int(c) for c in "80840" + npi[:9]]
    total = 0
    for position, digit in enumerate(reversed(digits)):
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10 == int(npi[9])


def check_text(check: Check, value: str) -> Problem | None:
    """Apply a format check to a text value and return the problem, or None.

    The returned problem has an empty path; callers fill it in.
    """
    stripped = value.strip()
    if check is Check.ICD10CM:
        if ICD10CM_PATTERN.fullmatch(stripped):
            return None
        compact = stripped.upper().replace(".", "")
        if re.fullmatch(r"[A-Z][0-9][0-9A-Z][0-9A-Z]{1,4}", compact):
            suggestion = f"{compact[:3]}.{compact[3:]}"
            hint = f"; write it with a dot after the third character: {suggestion}"
        else:
            hint = (
                "; expected a letter, two characters, then an optional dot and up "
                "to four characters, such as F33.1"
            )
        return Problem("", f"{value!r} is not a well-formed ICD-10-CM code{hint}")
    if check is Check.NPI:
        if not re.fullmatch(r"[0-9]{10}", stripped):
            return Problem("", f"{value!r} is not an NPI; an NPI is exactly 10 digits")
        if not npi_check_digit_valid(stripped):
            return Problem(
                "",
                f"{value!r} fails the NPI check digit; check it against NPPES",
                Severity.WARNING,
            )
        return None
    if check is Check.CASE_ID:
        if CASE_ID_PATTERN.fullmatch(value):
            return None
        return Problem(
            "",
            f"{value!r} is not a valid case ID; use 1 to 64 lowercase letters, digits "
            "and hyphens, starting with a letter or digit",
        )
    if check is Check.STATE:
        if stripped.upper() in US_STATES:
            return None
        return Problem(
            "",
            f"{value!r} is not a US state or territory code; use two letters, "
            "such as CA",
        )
    return None


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""C0 and C1 control characters other than tab and newline: they can move the
cursor or retitle a terminal when printed, and have no place in a letter."""


def _control_character_problem(kind: Kind, path: str, value: str) -> Problem | None:
    # Windows line endings in multi-line text are line breaks, not controls.
    scanned = value.replace("\r\n", "\n") if kind is Kind.LONG_TEXT else value
    found = _CONTROL_CHARACTERS.search(scanned)
    if found is not None:
        return Problem(
            path,
            f"contains the control character U+{ord(found.group()):04X}; remove it "
            "(control characters are not allowed in case text)",
        )
    if kind is not Kind.LONG_TEXT and "\n" in value:
        return Problem(
            path,
            "contains a line break, but this field is shown on one line",
            Severity.WARNING,
        )
    return None


def _non_finite_paths(value: Any, path: str) -> list[str]:
    if isinstance(value, float) and not math.isfinite(value):
        return [path]
    if isinstance(value, dict):
        found = []
        for key, child in value.items():
            found.extend(_non_finite_paths(child, f"{path}.{key}" if path else key))
        return found
    if isinstance(value, list):
        found = []
        for index, child in enumerate(value):
            found.extend(_non_finite_paths(child, f"{path}[{index}]"))
        return found
    return []


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dt.datetime):
        return "date-time"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, dt.time):
        return "time"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "table"
    return type(value).__name__


_EXPECTED = {
    Kind.TEXT: "a string",
    Kind.LONG_TEXT: "a string",
    Kind.INTEGER: "an integer",
    Kind.NUMBER: "a number",
    Kind.BOOLEAN: "true or false",
    Kind.DATE: "a TOML date such as 2025-04-02, without quotes",
    Kind.DATETIME: "a TOML date-time such as 2025-04-02T14:30:00Z, without quotes",
    Kind.TEXT_LIST: "an array of strings",
    Kind.CHOICE: "a string",
    Kind.TABLE: "a table",
    Kind.TABLE_ARRAY: "an array of tables",
}


def _matches_kind(kind: Kind, value: Any) -> bool:
    if kind in (Kind.TEXT, Kind.LONG_TEXT, Kind.CHOICE):
        return isinstance(value, str)
    if kind is Kind.INTEGER:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is Kind.NUMBER:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind is Kind.BOOLEAN:
        return isinstance(value, bool)
    if kind is Kind.DATE:
        return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    if kind is Kind.DATETIME:
        return isinstance(value, dt.datetime)
    if kind is Kind.TEXT_LIST:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind is Kind.TABLE:
        return isinstance(value, dict)
    if kind is Kind.TABLE_ARRAY:
        return isinstance(value, list) and all(isinstance(v, dict) for v in value)
    return False


def validate_value(field: Field, path: str, value: Any) -> list[Problem]:
    """Validate one value, and everything under it, against its declared field."""
    type_problem = _type_problem(field, path, value)
    if type_problem is not None:
        return [type_problem]
    problems: list[Problem] = []
    texts = enumerate(value) if field.kind is Kind.TEXT_LIST else ()
    for index, item in texts:
        found = _control_character_problem(Kind.TEXT, f"{path}[{index}]", item)
        if found is not None:
            problems.append(found)
    if isinstance(value, str):
        found = _control_character_problem(field.kind, path, value)
        if found is not None:
            problems.append(found)
    if errors_only(problems):
        return problems
    if field.kind is Kind.CHOICE and value not in field.choices:
        allowed = ", ".join(field.choices)
        message = f"{value!r} is not an allowed value; expected one of {allowed}"
        return [*problems, Problem(path, message)]
    if field.check is not None and isinstance(value, str) and value.strip():
        found = check_text(field.check, value)
        if found is not None:
            problems.append(Problem(path, found.message, found.severity))
    if field.kind is Kind.TABLE:
        problems.extend(_validate_table(field, path, value))
    if field.kind is Kind.TABLE_ARRAY:
        for index, row in enumerate(value):
            problems.extend(_validate_table(field, f"{path}[{index}]", row))
    return problems


def _type_problem(field: Field, path: str, value: Any) -> Problem | None:
    if field.kind is Kind.TEXT_LIST and isinstance(value, list):
        for index, item in enumerate(value):
            if not isinstance(item, str):
                return Problem(
                    f"{path}[{index}]",
                    f"{_type_name(item)} {item!r} is the wrong type; expected a "
                    "string (every element of this array is a string)",
                )
    if _matches_kind(field.kind, value):
        return None
    if isinstance(value, dict | list):
        found = _type_name(value)
    else:
        found = f"{_type_name(value)} {value!r}"
    return Problem(path, f"{found} is the wrong type; expected {_EXPECTED[field.kind]}")


def _validate_table(field: Field, path: str, table: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    for child in field.children:
        child_path = f"{path}.{child.key}" if path else child.key
        if child.key not in table:
            if child.required:
                problems.append(Problem(child_path, "is required but missing"))
            continue
        value = table[child.key]
        if child.required and isinstance(value, str) and not value.strip():
            problems.append(Problem(child_path, "is required but empty"))
            continue
        problems.extend(validate_value(child, child_path, value))
    return problems


def validate_case(data: dict[str, Any]) -> list[Problem]:
    """Validate a parsed case file; return every problem found, errors and warnings."""
    version = data.get("format", 1)
    if isinstance(version, int) and not isinstance(version, bool):
        if version > FORMAT_VERSION:
            return [
                Problem(
                    "format",
                    f"format {version} is newer than this version of cmmh reads "
                    f"(format {FORMAT_VERSION}); upgrade cmmh to open this file",
                )
            ]
        if version < 1:
            return [Problem("format", f"format {version} does not exist; use 1")]
    problems = _validate_table(CASE, "", data)
    for path in _non_finite_paths(data, ""):
        problems.append(
            Problem(path, "nan and inf are not allowed; use a finite number")
        )
    if "patient" not in data:
        # The table check above reports the table; name the field a user must add.
        problems = [p for p in problems if p.path != "patient"]
        problems.append(Problem("patient.name", "is required but missing"))
    return problems


def load_case_text(text: str, source: str) -> tuple[dict[str, Any], list[Problem]]:
    """Parse and validate case file text.

    Returns:
        The parsed data and the warnings found in it.

    Raises:
        CaseFileError: listing every error, when the text is not a usable case.
    """
    data, problems = parse_toml(text)
    if data is None:
        raise CaseFileError(source, problems)
    problems = validate_case(data)
    errors = errors_only(problems)
    if errors:
        raise CaseFileError(source, problems)
    return data, problems

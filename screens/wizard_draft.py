"""The case being edited in the wizard: typed values, raw invalid input and saving.

The wizard edits one in-memory case dict. What goes to disk is a copy in which
input that does not validate yet is moved into the app-owned `[editor]` table:

- `editor.pending` maps a field path to the raw text typed into it, such as
  `"patient.date_of_birth" = "13/45/2025"`, while the typed field stays unset.
- `editor.incomplete_rows` maps a row list to the rows that still lack a
  required value, each as `{position, row}`, so a half-filled row survives.
- `editor.no_denial` records the "no denial yet" switch, and `editor.denial`
  contains the denial table set aside while it is on.

Loading reverses all of this, so reopening a case shows exactly what was typed.
This module has no Textual dependency.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from typing import Any

from cmmh_tui.model import Case, copy_case, get_path, new_case, set_path
from cmmh_tui.schema import Check, Field, Kind, field_at
from cmmh_tui.store import CaseStore, StoreError
from cmmh_tui.validation import (
    ICD10CM_PATTERN,
    CaseFileError,
    Problem,
    Severity,
    check_text,
    errors_only,
    validate_case,
    validate_value,
)

try:
    from cmmh_tui.identifiers import case_id_from_name, parse_date_input
except ImportError:  # pragma: no cover - only before the identifiers module lands
    case_id_from_name = None  # type: ignore[assignment]
    parse_date_input = None  # type: ignore[assignment]

try:
    from cmmh_tui.codes import check_procedure_code
except ImportError:  # pragma: no cover - only before the codes module lands
    check_procedure_code = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

ROW_LISTS = (
    "diagnoses",
    "clinical.measures",
    "clinical.prior_treatment",
    "assessment.dimensions",
)
"""Row lists the wizard edits; incomplete rows of these are set aside on save."""

DATE_ORDER = {
    "service.requested_through": ("service.start", "the start date"),
    "denial.received": ("denial.date", "the date of the denial"),
}
"""Dates that should not be earlier than another date of the same table."""

FUTURE_LIMITS = {
    "patient.date_of_birth": 0,
    "denial.date": 1,
    "denial.received": 1,
}
"""Dates that cannot lie in the future, with the days of slack each allows."""

PROFILE_KEYS = tuple(child.key for child in field_at("clinician").children)
"""Clinician fields copied to and from the saved profile."""


def catalog_path(path: str) -> str:
    """Drop row indices, so `diagnoses.0.code` becomes `diagnoses.code`."""
    return ".".join(part for part in path.split(".") if not part.isdigit())


def field_for(path: str) -> Field:
    """Return the catalog field of a path that may contain row indices."""
    field = field_at(catalog_path(path))
    if field is None:
        raise KeyError(f"{path!r} is not a field of the case format")
    return field


def read_value(case: Case, path: str) -> Any:
    """Return the value at a path whose numeric parts index row lists, or None."""
    current: Any = case
    for part in path.split("."):
        if isinstance(current, list) and part.isdigit():
            index = int(part)
            current = current[index] if index < len(current) else None
        elif isinstance(current, dict):
            current = current.get(part)
        else:
            return None
        if current is None:
            return None
    return current


def write_value(case: Case, path: str, value: Any) -> None:
    """Set or, for an empty value, remove the value at a path with row indices."""
    parts = path.split(".")
    row_at = max((i for i, part in enumerate(parts) if part.isdigit()), default=-1)
    if row_at < 0:
        set_path(case, path, value)
        return
    row = read_value(case, ".".join(parts[: row_at + 1]))
    if not isinstance(row, dict):
        return
    inner = ".".join(parts[row_at + 1 :])
    set_path(row, inner, value)


def _parse_number(kind: Kind, text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        if kind is Kind.INTEGER:
            raise ValueError("enter a whole number, such as 12") from None
    try:
        number = float(text)
    except ValueError:
        raise ValueError("enter a number, such as 16 or 3.9") from None
    if not math.isfinite(number):
        raise ValueError("enter a finite number, such as 16 or 3.9")
    return number


def parse_text(field: Field, text: str) -> tuple[Any, Problem | None]:
    """Convert text typed into a field to its TOML value.

    Returns:
        The value (None when the text is empty or invalid) and the problem
        found, if any. A warning comes with a usable value, an error without.
    """
    stripped = text.strip()
    if not stripped:
        return None, None
    value, problem = _parse(field, text, stripped)
    if value is None:
        return None, problem
    found = validate_value(field, "", value)
    errors = errors_only(found)
    if errors:
        return None, _located(field, errors[0])
    if problem is None and found:
        problem = _located(field, found[0])
    return value, problem


def _parse(field: Field, text: str, stripped: str) -> tuple[Any, Problem | None]:
    if field.kind is Kind.TEXT_LIST:
        items = [line.strip() for line in text.splitlines() if line.strip()]
        return items, _list_problem(field, items)
    if field.kind in (Kind.INTEGER, Kind.NUMBER):
        try:
            return _parse_number(field.kind, stripped), None
        except ValueError as error:
            return None, Problem("", f"{stripped!r}: {error}")
    if field.kind is Kind.DATE:
        return _parse_date(stripped)
    if field.check is Check.ICD10CM and ICD10CM_PATTERN.fullmatch(stripped.upper()):
        # Codes are printed in upper case; lower case typing is accepted.
        return stripped.upper(), None
    if field.check is not None:
        problem = check_text(field.check, stripped)
        if problem is not None and problem.severity is Severity.ERROR:
            return None, problem
        return stripped, problem
    return stripped, None


def _located(field: Field, problem: Problem) -> Problem:
    """Name the line of a list item in a problem found by case validation."""
    found = re.search(r"\[(\d+)\]$", problem.path)
    if field.kind is Kind.TEXT_LIST and found:
        line = int(found.group(1)) + 1
        return Problem("", f"line {line} {problem.message}", problem.severity)
    return Problem("", problem.message, problem.severity)


def _parse_date(text: str) -> tuple[dt.date | None, Problem | None]:
    try:
        if parse_date_input is not None:
            return parse_date_input(text), None
        return dt.date.fromisoformat(text), None
    except ValueError as error:
        return None, Problem("", str(error) or f"{text!r} is not a date")


def _list_problem(field: Field, items: list[str]) -> Problem | None:
    if field.key != "codes" or check_procedure_code is None:
        return None
    messages = [m for m in (check_procedure_code(item) for item in items) if m]
    if not messages:
        return None
    return Problem("", "; ".join(messages), Severity.WARNING)


def related_dates(path: str) -> list[str]:
    """Return the date fields whose warning depends on the date at a path."""
    related = [later for later, (earlier, _) in DATE_ORDER.items() if earlier == path]
    if path in DATE_ORDER:
        related.append(DATE_ORDER[path][0])
    return related


def save_error_text(error: Exception) -> str:
    """Say in a few words why a save failed, naming the field when there is one."""
    if not isinstance(error, CaseFileError) or not error.problems:
        return str(error).replace("\n", "; ")
    first = error.problems[0]
    path = re.sub(r"\[\d+\]", "", first.path)
    field = field_at(path) if path else None
    title = field.title if field is not None else first.path
    more = len(error.problems) - 1
    extra = f" (and {more} more)" if more else ""
    return f"{title} {first.message}{extra}".strip()


def display_text(field: Field, value: Any) -> str:
    """Format a stored value for an Input or TextArea."""
    if value is None:
        return ""
    if field.kind is Kind.TEXT_LIST and isinstance(value, list):
        return "\n".join(str(item) for item in value)
    if isinstance(value, float) and value.is_integer():
        return str(value)
    return str(value)


class Draft:
    """The case under edit, with its unsaved raw input and its save state."""

    def __init__(self, store: CaseStore, case: Case | None, today: dt.date) -> None:
        self.store = store
        self.today = today
        self.is_new = case is None
        self.saved_id: str | None = None if case is None else str(case["id"])
        self.case: Case = case if case is not None else self._blank_case()
        editor = self.case.setdefault("editor", {})
        self.pending: dict[str, str] = dict(editor.pop("pending", {}) or {})
        self._restore_incomplete_rows(editor.pop("incomplete_rows", {}) or {})
        self.dirty = False
        self.last_error = ""
        self.id_chosen = False
        """Whether the user typed the id of a new case before its first save."""

    def _blank_case(self) -> Case:
        case = new_case("new-case", "", self.today)
        case.pop("patient")
        case.pop("title")
        profile = self._profile()
        if profile:
            case["clinician"] = profile
        return case

    def _profile(self) -> dict[str, Any]:
        try:
            profile = self.store.load_profile()
        except StoreError:
            return {}
        return {key: value for key, value in profile.items() if key in PROFILE_KEYS}

    def _restore_incomplete_rows(self, stashed: dict[str, Any]) -> None:
        for list_path, entries in stashed.items():
            rows = get_path(self.case, list_path)
            rows = list(rows) if isinstance(rows, list) else []
            for entry in sorted(entries, key=lambda e: e.get("position", 0)):
                position = min(int(entry.get("position", len(rows))), len(rows))
                rows.insert(position, dict(entry.get("row", {})))
            set_path(self.case, list_path, rows)

    # Reading and editing values

    def raw_text(self, path: str) -> str | None:
        """Return the raw text kept for a field whose input does not validate."""
        return self.pending.get(path)

    def value(self, path: str) -> Any:
        """Return the typed value stored at a path."""
        return read_value(self.case, path)

    def apply_text(self, path: str, text: str) -> Problem | None:
        """Store text typed into a field; keep it raw when it does not validate."""
        field = field_for(path)
        value, problem = parse_text(field, text)
        if problem is not None and problem.severity is Severity.ERROR:
            self.pending[path] = text
            write_value(self.case, path, None)
        else:
            self.pending.pop(path, None)
            write_value(self.case, path, value)
        self.dirty = True
        return problem

    def date_warning(self, path: str) -> Problem | None:
        """Return a warning about the date at a path compared with others, if any."""
        value = self.value(path)
        if not isinstance(value, dt.date):
            return None
        slack = FUTURE_LIMITS.get(path)
        if slack is not None and value > self.today + dt.timedelta(days=slack):
            ahead = "in the future" if slack == 0 else "more than a day ahead"
            return Problem(
                path,
                f"{value.isoformat()} is {ahead}; check the date",
                Severity.WARNING,
            )
        if path in DATE_ORDER:
            earlier_path, name = DATE_ORDER[path]
            earlier = self.value(earlier_path)
            if isinstance(earlier, dt.date) and value < earlier:
                return Problem(
                    path,
                    f"{value.isoformat()} is before {name}, {earlier.isoformat()}",
                    Severity.WARNING,
                )
        return None

    def apply_value(self, path: str, value: Any) -> None:
        """Store a value chosen from a Select or Checkbox."""
        self.pending.pop(path, None)
        write_value(self.case, path, value)
        self.dirty = True

    def rows(self, list_path: str) -> list[dict[str, Any]]:
        """Return the rows of a list, creating the list when it is missing."""
        rows = get_path(self.case, list_path)
        if not isinstance(rows, list):
            rows = []
        return rows

    def add_row(self, list_path: str, row: dict[str, Any] | None = None) -> int:
        """Append a row to a list and return its index."""
        rows = self.rows(list_path)
        rows.append(row if row is not None else {})
        set_path(self.case, list_path, rows)
        self.dirty = True
        return len(rows) - 1

    def remove_row(self, list_path: str, index: int) -> None:
        """Remove a row and renumber the raw input kept for the rows after it."""
        rows = self.rows(list_path)
        if index >= len(rows):
            return
        rows.pop(index)
        set_path(self.case, list_path, rows)
        prefix = f"{list_path}."
        moved: dict[str, str] = {}
        for path, text in self.pending.items():
            if not path.startswith(prefix):
                moved[path] = text
                continue
            row_text, _, rest = path[len(prefix) :].partition(".")
            row = int(row_text)
            if row == index:
                continue
            new_row = row - 1 if row > index else row
            moved[f"{prefix}{new_row}.{rest}"] = text
        self.pending = moved
        self.dirty = True

    # The "no denial yet" switch

    @property
    def no_denial(self) -> bool:
        """Whether the letter is written ahead of any denial."""
        return bool(get_path(self.case, "editor.no_denial", False))

    def set_no_denial(self, on: bool) -> None:
        """Set the denial table aside (on) or bring it back (off), keeping its data."""
        editor = self.case.setdefault("editor", {})
        if on and "denial" in self.case:
            editor["denial"] = self.case.pop("denial")
        elif not on and "denial" in editor:
            self.case["denial"] = editor.pop("denial")
        if on:
            editor["no_denial"] = True
        else:
            editor.pop("no_denial", None)
        self.dirty = True

    # Identity and saving

    @property
    def case_id(self) -> str:
        """The case id, or an empty string before the patient's name is entered."""
        known = self.saved_id or not self.is_new or self.id_chosen
        return str(self.case["id"]) if known else ""

    def start(self, patient_name: str) -> str:
        """Give a new case its id from the patient's name; return the id."""
        if self.id_chosen:
            return str(self.case["id"])
        taken = {entry.case_id for entry in self.store.list_cases()}
        if case_id_from_name is not None:
            case_id = case_id_from_name(patient_name, taken, self.today)
        else:  # pragma: no cover - only before the identifiers module lands
            case_id = "-".join(patient_name.lower().split()) or "case"
        self.case["id"] = case_id
        return case_id

    def rename(self, case_id: str) -> Problem | None:
        """Change the id of a case created in this wizard; the file moves with it.

        Returns:
            Why the id was refused, or None when it was taken (or unchanged).
        """
        if case_id == self.case_id:
            return None
        if not case_id:
            return Problem("id", "a case needs an id")
        problem = check_text(Check.CASE_ID, case_id)
        if problem is not None:
            return problem
        if self.store.exists(case_id):
            return Problem("id", f"a case with the id {case_id!r} already exists")
        self.case["id"] = case_id
        self.id_chosen = True
        self.dirty = True
        return None

    @property
    def has_name(self) -> bool:
        """Whether the patient's name is filled in."""
        return bool(str(get_path(self.case, "patient.name", "")).strip())

    def saveable(self) -> Case:
        """Return the case as it is written: incomplete input moved to `[editor]`."""
        case = copy_case(self.case)
        stashed: dict[str, list[dict[str, Any]]] = {}
        for list_path in ROW_LISTS:
            rows = get_path(case, list_path)
            if not isinstance(rows, list):
                continue
            required = [c.key for c in field_at(list_path).children if c.required]
            kept = []
            for position, row in enumerate(rows):
                if all(row.get(key) not in (None, "") for key in required):
                    kept.append(row)
                else:
                    stashed.setdefault(list_path, []).append(
                        {"position": position, "row": row}
                    )
            set_path(case, list_path, kept)
        set_path(case, "editor.pending", dict(self.pending))
        set_path(case, "editor.incomplete_rows", stashed)
        if not case.get("editor"):
            case.pop("editor", None)
        return case

    def problems(self) -> list[Problem]:
        """Return the validation errors that would stop a save."""
        return errors_only(validate_case(self.saveable()))

    def save(self) -> bool:
        """Write the case if it has a patient name; return whether it was written.

        A failed write keeps every value in memory and sets `last_error`, so
        the caller can show it and try again.
        """
        if not self.has_name:
            # Not an error: a new case simply waits for its name. A saved case
            # whose name was cleared fails validation below, which reports it.
            if self.saved_id is None:
                return False
        elif self.is_new and self.saved_id is None:
            self.start(str(get_path(self.case, "patient.name")))
        case = self.saveable()
        try:
            self.store.save(case)
        except (CaseFileError, StoreError) as error:
            self.last_error = save_error_text(error)
            # Error messages quote field values, so the log gets the type only.
            log.warning("case %s not saved: %s", case.get("id"), type(error).__name__)
            return False
        self.case["format"] = case["format"]
        self.case["updated"] = case["updated"]
        self._drop_renamed_file()
        self.saved_id = str(case["id"])
        self.dirty = False
        self.last_error = ""
        return True

    def _drop_renamed_file(self) -> None:
        if self.saved_id is None or self.saved_id == self.case["id"]:
            return
        try:
            self.store.case_path(self.saved_id).unlink(missing_ok=True)
        except OSError as error:
            self.last_error = f"the old file for {self.saved_id} stays: {error}"

    def clinician_profile(self) -> dict[str, Any]:
        """Return the clinician block of this case, to save as the profile."""
        clinician = get_path(self.case, "clinician", {}) or {}
        return {key: value for key, value in clinician.items() if key in PROFILE_KEYS}

"""Case data: a plain dict in the shape of the TOML file, and helpers to read it.

A case stays a dict rather than a tree of classes so that keys this version of
cmmh does not know survive a load and save unchanged.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from cmmh_tui.schema import FORMAT_VERSION

Case = dict[str, Any]
"""A case as parsed from TOML; see the field catalog in `cmmh_tui.schema`."""

_EMPTY = (None, "", [], {})


def get_path(case: Case, path: str, default: Any = None) -> Any:
    """Return the value at a dotted path such as `patient.name`, or `default`."""
    current: Any = case
    for key in path.split("."):
        if not isinstance(current, dict) or key not in current:
            return default
        current = current[key]
    return current


def set_path(case: Case, path: str, value: Any) -> None:
    """Set the value at a dotted path, creating tables on the way.

    An empty value (None, "", [] or {}) removes the key instead, and a table
    left empty by that is removed too, so the file holds only what was entered.
    """
    keys = path.split(".")
    if value in _EMPTY and not isinstance(value, bool):
        _remove_path(case, keys)
        return
    current = case
    for key in keys[:-1]:
        child = current.get(key)
        if not isinstance(child, dict):
            child = {}
            current[key] = child
        current = child
    current[keys[-1]] = value


def _remove_path(case: Case, keys: list[str]) -> None:
    parents = [case]
    for key in keys[:-1]:
        child = parents[-1].get(key)
        if not isinstance(child, dict):
            return
        parents.append(child)
    parents[-1].pop(keys[-1], None)
    for depth in range(len(keys) - 1, 0, -1):
        if parents[depth]:
            break
        parents[depth - 1].pop(keys[depth - 1], None)


def new_case(case_id: str, patient_name: str, today: dt.date | None = None) -> Case:
    """Create the smallest valid case: an id and a patient name."""
    return {
        "format": FORMAT_VERSION,
        "id": case_id,
        "title": "",
        "status": "draft",
        "opened": today or dt.date.today(),
        "patient": {"name": patient_name},
    }


def copy_case(case: Case) -> Case:
    """Return a deep copy, so edits to it never reach the original."""
    return copy.deepcopy(case)


def patient_name(case: Case) -> str:
    """Return the patient's name, or an empty string."""
    return str(get_path(case, "patient.name", ""))


def insurer_name(case: Case) -> str:
    """Return the insurer, falling back to the plan name."""
    return str(get_path(case, "plan.insurer") or get_path(case, "plan.plan_name") or "")

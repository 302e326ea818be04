"""Case IDs from patient names, typed dates and pasted text for the wizard's inputs."""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Collection

_MAX_CASE_ID = 64
"""Maximum case ID length that validation.CASE_ID_PATTERN accepts."""

_TITLES = frozenset("dr mr mrs ms mx miss prof".split())
_SUFFIXES = frozenset("jr sr ii iii iv md do phd".split())


def _ascii_words(text: str) -> list[str]:
    """Split a name into lowercase ASCII words, dropping accents and symbols.

    Hyphens inside a word are kept, so "Mary-Jane" stays one word.
    """
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = []
    for raw in plain.lower().split():
        word = re.sub(r"[^a-z0-9-]", "", raw)
        word = re.sub(r"-{2,}", "-", word).strip("-")
        if word:
            words.append(word)
    return words


def _name_parts(patient_name: str) -> tuple[str, str]:
    """Return the first name and the last-name initial, as lowercase ASCII."""
    if "," in patient_name:
        # "Rodriguez, Maya" lists the family name first.
        family, _, given = patient_name.partition(",")
        patient_name = f"{given} {family}"
    words = [
        word
        for word in _ascii_words(patient_name)
        if word not in _TITLES and word not in _SUFFIXES
    ]
    if not words:
        return "", ""
    if len(words) == 1:
        return words[0], ""
    return words[0], words[-1][0]


def case_id_from_name(
    patient_name: str, taken: Collection[str], today: datetime.date
) -> str:
    """Build a new case ID from the patient's first name, last initial and a date.

    "Maya Rodriguez" on 2026-12-04 gives "maya-r-2026-12-04". Accents are
    dropped; a name with no usable letters gives "case-2026-12-04". When the ID
    is in `taken`, "-2", "-3" and so on are added until it is free. The result
    always matches validation.CASE_ID_PATTERN.
    """
    first, initial = _name_parts(patient_name)
    if not first:
        first, initial = "case", ""
    date_text = today.isoformat()
    taken_ids = set(taken)
    counter = 1
    while True:
        tail = (f"-{initial}" if initial else "") + f"-{date_text}"
        if counter > 1:
            tail += f"-{counter}"
        # A very long first name is shortened so the ID fits; the initial stays.
        case_id = first[: _MAX_CASE_ID - len(tail)].rstrip("-") + tail
        if case_id not in taken_ids:
            break
        counter += 1
    return case_id


_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_EXPECTED_FORMS = (
    "use YYYY-MM-DD, such as 2025-04-02, or MM/DD/YYYY, such as 04/02/2025"
)


def parse_date_input(text: str) -> datetime.date:
    """Parse a typed date in ISO form (2025-04-02) or US form (04/02/2025, 4/2/2025).

    Raises:
        ValueError: with a message naming the expected forms, when the text is
            empty, in another form, or not a real calendar date.
    """
    stripped = text.strip()
    if not stripped:
        raise ValueError(f"The date is missing; {_EXPECTED_FORMS}.")
    iso = _ISO_DATE.fullmatch(stripped)
    us = _US_DATE.fullmatch(stripped)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
    elif us:
        month, day, year = (int(part) for part in us.groups())
    else:
        raise ValueError(
            f"{stripped!r} is not a date in a known form; {_EXPECTED_FORMS}."
        )
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ValueError(
            f"{stripped!r} is not a valid calendar date; {_EXPECTED_FORMS}."
        ) from None


def split_paste(text: str) -> list[str]:
    """Split pasted text into lines, with CRLF and CR line ends normalized.

    Trailing blank or whitespace-only lines are dropped; other lines are kept
    as they are, leading blank lines included.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    return lines

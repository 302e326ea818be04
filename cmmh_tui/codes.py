"""ICD-10-CM look-up and CPT/HCPCS shape checks for diagnosis and service codes."""

from __future__ import annotations

import importlib.metadata
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType

from cmmh_tui.validation import ICD10CM_PATTERN

_LIBRARY_NAME = "simple_icd_10_cm"
_EXAMPLE_CHILDREN = 3


@dataclass(frozen=True)
class CodeLookup:
    """Result of looking up one ICD-10-CM code, with a sentence for the screen.

    ICD-10-CM descriptions contain square brackets, as in "Giardiasis
    [lambliasis]", so show `description` and `message` with markup turned off.
    """

    code: str
    well_formed: bool
    exists: bool | None
    billable: bool | None
    description: str | None
    message: str


def normalize_icd10cm(text: str) -> str:
    """Normalize typed ICD-10-CM text: upper case, no spaces, dot after 3 characters.

    "f331" becomes "F33.1" and " F33.1 " becomes "F33.1". A trailing dot is
    dropped, so "F50." becomes "F50". A dot in the wrong place is kept, so the
    code stays malformed and the check reports it.
    """
    code = re.sub(r"\s+", "", text).upper().rstrip(".")
    if "." not in code and len(code) > 3:
        code = f"{code[:3]}.{code[3:]}"
    return code


_library_lock = threading.Lock()
_library: ModuleType | None = None
_library_missing = False


def _load_library() -> ModuleType | None:
    """Import simple_icd_10_cm once, because loading its code tables takes seconds."""
    global _library, _library_missing
    with _library_lock:
        if _library is None and not _library_missing:
            try:
                import simple_icd_10_cm
            except ImportError:
                _library_missing = True
            else:
                _library = simple_icd_10_cm
        return _library


def preload() -> None:
    """Import the ICD-10-CM library now, so that the first look-up is fast.

    Meant for a background worker. A missing library is not an error here.
    """
    _load_library()


def lookup_icd10cm(text: str) -> CodeLookup:
    """Check that a code is well formed, exists in ICD-10-CM and is billable.

    Results are cached per normalized code. Without the simple_icd_10_cm
    library, `exists` and `billable` are None and only the shape is checked.
    The first call imports the library and blocks for seconds unless preload()
    has already run.
    """
    return _lookup(normalize_icd10cm(text))


@lru_cache(maxsize=2048)
def _lookup(code: str) -> CodeLookup:
    if not code:
        return CodeLookup(
            code, False, False, False, None, "The ICD-10-CM code is missing."
        )

    if not ICD10CM_PATTERN.match(code):
        return CodeLookup(
            code,
            False,
            False,
            False,
            None,
            f"{code} is not a well-formed ICD-10-CM code; expected a letter, a "
            "digit, a letter or digit, then an optional dot and up to four "
            "characters, such as F33.1.",
        )

    library = _load_library()
    if library is None:
        return CodeLookup(
            code,
            True,
            None,
            None,
            None,
            f"{code} is well formed, but it was not looked up because the "
            "simple-icd-10-cm package is not installed.",
        )

    if not library.is_valid_item(code):
        return CodeLookup(
            code,
            True,
            False,
            False,
            None,
            f"{code} is not in ICD-10-CM; check the code.",
        )

    description = library.get_description(code)
    if library.is_leaf(code):
        return CodeLookup(code, True, True, True, description, f"{code} {description}")

    examples = _billable_examples(library, code)
    if not examples:
        return CodeLookup(
            code,
            True,
            True,
            False,
            description,
            f"{code} {description} is not a billable code; use a code below it.",
        )

    # ICD-10-CM calls three-character headings categories and longer ones
    # subcategories; neither is billable when more specific codes exist below it.
    heading = "category" if library.is_category(code) else "subcategory"
    return CodeLookup(
        code,
        True,
        True,
        False,
        description,
        f"{code} {description} is a {heading}, not a billable code; insurers "
        f"expect a code below it, such as {examples}.",
    )


def _billable_examples(library: ModuleType, code: str) -> str:
    leaves = [
        child for child in library.get_descendants(code) if library.is_leaf(child)
    ][:_EXAMPLE_CHILDREN]
    if len(leaves) <= 1:
        return "".join(leaves)
    return ", ".join(leaves[:-1]) + f" or {leaves[-1]}"


def code_set_note() -> str:
    """Describe which ICD-10-CM release the installed library carries.

    The release is read from the name of the code list shipped in the package,
    such as code-list-April-2026.txt, without importing the library.
    """
    try:
        version = importlib.metadata.version(_LIBRARY_NAME)
        files = importlib.metadata.files(_LIBRARY_NAME) or []
    except importlib.metadata.PackageNotFoundError:
        return (
            "ICD-10-CM codes are checked for shape only, because the "
            "simple-icd-10-cm package is not installed; check codes against the "
            "current code set."
        )
    release = None
    for path in files:
        found = re.fullmatch(r"code-list-([A-Za-z]+)-(\d{4})\.txt", path.name)
        if found:
            release = f"{found.group(1)} {found.group(2)}"
    if release is None:
        return (
            f"ICD-10-CM codes are looked up with simple-icd-10-cm {version}, which "
            "does not name its release; check codes against the current code set."
        )
    return (
        f"ICD-10-CM codes are looked up in the {release} release, as carried by "
        f"simple-icd-10-cm {version}; check codes against the current code set."
    )


_CPT = re.compile(r"[0-9]{5}|[0-9]{4}[FTU]")
"""CPT: five digits for Category I; four digits then F (Category II), T
(Category III) or U (Proprietary Laboratory Analyses), per the AMA's code formats."""

_HCPCS_LEVEL_II = re.compile(r"[A-V][0-9]{4}")
"""HCPCS Level II: one letter A to V then four digits, per CMS's HCPCS code format."""


def check_procedure_code(text: str) -> str | None:
    """Check the shape of a CPT or HCPCS Level II code.

    Returns an error sentence, or None when the code is well formed. Only the
    shape is checked: a well-formed code may still not exist.
    """
    code = text.strip().upper()
    if not code:
        return (
            "The procedure code is missing; enter a CPT code such as 90837 or a "
            "HCPCS code such as H0018."
        )
    if _CPT.fullmatch(code) or _HCPCS_LEVEL_II.fullmatch(code):
        return None
    base = re.split(r"[\s-]+", code, maxsplit=1)[0]
    if base != code and (_CPT.fullmatch(base) or _HCPCS_LEVEL_II.fullmatch(base)):
        return (
            f"{text.strip()!r} looks like a code with a modifier; enter the code "
            f"{base} alone and give modifiers in the service description."
        )
    return (
        f"{text.strip()!r} is not a CPT or HCPCS code; CPT codes are five digits, "
        "or four digits then F, T or U, and HCPCS Level II codes are a letter from "
        "A to V then four digits, such as 90837 or H0018."
    )

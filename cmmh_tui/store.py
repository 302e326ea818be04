"""The data folder: case files, the clinician profile and exports, written durably.

Every write goes through `write_private_file`. The bytes go to a temporary file
in the same folder, which is fsynced and then replaces the target with
`os.replace`. The folder is fsynced last, so a crash leaves either the old file
or the new one. Files are created 0600 and folders 0700.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from cmmh_tui.model import Case
from cmmh_tui.schema import FORMAT_VERSION, Check
from cmmh_tui.validation import (
    CaseFileError,
    Problem,
    check_text,
    errors_only,
    load_case_text,
    parse_toml,
    validate_case,
)

log = logging.getLogger(__name__)

DATA_DIR_ENV = "CMMH_DATA_DIR"
"""Environment variable that overrides the default data folder."""

FILE_MODE = 0o600
FOLDER_MODE = 0o700


class StoreError(Exception):
    """A failed read or write of the data folder; the message gives the next step."""


class CaseNotFound(StoreError):
    """No case file has the requested id."""


def default_data_dir() -> Path:
    """Return the per-user data folder that platformdirs gives for cmmh."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("cmmh", appauthor=False))


def resolve_data_dir(option: str | os.PathLike[str] | None = None) -> Path:
    """Pick the data folder: the option, then CMMH_DATA_DIR, then the default."""
    if option:
        return Path(option).expanduser()
    from_env = os.environ.get(DATA_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser()
    return default_data_dir()


STALE_TEMPORARY_AGE = 600
"""Age in seconds after which a temporary file left by an interrupted save is
removed. Younger ones may belong to a save still under way in another process."""


class CaseChanged(StoreError):
    """The case file changed on disk since this store read it."""


def make_private_folder(path: Path) -> None:
    """Create a folder and each missing parent with mode 0700.

    Raises:
        StoreError: when the path, or a parent, exists and is not a folder.
    """
    missing = []
    current = path
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    if not current.is_dir():
        raise StoreError(f"{current} is not a folder; choose another data folder")
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=FOLDER_MODE)
        except FileExistsError:
            continue
        except OSError as error:
            raise StoreError(f"cannot create the folder {folder}: {error}") from error
        os.chmod(folder, FOLDER_MODE)


def _fsync_folder(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_private_file(path: Path, payload: bytes) -> None:
    """Replace `path` with `payload` atomically and durably, with mode 0600.

    Raises:
        StoreError: when the write fails (disk full, read-only folder); the old
            file, if any, is unchanged.
    """
    if path.is_symlink():
        # Write through the link, so a case file kept elsewhere stays linked.
        path = path.resolve()
    folder = path.parent
    make_private_folder(folder)
    temporary: str | None = None
    try:
        descriptor, temporary = tempfile.mkstemp(
            dir=folder, prefix=f".{path.name}.", suffix=".tmp"
        )
        with os.fdopen(descriptor, "wb") as handle:
            os.fchmod(handle.fileno(), FILE_MODE)
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
        temporary = None
        _fsync_folder(folder)
    except OSError as error:
        reason = error.strerror or str(error)
        raise StoreError(
            f"could not save {path}: {reason}; the previous version, if any, is "
            "unchanged. Free some disk space or check the folder's permissions, "
            "then save again."
        ) from error
    finally:
        if temporary is not None:
            try:
                os.unlink(temporary)
            except OSError:
                pass


def serialise_case(case: Case) -> bytes:
    """Serialise a case to TOML bytes and check that they parse back to the same data.

    Raises:
        StoreError: when the data cannot be written as TOML or does not read back
            identically.
    """
    detail = "the data read back differs"
    # Multi-line strings read best, but TOML turns a carriage return before a
    # newline inside them into a plain newline; escaped strings keep it.
    for multiline_strings in (True, False):
        try:
            text = tomli_w.dumps(case, multiline_strings=multiline_strings)
        except (TypeError, ValueError) as error:
            message = f"case {case.get('id')!r} cannot be written as TOML: {error}"
            raise StoreError(message) from error
        parsed, problems = parse_toml(text)
        if parsed == case:
            return text.encode("utf-8")
        if problems:
            detail = problems[0].message
    raise StoreError(
        f"case {case.get('id')!r} failed the write-and-read check ({detail}); "
        "nothing was saved"
    )


@dataclass
class CaseEntry:
    """One file in the cases folder: its case data, or why it could not be read."""

    path: Path
    case: Case | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def readable(self) -> bool:
        """Whether the file parsed and validated without errors."""
        return self.case is not None

    @property
    def case_id(self) -> str:
        """The case id, or the file name's stem when the file is unreadable."""
        if self.case is not None:
            return str(self.case["id"])
        return self.path.stem

    @property
    def reason(self) -> str:
        """Every error that made the file unreadable, one per line."""
        return "\n".join(p.describe() for p in errors_only(self.problems))


class CaseStore:
    """Case files and exports under one data folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.cases_dir = root / "cases"
        self.exports_dir = root / "exports"
        self.profile_path = root / "profile.toml"
        self._versions: dict[Path, str] = {}
        """SHA-256 of each case file's bytes as this store last read or wrote them."""

    def ensure(self) -> None:
        """Create the data folder and its cases folder, mode 0700."""
        make_private_folder(self.root)
        make_private_folder(self.cases_dir)

    def case_path(self, case_id: str) -> Path:
        """Return the file a case with this id is stored in.

        Raises:
            CaseNotFound: when `case_id` is not a valid id, such as one with a
                slash or dots that would point outside the cases folder.
        """
        problem = check_text(Check.CASE_ID, case_id)
        if problem is not None:
            raise CaseNotFound(
                f"no case can have the id {case_id!r}: {problem.message}"
            )
        return self.cases_dir / f"{case_id}.toml"

    def exists(self, case_id: str) -> bool:
        """Return whether a file for this case id exists, readable or not."""
        return self.case_path(case_id).exists()

    def list_cases(self) -> list[CaseEntry]:
        """Read every case file, sorted by name; unreadable files are listed too."""
        if self.root.exists() and not self.root.is_dir():
            raise StoreError(f"{self.root} is not a folder; choose another data folder")
        if not self.cases_dir.is_dir():
            return []
        self._remove_stale_temporaries()
        entries = []
        for path in sorted(self.cases_dir.glob("*.toml")):
            entries.append(self._read_entry(path))
        return entries

    def _remove_stale_temporaries(self) -> None:
        cutoff = time.time() - STALE_TEMPORARY_AGE
        for leftover in self.cases_dir.glob(".*.toml.*.tmp"):
            try:
                if leftover.stat().st_mtime < cutoff:
                    leftover.unlink()
                    log.info("removed a temporary file left by an interrupted save")
            except OSError as error:
                log.warning(
                    "cannot remove a leftover temporary file: %s", error.strerror
                )

    def _read_entry(self, path: Path) -> CaseEntry:
        try:
            payload = path.read_bytes()
            text = payload.decode("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            return CaseEntry(path, problems=[Problem("", f"cannot be read: {error}")])
        self._versions[path] = hashlib.sha256(payload).hexdigest()
        try:
            case, warnings = load_case_text(text, str(path))
        except CaseFileError as error:
            return CaseEntry(path, problems=error.problems)
        if case.get("id") != path.stem:
            message = (
                f"its id {case.get('id')!r} does not match the file name; rename the "
                f"file to {case.get('id')}.toml or change the id"
            )
            return CaseEntry(path, problems=[Problem("id", message)])
        return CaseEntry(path, case, warnings)

    def load(self, case_id: str) -> Case:
        """Load one case by id.

        Raises:
            CaseNotFound: when no file has this id.
            CaseFileError: when the file exists but is not a usable case.
        """
        path = self.case_path(case_id)
        if not path.exists():
            raise CaseNotFound(f"no case with id {case_id!r} in {self.cases_dir}")
        entry = self._read_entry(path)
        if entry.case is None:
            raise CaseFileError(str(path), entry.problems)
        return entry.case

    def _check_replaceable(self, path: Path) -> None:
        if not path.exists():
            return
        known = self._versions.get(path)
        if known is not None:
            try:
                current = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError as error:
                raise StoreError(f"cannot read {path}: {error}") from error
            if current != known:
                raise CaseChanged(
                    f"{path} was changed by another program since cmmh read it; "
                    "it was left untouched. Reopen the case to see the changes, "
                    "then make yours again."
                )
            return
        entry = self._read_entry(path)
        if entry.case is None:
            raise StoreError(
                f"{path} exists but could not be read ({entry.reason.strip()}); it was "
                "left untouched. Fix or move that file, then save again."
            )

    def save(self, case: Case, *, now: dt.datetime | None = None) -> Path:
        """Validate and write a case, stamping `format` and `updated`.

        Raises:
            CaseFileError: when the case has validation errors; nothing is written.
            StoreError: when the existing file cannot be read, or the write fails.
        """
        path, payload = self.prepare_save(case, now=now)
        self.ensure()
        write_private_file(path, payload)
        self._versions[path] = hashlib.sha256(payload).hexdigest()
        log.info("saved case %s", case["id"])
        return path

    def prepare_save(
        self, case: Case, *, now: dt.datetime | None = None
    ) -> tuple[Path, bytes]:
        """Run every check of `save` and return the path and bytes, writing nothing.

        `format` and `updated` are stamped into `case`.

        Raises:
            CaseFileError: when the case has validation errors.
            StoreError: when the existing file cannot be read or changed on
                disk, or the case cannot be written as TOML.
        """
        errors = errors_only(validate_case(case))
        if errors:
            raise CaseFileError(f"case {case.get('id')!r}", errors)
        case["format"] = FORMAT_VERSION
        case["updated"] = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
        path = self.case_path(str(case["id"]))
        self._check_replaceable(path)
        return path, serialise_case(case)

    def load_profile(self) -> dict[str, Any]:
        """Load the saved clinician profile, or an empty one.

        Raises:
            StoreError: when the profile file exists but is not valid TOML.
        """
        if not self.profile_path.exists():
            return {}
        try:
            text = self.profile_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise StoreError(f"cannot read {self.profile_path}: {error}") from error
        data, problems = parse_toml(text)
        if data is None:
            raise StoreError(f"{self.profile_path}: {problems[0].message}")
        clinician = data.get("clinician", {})
        return clinician if isinstance(clinician, dict) else {}

    def save_profile(self, clinician: dict[str, Any]) -> Path:
        """Write the clinician profile, refusing to replace an unreadable one."""
        if self.profile_path.exists():
            self.load_profile()
        payload = tomli_w.dumps({"clinician": clinician}, multiline_strings=True)
        self.ensure()
        write_private_file(self.profile_path, payload.encode("utf-8"))
        log.info("saved clinician profile")
        return self.profile_path

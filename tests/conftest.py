"""Fixtures shared by every test: sample cases, a data folder, a clean environment."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
"""Root of the cmmh source tree."""

SAMPLE_CASES_ENV = "CMMH_SAMPLE_CASES"
"""Environment variable that names another folder of sample case files."""

DEFAULT_SAMPLE_CASES = REPO_ROOT.parent / "shared" / "cases"
"""Sample case files kept beside the repository, outside it."""


def in_ci() -> bool:
    """Whether the tests run under continuous integration (CI=true)."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture
def running_in_ci() -> bool:
    """Whether the tests run under CI, where a missing tool fails a test."""
    return in_ci()


@pytest.fixture(autouse=True)
def isolated_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Keep every test away from the user's data folder and colour settings.

    CMMH_DATA_DIR and NO_COLOR are removed, and XDG_DATA_HOME points at an
    empty folder, so code that falls back to the platformdirs default never
    touches real case files.
    """
    monkeypatch.delenv("CMMH_DATA_DIR", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg-data")))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data folder path inside the test's temporary folder, not created yet."""
    return tmp_path / "data"


@pytest.fixture
def cases_dir() -> Path:
    """Folder of sample case files: CMMH_SAMPLE_CASES, else the one beside the repo.

    Tests that use it are skipped when the folder is missing, except under CI,
    where a missing folder fails the test.
    """
    folder = Path(os.environ.get(SAMPLE_CASES_ENV) or DEFAULT_SAMPLE_CASES)
    if not any(folder.glob("*.toml")):
        message = (
            f"no sample case files (*.toml) in {folder}; set {SAMPLE_CASES_ENV} "
            "to a folder of case files"
        )
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return folder

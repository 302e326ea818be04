"""The installed `cmmh` command in a real 80x24 terminal, driven through tmux."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_tmux import TmuxServer, colours_used, is_grey, wait_for

pytestmark = pytest.mark.e2e

CMMH = Path(sys.executable).parent / "cmmh"
"""The console script installed into the virtual environment running the tests."""

STARTUP_TIMEOUT = 30.0
EXIT_TIMEOUT = 15.0


@pytest.fixture
def tmux(tmp_path: Path, running_in_ci: bool) -> Iterator[TmuxServer]:
    """A private tmux server, killed after the test whatever its outcome."""
    if shutil.which("tmux") is None:
        if running_in_ci:
            pytest.fail(
                "tmux is not installed; CI must install it to run terminal tests"
            )
        pytest.skip("tmux is not installed; install it (apt-get install tmux) to run")
    server = TmuxServer(f"cmmh-test-{os.getpid()}-{uuid.uuid4().hex[:8]}", tmp_path)
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture
def imported_data_dir(data_dir: Path, cases_dir: Path) -> Path:
    """A data folder holding every sample case, imported with `cmmh import`."""
    files = sorted(str(path) for path in cases_dir.glob("*.toml"))
    result = subprocess.run(
        [str(CMMH), "import", *files],
        env={**os.environ, "CMMH_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return data_dir


def patient_names(cases_dir: Path) -> list[str]:
    """Read the patient name of every sample case file."""
    names = []
    for path in sorted(cases_dir.glob("*.toml")):
        with path.open("rb") as handle:
            names.append(tomllib.load(handle)["patient"]["name"])
    return names


def start_cmmh(tmux: TmuxServer, data_dir: Path, **extra_env: str) -> None:
    """Start the installed cmmh on `data_dir` in the tmux server."""
    env = {"CMMH_DATA_DIR": str(data_dir), **extra_env}
    tmux.start([str(CMMH)], env=env, width=80, height=24)


def wait_for_names(tmux: TmuxServer, names: list[str]) -> str:
    """Wait until every name is on screen, and return the screen text."""

    def probe() -> str | None:
        screen = tmux.screen()
        return screen if all(name in screen for name in names) else None

    return wait_for(
        probe,
        timeout=STARTUP_TIMEOUT,
        describe=lambda: f"expected {names} on screen:\n{tmux.screen()}",
    )


def quit_with_ctrl_q(tmux: TmuxServer) -> int:
    """Press ctrl+q and return cmmh's exit status once it has ended."""
    tmux.send_keys("C-q")
    return wait_for(
        tmux.exit_status,
        timeout=EXIT_TIMEOUT,
        describe=lambda: f"cmmh still running after ctrl+q:\n{tmux.screen()}",
    )


def test_case_list_shows_imported_patients(
    tmux: TmuxServer, imported_data_dir: Path, cases_dir: Path
) -> None:
    names = patient_names(cases_dir)
    start_cmmh(tmux, imported_data_dir)

    screen = wait_for_names(tmux, names)
    colours = colours_used(tmux.screen(escapes=True))
    status = quit_with_ctrl_q(tmux)

    assert "Quit" in screen
    # The default theme has an accent colour, which shows that the NO_COLOR
    # test below can tell colour from grey.
    assert any(not is_grey(colour) for colour in colours), sorted(colours)
    assert status == 0, tmux.screen()


def test_no_color_run_shows_patients_in_grey(
    tmux: TmuxServer, imported_data_dir: Path, cases_dir: Path
) -> None:
    names = patient_names(cases_dir)
    start_cmmh(tmux, imported_data_dir, NO_COLOR="1")

    wait_for_names(tmux, names)
    colours = colours_used(tmux.screen(escapes=True))
    status = quit_with_ctrl_q(tmux)

    assert [colour for colour in colours if not is_grey(colour)] == []
    assert status == 0, tmux.screen()


def test_empty_data_folder_starts_and_quits(tmux: TmuxServer, data_dir: Path) -> None:
    start_cmmh(tmux, data_dir)

    wait_for(
        lambda: True if "Quit" in tmux.screen() else None,
        timeout=STARTUP_TIMEOUT,
        describe=lambda: f"expected the footer on screen:\n{tmux.screen()}",
    )
    status = quit_with_ctrl_q(tmux)

    assert status == 0, tmux.screen()
    assert (data_dir / "cases").is_dir()
    assert (data_dir / "cases").stat().st_mode & 0o777 == 0o700

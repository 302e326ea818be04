"""The app saves typed text when its terminal closes (SIGHUP) or on SIGTERM."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import tomllib
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_tmux import SESSION, TmuxServer, wait_for

pytestmark = pytest.mark.e2e

CMMH = Path(sys.executable).parent / "cmmh"
CASE = """\
id = "ann-e"
[patient]
name = "Ann Example"
"""


@pytest.fixture
def tmux(tmp_path: Path, running_in_ci: bool) -> Iterator[TmuxServer]:
    if shutil.which("tmux") is None:
        if running_in_ci:
            pytest.fail("tmux is not installed; CI must install it")
        pytest.skip("tmux is not installed; install it (apt-get install tmux) to run")
    server = TmuxServer(f"cmmh-signal-{os.getpid()}-{uuid.uuid4().hex[:8]}", tmp_path)
    try:
        yield server
    finally:
        server.kill()


def cmmh_pid(tmux: TmuxServer) -> int:
    """Find the cmmh process among the pane's descendants (shells wrap it)."""
    shell = tmux.tmux("display-message", "-p", "-t", SESSION, "#{pane_pid}").stdout
    pending = [shell.strip()]
    while pending:
        pid = pending.pop()
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        if str(CMMH).encode() in command and not command.startswith(b"sh "):
            return int(pid)
        children = subprocess.run(
            ["pgrep", "-P", pid], capture_output=True, text=True
        ).stdout.split()
        pending.extend(children)
    raise AssertionError("no cmmh process found in the tmux pane")


def append_to_name(tmux: TmuxServer, suffix: str) -> None:
    """Type `suffix` at the end of the focused patient-name field.

    The wizard focuses its first field after its first refresh, and focusing
    selects the field's text, so keys sent too early are either dropped or
    replace the name. Each case is detected on screen and repaired.
    """
    expected = "Ann Example" + suffix
    for _attempt in range(5):
        tmux.send_keys("End")
        time.sleep(0.3)
        tmux.send_keys("-l", suffix)
        try:
            wait_for(
                lambda: True if suffix.strip() in tmux.screen() else None,
                timeout=3,
                describe=tmux.screen,
            )
        except AssertionError:
            continue
        if expected not in tmux.screen():
            tmux.send_keys("Home")
            time.sleep(0.3)
            tmux.send_keys("-l", "Ann Example")
        wait_for(
            lambda: True if expected in tmux.screen() else None,
            timeout=10,
            describe=tmux.screen,
        )
        return
    raise AssertionError(f"could not type into the name field; {tmux.screen()}")


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP], ids=["TERM", "HUP"])
def test_signal_saves_typed_text(number, tmux, data_dir, tmp_path):
    source = tmp_path / "ann.toml"
    source.write_text(CASE)
    environment = {**os.environ, "CMMH_DATA_DIR": str(data_dir)}
    subprocess.run([str(CMMH), "import", str(source)], env=environment, check=True)
    tmux.start([str(CMMH)], env={"CMMH_DATA_DIR": str(data_dir)})
    wait_for(
        lambda: True if "Ann Example" in tmux.screen() else None,
        timeout=30,
        describe=tmux.screen,
    )
    tmux.send_keys("e")
    wait_for(
        lambda: True if "Patient and plan" in tmux.screen() else None,
        timeout=30,
        describe=tmux.screen,
    )
    append_to_name(tmux, " Junior")
    os.kill(cmmh_pid(tmux), number)
    status = wait_for(tmux.exit_status, timeout=15, describe=tmux.screen)
    assert status == 128 + number
    saved = tomllib.loads((data_dir / "cases" / "ann-e.toml").read_text())
    assert saved["patient"]["name"] == "Ann Example Junior"

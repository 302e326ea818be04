"""Drive a program in a detached tmux session: start it, read the screen, send keys.

Each `TmuxServer` has its own socket name, so tests never touch the user's tmux
server or each other's.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

SESSION = "main"

CONFIG = """\
# Keep the pane after the program exits, so its last screen can be read.
set-option -g remain-on-exit on
set-option -g default-terminal "tmux-256color"
set-option -g history-limit 2000
"""


def wait_for(
    probe: Callable[[], T | None],
    *,
    timeout: float,
    describe: Callable[[], str],
    interval: float = 0.1,
) -> T:
    """Call `probe` until it returns a value other than None, for at most `timeout` s.

    Raises:
        AssertionError: on timeout, with `describe()` appended, such as the screen.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result is not None:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s; {describe()}")
        time.sleep(interval)


class TmuxServer:
    """A private tmux server running one session with one pane."""

    def __init__(self, socket_name: str, folder: Path) -> None:
        self.socket_name = socket_name
        self.config_path = folder / "tmux.conf"
        self.config_path.write_text(CONFIG, encoding="utf-8")
        self.status_path = folder / "exit-status"

    def tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run a tmux command against this server and return the finished process."""
        command = ["tmux", "-L", self.socket_name, "-f", str(self.config_path), *args]
        return subprocess.run(
            command, capture_output=True, text=True, check=check, timeout=30
        )

    def start(
        self,
        command: Sequence[str],
        *,
        env: dict[str, str],
        width: int = 80,
        height: int = 24,
    ) -> None:
        """Start `command` in a new detached session of the given size.

        The variables in `env` are passed with `env(1)` so that they reach the
        program whatever environment the tmux server was started with. A shell
        runs the program and writes its exit status to `status_path`.
        """
        # NOTE: with tmux 3.3a, a program that quit soon after starting was
        # sometimes never reaped by the server, so #{pane_dead_status} stayed
        # empty. The wrapper shell reaps the program and records the status.
        assignments = [f"{name}={value}" for name, value in env.items()]
        status = shlex.quote(str(self.status_path))
        script = f'"$@"; echo $? > {status}.part && mv {status}.part {status}'
        shell_command = shlex.join(
            ["sh", "-c", script, "sh", "env", *assignments, *command]
        )
        self.tmux(
            "new-session", "-d", "-s", SESSION,
            "-x", str(width), "-y", str(height), shell_command,
        )  # fmt: skip

    def screen(self, *, escapes: bool = False) -> str:
        """Return the visible pane text; with `escapes`, keep the SGR colour codes."""
        args = ["capture-pane", "-p", "-t", SESSION]
        if escapes:
            args.append("-e")
        return self.tmux(*args).stdout

    def send_keys(self, *keys: str) -> None:
        """Send keys in tmux notation, such as `C-q` or `Enter`."""
        self.tmux("send-keys", "-t", SESSION, *keys)

    def exit_status(self) -> int | None:
        """Return the program's exit status once it has ended, else None."""
        try:
            return int(self.status_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None

    def kill(self) -> None:
        """Stop the server and every program in it, and remove its socket file.

        A server that is already gone is fine.
        """
        query = self.tmux("display-message", "-p", "#{socket_path}", check=False)
        self.tmux("kill-server", check=False)
        socket_path = query.stdout.strip()
        if query.returncode == 0 and socket_path:
            Path(socket_path).unlink(missing_ok=True)


_SGR = re.compile(r"\x1b\[([0-9;:]*)m")
_GREY_BASIC = {30, 37, 90, 97, 40, 47, 100, 107}


def _is_grey_256(index: int) -> bool:
    if index in (0, 7, 8, 15) or index >= 232:
        return True
    if 16 <= index <= 231:
        red, rest = divmod(index - 16, 36)
        green, blue = divmod(rest, 6)
        return red == green == blue
    return False


def colours_used(screen: str) -> set[str]:
    """List the foreground and background colours set by SGR codes in captured text.

    Returns:
        Colours as `basic:N`, `256:N` or `rgb:R,G,B`.
    """
    colours: set[str] = set()
    for match in _SGR.finditer(screen):
        params = [int(p) if p.isdigit() else 0 for p in re.split("[;:]", match[1])]
        i = 0
        while i < len(params):
            code = params[i]
            if code in (38, 48) and i + 2 < len(params) and params[i + 1] == 5:
                colours.add(f"256:{params[i + 2]}")
                i += 3
            elif code in (38, 48) and i + 4 < len(params) and params[i + 1] == 2:
                colours.add("rgb:" + ",".join(map(str, params[i + 2 : i + 5])))
                i += 5
            else:
                if 30 <= code <= 37 or 40 <= code <= 47 or 90 <= code <= 107:
                    colours.add(f"basic:{code}")
                i += 1
    return colours


def is_grey(colour: str) -> bool:
    """Whether a colour from `colours_used` is black, white or a shade of grey."""
    kind, _, value = colour.partition(":")
    if kind == "basic":
        return int(value) in _GREY_BASIC
    if kind == "256":
        return _is_grey_256(int(value))
    red, green, blue = (int(v) for v in value.split(","))
    return red == green == blue

"""The Textual application: opens on the case list of a data folder."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Iterable
from functools import partial
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from cmmh_tui import __version__
from cmmh_tui.store import CaseStore

log = logging.getLogger(__name__)

EXIT_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
"""Signals after which the app saves open work and exits: a killed session or a
dropped SSH connection must not lose what was typed."""


class CmmhApp(App[None]):
    """cmmh: medical necessity letters and insurer reviews, one case at a time."""

    TITLE = "cmmh"
    SUB_TITLE = f"v{__version__}"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
    ]
    """App-wide keys; every screen adds its own."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__()
        self.store = CaseStore(Path(data_dir))
        """Case files, the clinician profile and exports of the data folder."""
        self._quit_requested = False

    def on_mount(self) -> None:
        from cmmh_tui.screens.case_list import CaseListScreen

        if not self.is_headless:
            loop = asyncio.get_running_loop()
            for number in EXIT_SIGNALS:
                loop.add_signal_handler(number, self._exit_on_signal, number)
        self.push_screen(CaseListScreen())

    def save_open_work(self) -> bool:
        """Ask every open screen that edits a case to save it now.

        Returns:
            Whether everything was saved.
        """
        saved = True
        for screen in self.screen_stack:
            save = getattr(screen, "save_before_exit", None)
            if callable(save) and save() is False:
                saved = False
        return saved

    def _exit_on_signal(self, number: int) -> None:
        log.info(
            "received %s; saving open work and exiting", signal.Signals(number).name
        )
        self.save_open_work()
        self.exit(return_code=128 + number)

    async def action_quit(self) -> None:
        """Save open work, then quit; when a save fails, a second press quits."""
        if self.save_open_work() or self._quit_requested:
            self.exit()
            return
        self._quit_requested = True
        self.notify(
            "Some changes could not be saved (the wizard shows why). Press ctrl+q "
            "again to quit and lose them.",
            title="Changes not saved",
            severity="error",
            timeout=20,
        )

    def _fatal_error(self) -> None:
        # NOTE: Textual 8.2.8 prints crash tracebacks with local variables, which
        # here hold case text; this override prints the same traceback without them.
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None)
        self._exit_renderables.append(
            Segments(self.console.render(traceback, self.console.options))
        )
        self._close_messages_no_wait()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Offer every described key of the current screen in the command palette.

        Textual's Screenshot command is left out: it writes an image of the
        screen, patient details included, outside the private data folder.
        """
        for command in super().get_system_commands(screen):
            if command.title != "Screenshot":
                yield command
        group = getattr(screen, "COMMAND_GROUP", "")
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.description or not active.enabled:
                continue
            if binding.action in seen or active.node is self:
                continue
            seen.add(binding.action)
            title = f"{group}: {binding.description}" if group else binding.description
            help_text = binding.tooltip or f"Key: {binding.key_display or binding.key}"
            yield SystemCommand(
                title, help_text, partial(active.node.run_action, binding.action)
            )

"""The Textual application: opens on the case list of a data folder."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from cmmh_tui import __version__
from cmmh_tui.store import CaseStore


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

    def on_mount(self) -> None:
        from cmmh_tui.screens.case_list import CaseListScreen

        self.push_screen(CaseListScreen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Offer every described key of the current screen in the command palette."""
        yield from super().get_system_commands(screen)
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

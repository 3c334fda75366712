"""One base for every readtui app: the user's theme and keys, the help, saving with a notice when
it fails, asking twice before quitting unsaved, and saving on SIGTERM/SIGHUP."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from readtui import __version__
from readtui.core.checklist import Checklist
from readtui.core.config import Config
from readtui.core.errors import visible_controls
from readtui.core.versions import ChecklistChanges
from readtui.tui.keys import key_rows
from readtui.tui.widgets.inputs import EDITORS

TERMINATE_GRACE = 1.0
"""Seconds the app may take to shut down after SIGTERM/SIGHUP before it is ended regardless."""

ReturnType = TypeVar("ReturnType")


class ReadtuiBaseApp(App[ReturnType]):
    """What the reading, training, compare and adjudicate apps share. A subclass that writes a
    file gives `saved_path` and `save_now`; the rest is here."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save now (changes are also saved automatically)", id="save", priority=True),
        Binding("question_mark", "help", "Show this help", id="help"),
        Binding("q,ctrl+q", "quit", "Save and quit", id="quit"),
    ]
    UNSAVED_NOTICE = "Your work is kept in memory; the last saved file is intact."
    """Said when a save fails: what the user still has."""

    def __init__(self, config: Config | None = None) -> None:
        super().__init__()
        self.config = config or Config()
        if self.config.theme and self.config.theme in self.available_themes:
            self.theme = self.config.theme
        if self.config.keymap:
            self.set_keymap(self.config.keymap)
        self.save_error: str | None = None
        """Why the last save failed (None: it did not)."""
        self._quit_unsaved = False
        self.leaving = False
        """Set once the app is on its way out: input from then on is dropped."""

    def exit(self, result: ReturnType | None = None, return_code: int = 0, message: Any = None) -> None:
        self.leaving = True
        super().exit(result, return_code, message)

    async def on_event(self, event: events.Event) -> None:
        # Keys typed in one burst with q are queued before q is handled; after the last save
        # they must not change what the app holds (the summary printed on leaving counts it).
        if self.leaving and isinstance(event, events.InputEvent):
            return
        await super().on_event(event)

    def on_exit_app(self) -> None:
        """Textual's own way out, which skips `action_quit`: the web driver takes it when the
        browser tab closes or the server stops (``readtui serve``), and on SIGINT. Save first
        (`exit` has set ``leaving``: the ways out through it saved already)."""
        if not self.leaving:
            self.leaving = True
            self.save_now()

    def on_mount(self) -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGHUP):
            loop.add_signal_handler(signum, self._on_terminate, signum)

    # --- what a subclass that saves provides ----------------------------------------------------

    @property
    def saved_path(self) -> Path | None:
        """The file this app writes (None: it writes nothing)."""
        return None

    def save_now(self) -> bool:
        """Write the file now; whether it went well (True when there is nothing to save)."""
        return True

    def release(self) -> None:
        """Let go of the files this app holds, before the process ends on a signal."""

    def checklist_info(self) -> list[str] | None:
        """What the "Checklist info" command shows (None: this app has no checklist)."""
        return None

    def help_about(self) -> str:
        """The text under the keys in the help."""
        saving = f" · saving to {self.saved_path.name}" if self.saved_path else ""
        return f"readtui {__version__}{saving}"

    # --- saving and leaving -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action != "save" or self.saved_path is not None

    def action_save(self) -> None:
        if self.save_now() and self.saved_path is not None:
            self.notify(f"Saved {self.saved_path.name}", timeout=2, markup=False)

    async def action_quit(self) -> None:
        """Save and quit; if saving fails, say so and quit only when asked again."""
        if self.save_now() or self._quit_unsaved:
            self.exit()
            return
        self._quit_unsaved = True
        self.notify(
            "Press q again to quit without saving, or free the space and press ctrl+s.",
            title="Not saved: still here",
            severity="error",
            timeout=15,
            markup=False,
        )

    def report_save_error(self, message: str) -> None:
        """A save failed: the old file is intact (writes are atomic); tell the user."""
        self.save_error = message
        self.notify(f"{message}. {self.UNSAVED_NOTICE}", title="Not saved", severity="error", timeout=10, markup=False)

    def report_saved_again(self) -> None:
        """A save worked after one failed."""
        self.save_error = None
        self._quit_unsaved = False  # a later failure must warn again before q quits
        self.notify("Saved again.", timeout=3, markup=False)

    def from_any_thread(self, callback: Callable[..., Any], *args: Any) -> None:
        """Call ``callback`` on the app's thread, from the app's thread or a worker's."""
        if threading.get_ident() == self._thread_id:
            callback(*args)
        else:
            self.call_from_thread(callback, *args)

    def _on_terminate(self, signum: int) -> None:
        """SIGTERM or SIGHUP: save, let go of the files, and leave.

        After SIGHUP the terminal is gone and Textual's shutdown can block writing to it, so a
        watchdog ends the process if it is still here shortly after: the file is saved by then.
        """
        self.save_now()
        self.release()
        watchdog = threading.Timer(TERMINATE_GRACE, os._exit, args=(128 + signum,))
        watchdog.daemon = True
        watchdog.start()
        self.exit(return_code=128 + signum)

    # --- keys -------------------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        """A key that reaches the app while one of readtui's inputs has focus, but never went
        through it, was typed just before the input opened (on its way to the checklist, say):
        it belongs to the input, so hand it over."""
        if isinstance(self.focused, EDITORS) and not getattr(event, "readtui_seen_by_input", False):
            event.prevent_default()
            # As forwarded, like keys the app hands to the focused widget, so that when it
            # bubbles back up it is not taken for a new key press.
            self.focused._forward_event(events.Key(event.key, event.character))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's commands, but our help for "Keys" (Textual's keys panel squeezes the screen),
        and "Save" where there is a file."""
        yield from (command for command in super().get_system_commands(screen) if command.title != "Keys")
        if self.saved_path is not None:
            yield SystemCommand("Save", f"Save {self.saved_path.name} now", self.action_save)
        yield SystemCommand("Keys", "Show every key, as mapped", self.action_help)
        if self.checklist_info() is not None:
            yield SystemCommand(
                "Checklist info",
                "The checklist: its source, version, items, file, and changes",
                self.action_checklist_info,
            )

    def action_checklist_info(self) -> None:
        from readtui.tui.screens.dialogs import InfoDialog

        lines = self.checklist_info()
        if lines is not None and not isinstance(self.screen, InfoDialog):
            self.push_screen(InfoDialog("Checklist info", lines))

    def action_help(self) -> None:
        from readtui.tui.screens.dialogs import HelpDialog

        if isinstance(self.screen, HelpDialog):
            return
        self.push_screen(HelpDialog(key_rows(self.screen), self.help_about()))


def describe_checklist(
    checklist: Checklist, path: Path | None = None, changes: ChecklistChanges | None = None
) -> list[str]:
    """The lines of "Checklist info": title, id and version, description (which names the source),
    items, labels, the file, and what changed since the assessment was saved."""
    from readtui.core.checklist import answers_estimate, bundled_checklist_dir

    lines = [f"{checklist.title}  ({checklist.id}, version {checklist.version})", ""]
    if checklist.description:
        lines += [*checklist.description.splitlines(), ""]
    lines.append(answers_estimate(checklist))
    if checklist.labels:
        lines.append(f"Highlight labels: {', '.join(label.title for label in checklist.labels.values())}")
    if path is not None:
        path = path.resolve()
        bundled = path.parent == bundled_checklist_dir().resolve()
        lines += ["", f"File: {visible_controls(str(path))}" + (" (bundled with readtui)" if bundled else "")]
    if changes is not None:
        lines += ["", *changes.details()]
    return lines

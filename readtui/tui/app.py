"""The Textual app: a thin layer over a `ReadingSession`, with autosave."""

from __future__ import annotations

import asyncio
import gc
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen

from readtui import __version__
from readtui.core.config import Config
from readtui.core.errors import ReadtuiError
from readtui.core.launch import PreparedSession
from readtui.tui.screens.reading import ReadingScreen
from readtui.core.storage import atomic_write
from readtui.tui.widgets.editor import TaggedInput
from readtui.tui.widgets.progress import LEGEND

SAVE_DEBOUNCE = 0.25
"""Seconds of quiet before an autosave."""
SAVE_MAX_WAIT = 0.8
"""Even while the reader keeps typing, a change is saved within this long (plus the write)."""
BAD_INPUT = 2
"""Exit status when a file given to readtui is invalid."""
TERMINATE_GRACE = 1.0
"""Seconds the app may take to shut down after SIGTERM/SIGHUP before it is ended regardless."""
IDLE_AFTER = 120
"""Seconds without input after which reading time stops counting."""

HINTS = [
    ("next", "next ¶"),
    ("previous", "prev"),
    ("check", "check"),
    ("answer-again", "answer again"),
    ("choose-1", "1-9 answer"),
    ("unsure", "unsure"),
    ("note", "note"),
    ("flag", "flag"),
    ("back", "back"),
    ("finish", "finish"),
    ("help", "help"),
    ("quit", "quit"),
]
CHOOSE_HELP = "choose option n (scale: value n; multi: tick/untick; 0: none of these)"
COMPLETE = "complete"
"""What the app returns when the reader finished the assessment."""
EDITING_HINTS = "typing: enter or escape when done · ctrl+s save · ctrl+q quit"


class ReadtuiApp(App[str]):
    """Reading sessions. State lives in `session`; screens change it and call `schedule_save`."""

    TITLE = "readtui"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("ctrl+s", "save", "Save now (changes are also saved automatically)", id="save", priority=True),
        Binding("question_mark", "help", "Show this help", id="help"),
        Binding("q,ctrl+q", "quit", "Save and quit", id="quit"),
    ]

    def __init__(self, prepared: PreparedSession, config: Config | None = None) -> None:
        super().__init__()
        self.prepared = prepared
        self.session = prepared.session
        self.config = config or Config()
        self._save_timer = None
        self._dirty_since: float | None = None
        self._write_lock = threading.Lock()
        self._save_sequence = 0
        """Counts saves, so that a slower background write never replaces a newer one."""
        self._last_written = -1
        self.save_error: str | None = None
        self.bad_input: list[ReadtuiError] | None = None
        """Problems found when the input was validated after the first frame (None: not yet)."""
        self._quit_unsaved = False
        self.last_input = time.monotonic()

    # --- start and stop ------------------------------------------------------------------------

    def on_mount(self) -> None:
        if self.config.keymap:
            self.set_keymap(self.config.keymap)
        if self.config.theme and self.config.theme in self.available_themes:
            self.theme = self.config.theme
        if self.prepared.trainer is not None:
            from readtui.tui.screens.training import TrainingScreen

            self.push_screen(TrainingScreen())
        else:
            self.push_screen(ReadingScreen())
        for notice in self.prepared.notices:
            self.notify(notice, title="Resumed", timeout=10, markup=False)
        self.set_interval(1.0, self._count_reading_time)
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGHUP):
            loop.add_signal_handler(signum, self._on_terminate, signum)
        self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        """Validate the input (built without pydantic for the first frame), turn garbage
        collection back on, and write the file at once, so a new session is on disk (and in the
        index) from the start."""
        if not self.input_is_valid():
            return
        gc.collect()  # the start-up garbage, before the survivors are frozen
        gc.freeze()
        gc.enable()
        self.run_worker(self._identify_and_save, thread=True, group="identify")
        self.run_worker(self.prepared.remember_in_index, thread=True, group="index")

    def _identify_and_save(self) -> None:
        """Hash the essay (a long one takes a moment), then write the file, so a new session is
        on disk (and in the index) from the start."""
        self.session.essay.sha256  # noqa: B018 - computed here, off the UI thread, and cached
        self.call_from_thread(self.save_now, background=True)

    def input_is_valid(self) -> bool:
        """Whether the checklist and assessment passed validation; if not, leave with status 2
        (the CLI prints the problems) without saving over the reader's file."""
        if self.bad_input is None:
            self.bad_input = self.prepared.check()
            if self.bad_input:
                self.exit(return_code=BAD_INPUT)
        return not self.bad_input

    def _on_terminate(self, signum: int) -> None:
        """SIGTERM or SIGHUP: save, let go of the file, and leave.

        After SIGHUP the terminal is gone and Textual's shutdown can block writing to it, so a
        watchdog ends the process if it is still here shortly after: the file is saved by then.
        """
        self.save_now()
        self.prepared.close()
        watchdog = threading.Timer(TERMINATE_GRACE, os._exit, args=(128 + signum,))
        watchdog.daemon = True
        watchdog.start()
        self.exit(return_code=128 + signum)

    async def action_quit(self) -> None:
        """Save and quit; if saving fails, say so and quit only when asked again."""
        if self.save_now() or self._quit_unsaved or self.bad_input:
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

    def finish(self) -> None:
        """Mark the assessment complete, or say what is still missing."""
        missing = self.session.finish()
        if missing:
            self.notify(
                f"{len(missing)} required answer(s) still missing; the list shows where.",
                title="Not finished yet",
                severity="warning",
                markup=False,
            )
            return
        if self.prepared.trainer is not None:
            from readtui.tui.screens.training import ScoreScreen
            from readtui.core.training import ESSAY

            self.prepared.trainer.check(ESSAY)  # the essay-level answers are final now
            self.save_now()
            self.push_screen(ScoreScreen())
            return
        self.save_now()
        self.exit(result=COMPLETE)

    # --- saving ------------------------------------------------------------------------------------

    def schedule_save(self) -> None:
        """Save soon: after a short quiet spell, and never later than SAVE_MAX_WAIT after the first change."""
        now = time.monotonic()
        if self._dirty_since is None:
            self._dirty_since = now
        if self._save_timer is not None:
            if now - self._dirty_since + SAVE_DEBOUNCE < SAVE_MAX_WAIT:
                self._save_timer.stop()
            else:
                return
        self._save_timer = self.set_timer(SAVE_DEBOUNCE, self._autosave)

    def _autosave(self) -> None:
        self._save_timer = None
        self.save_now(background=True)

    def save_now(self, *, background: bool = False) -> bool:
        """Serialise now (cheap: unchanged paragraphs are cached) and write, in a thread if asked."""
        if not self.input_is_valid():
            return False
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        self._dirty_since = None
        self._save_sequence += 1
        sequence = self._save_sequence
        try:
            self.session.identify()  # at once, if the worker started after the first frame has not yet
            text = self.prepared.writer.dumps(self.session.assessment)
        except Exception as error:  # noqa: BLE001 - reported to the reader, the app keeps running
            self._report_save_error(str(error))
            return False
        if background:
            self.run_worker(lambda: self._write(sequence, text), thread=True, group="save")
            return True
        return self._write(sequence, text)

    def _write(self, sequence: int, text: str) -> bool:
        with self._write_lock:
            if sequence < self._last_written:
                return True  # a newer state is already on disk
            try:
                atomic_write(self.prepared.out_path, text)
            except ReadtuiError as error:
                self._from_any_thread(self._report_save_error, str(error))
                return False
            self._last_written = sequence
        if self.save_error is not None:
            self._from_any_thread(self._report_saved_again)
        return True

    def _from_any_thread(self, callback: Callable[..., Any], *args: Any) -> None:
        if threading.get_ident() == self._thread_id:
            callback(*args)
        else:
            self.call_from_thread(callback, *args)

    def _report_save_error(self, message: str) -> None:
        self.save_error = message
        self.notify(
            f"{message}. Your answers are kept in memory; the last saved file is intact.",
            title="Not saved",
            severity="error",
            timeout=10,
            markup=False,
        )

    def _report_saved_again(self) -> None:
        self.save_error = None
        self._quit_unsaved = False  # a later failure must warn again before q quits
        self.notify("Saved again.", timeout=3, markup=False)

    def action_save(self) -> None:
        if self.save_now():
            self.notify(f"Saved {self.prepared.out_path.name}", timeout=2, markup=False)

    # --- reading time --------------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        """A key that reaches the app while one of readtui's inputs has focus, but never went
        through it, was typed just before the input opened (on its way to the checklist, say):
        it belongs to the input, so hand it over."""
        if isinstance(self.focused, TaggedInput) and not getattr(event, "readtui_seen_by_input", False):
            event.prevent_default()
            # As forwarded, like keys the app hands to the focused widget, so that when it
            # bubbles back up it is not taken for a new key press.
            self.focused._forward_event(events.Key(event.key, event.character))

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)):
            self.last_input = time.monotonic()
        await super().on_event(event)

    def _count_reading_time(self) -> None:
        if isinstance(self.screen, ReadingScreen) and time.monotonic() - self.last_input < IDLE_AFTER:
            self.session.add_seconds(1)

    # --- navigation and dialogs ------------------------------------------------------------------------

    def show_overall(self) -> None:
        from readtui.tui.screens.overall import OverallScreen  # not needed for the first frame

        self.push_screen(OverallScreen())

    def show_paragraph(self, index: int, *, first_missing: bool = False) -> None:
        """Go to paragraph ``index`` on the reading screen (from another screen)."""
        screen = self.screen
        if isinstance(screen, ReadingScreen):
            screen.go_to(index)
            if first_missing:
                record = self.session.answers(index)
                items = screen.checklist_view.items
                first = next(
                    (n for n, item in enumerate(items) if item.required and not record.is_answered(item.id)), 0
                )
                screen.action_cursor(first)

    def ask_paragraph(self, then: Callable[[int], None]) -> None:
        def chosen(number: int | None) -> None:
            if number is not None:
                then(number)

        from readtui.tui.screens.dialogs import GoToDialog

        self.push_screen(GoToDialog(self.session.paragraph_count), chosen)

    def pick_answer(self, item: Any, then: Callable[[int], None]) -> None:
        """Let the reader pick one of many options; ``then`` gets the step (1-based)."""

        def chosen(step: int | None) -> None:
            if step:
                then(step)

        from readtui.tui.screens.dialogs import PickerDialog

        self.push_screen(PickerDialog(item), chosen)

    def pick_label(self, then: Callable[[str | None], None]) -> None:
        """Ask which checklist label a new highlight gets; ``then`` gets its id (None: cancelled)."""
        from readtui.tui.screens.dialogs import LabelPicker

        labels = self.session.checklist.label
        if not labels:
            self.notify("This checklist has no highlight labels ([[label]]).", severity="warning", markup=False)
            return
        self.push_screen(LabelPicker(labels), then)

    def selection_hints(self) -> Content:
        """The key bar in selection mode."""
        keys = "←→↑↓ caret  shift+arrows, w, b select  h highlight  esc done"
        return Content(keys)

    def action_help(self) -> None:
        from readtui.tui.screens.dialogs import HelpDialog

        if isinstance(self.screen, HelpDialog):
            return
        about = f"{LEGEND}\n\nreadtui {__version__} · saving to {self.prepared.out_path.name}"
        self.push_screen(HelpDialog(self.key_rows(), about))

    def key_rows(self) -> list[tuple[str, str]]:
        """(keys, description) for every binding of the current screen and the app, as remapped."""
        rows: dict[str, tuple[list[str], str]] = {}
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if binding.system or binding.id is None or active.node not in (self, self.screen):
                continue
            name = binding.id or binding.action
            description = binding.description or binding.action
            if name.startswith("choose-"):
                name, description = "choose", CHOOSE_HELP
            keys, _ = rows.setdefault(name, ([], description))
            display = self.get_key_display(binding)
            if display not in keys:
                keys.append(display)
        return [
            ("0-9" if description == CHOOSE_HELP else " ".join(keys), description)
            for keys, description in rows.values()
        ]

    def key_hints(self, *, editing: bool = False) -> Content:
        """The one-line key bar, showing the keys as currently mapped."""
        if editing:
            return Content(EDITING_HINTS)
        keys_by_id: dict[str, str] = {}
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if binding.id:
                display = self.get_key_display(binding)
                if len(display) < len(keys_by_id.get(binding.id, display + " ")):
                    keys_by_id[binding.id] = display
        parts = []
        for binding_id, label in HINTS:
            if binding_id in keys_by_id:
                key = "" if binding_id == "choose-1" else keys_by_id[binding_id]
                parts.append(Content.styled(key, "bold") + Content(f" {label}" if key else label))
        return Content("  ").join(parts)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, ReadingScreen):
            yield SystemCommand("Next paragraph", "Show the next paragraph", screen.action_next)
            yield SystemCommand("Previous paragraph", "Show the previous paragraph", screen.action_previous)
            yield SystemCommand("Go to paragraph…", "Jump to a paragraph by number", screen.action_goto)
            yield SystemCommand("Flag paragraph", "Flag (or unflag) this paragraph to come back to", screen.action_flag)
            yield SystemCommand("Paragraph note", "Write a note on this paragraph", screen.action_note)
            yield SystemCommand("Overall", "Essay-wide questions and what is still missing", screen.action_overall)
        from readtui.tui.screens.overall import OverallScreen

        if isinstance(screen, OverallScreen):
            yield SystemCommand("Finish", "Mark the assessment complete", screen.action_finish)
        yield SystemCommand("Save", "Save the assessment now", self.action_save)
        yield SystemCommand("Keys", "Show every key", self.action_help)


def make_app(prepared: PreparedSession, config: Config | None = None) -> ReadtuiApp:
    """Build the app the way the CLI and the tests do."""
    return ReadtuiApp(prepared, config)

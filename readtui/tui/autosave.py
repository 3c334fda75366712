"""Saving one file for an app: soon after each change, or at once, never blocking on the disk."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from readtui.core.errors import ReadtuiError
from readtui.core.storage import atomic_write

if TYPE_CHECKING:
    from readtui.tui.base import ReadtuiBaseApp

SAVE_DEBOUNCE = 0.25
"""Seconds of quiet before an autosave."""
SAVE_MAX_WAIT = 0.8
"""Even while the reader keeps typing, a change is saved within this long (plus the write)."""


class AutoSaver:
    """Writes ``serialise()`` to ``path`` atomically: after a short quiet spell (`schedule`) or now
    (`save_now`). The text is made on the UI thread (cheap: unchanged parts are cached) and written
    in a worker thread if asked; saves are numbered, so a slower write never replaces a newer one.
    Failures and recoveries are reported through the app's save notices."""

    def __init__(self, app: ReadtuiBaseApp, path: Path, serialise: Callable[[], str]) -> None:
        self.app = app
        self.path = path
        self.serialise = serialise
        self._timer: Any = None
        self._dirty_since: float | None = None
        self._write_lock = threading.Lock()
        self._sequence = 0
        self._last_written = -1

    def schedule(self) -> None:
        """Save soon: after SAVE_DEBOUNCE of quiet, and never later than SAVE_MAX_WAIT after the first change."""
        now = time.monotonic()
        if self._dirty_since is None:
            self._dirty_since = now
        if self._timer is not None:
            if now - self._dirty_since + SAVE_DEBOUNCE < SAVE_MAX_WAIT:
                self._timer.stop()
            else:
                return
        self._timer = self.app.set_timer(SAVE_DEBOUNCE, self._autosave)

    def _autosave(self) -> None:
        self._timer = None
        self.save_now(background=True)

    def save_now(self, *, background: bool = False) -> bool:
        """Serialise now and write, in a worker thread if ``background``; whether it went well
        (in the background: whether it was handed to the worker)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._dirty_since = None
        self._sequence += 1
        sequence = self._sequence
        try:
            text = self.serialise()
        except Exception as error:  # noqa: BLE001 - reported to the reader, the app keeps running
            self.app.report_save_error(str(error))
            return False
        if background:
            self.app.run_worker(lambda: self._write(sequence, text), thread=True, group="save")
            return True
        return self._write(sequence, text)

    def _write(self, sequence: int, text: str) -> bool:
        with self._write_lock:
            if sequence < self._last_written:
                return True  # a newer state is already on disk
            try:
                atomic_write(self.path, text)
            except ReadtuiError as error:
                self.app.from_any_thread(self.app.report_save_error, str(error))
                return False
            self._last_written = sequence
        if self.app.save_error is not None:
            self.app.from_any_thread(self.app.report_saved_again)
        return True

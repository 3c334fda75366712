"""The reading app (``readtui read`` and ``readtui train``): a thin layer over a `ReadingSession`.
Screens change the session and say so with messages; the app saves and chooses the screen."""

from __future__ import annotations

import gc
import io
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from textual import events
from textual.app import SystemCommand
from textual.screen import Screen
from textual.worker import get_current_worker

from readtui.core.assessment import BEFORE, ESSAY
from readtui.core.config import Config
from readtui.core.errors import EXIT_BAD_INPUT, FileInUse, ReadtuiError, ReadtuiErrors
from readtui.core.launch import PreparedSession, clean_reader_name
from readtui.tui.autosave import AutoSaver
from readtui.tui.base import ReadtuiBaseApp, describe_checklist
from readtui.tui.messages import (
    BeforeRequested,
    FinishRequested,
    NameGiven,
    OverallRequested,
    ParagraphRequested,
    SessionChanged,
)
from readtui.tui.screens.answering import AnsweringScreen
from readtui.tui.screens.reading import ReadingScreen
from readtui.tui.widgets.progress import LEGEND

IDLE_AFTER = 120
"""Seconds without input after which reading time stops counting."""
FINISHED = "finished"
"""What the app returns when the reader finished the assessment."""


class ReadtuiApp(ReadtuiBaseApp[str]):
    """Reading sessions. State lives in `session`; screens change it and post `SessionChanged`."""

    TITLE = "readtui"
    CSS_PATH = "app.tcss"
    UNSAVED_NOTICE = "Your answers are kept in memory; the last saved file is intact."

    def __init__(
        self,
        prepared: PreparedSession | None,
        config: Config | None = None,
        *,
        open_named: Callable[[str], PreparedSession] | None = None,
        essay_name: str = "",
    ) -> None:
        """``prepared``: the session to open; or None and ``open_named``, for a served session
        (``readtui serve``): the app asks the reader's name first and opens it with that."""
        super().__init__(config)
        self.open_named = open_named
        self.essay_name = essay_name
        self.bad_input: list[ReadtuiError] | None = None
        """Problems found when the input was validated after the first frame (None: not yet)."""
        self.settled = False
        """Whether the work after the first frame (`_settle`) is done: autosaves wait for it."""
        self.last_input = time.monotonic()
        self._finish_despite_flags = False
        self.prepared: PreparedSession | None = None
        if prepared is not None:
            self._take(prepared)

    def _take(self, prepared: PreparedSession) -> None:
        self.prepared = prepared
        self.session = prepared.session
        self.autosaver = AutoSaver(self, prepared.out_path, self._serialise)

    # --- start and stop ------------------------------------------------------------------------

    def on_mount(self) -> None:
        if self.prepared is None:
            from readtui.tui.screens.name import NameScreen

            self.push_screen(NameScreen(self.essay_name))
        else:
            self._open()

    def on_name_given(self, message: NameGiven) -> None:
        """Open the reader's file under the name they gave, or say on the name screen why not
        (another tab holds that name's file, say)."""
        if self.prepared is not None or self.open_named is None:
            return
        name = clean_reader_name(message.name)
        if not name:
            self.screen.show_problem("Type your name, then enter.")
            return
        try:
            prepared = self.open_named(name)
        except FileInUse:
            self.screen.show_problem(
                f"{name} is open in another tab or window: close it there first, or give another name."
            )
            return
        except ReadtuiError as error:
            self.screen.show_problem(str(error))
            return
        # Checked now, not after the first frame as in a terminal: a bad file would otherwise end
        # the tab, where no one reads the message the command prints.
        problems = prepared.check()
        if problems:
            prepared.close(remember=False)
            first = problems[0]
            named = ReadtuiError(
                Path(first.file or "").name, first.message, first.where, line=first.line, column=first.column
            )
            self.screen.show_problem(f"{named}\nThis file cannot be opened here: ask your teacher.")
            return
        self._take(prepared)
        self.pop_screen()
        self._open()

    def _open(self) -> None:
        assert self.prepared is not None
        essay_name = self.prepared.essay_path.name
        if self.prepared.trainer is not None:
            from readtui.tui.screens.training import TrainingScreen

            self.push_screen(
                TrainingScreen(self.session, essay_name, self.prepared.trainer, auto_advance=self.config.auto_advance)
            )
        else:
            self.push_screen(ReadingScreen(self.session, essay_name, auto_advance=self.config.auto_advance))
        if self.session.opens_before_reading():
            self.show_before()
        for notice in self.prepared.notices:
            self.notify(notice, title="Resumed", timeout=10, markup=False)
        self.set_interval(1.0, self._count_reading_time)
        self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        """Resume the whole file if the first frame showed its preview, turn garbage collection
        back on, and settle the session in a worker."""
        gc.collect()  # the start-up garbage, before the survivors are frozen
        if not self._load():
            return
        gc.freeze()  # with a resumed file's records, loaded since: collecting them again takes a quarter second
        gc.enable()
        self.run_worker(self._settle, thread=True, group="settle")

    def _load(self) -> bool:
        """Resume the whole file in place of its preview, on the UI thread before anything can
        change the session (`PreparedSession.load`), and show it; whether it went well (if not:
        leave with status 2, as for a file that is not valid)."""
        if not self.session.preview:
            return True
        try:
            notices = self.prepared.load()
        except ReadtuiErrors as errors:
            problems = errors.problems
        except ReadtuiError as error:
            problems = [error]
        else:
            for screen in self.screen_stack:
                if isinstance(screen, AnsweringScreen):
                    screen.refresh_views()
            for notice in notices:
                self.notify(notice, title="Resumed", timeout=10, markup=False)
            return True
        self.bad_input = problems
        self.exit(return_code=EXIT_BAD_INPUT)
        return False

    def _settle(self) -> None:
        """Off the UI thread, what the first frame did without: validate the input (built without
        pydantic), hash the essay, and serialise a resumed file's paragraphs into the writer's
        cache (a long one takes seconds); then save at once (`_settled`)."""
        worker = get_current_worker()
        self.prepared.check()
        self.session.essay.sha256  # noqa: B018 - computed here and cached
        self.prepared.writer.prime(self.session.assessment, stop=lambda: worker.is_cancelled)
        if not worker.is_cancelled:
            self.call_from_thread(self._settled)

    def _settled(self) -> None:
        """Leave with status 2 if the input is not valid; otherwise write the file at once, so a
        new session is on disk (and in the index) from the start, with any change the reader made
        meanwhile (autosaves wait for this one)."""
        self.settled = True
        if not self.input_is_valid():
            return
        self.save_now(background=True)
        if self.open_named is None:  # a served student's file is not the teacher's recent session
            self.run_worker(self.prepared.remember_in_index, thread=True, group="index")

    def input_is_valid(self) -> bool:
        """Whether the checklist and assessment passed validation; if not, leave with status 2
        (the CLI prints the problems) without saving over the reader's file."""
        if self.bad_input is None:
            self.bad_input = self.prepared.check()
            if self.bad_input:
                self.exit(return_code=EXIT_BAD_INPUT)
        return not self.bad_input

    def release(self) -> None:
        if self.prepared is not None:
            self.prepared.close()

    def help_about(self) -> str:
        return f"{LEGEND}\n\n{super().help_about()}"

    def checklist_info(self) -> list[str] | None:
        if self.prepared is None:
            return None
        return describe_checklist(self.session.checklist, self.prepared.checklist_path, self.session.changes)

    def finish(self) -> None:
        """Mark the assessment complete, or say what is still missing; paragraphs still flagged are
        named first, and a second d finishes anyway."""
        flagged = self.session.flagged_paragraphs()
        if flagged and not self._finish_despite_flags and not self.session.unanswered_required():
            self._finish_despite_flags = True
            shown = ", ".join(str(index) for index in flagged[:10]) + (" …" if len(flagged) > 10 else "")
            self.notify(
                f"¶ {shown} still flagged. Press d again to finish anyway, or p to go back to them.",
                title="Flagged paragraphs",
                severity="warning",
                timeout=10,
                markup=False,
            )
            return
        missing = self.session.finish()
        if missing:
            before = sum(1 for target, _ in missing if target == BEFORE)
            also = f", {before} of them before reading (b on a paragraph goes there)" if before else ""
            self.notify(
                f"{len(missing)} required answer(s) still missing{also}; the list shows where.",
                title="Not finished yet",
                severity="warning",
                markup=False,
            )
            return
        trainer = self.prepared.trainer
        if trainer is not None:
            from readtui.tui.screens.training import ScoreScreen

            trainer.check(ESSAY)  # the essay-level answers are final now
            self.save_now()
            self.push_screen(ScoreScreen(trainer))
            return
        self.save_now()
        self.exit(result=FINISHED)

    # --- saving ------------------------------------------------------------------------------------

    @property
    def saved_path(self) -> Path | None:
        return self.prepared.out_path if self.prepared is not None else None

    def save_now(self, *, background: bool = False) -> bool:
        """Serialise now (cheap: unchanged paragraphs are cached) and write, in a thread if asked."""
        if self.prepared is None:
            return True
        if not self.input_is_valid():
            return False
        return self.autosaver.save_now(background=background)

    def _serialise(self) -> str:
        self.session.identify()  # at once, if the worker started after the first frame has not yet
        return self.prepared.writer.dumps(self.session.assessment)

    # --- what the screens ask for ------------------------------------------------------------------

    def on_session_changed(self, message: SessionChanged) -> None:
        if self.settled:  # until then, the save that `_settled` makes takes the change along
            self.autosaver.schedule()

    def on_overall_requested(self, message: OverallRequested) -> None:
        from readtui.tui.screens.overall import OverallScreen  # not needed for the first frame

        self.push_screen(OverallScreen(self.session, auto_advance=self.config.auto_advance))

    def on_paragraph_requested(self, message: ParagraphRequested) -> None:
        while not isinstance(self.screen, ReadingScreen) and len(self.screen_stack) > 1:
            self.pop_screen()
        if isinstance(self.screen, ReadingScreen):
            self.screen.go_to(message.index, first_missing=message.first_missing)

    def on_finish_requested(self, message: FinishRequested) -> None:
        self.finish()

    def on_before_requested(self, message: BeforeRequested) -> None:
        self.show_before()

    def show_before(self) -> None:
        """Show the before-reading questions over the current screen (leaving them comes back to it)."""
        if not self.session.before_items:
            self.notify("This checklist has no before-reading questions.", timeout=4, markup=False)
            return
        from readtui.tui.screens.before import BeforeScreen  # only for checklists that have them

        if not isinstance(self.screen, BeforeScreen):
            self.push_screen(BeforeScreen(self.session, auto_advance=self.config.auto_advance))

    def toggle_auto_advance(self) -> None:
        """Turn auto-advance on or off for this session (config.toml's ``auto_advance`` sets the default)."""
        self.config.auto_advance = not self.config.auto_advance
        for screen in self.screen_stack:
            if isinstance(screen, AnsweringScreen):
                screen.auto_advance = self.config.auto_advance
        state = "on: a choice moves to the next unanswered item" if self.config.auto_advance else "off"
        self.notify(f"Auto-advance {state}.", timeout=3, markup=False)

    def download(self) -> None:
        """Save, then hand the file to the browser (``readtui serve``; in a terminal Textual
        copies it to the downloads directory)."""
        if self.prepared is not None and self.save_now():
            self.deliver_text(self.prepared.out_path, mime_type="application/toml")

    def download_report(self) -> None:
        """Save, then hand the browser the report to hand in (as `readtui report --format html`),
        built in a thread: a long essay's report takes a moment."""
        if self.prepared is not None and self.save_now():
            self.run_worker(self._build_report, thread=True, group="report")

    def _build_report(self) -> None:
        from readtui.core.handin import load_handin  # only when asked: not on the first-frame path
        from readtui.reports.assessment import render

        prepared = self.prepared
        try:
            handin = load_handin(
                prepared.out_path,
                essay_path=prepared.essay_path,
                key_path=prepared.key_path,
                checklist_spec=str(prepared.checklist_path),
                encoding=prepared.encoding,
            )
        except ReadtuiError as error:
            self.call_from_thread(self.notify, str(error), title="No report", severity="error", markup=False)
            return
        page = io.StringIO(render(handin, "html"))
        name = prepared.out_path.name.removesuffix(".toml").removesuffix(".readtui") + ".report.html"
        self.call_from_thread(self.deliver_text, page, save_filename=name, mime_type="text/html")

    # --- reading time --------------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)):
            self.last_input = time.monotonic()
        if isinstance(event, (events.InputEvent, events.Paste)) and self.prepared is not None and not self._load():
            return  # input before the first frame acts on the whole file, never on its preview
        await super().on_event(event)

    def _count_reading_time(self) -> None:
        if self.session.preview:
            return
        if isinstance(self.screen, ReadingScreen) and time.monotonic() - self.last_input < IDLE_AFTER:
            self.session.add_seconds(1)

    # --- the command palette ------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, ReadingScreen):
            yield SystemCommand("Next paragraph", "Show the next paragraph", screen.action_next)
            yield SystemCommand("Previous paragraph", "Show the previous paragraph", screen.action_previous)
            yield SystemCommand("Go to paragraph…", "Jump to a paragraph by number", screen.action_goto)
            yield SystemCommand("Flag paragraph", "Flag (or unflag) this paragraph to come back to", screen.action_flag)
            yield SystemCommand("Paragraph note", "Write a note on this paragraph", screen.action_note)
            yield SystemCommand("Overall", "Essay-wide questions and what is still missing", screen.action_overall)
        if self.prepared is None:
            return
        if self.open_named is not None:
            yield SystemCommand(
                "Download your file", f"A copy of {self.prepared.out_path.name}, as it is now", self.download
            )
            yield SystemCommand(
                "Download your report",
                "The page to hand in: the essay, your highlights and answers",
                self.download_report,
            )
        from readtui.tui.screens.overall import OverallScreen

        if self.session.before_items and isinstance(screen, (ReadingScreen, OverallScreen)):
            yield SystemCommand(
                "Before-reading questions", "What you thought and knew before reading the essay", self.show_before
            )

        if isinstance(screen, OverallScreen):
            yield SystemCommand("Finish", "Mark the assessment complete", screen.action_finish)
        state = "off" if self.config.auto_advance else "on"
        yield SystemCommand(
            f"Auto-advance {state}",
            f"Turn {state} moving to the next unanswered item after a choice",
            self.toggle_auto_advance,
        )


def make_app(prepared: PreparedSession, config: Config | None = None) -> ReadtuiApp:
    """Build the app the way the CLI and the tests do."""
    return ReadtuiApp(prepared, config)


def make_served_app(
    open_named: Callable[[str], PreparedSession], essay_name: str, config: Config | None = None
) -> ReadtuiApp:
    """Build the app of a served session: it asks the reader's name, then opens ``open_named(name)``."""
    return ReadtuiApp(None, config, open_named=open_named, essay_name=essay_name)

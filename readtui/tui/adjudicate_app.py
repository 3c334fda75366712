"""The app of ``readtui adjudicate``: settle the readers' disagreements into an answer key."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual.app import SystemCommand
from textual.screen import Screen

from readtui.core.adjudication import PER_OPTION, Adjudication
from readtui.core.config import Config
from readtui.core.errors import ReadtuiError
from readtui.core.storage import AssessmentWriter
from readtui.tui.base import ReadtuiBaseApp, describe_checklist
from readtui.tui.messages import KeyDecided
from readtui.tui.screens.adjudication import AdjudicationScreen


class AdjudicateApp(ReadtuiBaseApp):
    """One disagreement at a time; the key is saved (atomically) after every decision."""

    TITLE = "readtui adjudicate"
    UNSAVED_NOTICE = "Your decisions are kept in memory; the last saved key is intact."

    def __init__(self, adjudication: Adjudication, out: Path, config: Config | None = None) -> None:
        """``adjudication`` must have a disagreement: when every reader agreed, write the key without the app."""
        if not adjudication.disputes:
            raise ValueError("nothing to adjudicate: every reader agreed (write the key without the app)")
        super().__init__(config)
        self.adjudication = adjudication
        self.out = out
        self.writer = AssessmentWriter()

    def on_mount(self) -> None:
        self.push_screen(AdjudicationScreen(self.adjudication))

    @property
    def saved_path(self) -> Path:
        return self.out

    def save_now(self) -> bool:
        """Write the key now; on failure the old key stays as it was, and the user is told."""
        try:
            self.writer.save(self.out, self.adjudication.key)
        except ReadtuiError as error:
            self.report_save_error(str(error))
            return False
        if self.save_error is not None:
            self.report_saved_again()
        return True

    def checklist_info(self) -> list[str]:
        return describe_checklist(self.adjudication.checklist)

    def on_key_decided(self, message: KeyDecided) -> None:
        self.save_now()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if not isinstance(screen, AdjudicationScreen):
            return
        yield SystemCommand(
            "Accept every majority",
            "Settle each disagreement a majority decides; then show only the ties",
            screen.action_accept_majorities,
        )
        yield SystemCommand(
            "Undo accepting the majorities", "Reopen what the majorities decided", screen.action_undo_majorities
        )
        if screen.only_ties:
            yield SystemCommand(
                "Show every disagreement", "Not only those left after the majorities", screen.action_show_all
            )
        other = "whole sets" if self.adjudication.multi_rule == PER_OPTION else "per option"
        yield SystemCommand(
            f"Multi-select majority: {other}", f"Take a multi-select item's majority {other}", screen.action_switch_rule
        )

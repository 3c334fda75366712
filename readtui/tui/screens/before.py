"""The before-reading screen: what the reader thinks and knows before the essay can change it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from readtui.core.assessment import BEFORE
from readtui.core.errors import visible_controls_in_lines
from readtui.core.session import Target
from readtui.tui.screens.answering import ANSWER_BINDINGS, AnsweringScreen
from readtui.tui.widgets.bars import InfoBar
from readtui.tui.widgets.checklist_view import ChecklistView
from readtui.tui.widgets.editor import LineEditor

INTRO = "Never marked right or wrong. n goes to the essay, answered or not; b there brings you back here."


class BeforeScreen(AnsweringScreen):
    """The checklist's ``scope = "before"`` items, shown once before ¶ 1 of a new session;
    ``n`` goes to the essay (answered or not) and ``b`` on the reading screen comes back."""

    CSS_PATH = "before.tcss"
    BINDINGS = [
        Binding("n,right,escape", "leave", "To the essay (skip for now: b brings you back here)", id="to-essay"),
        *ANSWER_BINDINGS,
    ]

    def compose(self) -> ComposeResult:
        yield InfoBar(id="title")
        with Vertical(id="checklist-pane"):
            yield Static(id="intro", markup=False)
            yield ChecklistView(self.session.checklist.items_in(BEFORE), id="checklist")
            yield Static(id="item-help", markup=False)
        yield LineEditor(id="editor")
        yield InfoBar(id="keys")

    @property
    def target(self) -> Target:
        return BEFORE

    def refresh_views(self) -> None:
        session = self.session
        before = session.assessment.before
        self.checklist_view.show(before)
        answered = sum(1 for item in session.before_items if before.is_answered(item.id))
        self.query_one("#title", InfoBar).show(
            Content.styled("Before you read: ", "bold"),
            Content.styled(session.assessment.essay.title or "the essay", "bold"),
            right=Content(f"{answered}/{len(session.before_items)} answered"),
        )
        intro = Content(INTRO)
        if session.reading_started():
            intro += Content.styled(
                " You have begun the essay: answers given now are recorded as given after.", "italic"
            )
        if before.note.strip():
            intro += (
                Content("\n") + Content.styled("Your note: ", "bold") + Content(visible_controls_in_lines(before.note))
            )
        self.query_one("#intro", Static).update(intro)

    def note_label(self) -> str:
        return "Note before reading"

    def action_leave(self) -> None:
        self.app.pop_screen()

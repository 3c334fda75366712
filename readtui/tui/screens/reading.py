"""The reading screen: one paragraph beside the checklist, with progress and key hints."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Static

from readtui.core.session import ReadingSession, Target
from readtui.tui.messages import BeforeRequested, OverallRequested, SessionChanged
from readtui.tui.screens.answering import ANSWER_BINDINGS, AnsweringScreen
from readtui.tui.widgets.bars import InfoBar
from readtui.tui.widgets.checklist_view import ChecklistView
from readtui.tui.widgets.editor import LineEditor
from readtui.tui.widgets.paragraph import ParagraphView
from readtui.tui.widgets.progress import ProgressStrip

SELECTING_ACTIONS = frozenset({"save", "quit", "help", "undo", "select"})
"""Screen actions that still act in selection mode."""
SELECTION_HINTS = "←→↑↓ caret  shift+arrows, w, b select  h highlight  esc done"
"""The key bar in selection mode."""


class ReadingScreen(AnsweringScreen):
    """Step through the essay; every widget is built once and updated in place."""

    CSS_PATH = "reading.tcss"
    BINDINGS = [
        Binding("n,right", "next", "Next paragraph (after the last: overall questions)", id="next"),
        Binding("p,left", "previous", "Previous paragraph", id="previous"),
        *ANSWER_BINDINGS,
        Binding("f", "flag", "Flag this paragraph to come back to", id="flag"),
        Binding("g", "goto", "Go to paragraph number…", id="goto"),
        Binding("o", "overall", "Overall questions and what is still missing", id="overall", show=False),
        Binding("b", "before", "Before-reading questions: what you thought before the essay", id="before", show=False),
        Binding("v", "select", "Select words to highlight (or tab to the paragraph)", id="select"),
        Binding("m", "highlights", "This paragraph's highlights: jump, note, label, delete", id="highlights"),
        Binding("pagedown,shift+down", "scroll_paragraph(1)", "Scroll a long paragraph down", id="scroll-down"),
        Binding("pageup,shift+up", "scroll_paragraph(-1)", "Scroll a long paragraph up", id="scroll-up"),
    ]

    def __init__(self, session: ReadingSession, essay_name: str, *, auto_advance: bool = False) -> None:
        super().__init__(session, auto_advance=auto_advance)
        self.essay_name = essay_name
        """The essay's file name: the title when the essay has none."""

    def compose(self) -> ComposeResult:
        session = self.session
        yield InfoBar(id="title")
        with Horizontal(id="body"):
            yield ParagraphView(id="paragraph")
            with Vertical(id="checklist-pane"):
                yield from self.compose_checklist_pane()
        yield ProgressStrip(session.paragraph_count, session.paragraph_states, id="progress")
        yield LineEditor(id="editor")
        yield InfoBar(id="keys")

    def compose_checklist_pane(self) -> ComposeResult:
        yield ChecklistView(
            self.session.checklist.items_in("paragraph"),
            empty="This checklist asks nothing for each paragraph: its questions are about the whole essay, "
            "after the last one (n). As you read, quote what they ask about: v, select the words, h.",
            id="checklist",
        )
        yield Static(id="item-help", markup=False)

    @property
    def target(self) -> Target:
        return self.session.position

    # --- drawing -------------------------------------------------------------------------------

    def show_paragraph(self) -> None:
        """Show the current paragraph and its answers, from the top."""
        self.refresh_views(scroll_home=True)

    def refresh_views(self, scroll_home: bool = False) -> None:
        session, index = self.session, self.session.position
        record = session.answers(index)
        badges = []
        if record.flagged:
            badges.append("⚑ flagged")
        if session.is_stale(index):
            badges.append("⚠ changed since answered")
        colour = {label: n for n, label in enumerate(session.checklist.labels)}
        marks = [(h.start, h.end, colour.get(h.label, len(colour))) for h in record.highlight if not h.stale]
        key_marks = self.key_marks(index)
        if key_marks:
            found = sum(1 for _, _, hit in key_marks if hit)
            badges.append(f"key: {found} found, {len(key_marks) - found} missed")
        self.query_one(ParagraphView).show(
            f"¶ {index} / {session.paragraph_count}",
            session.text(index),
            note=record.note,
            lead=session.essay.subtitle if index == 1 else "",
            badges=badges,
            marks=marks,
            key_marks=key_marks,
            spans=session.essay.paragraph_spans(index - 1),
            scroll_home=scroll_home,
        )
        labels = session.checklist.labels
        wanted = {
            item_id: ", ".join(labels[label].title for label in missing)
            for item_id, missing in session.evidence_wanted(index).items()
        }
        self.checklist_view.show(record, wanted)
        done = "…" if session.preview else session.answered_paragraphs()  # the rest is still being read
        self.query_one(ProgressStrip).show(index, f"{done}/{session.paragraph_count} done")
        self.show_title()

    def key_marks(self, index: int) -> list[tuple[int, int, bool]]:
        """An answer key's highlights to underline in the paragraph: none while reading."""
        return []

    def show_title(self) -> None:
        session = self.session
        info = session.assessment.essay
        byline = " · ".join(part for part in (info.author, info.date) if part)
        self.query_one("#title", InfoBar).show(
            Content.styled(info.title or self.essay_name, "bold"),
            Content(f" — {byline}" if byline else ""),
            right=self.title_right(),
        )

    def title_right(self) -> Content:
        session = self.session
        return Content(f"{session.assessment.reader.name}  ¶ {session.position} / {session.paragraph_count}")

    # --- actions ---------------------------------------------------------------------------------

    def go_to(self, index: int, *, first_missing: bool = False) -> None:
        """Show paragraph ``index``; the checklist keeps its widgets, and the cursor goes to the top
        (with ``first_missing``: to the first required item not yet answered)."""
        self.session.go_to(index)
        view = self.checklist_view
        view.cursor = 0
        view.scroll_to(y=0, animate=False, immediate=True)
        self.show_paragraph()
        if first_missing:
            view.move_cursor(to=view.first_missing(self.session.answers(index)))
        self.show_help_for(view.current_item)
        self.post_message(SessionChanged())

    def action_next(self) -> None:
        if self.session.position >= self.session.paragraph_count:
            self.action_overall()
        else:
            self.go_to(self.session.position + 1)

    def action_previous(self) -> None:
        if self.session.position > 1:
            self.go_to(self.session.position - 1)

    def action_scroll_paragraph(self, pages: int) -> None:
        """Scroll the paragraph by a page less a line (its scrollbar shows where you are)."""
        view = self.query_one(ParagraphView)
        view.scroll_relative(y=pages * max(view.scrollable_content_region.height - 1, 1), animate=False)

    def action_flag(self) -> None:
        self.session.toggle_flag(self.session.position)
        self.changed()

    def action_goto(self) -> None:
        self.ask_paragraph(self.go_to)

    def action_overall(self) -> None:
        self.post_message(OverallRequested())

    def action_before(self) -> None:
        self.post_message(BeforeRequested())

    def on_undone(self, target: Target) -> None:
        if isinstance(target, int) and target != self.session.position:
            self.go_to(target)

    # --- selection mode and highlights ---------------------------------------------------------

    @property
    def selecting(self) -> bool:
        return self.query_one(ParagraphView).has_focus

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.selecting and action not in SELECTING_ACTIONS:
            return False  # the arrows, n and p belong to the caret now
        return super().check_action(action, parameters)

    def action_select(self) -> None:
        self.query_one(ParagraphView).focus()

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()
        self.show_keys()

    def on_paragraph_view_left(self) -> None:
        self.checklist_view.focus()

    def on_paragraph_view_label_requested(self, message: ParagraphView.LabelRequested) -> None:
        index = self.session.position

        def highlight(label: str | None) -> None:
            if label is None:
                return
            added = self.session.add_highlight(index, message.start, message.end, label)
            self.query_one(ParagraphView).clear_selection()
            self.changed()

            def note(text: str) -> bool:
                highlights = self.session.answers(index).highlight
                numbers = [n for n, candidate in enumerate(highlights) if candidate is added]
                return bool(numbers) and self.session.edit_highlight(index, numbers[0], note=text, undoable=False)

            self.open_editor("Note on this highlight (enter to skip): ", "", note)

        self.pick_label(highlight)

    def action_highlights(self) -> None:
        from readtui.tui.screens.dialogs import HighlightList

        index = self.session.position
        highlights = self.session.answers(index).highlight
        if not highlights:
            self.app.notify("No highlights here yet: v to select words, then h.", timeout=4)
            return
        labels = self.session.checklist.labels
        rows = [(labels[h.label].title if h.label in labels else h.label, h.quote, h.note) for h in highlights]

        def act(choice: tuple[str, int] | None) -> None:
            if choice is not None:
                self.act_on_highlight(index, *choice)

        self.app.push_screen(HighlightList(rows), act)

    def act_on_highlight(self, index: int, what: str, number: int) -> None:
        """Jump to, edit the note or label of, or delete highlight ``number`` of paragraph ``index``."""
        session = self.session
        highlight = session.answers(index).highlight[number]
        if what == "jump":
            self.query_one(ParagraphView).select(highlight.start, highlight.end)
        elif what == "delete":
            session.remove_highlight(index, number)
            self.changed()
        elif what == "note":
            self.open_editor(
                "Note on this highlight: ",
                highlight.note,
                lambda text: session.edit_highlight(index, number, note=text, undoable=False),
            )
        elif what == "label":

            def relabel(label: str | None) -> None:
                if label is not None and session.edit_highlight(index, number, label=label):
                    self.changed()

            self.pick_label(relabel)

    def pick_label(self, then: Callable[[str | None], None]) -> None:
        """Ask which checklist label a new highlight gets; ``then`` gets its id (None: cancelled)."""
        from readtui.tui.screens.dialogs import LabelPicker

        labels = self.session.checklist.label
        if not labels:
            self.app.notify("This checklist has no highlight labels ([[label]]).", severity="warning", markup=False)
            return
        self.app.push_screen(LabelPicker(labels), then)

    def show_keys(self) -> None:
        if self.selecting:
            self.query_one("#keys", InfoBar).show(Content(SELECTION_HINTS))
        else:
            super().show_keys()

    def note_label(self) -> str:
        return f"Note on ¶ {self.session.position}"

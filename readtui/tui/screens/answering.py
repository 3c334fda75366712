"""What the reading and overall screens share: answering checklist items by key, and notes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from readtui.core.checklist import MAX_QUICK_CHOICES, MultiItem, TextItem
from readtui.core.session import ReadingSession, Target
from readtui.tui.keys import key_hints
from readtui.tui.messages import SessionChanged
from readtui.tui.widgets.bars import InfoBar
from readtui.tui.widgets.checklist_view import ChecklistView
from readtui.tui.widgets.editor import LineEditor

EDITING_ACTIONS = frozenset({"save", "quit"})
"""The only actions that act while text is being edited (the rest of the keys are typing)."""

ANSWER_BINDINGS = [
    Binding("down,j", "cursor(1)", "Next checklist item", id="item-down", show=False),
    Binding("up,k", "cursor(-1)", "Previous checklist item", id="item-up", show=False),
    *[Binding(str(d), f"choose({d})", f"Choose {d}", id=f"choose-{d}", show=False) for d in range(10)],
    Binding("u", "unsure", "Mark the item unsure (again to unmark)", id="unsure"),
    Binding("backspace", "clear", "Clear the item's answer", id="clear", show=False),
    Binding("ctrl+z", "undo", "Undo the last change to an answer, flag or note", id="undo", show=False),
    Binding(
        "enter",
        "edit",
        "Write a text answer (enter starts a new line, escape ends it), or pick from a long list",
        id="edit",
        show=False,
    ),
    Binding("t", "note", "Write a note on this paragraph, or on the essay (escape ends it)", id="note"),
    Binding("i", "item_help", "All of the item's help, and the answers it takes", id="item-help", show=False),
]
MORE_HELP = " … i: all of it"
"""Ends the help under the checklist when the rest does not fit."""


class AnsweringScreen(Screen):
    """A screen with a checklist for one target (a paragraph, or the essay) and an editor."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (80, "-wide")]
    """Below 80 columns the panes stack (the `-narrow` class in each screen's .tcss)."""
    AUTO_FOCUS = "ChecklistView"
    """Textual's default focuses the first focusable widget, the paragraph, which put the caret
    (selection mode) on the first frame until on_mount moved focus to the checklist."""

    def __init__(self, session: ReadingSession, *, auto_advance: bool = False) -> None:
        super().__init__()
        self.session = session
        self.auto_advance = auto_advance
        """After a choice, move to the next item still unanswered (not after ticking a multi item)."""

    # --- what subclasses provide -------------------------------------------------------------

    @property
    def target(self) -> Target:
        raise NotImplementedError

    @property
    def checklist_view(self) -> ChecklistView:
        return self.query_one(ChecklistView)

    def refresh_views(self) -> None:
        """Redraw everything that shows answers for the current target."""
        raise NotImplementedError

    # --- shared --------------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.checklist_view.focus()
        self.refresh_views()
        self.show_help_for(self.checklist_view.current_item)
        self.show_keys()

    @property
    def editor(self) -> LineEditor:
        return self.query_one(LineEditor)

    @property
    def editing(self) -> bool:
        return self.editor.display

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.editing and action not in EDITING_ACTIONS:
            return False
        return True

    def changed(self) -> None:
        """The session changed: redraw and tell the app (which saves it)."""
        self.refresh_views()
        self.post_message(SessionChanged())

    def show_help_for(self, item: Any | None) -> None:
        """Show the focused item's help text, always visible under the checklist; when it does not
        fit, as much as does and how to read the rest (i)."""
        pane = self.query_one("#item-help", Static)
        if item is None:
            pane.update(Content(""), layout=False)
            return
        view = self.checklist_view
        help_text = Content.styled(f"Item {view.cursor + 1} of {len(view.items)}. ", "bold") + Content(
            item.help or item.prompt
        )
        width, height = pane.content_region.width, pane.content_region.height
        if width and height:
            lines = help_text.wrap(width)
            if len(lines) > height:
                last = lines[height - 1]
                last = last[: max(width - len(MORE_HELP), 0)].rstrip() + Content.styled(MORE_HELP, "bold")
                help_text = Content("\n").join([*lines[: height - 1], last])
        pane.update(help_text, layout=False)

    def on_resize(self) -> None:
        self.call_after_refresh(self.show_help_for, self.checklist_view.current_item)

    def action_item_help(self) -> None:
        from readtui.tui.screens.dialogs import TextDialog, item_help_lines

        if (item := self.checklist_view.current_item) is not None:
            self.app.push_screen(TextDialog(item_help_lines(item)))

    def on_checklist_view_option_clicked(self, message: ChecklistView.OptionClicked) -> None:
        self.show_help_for(self.checklist_view.current_item)
        self.action_choose(message.digit)

    def on_checklist_view_cursor_moved(self) -> None:
        self.show_help_for(self.checklist_view.current_item)

    def action_cursor(self, delta: int) -> None:
        self.checklist_view.move_cursor(delta)
        self.show_help_for(self.checklist_view.current_item)

    def action_choose(self, digit: int) -> None:
        item = self.checklist_view.current_item
        if item is None:
            return
        if isinstance(item, TextItem):
            self.action_edit()
        elif self.session.choose(self.target, item, digit):
            self.changed()
            if self.auto_advance and not isinstance(item, MultiItem):
                self.advance()

    def advance(self) -> None:
        """Move the cursor to the next item (after this one) that is still unanswered, if any."""
        view, record = self.checklist_view, self.session.answers(self.target)
        later = (n for n in range(view.cursor + 1, len(view.items)) if not record.is_answered(view.items[n].id))
        following = next(later, None)
        if following is not None:
            self.action_cursor(following - view.cursor)

    def action_unsure(self) -> None:
        item = self.checklist_view.current_item
        if item is not None and self.session.toggle_unsure(self.target, item.id):
            self.changed()

    def action_clear(self) -> None:
        item = self.checklist_view.current_item
        if item is not None and self.session.clear(self.target, item.id):
            self.changed()

    def action_undo(self) -> None:
        change = self.session.undo()
        if change is None:
            self.app.notify("Nothing to undo.", timeout=2)
            return
        self.on_undone(change.target)
        self.changed()

    def on_undone(self, target: Target) -> None:
        """The undone change was to ``target`` (a subclass may move there)."""

    def action_edit(self) -> None:
        item = self.checklist_view.current_item
        target = self.target
        if isinstance(item, TextItem):
            value = self.session.answers(target).answers.get(item.id)
            self.open_editor(
                item.prompt,
                value if isinstance(value, str) else "",
                lambda text: self.session.set_text(target, item, text, undoable=False),
                several_lines=True,
            )
        elif item is not None and item.steps > MAX_QUICK_CHOICES:
            self.pick_answer(item)

    def ask_paragraph(self, then: Callable[[int], object]) -> None:
        """Ask for a paragraph number; ``then`` gets it (not called when the dialog is cancelled)."""
        from readtui.tui.screens.dialogs import GoToDialog

        def chosen(number: int | None) -> None:
            if number is not None:
                then(number)

        self.app.push_screen(GoToDialog(self.session.paragraph_count), chosen)

    def pick_answer(self, item: Any) -> None:
        """Let the reader pick one of the item's many options (or scale steps)."""
        from readtui.tui.screens.dialogs import PickerDialog

        def chosen(step: int | None) -> None:
            if step:
                self.action_choose(step)

        value = self.session.answers(self.target).answers.get(item.id)
        self.app.push_screen(PickerDialog(item, value if isinstance(value, list) else ()), chosen)

    def action_note(self) -> None:
        target = self.target
        self.open_editor(
            self.note_label(),
            self.session.answers(target).note,
            lambda text: self.session.set_note(target, text, undoable=False),
            several_lines=True,
        )

    def note_label(self) -> str:
        return "Note on the essay"

    def open_editor(self, label: str, value: str, apply: Callable[[str], bool], *, several_lines: bool = False) -> None:
        """Edit text (one line, or ``several_lines``); ``apply`` stores each new value (returns
        whether it changed)."""
        self.session.remember(self.target)
        self.editor.start(label, value, apply, several_lines=several_lines)
        self.refresh_bindings()
        self.show_keys()

    def on_line_editor_changed(self, message: LineEditor.Changed) -> None:
        """Every keystroke is applied (and autosaved): nothing typed is ever lost."""
        if message.apply(message.value):
            self.changed()

    def on_line_editor_closed(self) -> None:
        self.refresh_bindings()
        self.show_keys()
        # The answer may have grown: show it, once the checklist has its height back.
        self.call_after_refresh(self.checklist_view.scroll_to_cursor)

    def show_keys(self) -> None:
        bar = self.editor.hints if self.editing else key_hints(self, omit=self.hints_not_shown())
        self.query_one("#keys", InfoBar).show(bar)

    def hints_not_shown(self) -> frozenset[str]:
        """Binding ids whose hints would mislead in the current state."""
        return frozenset()

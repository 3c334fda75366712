"""Small modal dialogs: go to a paragraph, pick from a long list, the key help, and a text to read."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from readtui.core.checklist import MultiItem, ScaleItem
from readtui.core.errors import visible_controls
from readtui.tui.widgets.inputs import TaggedInput

HELP_WIDTH = 66
"""Text width inside the help dialog (72 wide, less border and padding)."""


class GoToDialog(ModalScreen[int | None]):
    """Ask for a paragraph number."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="dialog-cancel")]

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(f"Go to paragraph (1–{self.count}), then enter"), classes="dialog-title")
            yield TaggedInput(type="integer", id="number")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            number = int(event.value)
        except ValueError:
            number = 0
        if 1 <= number <= self.count:
            self.dismiss(number)
        else:
            self.notify(f"Type a number from 1 to {self.count}.", severity="warning", markup=False)


class PickerDialog(ModalScreen[int | None]):
    """Choose one of an item's many options (or scale steps); returns the digit-equivalent step."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="dialog-cancel")]

    def __init__(self, item: Any, ticked: Collection[str] = ()) -> None:
        """``ticked``: the options of a multi item ticked so far (marked ✓; picking one unticks it)."""
        super().__init__()
        self.item = item
        self.ticked = ticked

    def compose(self) -> ComposeResult:
        item = self.item
        title = Content(item.prompt)
        if isinstance(item, ScaleItem):
            labels = [str(value) for value in range(item.min, item.max + 1)]
            labels[0] += f"  {item.low}" if item.low else ""
            labels[-1] += f"  {item.high}" if item.high else ""
        elif isinstance(item, MultiItem):
            labels = [f"{'✓' if option.id in self.ticked else ' '} {option.label}" for option in item.options]
            title += Content.styled("\nenter ticks or unticks one; pick again for the next", "not bold dim")
        else:
            labels = [option.label for option in item.options]
        with Vertical(classes="dialog"):
            yield Static(title, classes="dialog-title")
            yield OptionList(*[Option(Content(label), id=str(step)) for step, label in enumerate(labels, start=1)])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))


class LabelPicker(ModalScreen[str | None]):
    """Choose the label of a new highlight: its key, or move and enter; returns the label id."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="dialog-cancel")]

    def __init__(self, labels: list[Any]) -> None:
        super().__init__()
        self.labels = labels

    def compose(self) -> ComposeResult:
        options = []
        for label in self.labels:
            key = Content.styled(f"{label.key} ", "bold") if label.key else Content("  ")
            prompt = key + Content.styled(label.title, "bold")
            if label.help:
                prompt += Content("\n  ") + Content(label.help)
            options.append(Option(prompt, id=label.id))
        with Vertical(classes="dialog"):
            yield Static(Content("Highlight as… (its key, or enter)"), classes="dialog-title")
            yield OptionList(*options)

    def on_key(self, event: events.Key) -> None:
        chosen = next((label.id for label in self.labels if label.key and label.key == event.character), None)
        if chosen is not None:
            event.stop()
            self.dismiss(chosen)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class HighlightList(ModalScreen[tuple[str, int] | None]):
    """The paragraph's highlights; returns (what to do, which): jump, note, label or delete."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Close", id="dialog-cancel"),
        Binding("e", "act('note')", "Edit the note", id="highlight-note"),
        Binding("l", "act('label')", "Change the label", id="highlight-label"),
        Binding("d,delete", "act('delete')", "Delete", id="highlight-delete"),
    ]

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.rows = rows
        """(label title, quote, note) of each highlight, in text order."""

    def compose(self) -> ComposeResult:
        options = []
        for number, (title, quote, note) in enumerate(self.rows):
            prompt = Content.styled(title, "bold") + Content(f"  “{visible_controls(quote)}”")
            if note:
                prompt += Content("\n  ") + Content.styled(visible_controls(note), "italic")
            options.append(Option(prompt, id=str(number)))
        with Vertical(classes="dialog"):
            yield Static(
                Content("Highlights: enter jumps to one · e note · l label · d delete · escape closes"),
                classes="dialog-title",
            )
            yield OptionList(*options)

    def _current(self) -> int | None:
        return self.query_one(OptionList).highlighted

    def action_act(self, what: str) -> None:
        number = self._current()
        if number is not None:
            self.dismiss((what, number))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(("jump", int(event.option.id or 0)))


class TextDialog(ModalScreen[None]):
    """A page of text over the screen beneath, scrolled by the keys; escape closes it."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [
        Binding("escape,q,enter", "dismiss(None)", "Close", id="dialog-close"),
        Binding("down,j", "scroll(1)", "Scroll down", show=False),
        Binding("up,k", "scroll(-1)", "Scroll up", show=False),
    ]

    def __init__(self, lines: list[Content]) -> None:
        super().__init__()
        self.lines = [*lines, Content(""), Content.styled("escape closes this", "italic")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Static(Content("\n").join(self.lines))

    def action_scroll(self, delta: int) -> None:
        self.query_one(VerticalScroll).scroll_relative(y=delta * 2, animate=False)


class HelpDialog(TextDialog):
    """Every key of the screen beneath, as currently mapped."""

    BINDINGS = [Binding("question_mark", "dismiss(None)", "Close", id="dialog-help-close")]

    def __init__(self, rows: list[tuple[str, str]], about: str) -> None:
        key_width = max((len(keys) for keys, _ in rows), default=4) + 2
        lines = [Content.styled("Keys", "bold")]
        for keys, description in rows:
            wrapped = Content(description).wrap(max(HELP_WIDTH - key_width, 20))
            lines.append(Content.styled(keys.ljust(key_width), "bold") + wrapped[0])
            lines += [Content(" " * key_width) + line for line in wrapped[1:]]
        super().__init__([*lines, Content(""), *Content(about).wrap(HELP_WIDTH)])
        self.rows = rows


def item_help_lines(item: Any) -> list[Content]:
    """An item as a dialog shows it: the question, all of its help, and the answers it takes."""
    lines = [*Content.styled(item.prompt, "bold").wrap(HELP_WIDTH), Content("")]
    if item.help:
        lines += [*Content(item.help).wrap(HELP_WIDTH), Content("")]
    if isinstance(item, ScaleItem):
        ends = " to ".join(f"{n} {word}".strip() for n, word in ((item.min, item.low), (item.max, item.high)))
        lines.append(Content(f"Answer: a number from {ends}"))
    elif options := getattr(item, "options", None):
        many = "Tick every one that applies" if isinstance(item, MultiItem) else "Answer with one of"
        lines.append(Content(f"{many}:"))
        for n, option in enumerate(options, start=1):
            lines += Content(f"  {n % 10 if n <= 10 else ' '} {option.label}").wrap(HELP_WIDTH)
    else:
        lines.append(Content("Answer in your own words: enter to write, escape when done"))
    return lines


class InfoDialog(TextDialog):
    """A titled text to read, such as what a checklist is and where it came from (text from
    files: never markup). An indented line keeps its indent when it wraps."""

    def __init__(self, title: str, lines: list[str]) -> None:
        shown = [Content.styled(visible_controls(title), "bold"), Content("")]
        for line in lines:
            text = line.lstrip(" ")
            indent = Content(" " * (len(line) - len(text)))
            wrapped = Content(text).wrap(HELP_WIDTH - len(indent) - 2) or [Content("")]
            shown += [indent + wrapped[0], *(indent + Content("  ") + rest for rest in wrapped[1:])]
        super().__init__(shown)
        self.text_lines = lines
        """The lines as given, before wrapping."""

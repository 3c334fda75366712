"""The checklist pane: sections, items and their options, drawn as lines; one item has the cursor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import events
from textual.content import Content
from textual.geometry import Region
from textual.message import Message

from readtui.core.assessment import Answers
from readtui.core.checklist import MAX_QUICK_CHOICES, MultiItem, ScaleItem, Section, TextItem
from readtui.core.errors import visible_controls_in_lines
from readtui.tui.widgets.lines import LineView
from readtui.tui.widgets.paragraph import wrap_text

INDENT = 4


@dataclass(frozen=True)
class Hit:
    """A clickable chip on a line: cells ``start``..``end`` choose ``digit`` on item ``item``."""

    start: int
    end: int
    item: int
    digit: int


class ChecklistView(LineView, can_focus=True):
    """Items of one scope with the reader's answers. The screen handles the keys."""

    COMPONENT_CLASSES = {
        "checklist--section",
        "checklist--section-help",
        "checklist--cursor",
        "checklist--key",
        "checklist--chosen",
        "checklist--answered",
        "checklist--unsure",
        "checklist--missing",
        "checklist--muted",
    }
    DEFAULT_CSS = """
    ChecklistView {
        & > .checklist--section { color: $text-accent; text-style: bold; }
        & > .checklist--section-help { color: $text-muted; }
        & > .checklist--cursor { background: $accent 20%; }
        & > .checklist--key { color: $text-muted; }
        & > .checklist--chosen { background: $accent; color: $text; text-style: bold; }
        & > .checklist--answered { color: $text-success; text-style: bold; }
        & > .checklist--unsure { color: $text-warning; text-style: bold; }
        & > .checklist--missing { color: $text-muted; }
        & > .checklist--muted { color: $text-muted; text-style: italic; }
    }
    """

    class OptionClicked(Message):
        """A chip was clicked: choose ``digit`` on item number ``item``."""

        def __init__(self, item: int, digit: int) -> None:
            super().__init__()
            self.item = item
            self.digit = digit

    class CursorMoved(Message):
        """The cursor is on another item (e.g. after a click)."""

    def __init__(self, sections: list[tuple[Section, list[Any]]], *, empty: str = "", id: str | None = None) -> None:
        """``empty`` is shown instead when the checklist has no items of this scope."""
        super().__init__(id=id)
        self.sections = sections
        self.empty = empty
        self.items = [item for _, items in sections for item in items]
        self.cursor = 0
        self.record = Answers()
        self.evidence_wanted: dict[str, str] = {}
        self._hits: dict[int, list[Hit]] = {}
        self._item_rows: list[tuple[int, int]] = []
        self._line_items: list[int | None] = []

    @property
    def current_item(self) -> Any | None:
        return self.items[self.cursor] if self.items else None

    def show(self, record: Answers, evidence_wanted: dict[str, str] | None = None) -> None:
        """Show another paragraph's (or the essay's) answers; ``evidence_wanted`` maps item ids
        whose answer claims a problem that no highlight shows yet to the label to quote it with."""
        self.record = record
        self.evidence_wanted = evidence_wanted or {}
        self.rebuild()

    def first_missing(self, record: Answers) -> int:
        """The number of the first required item ``record`` leaves unanswered (0 when none is)."""
        return next((n for n, item in enumerate(self.items) if item.required and not record.is_answered(item.id)), 0)

    def move_cursor(self, delta: int = 0, *, to: int | None = None) -> None:
        """Move the cursor by ``delta`` items, or to item number ``to``."""
        if not self.items:
            return
        target = self.cursor + delta if to is None else to
        self.cursor = max(0, min(target, len(self.items) - 1))
        self.rebuild()
        self.scroll_to_cursor()

    def scroll_to_cursor(self) -> None:
        if not self._item_rows:
            return
        start, end = self._item_rows[self.cursor]
        self.scroll_to_region(Region(0, start, 1, end - start), animate=False, immediate=True, force=True)

    # --- drawing ---------------------------------------------------------------------------

    def build_lines(self, width: int) -> list[Content]:
        lines: list[Content] = []
        self._hits, self._item_rows, self._line_items = {}, [], []
        number = 0
        if not self.sections:
            self._add(lines, wrap_text(self.empty, width, self.style_of("checklist--muted")), None)
        for s, (section, items) in enumerate(self.sections):
            if s:
                self._add(lines, [Content("")], None)
            header = [Content.styled(section.title, self.style_of("checklist--section"))]
            header += wrap_text(section.help, width, self.style_of("checklist--section-help"))
            self._add(lines, header, None)
            for item in items:
                start = len(lines) - (len(header) if item is items[0] else 0)
                self._add(lines, self._item_lines(number, len(lines), item, width), number)
                self._item_rows.append((start, len(lines)))
                number += 1
        return lines

    def _add(self, lines: list[Content], new: list[Content], item: int | None) -> None:
        lines += new
        self._line_items += [item] * len(new)

    def _item_lines(self, number: int, row: int, item: Any, width: int) -> list[Content]:
        marker, marker_style = self._marker(item)
        prompt = wrap_text(item.prompt, width - 2)
        lines = [Content.styled(marker, marker_style) + Content(" ") + prompt[0]]
        lines += [Content("  ") + line for line in prompt[1:]]
        lines += self._answer_lines(number, row + len(lines), item, width)
        if number == self.cursor:
            cursor = self.style_of("checklist--cursor")
            lines = [line.extend_right(max(0, width - line.cell_length)).stylize_before(cursor) for line in lines]
        return lines

    def _marker(self, item: Any) -> tuple[str, Any]:
        if item.id in self.record.unsure:
            return "?", self.style_of("checklist--unsure")
        if item.id in self.record.answers:
            return "✓", self.style_of("checklist--answered")
        return ("•" if item.required else " "), self.style_of("checklist--missing")

    def _answer_lines(self, number: int, first_row: int, item: Any, width: int) -> list[Content]:
        value = self.record.answers.get(item.id)
        if isinstance(item, TextItem):
            text = value.rstrip() if isinstance(value, str) else ""
            if not text:
                return [Content(" " * INDENT) + Content.styled("enter to write", self.style_of("checklist--muted"))]
            return [Content(" " * INDENT) + line for line in wrap_text(visible_controls_in_lines(text), width - INDENT)]
        quick = item.steps <= MAX_QUICK_CHOICES
        chips: list[tuple[int, str, str, bool]] = []
        """(digit, key shown, label, chosen) for each chip."""
        if isinstance(item, ScaleItem):
            for step, scale_value in enumerate(range(item.min, item.max + 1), start=1):
                digit = scale_value if item.keys_are_values else step
                key = str(step) if quick and not item.keys_are_values else ""
                chips.append((digit, key, str(scale_value), value == scale_value))
        else:
            ticked = value if isinstance(value, list) else [value]
            for digit, option in enumerate(item.options, start=1):
                chips.append((digit, str(digit) if quick else "", option.label, option.id in ticked))
            if isinstance(item, MultiItem):
                chips.append((0, "0", "none of these", value == []))
        lines = self._flow_chips(number, first_row, chips, width)
        if not quick:
            lines.append(
                Content(" " * INDENT) + Content.styled("enter to pick from the list", self.style_of("checklist--muted"))
            )
        if isinstance(item, ScaleItem) and (item.low or item.high):
            legend = f"{item.min} = {item.low or '…'}   {item.max} = {item.high or '…'}"
            lines += [
                Content(" " * INDENT) + line
                for line in wrap_text(legend, width - INDENT, self.style_of("checklist--muted"))
            ]
        if item.id in self.record.unsure:
            lines.append(Content(" " * INDENT) + Content.styled("unsure", self.style_of("checklist--unsure")))
        if item.id in self.evidence_wanted:
            prompt = f"↳ quote it: v, select the words, h → {self.evidence_wanted[item.id]}"
            lines += [
                Content(" " * INDENT) + line
                for line in wrap_text(prompt, width - INDENT, self.style_of("checklist--unsure"))
            ]
        return lines

    def _flow_chips(
        self, number: int, first_row: int, chips: list[tuple[int, str, str, bool]], width: int
    ) -> list[Content]:
        key_style, chosen_style = self.style_of("checklist--key"), self.style_of("checklist--chosen")
        lines: list[Content] = []
        line, x = Content(" " * INDENT), INDENT
        for digit, key, label, chosen in chips:
            if chosen:
                chip = Content(" ".join(part for part in (key, label) if part)).stylize(chosen_style)
            else:
                chip = Content.styled(key, key_style) + Content(f" {label}" if key else label)
            chip = Content(" ") + chip + Content(" ")
            if x + chip.cell_length > width and x > INDENT:
                lines.append(line)
                line, x = Content(" " * INDENT), INDENT
            chip = chip.truncate(width - x, ellipsis=True) if x + chip.cell_length > width else chip
            self._hits.setdefault(first_row + len(lines), []).append(Hit(x, x + chip.cell_length, number, digit))
            line, x = line + chip, x + chip.cell_length
        lines.append(line)
        return lines

    # --- mouse -------------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        cell = event.get_content_offset(self)
        if cell is None:
            return
        row = cell.y + self.scroll_offset.y
        for hit in self._hits.get(row, []):
            if hit.start <= cell.x < hit.end:
                self.move_cursor(to=hit.item)
                self.post_message(self.OptionClicked(hit.item, hit.digit))
                return
        if row < len(self._line_items) and self._line_items[row] is not None:
            self.move_cursor(to=self._line_items[row])
            self.post_message(self.CursorMoved())

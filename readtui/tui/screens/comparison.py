"""``readtui compare --tui``: the disagreement map, and one paragraph with its readers side by side."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Static

from readtui.core.checklist import answer_label
from readtui.core.compare import Comparison, ParagraphRow, span_agreement
from readtui.core.corpus import EssayGroup, ReaderFile
from readtui.core.errors import visible_controls, visible_controls_in_lines
from readtui.reports.text import fmt, percent, split_items
from readtui.tui.widgets.bars import InfoBar

ORDER_NAMES = {True: "most contested first", False: "in paragraph order"}
"""The map's two orders (by contention or not), which n and p follow on a paragraph's screen."""
SHADE_VARIABLES = ("success", "warning", "warning", "error", "error")
"""Theme colour of a map cell by the share of reader pairs that differ: none, then rising quarters."""
NAME_WIDTH = 30
"""The map names its columns above them when each question gets this many columns (or fits whole)."""
MAP_CHROME = 7
"""Lines of the map screen besides the names and the rows: title, table header, the item's 4 lines, keys."""
MIN_MAP_ROWS = 6
"""Rows of the map that the names above it must leave room for (fewer when the map has fewer)."""


def _cell(row: ParagraphRow, column: int, colours: list[str]) -> Text:
    pairs = row.pairs[column]
    if not pairs:
        return Text("")
    share = row.disagreeing[column] / pairs
    if share == 0:
        return Text("  ·", style=colours[0])
    level = min(4, 1 + int(share * 4))
    return Text(f"{share * 100:>3.0f}", style=f"bold {colours[level]}" if level > 2 else colours[level])


def _plain(text: str) -> Content:
    """Untrusted text as content: never markup, control characters visible."""
    return Content(visible_controls(text))


class MapScreen(Screen):
    """Paragraphs × items: where readers differ. Enter opens the paragraph with its readers."""

    CSS_PATH = "comparison.tcss"
    BINDINGS = [
        Binding("enter", "open", "Open the paragraph with its readers side by side", id="open"),
        Binding("s", "sort", "Sort by contention / by paragraph", id="sort"),
        Binding("q,escape", "app.quit", "Quit", id="quit"),
    ]

    def __init__(self, comparison: Comparison) -> None:
        super().__init__()
        self.comparison = comparison
        self.by_contention = True
        self.column_x: list[int] = []
        """Where each item column's line meets the map (its last digit), once laid out."""

    def compose(self) -> ComposeResult:
        yield InfoBar(id="title")
        yield Static(id="names", markup=False)
        yield DataTable(id="map", cursor_type="cell", zebra_stripes=True)
        yield Static(id="item", markup=False)
        with VerticalScroll(id="legend-scroll"):
            yield Static(id="legend", markup=False)
        yield InfoBar(id="keys")

    def on_mount(self) -> None:
        comparison = self.comparison
        data = comparison.input
        overall = comparison.overall
        summary = (
            f"{len(comparison.readers)} readers · {len(data.essays)} essay{'s' if len(data.essays) > 1 else ''}"
            + (f" · overall alpha {fmt(overall.alpha.value)}" if overall else "")
        )
        self.query_one("#title", InfoBar).show(_plain(_titles(comparison)), right=summary)
        table = self.query_one("#map", DataTable)
        # Fixed widths, so that the names above the map know where each column is.
        table.add_column(
            Text("¶"), key="paragraph", width=max((len(_where(comparison, r)) for r in comparison.rows), default=1)
        )
        table.add_column(Text("differ"), key="contention", width=6)
        for number, variable in enumerate(comparison.map_items, start=1):
            table.add_column(Text(f"{number:>3}"), key=variable.key, width=3)
        self.fill()
        self.query_one("#keys", InfoBar).show("enter readers side by side · s sort · ←→↑↓ move · q quit")
        self.name_columns(self.size.width, self.size.height)
        table.focus()

    def on_resize(self, event: events.Resize) -> None:
        self.name_columns(event.size.width, event.size.height)

    def name_columns(self, width: int, height: int) -> None:
        """Questions above the map's columns when they fit in ``width`` × ``height``, else a legend below it."""
        table = self.query_one("#map", DataTable)
        starts = [0]
        for column in table.ordered_columns:
            starts.append(starts[-1] + column.get_render_width(table))
        # Each item column is " 100 ": its line goes down to the last digit.
        self.column_x = [start + table.cell_padding + 2 for start in starts[2:-1]]
        names = [variable.item.prompt for variable in self.comparison.map_items]
        fits = (
            starts[-1] <= width
            and all(width - x - 2 >= min(len(name), NAME_WIDTH) for x, name in zip(self.column_x, names, strict=True))
            and len(names) + MAP_CHROME + min(len(self.comparison.rows), MIN_MAP_ROWS) <= height
        )
        self.set_class(fits, "-names")
        self.set_class(not fits, "-legend")
        self.show_names()

    def rows(self) -> list[ParagraphRow]:
        """The map's rows in the current order."""
        if self.by_contention:
            return sorted(self.comparison.rows, key=lambda r: (-r.contention, -r.split_items, r.essay, r.index))
        return self.comparison.rows

    def fill(self) -> None:
        table = self.query_one("#map", DataTable)
        table.clear()
        variables = self.app.theme_variables
        colours = [variables.get(name, "default") for name in SHADE_VARIABLES]
        for row in self.rows():
            cells = [Text(_where(self.comparison, row)), Text(f"{percent(row.contention):>4}")]
            cells += [_cell(row, c, colours) for c in range(len(self.comparison.map_items))]
            table.add_row(*cells, key=f"{row.essay}:{row.index}")
        self.show_item()

    def action_sort(self) -> None:
        self.by_contention = not self.by_contention
        self.fill()
        self.notify(self.order_name.capitalize(), timeout=2)

    def current(self) -> tuple[ParagraphRow, int | None]:
        """The row under the cursor and its item column (None on the first two columns)."""
        table = self.query_one("#map", DataTable)
        row = self.rows()[table.cursor_row]
        column = table.cursor_column - 2
        return row, column if column >= 0 else None

    def on_data_table_cell_highlighted(self, _event: DataTable.CellHighlighted) -> None:
        self.show_item()
        self.show_names()

    def show_names(self) -> None:
        """The questions, the one under the cursor in bold: above their columns, or as a legend."""
        if not self.column_x:
            return
        names = [_plain(variable.item.prompt) for variable in self.comparison.map_items]
        current = self.current()[1] if self.comparison.rows else None
        width = self.size.width
        if self.has_class("-names"):
            lines = []
            for n, (x, name) in enumerate(zip(self.column_x, names, strict=True)):
                # The columns named above this line go down past it; this one's name turns right.
                rails = [" "] * x
                for above in self.column_x[:n]:
                    rails[above] = "│"
                name = name.truncate(width - x - 2, ellipsis=True)
                lines.append(Content("".join(rails) + "╭ ") + (name.stylize("bold $accent") if n == current else name))
            self.query_one("#names", Static).update(Content("\n").join(lines))
            return
        lines = [
            Content(f"{n:>3} ") + (name.stylize("bold $accent") if n - 1 == current else name)
            for n, name in enumerate(names, start=1)
        ]
        self.query_one("#legend", Static).update(Content("\n").join(lines))
        if current is not None:
            self.query_one("#legend-scroll", VerticalScroll).scroll_to(y=max(0, current - 1), animate=False)

    def show_item(self) -> None:
        """What the cursor is on: the item with its figures, and the paragraph's opening."""
        if not self.comparison.rows:
            return
        row, column = self.current()
        essay = self.comparison.input.essays[row.essay]
        parts = [f"¶ {row.index}: {split_items(row.split_items)} · {essay.paragraph_text(row.index)}"]
        if column is not None:
            variable = self.comparison.map_items[column]
            stats = next(s for s in self.comparison.items if s.variable is variable)
            answers = [_answer(file, row.index, variable.item) for file in essay.files]
            parts.insert(
                0,
                f"{column + 1} {variable.item.prompt} · alpha {fmt(stats.alpha.value)}, "
                f"agree {percent(stats.agreement)} — "
                + "; ".join(f"{file.reader}: {answer}" for file, answer in zip(essay.files, answers, strict=True)),
            )
        self.query_one("#item", Static).update(Content("\n").join(_plain(part) for part in parts))

    def action_open(self) -> None:
        if self.comparison.rows:
            row, column = self.current()
            self.app.push_screen(ReadersScreen(self.comparison, self.rows(), self.order_name, row, column))

    @property
    def order_name(self) -> str:
        return ORDER_NAMES[self.by_contention]

    def on_data_table_cell_selected(self, _event: DataTable.CellSelected) -> None:
        self.action_open()


def _answer(file: ReaderFile, index: int, item: Any, between: str = ", ") -> str:
    """A reader's answer in a paragraph as they saw it (option titles, ``between`` ticked ones),
    'unsure', or — when there is none."""
    record = file.record(index)
    if record is not None and item.id in record.unsure:
        return "unsure"
    value = record.answers.get(item.id) if record else None
    if isinstance(value, list) and value:
        return between.join(answer_label(item, [option]) for option in value)
    return answer_label(item, value)


def _where(comparison: Comparison, row: ParagraphRow) -> str:
    """A map row's paragraph: its number, after the essay's when there are several."""
    return f"{row.essay + 1}:{row.index}" if len(comparison.input.essays) > 1 else str(row.index)


def _paragraph(essay: EssayGroup, index: int) -> Content:
    """The paragraph's text (a Markdown paragraph's lines stay lines), or the excerpt the files
    keep, saying so."""
    text = Content(visible_controls_in_lines(essay.paragraph_text(index)))
    if essay.text is not None:
        return text
    return text + Content.styled(
        "\n(the files keep only this much: give the essay with --essay to read the whole paragraph)", "italic dim"
    )


def _titles(comparison: Comparison) -> str:
    return " · ".join(e.title or f"essay {e.sha256[:8]}" for e in comparison.input.essays)


MIN_ANSWER_WIDTH = 12


class ReadersScreen(Screen):
    """One paragraph: its text, every reader's answers item by item, then their notes and highlights."""

    CSS_PATH = "readers.tcss"
    BINDINGS = [
        Binding("n,]", "step(1)", "Next paragraph (in the map's order)", id="next"),
        Binding("p,[", "step(-1)", "Previous paragraph", id="previous"),
        Binding("escape,q,m", "app.pop_screen", "Back to the map", id="back"),
    ]

    def __init__(
        self, comparison: Comparison, order: list[ParagraphRow], order_name: str, row: ParagraphRow, column: int | None
    ):
        super().__init__()
        self.comparison = comparison
        self.order = order
        self.order_name = order_name
        """How the map is sorted ("most contested first"), which n and p follow."""
        self.position = order.index(row)
        self.column = column
        self.items = [i for i in [*comparison.input.items, *comparison.input.text_items] if i.scope == "paragraph"]

    def compose(self) -> ComposeResult:
        yield InfoBar(id="title")
        with VerticalScroll(id="text-scroll"):
            yield Static(id="text", markup=False)
        yield DataTable(id="answers", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="notes-scroll"):
            yield Static(id="notes", markup=False)
        yield InfoBar(id="keys")

    def on_mount(self) -> None:
        self.query_one("#keys", InfoBar).show(
            "n/p next/previous ¶ · ↑↓ answers · shift+tab paragraph · tab notes · esc map"
        )
        self.show()
        self.query_one("#answers", DataTable).focus()

    def on_resize(self, event: events.Resize) -> None:
        self.show_answers(event.size.width)

    def action_step(self, delta: int) -> None:
        self.position = (self.position + delta) % len(self.order)
        self.column = None
        self.show()

    def show(self) -> None:
        row = self.order[self.position]
        essay = self.comparison.input.essays[row.essay]
        self.query_one("#title", InfoBar).show(
            _plain(f"¶ {row.index} · {essay.title}"),
            right=f"{self.position + 1} of {len(self.order)} {self.order_name} · {split_items(row.split_items)} · "
            f"{percent(row.contention)} of pairs differ",
        )
        self.query_one("#text", Static).update(_paragraph(essay, row.index))
        self.query_one("#text-scroll", VerticalScroll).scroll_home(animate=False)
        self.show_answers(self.size.width)
        self.show_notes()

    def show_answers(self, width: int) -> None:
        """Every item's question and each reader's answer, wrapped to share ``width``."""
        comparison = self.comparison
        row = self.order[self.position]
        essay = comparison.input.essays[row.essay]
        table = self.query_one("#answers", DataTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        readers = comparison.readers
        # The questions get up to a third of the width; the readers share the rest. Below the
        # minimum the table scrolls sideways.
        item_width = min(max(len(item.prompt) for item in self.items) + 2, max(MIN_ANSWER_WIDTH, width // 3))
        answer_width = max(MIN_ANSWER_WIDTH, (width - item_width - 4) // len(readers) - 2)
        table.add_column(Text("item"), key="item", width=item_width)
        for n, reader in enumerate(readers):
            table.add_column(Text(visible_controls(reader)), key=f"reader-{n}", width=answer_width)
        split = {comparison.map_items[c].key for c, d in enumerate(row.disagreeing) if d}
        files = {file.reader: file for file in essay.files}
        warning = self.app.theme_variables.get("warning", "yellow")
        for item in self.items:
            style = f"bold {warning}" if item.id in split else ""
            cells = [Text(("≠ " if item.id in split else "  ") + item.prompt, style=style)]
            cells += [
                # One option a line: their titles may hold commas.
                Text(_answer(files[reader], row.index, item, "\n") if reader in files else "", style=style)
                for reader in readers
            ]
            table.add_row(*cells, key=item.id, height=None)
        if self.column is not None:
            table.move_cursor(row=self.items.index(comparison.map_items[self.column].item))
            self.column = None
        else:
            table.move_cursor(row=cursor)

    def show_notes(self) -> None:
        """The readers' notes and highlights in the paragraph, and how far their highlights agree."""
        comparison = self.comparison
        row = self.order[self.position]
        essay = comparison.input.essays[row.essay]
        files = {file.reader: file for file in essay.files}
        records = [files[r].record(row.index) if r in files else None for r in comparison.readers]
        notes = []
        for reader, record in zip(comparison.readers, records, strict=True):
            if record is None:
                notes.append(_plain(f"{reader}: did not assess this paragraph"))
                continue
            if record.note:
                note = Content(visible_controls_in_lines(f": {record.note}"))  # a note of several lines keeps them
                notes.append(Content.styled(visible_controls(reader), "bold") + note)
            for highlight in record.highlight:
                quote = f" marked {highlight.label}: “{highlight.quote}”" + (
                    f" ({highlight.note})" if highlight.note else ""
                )
                notes.append(Content.styled(visible_controls(reader), "bold") + _plain(quote))
        for span in span_agreement(comparison.input, (row.essay, row.index)):
            notes.append(
                _plain(
                    f"{span.label}, {span.first} · {span.second}: {span.exact} same of {span.first_spans}/"
                    f"{span.second_spans}, exact F1 {fmt(span.exact_f1)}, overlap F1 {fmt(span.overlap_f1)}"
                )
            )
        self.query_one("#notes", Static).update(
            Content("\n").join(notes) if notes else Content("No notes or highlights.")
        )

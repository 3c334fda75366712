"""The overall screen: essay-scope items, a summary of the paragraph answers, and what is missing."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from readtui.core.assessment import BEFORE, ESSAY
from readtui.core.checklist import TextItem
from readtui.core.errors import visible_controls, visible_controls_in_lines
from readtui.core.session import Target
from readtui.tui.messages import BeforeRequested, FinishRequested, ParagraphRequested
from readtui.tui.screens.answering import ANSWER_BINDINGS, AnsweringScreen
from readtui.tui.widgets.bars import InfoBar
from readtui.tui.widgets.checklist_view import ChecklistView
from readtui.tui.widgets.editor import LineEditor

MISSING_SHOWN = 200
QUOTE_SHOWN = 60


class OverallScreen(AnsweringScreen):
    """Answered once per essay; `d` finishes the assessment."""

    CSS_PATH = "overall.tcss"
    BINDINGS = [
        Binding("p,left", "back", "Back to the paragraphs", id="back"),
        *ANSWER_BINDINGS,
        Binding("d", "finish", "Finish: mark the assessment complete", id="finish"),
        Binding("g", "goto", "Go to paragraph number…", id="goto"),
        Binding(
            "tab", "app.focus_next", "Move between the checklist and the missing list", id="focus-next", show=False
        ),
    ]

    def compose(self) -> ComposeResult:
        yield InfoBar(id="title")
        with Horizontal(id="body"):
            with Vertical(id="checklist-pane"):
                yield ChecklistView(
                    self.session.checklist.items_in("essay"),
                    empty="This checklist asks nothing about the essay as a whole: its questions are "
                    "for each paragraph. Once they are answered, d finishes.",
                    id="checklist",
                )
                yield Static(id="item-help", markup=False)
            with Vertical(id="side"):
                with VerticalScroll(id="summary-scroll"):
                    yield Static(id="summary", markup=False)
                yield Static(id="missing-title", markup=False)
                yield OptionList(id="missing")
        yield LineEditor(id="editor")
        yield InfoBar(id="keys")

    def on_screen_resume(self) -> None:
        self.refresh_views()

    @property
    def target(self) -> Target:
        return ESSAY

    def refresh_views(self) -> None:
        session = self.session
        self.checklist_view.show(session.assessment.overall)
        info = session.assessment.essay
        self.query_one("#title", InfoBar).show(
            Content.styled("Overall: ", "bold"),
            Content.styled(info.title or "essay", "bold"),
            right=Content(
                f"{session.answered_paragraphs()}/{session.paragraph_count} ¶ done  {session.assessment.session.status}"
            ),
        )
        self.query_one("#summary", Static).update(self.summary(), layout=True)
        self.show_missing()

    def summary(self) -> Content:
        """The note on the essay, counts per paragraph item (text items: every answer, whole), and
        the flagged paragraphs."""
        session = self.session
        lines = []
        note = session.assessment.overall.note.rstrip()
        if note:
            lines += [
                Content.styled("Your note on the essay", "bold"),
                Content(visible_controls_in_lines(note)),
                Content(""),
            ]
        lines.append(Content.styled("Your paragraph answers", "bold"))
        counts = session.answer_counts()
        labels = {
            item.id: {option.id: option.label for option in getattr(item, "options", [])}
            for item in session.paragraph_items
        }
        for item in session.paragraph_items:
            lines.append(Content.styled(item.prompt, "italic"))
            if isinstance(item, TextItem):
                texts = session.text_answers(item.id)
                lines += [Content(f"  ¶ {index}: {visible_controls_in_lines(text.rstrip())}") for index, text in texts]
                if not texts:
                    lines.append(Content("  —"))
                continue
            tally = counts[item.id]
            shown = (
                " · ".join(f"{labels[item.id].get(str(value), value)} ×{count}" for value, count in tally.most_common())
                or "—"
            )
            lines.append(Content(f"  {shown}"))
        flagged = session.flagged_paragraphs()
        lines.append(Content(""))
        lines.append(Content.styled("Flagged: ", "bold") + Content(", ".join(f"¶ {i}" for i in flagged) or "none"))
        highlights = session.highlights_by_label()
        if highlights:
            lines += [Content(""), Content.styled("Highlights", "bold")]
        for label_id, found in highlights.items():
            label = session.checklist.labels.get(label_id)
            lines.append(Content.styled(f"{label.title if label else label_id} ({len(found)})", "italic"))
            for index, highlight in found:
                quote = (
                    highlight.quote if len(highlight.quote) <= QUOTE_SHOWN else highlight.quote[: QUOTE_SHOWN - 1] + "…"
                )
                note = f"  {highlight.note}" if highlight.note else ""
                lines.append(Content(visible_controls(f"  ¶ {index}  “{quote}”{note}")))
        changes = session.changes
        retired = changes.still_retired(session.assessment) if changes else []
        if retired:
            lines += [
                Content(""),
                Content.styled(f"Retired answers (from version {changes.old_version or '?'})", "bold"),
                Content.styled("  kept in the file; not counted", "italic"),
                *(Content(visible_controls_in_lines(f"  {changes.describe(answer)}")) for answer in retired),
            ]
        return Content("\n").join(lines)

    def show_missing(self) -> None:
        session = self.session
        missing = session.unanswered_required()
        by_target: dict[Target, list[str]] = {}
        for target, item_id in missing:
            by_target.setdefault(target, []).append(item_id)
        options = []
        for target, item_ids in list(by_target.items())[:MISSING_SHOWN]:
            prompts = ", ".join(session.checklist.items[item_id].prompt for item_id in item_ids)
            if target is ESSAY:
                label = "Essay: " + prompts
            elif target == BEFORE:
                label = "Before reading: " + prompts
            else:
                label = f"¶ {target}: {len(item_ids)} of {len(session.paragraph_items)} items missing"
            options.append(Option(Content(label), id="essay" if target is ESSAY else str(target)))
        title = (
            "Required answers missing (enter to go there)"
            if missing
            else "Nothing required is missing: press d to finish."
        )
        if len(by_target) > MISSING_SHOWN:
            title += f"; first {MISSING_SHOWN} of {len(by_target)} shown"
        self.query_one("#missing-title", Static).update(Content(title))
        missing_list = self.query_one("#missing", OptionList)
        highlighted = missing_list.highlighted
        missing_list.set_options(options)
        if options:  # a row is always highlighted, so enter on the list goes there without an arrow first
            missing_list.highlighted = 0 if highlighted is None else min(highlighted, len(options) - 1)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        target = event.option.id
        if target == "essay":
            view = self.checklist_view
            view.focus()
            view.move_cursor(to=view.first_missing(self.session.assessment.overall))
            self.show_help_for(view.current_item)
        elif target == BEFORE:
            self.post_message(BeforeRequested())
        else:
            self.post_message(ParagraphRequested(int(target), first_missing=True))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_goto(self) -> None:
        self.ask_paragraph(lambda number: self.post_message(ParagraphRequested(number)))

    def action_finish(self) -> None:
        self.post_message(FinishRequested())

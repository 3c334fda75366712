"""Training (``readtui train``): the reading screen with feedback from the answer key, and the
end screen with the scores."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from readtui.core.assessment import ESSAY
from readtui.core.checklist import MultiItem, ScaleItem, TextItem
from readtui.core.errors import visible_controls, visible_controls_in_lines
from readtui.core.scoring import MATCH, MISS, MODEL, NEAR, NO_CONSENSUS, UNANSWERED, ItemResult, Scorecard
from readtui.core.session import ReadingSession
from readtui.core.training import Feedback, Trainer
from readtui.tui.messages import SessionChanged
from readtui.tui.screens.reading import ReadingScreen
from readtui.tui.widgets.bars import InfoBar

MARKERS = {
    MATCH: ("✓", "$success"),
    NEAR: ("≈", "$warning"),
    MISS: ("✗", "$error"),
    UNANSWERED: ("✗", "$error"),
    MODEL: ("✎", "$accent"),
    NO_CONSENSUS: ("?", "$text-muted"),
}
FEEDBACK_ACTIONS = frozenset({"next", "previous", "check", "answer_again", "score", "scroll(1)", "scroll(-1)"})


def answer_label(item: Any, value: Any) -> str:
    """An answer as the learner saw it: option labels, a number, the text (its lines kept), or —;
    control characters (a file can hold anything) made visible."""
    if value is None:
        return "—"
    if isinstance(item, ScaleItem):
        return str(value)
    if isinstance(item, TextItem):
        return visible_controls_in_lines(str(value).rstrip())
    options = {o.id: o.label for o in getattr(item, "options", [])}
    if isinstance(item, MultiItem):
        return visible_controls(", ".join(options.get(v, v) for v in value)) or "none of these"
    return visible_controls(options.get(value, str(value)))


def feedback_lines(result: ItemResult, now: ItemResult | None, tolerance: int) -> list[Content]:
    """One item of the feedback: marker and prompt, your answer against the key's, the reasons."""
    item = result.item
    marker, style = MARKERS[result.verdict]
    lines = [Content.styled(f"{marker} ", f"bold {style}") + Content.styled(item.prompt, "bold")]
    if result.verdict == NO_CONSENSUS:
        lines.append(Content(f"    you: {answer_label(item, result.given)} · key: no agreed answer (not scored)"))
    elif result.verdict == MODEL:
        lines.append(Content(f"    you: {answer_label(item, result.given)}"))
        lines.append(Content(f"    model answer: {answer_label(item, result.expected)}"))
    else:
        expected = answer_label(item, result.expected)
        if isinstance(item, ScaleItem) and tolerance:
            expected += f" (± {tolerance})"
        credit = "" if result.credit in (0, 1) else f"  ({result.credit:.0%} credit)"
        lines.append(Content(f"    you: {answer_label(item, result.given)} · key: {expected}{credit}"))
        if result.accepted:
            also = "; ".join(answer_label(item, value) for value in result.accepted)
            lines.append(Content(f"    also right: {also}"))
    if now is not None:
        now_marker, now_style = MARKERS[now.verdict]
        lines.append(
            Content("    answered again: ")
            + Content(answer_label(item, now.given))
            + Content(" ")
            + Content.styled(now_marker, now_style)
        )
    if result.explanation:
        lines.append(Content("    ") + Content.styled(visible_controls(result.explanation), "italic"))
    return lines


def hang(lines: list[Content], width: int) -> Content:
    """``lines`` wrapped to ``width`` with hanging indents: a wrapped line continues under its
    own text (indented lines), or two cells in (a marker line)."""
    wrapped: list[Content] = []
    for line in lines:
        indent = len(line.plain) - len(line.plain.lstrip(" "))
        body = line[indent:]
        follow = indent or 2
        for n, part in enumerate(body.wrap(max(width - follow, 10))):
            wrapped.append(Content(" " * (indent if n == 0 else follow)) + part)
    return Content("\n").join(wrapped)


def feedback_content(trainer: Trainer, index: int, feedback: Feedback, width: int = 1000) -> Content:
    """The whole feedback of one paragraph (or of the essay, index 0)."""
    credit, scored = feedback.credit
    where = "The essay as a whole" if index == ESSAY else f"¶ {index}"
    lines = [Content.styled(f"{where}: {credit:g} of {scored} at the first try", "bold reverse")]
    key = trainer.key.key
    for result in feedback.items:
        tolerance = key.tolerance_for(result.item.id) if key else 0
        lines += feedback_lines(result, feedback.now.get(result.item.id), tolerance)
    if feedback.open_items:
        marker, style = MARKERS[NO_CONSENSUS]
        lines.append(Content(""))
        count = len(feedback.open_items)
        lines.append(Content.styled(f"Not scored: the key gives no answer for {count} item{'s' * (count > 1)}", "bold"))
        lines.append(Content.styled("(left open, e.g. where the readers it came from tied)", "italic"))
        for item in feedback.open_items:
            lines.append(Content.styled(f"{marker} ", style) + Content(visible_controls(item.prompt)))
    if feedback.spans:
        labels = trainer.session.checklist.labels
        found = sum(1 for _, hit in feedback.spans if hit)
        lines.append(Content(""))
        lines.append(Content.styled(f"The key's highlights: you marked {found} of {len(feedback.spans)}", "bold"))
        for highlight, hit in feedback.spans:
            marker, style = MARKERS[MATCH if hit else MISS]
            title = labels[highlight.label].title if highlight.label in labels else highlight.label
            line = Content.styled(f"{marker} ", style) + Content(visible_controls(f"{title}: “{highlight.quote}”"))
            if highlight.note:
                line = line + Content.styled(visible_controls(f" — {highlight.note}"), "italic")
            lines.append(line)
    if feedback.extra:
        labels = trainer.session.checklist.labels
        lines.append(Content.styled("Yours that the key does not mark:", "bold"))
        for highlight in feedback.extra:
            title = labels[highlight.label].title if highlight.label in labels else highlight.label
            lines.append(
                Content.styled("· ", "$text-muted") + Content(visible_controls(f"{title}: “{highlight.quote}”"))
            )
    return hang(lines, width)


class TrainingScreen(ReadingScreen):
    """Answer a paragraph, then check it against the key: c (or n) shows the feedback in place."""

    BINDINGS = [
        Binding("c", "check", "Check this paragraph against the key (again: back to the checklist)", id="check"),
        Binding("a", "answer_again", "Answer again after the feedback (counts as revised)", id="answer-again"),
        Binding("s", "score", "Your score so far", id="score"),
    ]

    def __init__(
        self, session: ReadingSession, essay_name: str, trainer: Trainer, *, auto_advance: bool = False
    ) -> None:
        super().__init__(session, essay_name, auto_advance=auto_advance)
        self.trainer = trainer

    def compose_checklist_pane(self) -> ComposeResult:
        yield from super().compose_checklist_pane()
        with VerticalScroll(id="feedback-scroll"):
            yield Static(id="feedback", markup=False)

    def on_mount(self) -> None:
        self.query_one("#feedback-scroll").display = False
        super().on_mount()

    @property
    def showing_feedback(self) -> bool:
        return self.query_one("#feedback-scroll").display

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.showing_feedback and not self.editing:
            name = f"{action}({parameters[0]})" if parameters else action
            if name.startswith("cursor("):
                return True  # scrolls the feedback
            if action not in FEEDBACK_ACTIONS and action not in ("save", "quit", "help", "overall", "goto"):
                return False
        return super().check_action(action, parameters)

    def show_feedback(self, shown: bool) -> None:
        """Show the feedback in place of the checklist, or the checklist again."""
        self.query_one("#feedback-scroll").display = shown
        self.checklist_view.display = not shown
        self.query_one("#item-help").display = not shown
        if shown:
            index = self.session.position
            width = self.query_one("#checklist-pane").content_region.width - 4  # padding and scrollbar
            feedback = feedback_content(self.trainer, index, self.trainer.feedback(index), width)
            self.query_one("#feedback", Static).update(feedback)
            self.query_one("#feedback-scroll").scroll_home(animate=False)
        self.refresh_bindings()
        self.show_keys()

    def hints_not_shown(self) -> frozenset[str]:
        return frozenset({"item-down"}) if self.showing_feedback else frozenset()  # j and k scroll the feedback

    def on_resize(self) -> None:
        if self.showing_feedback:
            self.call_after_refresh(self.show_feedback, True)

    def action_cursor(self, delta: int) -> None:
        if self.showing_feedback:
            scroll = self.query_one("#feedback-scroll")
            scroll.scroll_relative(y=delta * 2, animate=False)
        else:
            super().action_cursor(delta)

    def action_check(self) -> None:
        index = self.session.position
        if self.trainer.checked(index):
            self.show_feedback(not self.showing_feedback)
            return
        if not self.trainer.has_key(index):
            self.app.notify("The key has no answers for this paragraph: nothing to check.", timeout=4, markup=False)
            return
        self.trainer.check(index)
        self.post_message(SessionChanged())
        self.show_feedback(True)
        self.refresh_views()

    def action_answer_again(self) -> None:
        if self.showing_feedback:
            self.show_feedback(False)

    def action_next(self) -> None:
        index = self.session.position
        if not self.trainer.checked(index) and self.trainer.has_key(index):
            self.action_check()
        else:
            super().action_next()

    def go_to(self, index: int, *, first_missing: bool = False) -> None:
        super().go_to(index, first_missing=first_missing)
        self.show_feedback(self.trainer.checked(index))

    def changed(self) -> None:
        self.trainer.note_changes(self.session.position)
        super().changed()

    def action_score(self) -> None:
        self.app.push_screen(ScoreScreen(self.trainer, so_far=True))

    def title_right(self) -> Content:
        checked = sum(1 for r in self.trainer.training.paragraph if r.feedback and r.target is not ESSAY)
        return Content(f"training · {checked} checked  ") + super().title_right()


def paragraph_ranges(indexes: list[int]) -> str:
    """``[1, 2, 3, 5]`` as ``1–3, 5``."""
    runs: list[list[int]] = []
    for index in sorted(indexes):
        if runs and index == runs[-1][1] + 1:
            runs[-1][1] = index
        else:
            runs.append([index, index])
    return ", ".join(f"{first}–{last}" if last > first else str(first) for first, last in runs)


def scope_line(trainer: Trainer) -> Content:
    """What a score so far covers: the paragraphs checked against the key, and the rest left out."""
    checked = trainer.checked_targets()
    paragraphs = [target for target in checked if target is not ESSAY]
    count = trainer.session.paragraph_count
    if not checked:
        return Content("Nothing checked yet: c on a paragraph compares your answers with the key.")
    covered = f"¶ {paragraph_ranges(paragraphs)} of {count}" if paragraphs else f"no paragraph of {count}"
    essay = " and the essay" if ESSAY in checked else ""
    return Content(f"So far: {covered}{essay}, as checked against the key; the rest counts once you check it.")


def score_content(trainer: Trainer, card: Scorecard, width: int = 1000, *, so_far: bool = False) -> Content:
    """The score screen: per section and per kind, the items missed most, the spans (``so_far``:
    of the paragraphs checked so far, and saying so)."""
    checklist = trainer.session.checklist
    lines = [Content.styled(f"{card.learner}: {_share(card.total)} at the first try", "bold")]
    if so_far:
        lines.append(scope_line(trainer))
    lines.append(
        Content(
            f"{card.total.credit:g} of {card.total.items} items (✓ {card.verdicts[MATCH]} "
            f"≈ {card.verdicts[NEAR]} ✗ {card.verdicts[MISS] + card.verdicts[UNANSWERED]})"
        )
    )
    lines += [Content(""), Content.styled("By section", "bold")]
    for section in checklist.section:
        tally = card.by_section.get(section.id)
        if tally and tally.items:
            lines.append(Content(f"  {section.title:<28} {_share(tally):>5}  ({tally.credit:g} of {tally.items})"))
    lines += [Content(""), Content.styled("By kind of item", "bold")]
    for kind, tally in sorted(card.by_kind.items()):
        lines.append(Content(f"  {kind:<28} {_share(tally):>5}  ({tally.credit:g} of {tally.items})"))
    missed = card.missed_most[:5]
    if missed:
        lines += [Content(""), Content.styled("Missed most", "bold")]
        for item_id, lost in missed:
            lines.append(Content(f"  {lost:g} × {checklist.items[item_id].prompt}"))
    spans = card.span_total
    if spans.found + spans.missed:
        lines += [
            Content(""),
            Content.styled(f"Highlights: found {spans.found} of the key's {spans.found + spans.missed}", "bold"),
        ]
        for label, tally in card.spans.items():
            title = checklist.labels[label].title if label in checklist.labels else label
            lines.append(
                Content(f"  {title:<28} found {tally.found}, missed {tally.missed}, not in the key {tally.extra}")
            )
    if trainer.checked(ESSAY):
        lines += [Content(""), feedback_content(trainer, ESSAY, trainer.feedback(ESSAY), width)]
    elif trainer.has_key(ESSAY):
        lines += [Content(""), Content("Finish on the overall screen (d) to see the feedback on the essay as a whole.")]
    return Content("\n").join(lines)


def _share(tally) -> str:
    return "—" if tally.share is None else f"{tally.share:.0%}"


class ScoreScreen(Screen):
    """Your score against the key; the essay-level feedback below it."""

    CSS_PATH = "training.tcss"
    BINDINGS = [
        Binding("escape,b", "app.pop_screen", "Back to the essay", id="back"),
        Binding("down,j", "scroll(1)", "Scroll down", show=False),
        Binding("up,k", "scroll(-1)", "Scroll up", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield InfoBar(id="title")
        with VerticalScroll(id="score-scroll"):
            yield Static(id="score", markup=False)
        yield InfoBar(id="keys")

    def __init__(self, trainer: Trainer, *, so_far: bool = False) -> None:
        super().__init__()
        self.trainer = trainer
        self.so_far = so_far
        """Mid-exercise (s): only the paragraphs checked so far count; at the end (d), all of them."""

    def on_mount(self) -> None:
        trainer = self.trainer
        self.query_one("#title", InfoBar).show(
            Content.styled("Your score so far" if self.so_far else "Your score", "bold")
        )
        width = self.app.size.width - 6  # padding and scrollbar
        card = trainer.scorecard(so_far=self.so_far)
        self.query_one("#score", Static).update(score_content(trainer, card, width, so_far=self.so_far))
        self.query_one("#keys", InfoBar).show("escape back to the essay · q quit (your file is saved)")
        self.post_message(SessionChanged())

    def action_scroll(self, delta: int) -> None:
        self.query_one("#score-scroll").scroll_relative(y=delta * 2, animate=False)

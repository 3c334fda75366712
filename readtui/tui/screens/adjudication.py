"""``readtui adjudicate``: one disagreement at a time, every reader's answer beside it; the
instructor picks, enters another answer, or marks it "no consensus", and explains; or accepts
every majority at once and goes through only the ties."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import OptionList, SelectionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from readtui.core.adjudication import PER_OPTION, WHOLE_SET, Adjudication, Dispute, same_answer
from readtui.core.assessment import ESSAY
from readtui.core.checklist import MultiItem, ScaleItem, answer_label
from readtui.core.errors import visible_controls, visible_controls_in_lines
from readtui.tui.messages import KeyDecided
from readtui.tui.widgets.bars import InfoBar
from readtui.tui.widgets.editor import LineEditor

ANOTHER = "another"
"""The id of the choice that composes an answer no reader gave (multi items)."""
KEYS = "1-9 pick · a majorities · x no consensus · e explain · n/p · ? help · q quit"  # fits 80 columns
KEYS_WIDE = (
    "1-9 pick · a accept every majority, then the ties · x no consensus · e explain · o next open · n/p"
    " · +/- tolerance · ? help · q quit"
)


def candidate_answers(dispute: Dispute) -> list[tuple[Any, list[str]]]:
    """What the instructor can pick: every option of a choice or scale item (with the readers
    who chose it), or for a multi item the sets the readers ticked, and the majority per option
    when no reader ticked that set (with no readers)."""
    item = dispute.item
    given = dispute.choices
    if isinstance(item, MultiItem):
        majority = dispute.majority(PER_OPTION)
        if majority is not None and not any(same_answer(item, majority, answer) for answer, _ in given):
            return [*given, (majority, [])]
        return given
    values = list(range(item.min, item.max + 1)) if isinstance(item, ScaleItem) else [o.id for o in item.options]
    return [(value, next((readers for answer, readers in given if answer == value), [])) for value in values]


class TickDialog(ModalScreen[list[str] | None]):
    """Tick the options of a multi item for an answer no reader gave."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="dialog-cancel"),
        # A priority binding: the list itself would take enter as "tick".
        Binding("enter", "done", "Use the ticked options", id="dialog-done", priority=True),
    ]

    def __init__(self, item: MultiItem, ticked: list[str]) -> None:
        super().__init__()
        self.item = item
        self.ticked = ticked

    def compose(self) -> ComposeResult:
        from textual.containers import Vertical

        with Vertical(classes="dialog"):
            yield Static(Content(f"{self.item.prompt} (space ticks, enter when done)"), classes="dialog-title")
            yield SelectionList(*[Selection(Content(o.label), o.id, o.id in self.ticked) for o in self.item.options])

    def action_done(self) -> None:
        chosen = set(self.query_one(SelectionList).selected)
        self.dismiss([o.id for o in self.item.options if o.id in chosen])


class AdjudicationScreen(Screen):
    """Go through the disputes; each decision is saved at once."""

    CSS_PATH = "adjudication.tcss"
    BINDINGS = [
        Binding("x", "no_consensus", "No consensus: scoring skips this item", id="no-consensus"),
        Binding("e", "explain", "Write the explanation learners will read", id="explain"),
        Binding("backspace", "reopen", "Undo the decision on this item", id="reopen"),
        Binding("n,right", "step(1)", "Next disagreement", id="next"),
        Binding("p,left", "step(-1)", "Previous disagreement", id="previous"),
        Binding("o", "next_open", "Next disagreement still open", id="next-open"),
        Binding("a", "accept_majorities", "Accept every majority, then show only the ties", id="accept-majorities"),
        Binding("u", "undo_majorities", "Undo accepting the majorities (a)", id="undo-majorities"),
        Binding("escape", "show_all", "Show every disagreement again (after a)", id="show-all"),
        Binding("r", "switch_rule", "Multi-select majority: per option or whole set", id="multi-rule"),
        Binding("plus,equals_sign", "tolerance(1)", "Scale item: widen the key's tolerance", id="tolerance-up"),
        Binding("minus", "tolerance(-1)", "Scale item: narrow the key's tolerance", id="tolerance-down"),
        *[Binding(str(d), f"pick({d})", f"Pick answer {d}", id=f"pick-{d}", show=False) for d in range(1, 10)],
    ]

    def __init__(self, adjudication: Adjudication) -> None:
        super().__init__()
        self.adjudication = adjudication
        self.shown = adjudication.disputes
        """The disputes n and p go through: all, or those left after accepting the majorities."""
        self.accepted: dict[int, tuple[Dispute, Any]] = {}
        """The disputes accepting the majorities decided, by id, with their answers (for u)."""
        open_disputes = adjudication.open_disputes
        self.position = self.shown.index(open_disputes[0]) if open_disputes else 0

    @property
    def dispute(self) -> Dispute:
        return self.shown[self.position]

    @property
    def only_ties(self) -> bool:
        return self.shown is not self.adjudication.disputes

    def compose(self) -> ComposeResult:
        yield InfoBar(id="title")
        yield Static(id="where", markup=False)
        with VerticalScroll(id="text-scroll"):
            yield Static(id="text", markup=False)
        yield OptionList(id="choices")
        yield Static(id="votes", markup=False)
        yield Static(id="decision", markup=False)
        with VerticalScroll(id="readers-scroll"):
            yield Static(id="readers", markup=False)
        yield LineEditor(id="editor")
        yield InfoBar(id="keys")

    def on_mount(self) -> None:
        self.show()

    def on_resize(self, event: events.Resize) -> None:
        self.query_one("#keys", InfoBar).show(KEYS_WIDE if event.size.width >= len(KEYS_WIDE) + 2 else KEYS)

    @property
    def editing(self) -> bool:
        return self.query_one(LineEditor).display

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.editing:
            return action in ("quit", "save")
        return action != "show_all" or self.only_ties

    def show(self) -> None:
        """Draw the current dispute and its decision."""
        adjudication, dispute = self.adjudication, self.dispute
        still_open = len(adjudication.open_disputes)
        if self.only_ties:
            counts = (
                f"{self.position + 1} of {len(self.shown)} left · {still_open} open · {len(self.accepted)} by majority"
            )
        else:
            counts = f"{self.position + 1} of {len(self.shown)} · {still_open} open · {adjudication.agreed} agreed"
        self.query_one("#title", InfoBar).show(
            Content.styled("Adjudicating: ", "bold") + Content(visible_controls(adjudication.key.essay.title)),
            right=counts,
        )
        where = "The essay as a whole" if dispute.index == ESSAY else f"¶ {dispute.index}"
        self.query_one("#where", Static).update(
            Content.styled(f"{where} · ", "bold") + Content.styled(visible_controls(dispute.item.prompt), "bold")
        )
        # visible_controls_in_lines: a Markdown paragraph's lines (list items, headings) stay lines
        self.query_one("#text", Static).update(Content(visible_controls_in_lines(adjudication.text(dispute.index))))
        choices = self.query_one("#choices", OptionList)
        choices.clear_options()
        for number, (answer, readers) in enumerate(candidate_answers(dispute), start=1):
            who = f"  — {', '.join(readers)}" if readers else ""
            if not readers and isinstance(dispute.item, MultiItem):
                who = "  — majority per option"
            label = f"{number if number < 10 else ' '} {answer_label(dispute.item, answer)}{who}"
            choices.add_option(Option(Content(visible_controls(label)), id=str(number)))
        if isinstance(dispute.item, MultiItem):
            choices.add_option(Option(Content("  another combination…"), id=ANOTHER))
        self.show_votes()
        self.show_decision()
        self.show_readers()
        choices.focus()

    def show_votes(self) -> None:
        """A multi item's ticks per option, and its majority as `a` would take it."""
        dispute, votes = self.dispute, self.query_one("#votes", Static)
        votes.display = isinstance(dispute.item, MultiItem)
        if not votes.display:
            return
        voters = len(dispute.answers)
        if voters < 2:
            votes.update(Content("No majority: only one reader answered"))
            return
        ticks = [
            f"{option.label} {ticked} ({'in' if 2 * ticked > voters else 'tie' if 2 * ticked == voters else 'out'})"
            for option, ticked in dispute.ticks()
            if ticked
        ]
        line = f"Ticks, of the {voters} who answered: " + (" · ".join(ticks) or "none")
        rule = self.adjudication.multi_rule
        majority = dispute.majority(rule)
        if majority is not None:
            line += f"\nMajority {'per option' if rule == PER_OPTION else 'of whole sets'}: "
            line += answer_label(dispute.item, majority)
        elif rule == PER_OPTION:
            line += "\nNo majority per option: tied on " + ", ".join(o.label for o in dispute.tied_options())
        else:
            line += "\nNo whole set has a majority"
        line += f" (r: {'whole sets' if rule == PER_OPTION else 'per option'} instead)"
        votes.update(Content(visible_controls_in_lines(line)))

    def show_decision(self) -> None:
        adjudication, dispute = self.adjudication, self.dispute
        state, value = adjudication.decision(dispute)
        if state == "answer":
            line = Content.styled("Key: ", "bold") + Content(visible_controls(answer_label(dispute.item, value)))
        elif state == "no-consensus":
            line = Content.styled("Key: no consensus (scoring skips this item)", "bold")
        else:
            line = Content.styled("Open: pick the key's answer", "bold $warning")
        if isinstance(dispute.item, ScaleItem):
            tolerance = adjudication.tolerance(dispute.item.id)
            if tolerance:
                line += Content(f"\nTolerance ± {tolerance}: answers up to {tolerance} away are right too")
            else:
                line += Content("\nTolerance 0: only the exact answer is right")
            line += Content(" · +/- (every paragraph)")
        explanation = adjudication.explanation(dispute)
        if explanation:
            line = line + Content("\n") + Content.styled(visible_controls(explanation), "italic")
        self.query_one("#decision", Static).update(line)

    def show_readers(self) -> None:
        """Each reader's answer, note and highlights for this paragraph."""
        dispute = self.dispute
        lines = []
        for file in self.adjudication.group.files:
            record = file.assessment.overall if dispute.index == ESSAY else file.record(dispute.index)
            reader = Content.styled(visible_controls(file.reader), "bold")
            if file.reader in dispute.answers:
                answer = answer_label(dispute.item, dispute.answers[file.reader])
            else:
                answer = "unsure" if file.reader in dispute.unsure else "—"
            lines.append(reader + Content(": " + visible_controls(answer)))
            if record is not None and record.note:
                note = visible_controls_in_lines(record.note).replace("\n", "\n         ")  # lines kept, indented
                lines.append(Content("   note: " + note))
            for highlight in getattr(record, "highlight", None) or []:
                lines.append(Content(f"   marked {highlight.label}: “{visible_controls(highlight.quote)}”"))
        self.query_one("#readers", Static).update(Content("\n").join(lines))

    def decided(self) -> None:
        """A decision changed: save it and redraw (e writes an explanation, o moves on)."""
        self.post_message(KeyDecided())
        self.show()

    def action_pick(self, number: int) -> None:
        candidates = candidate_answers(self.dispute)
        if 1 <= number <= len(candidates):
            self.adjudication.decide(self.dispute, candidates[number - 1][0])
            self.decided()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == ANOTHER:
            dispute = self.dispute
            state, value = self.adjudication.decision(dispute)

            def ticked(options: list[str] | None) -> None:
                if options is not None:
                    self.adjudication.decide(dispute, options)
                    self.decided()

            self.app.push_screen(TickDialog(dispute.item, value if state == "answer" else []), ticked)
        else:
            self.action_pick(int(event.option.id or 0))

    def action_no_consensus(self) -> None:
        self.adjudication.set_no_consensus(self.dispute)
        self.decided()

    def action_reopen(self) -> None:
        self.adjudication.reopen(self.dispute)
        self.decided()

    def action_step(self, delta: int) -> None:
        self.position = (self.position + delta) % len(self.shown)
        self.show()

    def action_next_open(self) -> None:
        disputes = self.shown
        for step in range(1, len(disputes) + 1):
            candidate = (self.position + step) % len(disputes)
            if not self.adjudication.decided(disputes[candidate]):
                self.position = candidate
                self.show()
                return
        self.app.notify("Every disagreement is decided: q saves and quits.", timeout=4, markup=False)

    def action_explain(self) -> None:
        dispute = self.dispute

        def apply(text: str) -> bool:
            return self.adjudication.explain(dispute, text)

        self.query_one(LineEditor).start("Explanation for learners: ", self.adjudication.explanation(dispute), apply)

    def on_line_editor_changed(self, message: LineEditor.Changed) -> None:
        if message.apply(message.value):
            self.post_message(KeyDecided())
            self.show_decision()

    def on_line_editor_closed(self) -> None:
        self.query_one("#choices").focus()

    def action_accept_majorities(self) -> None:
        """Decide every open dispute that has a majority, then go through only the ones left."""
        adjudication = self.adjudication
        before = adjudication.open_disputes
        left = adjudication.fill_majority()
        still_open = {id(dispute) for dispute in left}
        accepted = {id(d): (d, adjudication.decision(d)[1]) for d in before if id(d) not in still_open}
        self.accepted |= accepted
        if accepted:
            self.post_message(KeyDecided())
        if left:
            self.shown, self.position = left, 0
            rest = f"showing only the {len(left)} left open (ties, no majority). u undoes, escape shows all."
        else:
            rest = "none left open: q saves and quits."
        majorities = "1 majority" if len(accepted) == 1 else f"{len(accepted)} majorities"
        self.app.notify(f"Accepted {majorities}; {rest}", timeout=8, markup=False)
        self.show()

    def action_undo_majorities(self) -> None:
        """Reopen what accepting the majorities decided (unless it was decided again since)."""
        if not self.accepted:
            self.app.notify("Nothing to undo: no majority accepted (a) here.", timeout=3, markup=False)
            return
        reopened = self.adjudication.reopen_unchanged(list(self.accepted.values()))
        self.accepted = {}
        if reopened:
            self.post_message(KeyDecided())
        self.app.notify(f"Reopened {reopened} decided by majority.", timeout=4, markup=False)
        self.action_show_all()

    def action_show_all(self) -> None:
        dispute = self.dispute
        self.shown = self.adjudication.disputes
        self.position = next(n for n, shown in enumerate(self.shown) if shown is dispute)
        self.show()

    def action_switch_rule(self) -> None:
        """Take a multi item's majority per option or as a whole set (for a)."""
        rule = WHOLE_SET if self.adjudication.multi_rule == PER_OPTION else PER_OPTION
        self.adjudication.multi_rule = rule
        self.app.notify(
            f"Multi-select majority: {'per option' if rule == PER_OPTION else 'whole sets'}", timeout=3, markup=False
        )
        self.show()

    def action_tolerance(self, step: int) -> None:
        """Widen or narrow the key's tolerance of the current scale item (in every paragraph)."""
        item = self.dispute.item
        if not isinstance(item, ScaleItem):
            self.app.notify("Only scale items have a tolerance.", timeout=3, markup=False)
            return
        try:
            self.adjudication.set_tolerance(item.id, self.adjudication.tolerance(item.id) + step)
        except ValueError as error:
            self.app.notify(f"Tolerance: {error}", timeout=4, markup=False)
            return
        self.post_message(KeyDecided())
        self.show_decision()

"""What screens tell their app. Screens change the model; the app decides what follows (saving,
which screen comes next) and never reaches into a screen's widgets."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


class SessionChanged(Message):
    """The reading session changed (an answer, a note, the position): save it soon."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SessionChanged)


class KeyDecided(Message):
    """A decision on the answer key changed: save it now."""


class OverallRequested(Message):
    """Show the overall screen: the essay-wide questions and what is still missing."""


@dataclass
class ParagraphRequested(Message):
    """Show paragraph ``index`` on the reading screen, at its first missing required answer if asked."""

    index: int
    first_missing: bool = False


class FinishRequested(Message):
    """The reader asks to finish the assessment."""


class BeforeRequested(Message):
    """Show the before-reading questions."""


@dataclass
class NameGiven(Message):
    """The reader of a served session typed their name (as typed: the app cleans it)."""

    name: str

"""Helpers for the apps driven by Pilot."""

from __future__ import annotations

import pytest
from textual.app import App

from readtui.core.session import ReadingSession


@pytest.fixture(autouse=True)
def _start_past_the_before_screen(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new session of a checklist with before-reading questions (critical-reading has them) opens
    on them; most tests here are about what follows, so they start on ¶ 1, as after `n`. Tests of
    the before-reading screen are marked ``before_screen``."""
    if request.node.get_closest_marker("before_screen") is None:
        monkeypatch.setattr(ReadingSession, "opens_before_reading", lambda self: False)


def screen_text(app: App) -> str:
    """What the terminal shows, as plain text (one line per row)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())

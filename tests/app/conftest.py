"""Helpers for the apps driven by Pilot."""

from __future__ import annotations

from textual.app import App


def screen_text(app: App) -> str:
    """What the terminal shows, as plain text (one line per row)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())

"""The keys a screen offers, as the user mapped them: the one-line key bar and the help's rows."""

from __future__ import annotations

from textual.content import Content
from textual.screen import Screen

HINTS = [
    ("to-essay", "to the essay"),
    ("next", "next"),
    ("previous", "prev"),
    ("check", "check"),
    ("answer-again", "answer again"),
    ("choose-1", "1-9 answer"),
    ("item-down", "item"),
    ("unsure", "unsure"),
    ("note", "note"),
    ("flag", "flag"),
    ("back", "back"),
    ("finish", "finish"),
    ("help", "help"),
    ("quit", "quit"),
]
"""The bindings the key bar shows, by id, in this order, with their short labels."""
ARROWS = {"item-down": "↓", "item-up": "↑"}
"""Shown for moving between items whenever they are among the keys (not j and k)."""
CHOOSE_HELP = "choose option n (scale: value n; multi: tick/untick; 0: none of these)"


def key_rows(screen: Screen) -> list[tuple[str, str]]:
    """(keys, description) for every binding of ``screen`` and its app, as remapped."""
    app = screen.app
    rows: dict[str, tuple[list[str], str]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if binding.system or binding.id is None or active.node not in (app, screen):
            continue
        name = binding.id
        description = binding.description or binding.action
        if name.startswith("choose-"):
            name, description = "choose", CHOOSE_HELP
        keys, _ = rows.setdefault(name, ([], description))
        display = app.get_key_display(binding)
        if display not in keys:
            keys.append(display)
    return [
        ("0-9" if description == CHOOSE_HELP else " ".join(keys), description) for keys, description in rows.values()
    ]


def key_hints(screen: Screen, *, omit: frozenset[str] = frozenset()) -> Content:
    """The one-line key bar of ``screen``, showing the keys as currently mapped (less the hints
    whose binding ids are in ``omit``)."""
    app = screen.app
    keys_by_id: dict[str, str] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if binding.id:
            display = app.get_key_display(binding)
            shortest = keys_by_id.get(binding.id, display + " ")
            if len(display) < len(shortest) or (binding.id in ARROWS and display == ARROWS[binding.id]):
                keys_by_id[binding.id] = display
    keys_by_id["item-down"] = keys_by_id.get("item-down", "") + keys_by_id.get("item-up", "")  # "↓↑ item"
    parts = []
    for binding_id, label in HINTS:
        if keys_by_id.get(binding_id) and binding_id not in omit:
            key = "" if binding_id == "choose-1" else keys_by_id[binding_id]
            parts.append(Content.styled(key, "bold") + Content(f" {label}" if key else label))
    return Content("  ").join(parts)

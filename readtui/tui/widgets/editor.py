"""The editor line: one Input for notes and text answers, shown only while editing."""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static


class TaggedInput(Input):
    """An Input that marks the keys it reads, so the app can tell keys typed into it from keys
    typed just before it took focus (see `ReadtuiApp.on_key`)."""

    async def _on_key(self, event: events.Key) -> None:
        event.readtui_seen_by_input = True


class EditorInput(TaggedInput):
    """An Input that handles every key it is given in order, as soon as it reads it.

    A stock Input edits printable keys at once but leaves its bound keys (enter, arrows,
    backspace) to the app, which runs them later: typing fast, the keys after enter would be
    typed into a closed editor, and an arrow could run after the editor closed. Here bound keys
    run in place, enter and escape close the editor, and keys that arrive after it closed are
    passed on to the widget that has focus now, so they act as the commands they are.
    """

    async def _on_key(self, event: events.Key) -> None:
        editor = self.parent
        assert isinstance(editor, LineEditor)
        event.readtui_seen_by_input = True
        if not editor.display:
            event.prevent_default()
            event.stop()
            # Straight to the new focus (not to the back of the app's queue), to keep key order.
            (self.screen.focused or self.screen)._forward_event(events.Key(event.key, event.character))
        elif event.key in ("enter", "escape"):
            event.prevent_default()
            event.stop()
            editor.action_close()
        elif not event.is_printable:
            for binding in self._bindings.key_to_bindings.get(event.key, ()):
                event.prevent_default()
                event.stop()
                await self.run_action(binding.action)
                return


class LineEditor(Horizontal):
    """Posts `Changed` on every keystroke and `Closed` on enter, escape or focus loss.

    The screen applies each change at once, so closing never discards anything.
    """

    DEFAULT_CSS = """
    LineEditor {
        height: 1;
        display: none;
        background: $boost;
        & > #editor-label { width: auto; max-width: 40%; color: $text-accent; text-style: bold; text-wrap: nowrap; text-overflow: ellipsis; }
        & > EditorInput, & > EditorInput:focus { border: none; height: 1; padding: 0 1; width: 1fr; }
    }
    """

    class Changed(Message):
        """The text is now ``value``; ``apply`` (given to `start`) stores it."""

        def __init__(self, value: str, apply: Callable[[str], bool]) -> None:
            super().__init__()
            self.value = value
            self.apply = apply

    class Closed(Message):
        """Editing ended."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._return_focus: Widget | None = None
        self._apply: Callable[[str], bool] = lambda value: False

    def compose(self) -> ComposeResult:
        yield Static(id="editor-label", markup=False)
        yield EditorInput(select_on_focus=False)

    def start(self, label: str, value: str, apply: Callable[[str], bool]) -> None:
        """Show the editor with ``value`` and focus it; each change is sent with ``apply``, so a
        change still on its way after the editor closed (or reopened) goes to the right place."""
        self._apply = apply
        self.query_one("#editor-label", Static).update(Content(label))
        editor = self.query_one(Input)
        with editor.prevent(Input.Changed):
            editor.value = value
        editor.cursor_position = len(value)
        self._return_focus = self.screen.focused
        self.display = True
        self.screen.set_focus(editor)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(event.value, self._apply))

    def on_input_blurred(self, event: Input.Blurred) -> None:
        event.stop()
        self.action_close()

    def action_close(self) -> None:
        if self.display:
            self.display = False
            # Synchronously, so that keys already queued after enter/escape are commands again.
            self.screen.set_focus(self._return_focus)
            self.post_message(self.Closed())

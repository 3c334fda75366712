"""readtui's text inputs: keys handled in the order they were typed, and every change reported at once."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual._callback import invoke
from textual.widgets import Input

from readtui.core.errors import visible_controls


class TaggedInput(Input):
    """An Input that marks the keys it reads, so the app can tell keys typed into it from keys
    typed just before it took focus (see `ReadtuiBaseApp.on_key`)."""

    async def _on_key(self, event: events.Key) -> None:
        event.readtui_seen_by_input = True


class EditorKeys:
    """What the editor's Input and TextArea share: every key is handled in order, as soon as it
    is read, and every change is reported at once, with the place it goes to.

    A stock Input or TextArea types printable keys at once but leaves its bound keys (arrows,
    backspace) to the app, which runs them later: typing fast, the keys after the key that ends
    editing would be typed into a closed editor, and an arrow could run after the editor closed.
    Here bound keys run in place, ``DONE_KEYS`` close the editor, and keys that arrive after it
    closed are passed on to the widget that has focus now, so they act as the commands they are.
    A change is reported to the editor (the parent, a `LineEditor`) as it is made, not by the
    widget's Changed message, which may arrive after the editor closed and opened again elsewhere.
    """

    DONE_KEYS: ClassVar[frozenset[str]]

    @property
    def edited_text(self) -> str:
        raise NotImplementedError

    async def _on_key(self, event: events.Key) -> None:
        editor = self.parent
        event.readtui_seen_by_input = True
        if not editor.display:
            event.prevent_default()
            event.stop()
            # Straight to the new focus (not to the back of the app's queue), to keep key order.
            (self.screen.focused or self.screen)._forward_event(events.Key(event.key, event.character))
            return
        if event.key in self.DONE_KEYS:
            event.prevent_default()
            event.stop()
            editor.action_close()
            return
        before = self.edited_text
        bindings = [] if event.is_printable else self._bindings.key_to_bindings.get(event.key, [])
        if bindings:
            event.prevent_default()
            event.stop()
            await self.run_action(bindings[0].action)
        else:
            await super()._on_key(event)
            event.prevent_default()  # typed here: the widget's own handler must not type it again
        editor.report(before, self.edited_text)

    async def _on_paste(self, event: events.Paste) -> None:
        before = self.edited_text
        await invoke(super()._on_paste, event)
        event.prevent_default()
        self.parent.report(before, self.edited_text)


class EditorInput(EditorKeys, Input):
    """One line: enter or escape ends it."""

    DONE_KEYS = frozenset({"enter", "escape"})

    @property
    def edited_text(self) -> str:
        return self.value

    @property
    def _value(self) -> Text:
        """The line as shown: control characters made visible, never sent raw."""
        return Text(visible_controls(self.value), no_wrap=True, overflow="ignore", end="")


EDITORS = (TaggedInput, EditorKeys)
"""readtui's text inputs: the keys they read are marked (see `ReadtuiBaseApp.on_key`)."""

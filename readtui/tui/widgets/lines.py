"""A Line API base widget: draws a list of `Content` lines, only the visible ones."""

from __future__ import annotations

from dataclasses import replace

from rich.style import Style as RichStyle
from textual.content import Content
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style
from textual.widget import Widget


def component_style(widget: Widget, component: str) -> Style:
    """The style of a component class, to lay over a line.

    The full style is used, so that translucent colours (such as `$text-muted`) are blended
    against the real background; a component that sets no background of its own leaves the
    background of what it is laid over (a cursor line, say) showing through. `text-style:
    reverse` is kept, so a selection or a current cell shows in any theme and colour depth.
    """
    style = widget.get_visual_style(component)
    styles = widget.get_component_styles(component)
    if styles.text_style.reverse:
        style = replace(style, reverse=True)  # get_visual_style drops it (Textual 8.2.8)
    if styles.has_rule("background"):
        return style
    return replace(style, background=None)


class LineView(ScrollView, inherit_bindings=False):
    """Subclasses build their lines for a width in `build_lines`; this class caches and draws them.

    It has no key bindings of its own (not even the scrolling ones of `ScrollView`), so the
    screen's keys (arrows included) always reach the screen. Changing what is shown calls `rebuild()`. When the number of lines does not change the
    scrollbars, no layout is requested, so updates cost only a repaint.
    """

    DEFAULT_CSS = """
    LineView {
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
    }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._lines: list[Content] = []
        self._strips: dict[int, Strip] = {}
        self._built_for_width = -1
        self._base_style: tuple[Style, RichStyle] | None = None
        self._component_style_cache: dict[str, Style] = {}

    def build_lines(self, width: int) -> list[Content]:
        """The lines to show at ``width`` cells."""
        raise NotImplementedError

    def style_of(self, component: str) -> Style:
        """A component class's style (`COMPONENT_CLASSES`), for spans of `Content`; kept until the
        styles change (a page turn asks for dozens)."""
        style = self._component_style_cache.get(component)
        if style is None:
            style = self._component_style_cache[component] = component_style(self, component)
        return style

    @property
    def line_width(self) -> int:
        return max(self.scrollable_content_region.width, 1)

    def rebuild(self) -> None:
        """Rebuild the lines (the state they show changed) and repaint the lines that changed."""
        if not self.is_mounted or not self.size.width:
            return  # built on first render, when the width is known
        old_lines = self._lines
        self._build(self.line_width)
        if len(old_lines) != len(self._lines):
            self.refresh()
            return
        top, height, width = self.scroll_offset.y, self.size.height, self.size.width
        for index, (old, new) in enumerate(zip(old_lines, self._lines, strict=True)):
            if top <= index < top + height and not old.is_same(new):
                self.refresh(Region(0, index - top, width, 1))

    def _build(self, width: int) -> None:
        self._lines = self.build_lines(width)
        self._built_for_width = width
        self._strips.clear()
        self._set_line_count(len(self._lines))

    def _set_line_count(self, count: int) -> None:
        new = Size(self._built_for_width, count)
        old = self.virtual_size
        if new == old:
            return
        viewport = self.scrollable_content_region.height
        if old.width == new.width and (old.height > viewport) == (new.height > viewport) and self.size.height:
            # Same scrollbars as before: skip the layout that assigning virtual_size would request.
            self.set_reactive(Widget.virtual_size, new)
            self._refresh_scrollbars()
            self.vertical_scrollbar.window_virtual_size = count
            self.scroll_y = min(self.scroll_y, self.max_scroll_y)
        else:
            self.virtual_size = new

    def on_resize(self) -> None:
        if self.line_width != self._built_for_width:
            self.rebuild()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._base_style = None
        self._component_style_cache.clear()
        if self.is_mounted:
            self.call_later(self.rebuild)

    def render_line(self, y: int) -> Strip:
        if self._built_for_width != self.line_width:
            self._build(self.line_width)  # the first frame already shows the lines
        if self._base_style is None:
            self._base_style = (self.visual_style, self.rich_style)
        visual_style, rich_style = self._base_style
        index = y + self.scroll_offset.y
        strip = self._strips.get(index)
        if strip is None:
            if index < len(self._lines):
                line = self._lines[index]
                strip = Strip(line.render_segments(visual_style), line.cell_length)
            else:
                strip = Strip.blank(0)
            self._strips[index] = strip
        return strip.crop_extend(0, self.size.width, rich_style)

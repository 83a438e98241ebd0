"""The base of every pane: cached lines, freshness, placeholders, privacy.

A pane draws itself line by line (Textual's line API) from lines it builds
only when its data, size or styles change.  After a data change it compares
the new lines with the ones on screen and repaints only the lines that
differ, so a pane updated several times a second writes little to the
terminal.  The first content line is a header: a caption on the left and the
data's age on the right ("0.4s", or "STALE 14s" in the theme's ``$stale``
colour); the age alone is repainted at most once a second.

Subclasses implement :meth:`Pane.render_body` and call
:meth:`Pane.data_changed` after storing new data.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any, ClassVar, Literal

from rich.segment import Segment
from rich.style import Style, StyleType
from rich.text import Text
from textual import events
from textual.geometry import Region, Size
from textual.reactive import var
from textual.strip import Strip
from textual.widget import Widget

from jextui.ui.format import MASK, format_age

__all__ = ["Pane", "ListPane", "ListCursor", "fit", "join_cells"]

_log = logging.getLogger(__name__)

_DIM = Style(dim=True)
Align = Literal["left", "right", "center"]


def fit(content: str | Text, width: int, align: Align = "left", style: StyleType = "") -> Text:
    """``content`` cut or padded to exactly ``width`` cells."""
    if width <= 0:
        return Text("", end="")
    if isinstance(content, Text):
        text = content.copy()
        text.no_wrap = True
    else:
        text = Text(content, style=style, no_wrap=True, end="")
    if text.cell_len > width:
        text.truncate(width, overflow="ellipsis")
    missing = width - text.cell_len
    if missing > 0:
        if align == "right":
            text.pad_left(missing)
        elif align == "center":
            text.pad_left(missing // 2)
            text.pad_right(missing - missing // 2)
        else:
            text.pad_right(missing)
    return text


def join_cells(cells: Iterable[Text], separator: str = " ") -> Text:
    """Cells side by side with ``separator`` between them."""
    return Text(separator, no_wrap=True, end="").join(cells)


@dataclass
class ListCursor:
    """A cursor over ``count`` rows of which ``visible`` fit on screen."""

    index: int = 0
    offset: int = 0

    def clamp(self, count: int) -> None:
        self.index = min(max(0, self.index), max(0, count - 1))

    def move(self, delta: int, count: int) -> None:
        self.index += delta
        self.clamp(count)

    def window(self, count: int, visible: int) -> range:
        """The rows to draw, scrolled so the cursor row is among them."""
        self.clamp(count)
        if visible <= 0:
            return range(0)
        if self.index < self.offset:
            self.offset = self.index
        elif self.index >= self.offset + visible:
            self.offset = self.index - visible + 1
        self.offset = min(max(0, self.offset), max(0, count - visible))
        return range(self.offset, min(count, self.offset + visible))


class Pane(Widget, can_focus=True):
    """A bordered pane with a header line and freshness marking."""

    DEFAULT_CSS = """
    Pane {
        height: 1fr;
        border: round $foreground 25%;
        border-title-color: $foreground-muted;
        padding: 0 1;
    }
    Pane:focus {
        border: round $border;
        border-title-color: $foreground;
    }
    Pane.-stale {
        border: round $stale;
    }
    Pane > .pane--caption { color: $foreground; text-style: bold; }
    Pane > .pane--age { color: $foreground-muted; }
    Pane > .pane--stale { color: $stale; text-style: bold reverse; }
    Pane > .pane--degraded { color: $warning; }
    Pane > .pane--placeholder { color: $foreground-muted; text-style: italic; }
    Pane > .pane--unavailable { color: $warning; }
    Pane > .pane--muted { color: $foreground-muted; }
    Pane > .pane--column { color: $foreground-muted; text-style: bold; }
    Pane > .pane--up { color: $up; }
    Pane > .pane--down { color: $down; }
    Pane > .pane--buy { color: $buy; }
    Pane > .pane--sell { color: $sell; }
    Pane > .pane--flash-up { background: $flash-up; }
    Pane > .pane--flash-down { background: $flash-down; }
    Pane > .pane--cursor { background: $block-cursor-background; text-style: bold; }
    Pane > .pane--cursor-blurred { background: $block-cursor-blurred-background; }
    Pane > .pane--active { color: $accent; text-style: bold; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "pane--caption",
        "pane--age",
        "pane--stale",
        "pane--degraded",
        "pane--placeholder",
        "pane--unavailable",
        "pane--muted",
        "pane--column",
        "pane--up",
        "pane--down",
        "pane--buy",
        "pane--sell",
        "pane--flash-up",
        "pane--flash-down",
        "pane--cursor",
        "pane--cursor-blurred",
        "pane--active",
    }

    PANE_TITLE: ClassVar[str] = ""
    """Shown in the border; the app may replace ``border_title``."""
    SHOW_HEADER: ClassVar[bool] = True
    PLACEHOLDER: ClassVar[str] = "waiting for data…"
    AGE_REPAINT_INTERVAL_S: ClassVar[float] = 1.0

    shown_symbol: var[str | None] = var(None, init=False)
    """The symbol whose data the pane shows (bound to the active symbol by the
    main screen): its header caption; a new one clears the pane and its age
    until that symbol's data arrives."""
    private: var[bool] = var(False, init=False)
    """Privacy mode: every amount the pane shows becomes ``•••`` (bound to the app's)."""

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        time_zone: tzinfo | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.time_zone = time_zone
        """Times are shown in this zone (None: the machine's local time)."""
        self._caption = ""
        self._has_data = False
        self._unavailable: str | None = None
        self._age_ms: int | None = None
        self._stale = False
        self._degraded: str | None = None
        self._strips: list[Strip] | None = None
        self._built_size = Size(0, 0)
        self._last_age_paint = float("-inf")
        self._text_styles: dict[str, Style] = {}
        if self.PANE_TITLE:
            self.border_title = self.PANE_TITLE

    # --- what the app calls ---------------------------------------------------

    def set_freshness(self, age_ms: int | None, stale: bool, degraded_reason: str | None = None) -> None:
        """How old the pane's data is, whether it is stale, and why it may be degraded.

        A change of ``stale`` or ``degraded_reason``, or an age appearing or
        going away, shows at once (the border turns ``$stale`` and the values
        dim); a change of the age alone is repainted at most once a second.
        """
        appeared = (age_ms is None) != (self._age_ms is None)  # an age shown or taken away
        state_changed = stale != self._stale or degraded_reason != self._degraded or appeared
        age_changed = age_ms != self._age_ms
        self._age_ms = age_ms
        self._stale = stale
        self._degraded = degraded_reason
        if state_changed:
            self.set_class(stale, "-stale")
            self._last_age_paint = time.monotonic()
            self.refresh_lines()
        elif age_changed:
            now = time.monotonic()
            if now - self._last_age_paint >= self.AGE_REPAINT_INTERVAL_S:
                self._last_age_paint = now
                self.refresh_lines(header_only=True)

    def set_unavailable(self, reason: str | None) -> None:
        """Show ``reason`` instead of data (e.g. "no API key: …") until new data or ``None``."""
        if reason != self._unavailable:
            self._unavailable = reason
            self.refresh_lines()

    def set_private(self, private: bool) -> None:
        """Privacy mode on or off (see :attr:`private`)."""
        self.private = private

    def watch_private(self) -> None:
        self.refresh_lines()

    def watch_shown_symbol(self, old: str | None, new: str | None) -> None:
        self.set_caption(new or "")
        if old is not None:
            self.clear()
            self.set_freshness(None, False, None)

    def clear(self) -> None:
        """Forget the data shown (a pane that follows the active symbol, when it changes)."""
        self._has_data = False
        self.refresh_lines()

    def set_caption(self, caption: str) -> None:
        """The header's left part, e.g. the active symbol."""
        if caption != self._caption:
            self._caption = caption
            self.refresh_lines()

    @property
    def stale(self) -> bool:
        return self._stale

    @property
    def has_data(self) -> bool:
        return self._has_data

    @property
    def age_ms(self) -> int | None:
        return self._age_ms

    @property
    def degraded_reason(self) -> str | None:
        return self._degraded

    @property
    def unavailable_reason(self) -> str | None:
        return self._unavailable

    def plain_lines(self) -> list[str]:
        """The pane's content lines as plain text (what a reader sees)."""
        return [strip.text for strip in self.content_strips()]

    def content_strips(self) -> list[Strip]:
        """The pane's content lines with their styles (for inspection and tests)."""
        self._ensure_built()
        return list(self._strips or [])

    # --- for subclasses -------------------------------------------------------

    def render_body(self, width: int, height: int) -> list[Text]:
        """The lines under the header; called only when the pane has data."""
        raise NotImplementedError

    def header_text(self) -> Text:
        """The header's left part; by default the caption."""
        return Text(self._caption, style=self.style_of("pane--caption"), end="")

    def data_changed(self) -> None:
        """Call after storing new data: clears the placeholder and repaints what changed."""
        self._has_data = True
        self._unavailable = None
        self.refresh_lines()

    def style_of(self, component: str) -> Style:
        """The style of a component class for text: its colour (blended as the
        theme says) and text style, and a background only if the component
        sets one, so backgrounds laid under the text (cursor, depth bars,
        flashes) show through.
        """
        cached = self._text_styles.get(component)
        if cached is None:
            full = self.get_component_rich_style(component)
            own = self.get_component_rich_style(component, partial=True)
            cached = Style.from_color(full.color, full.bgcolor if own.bgcolor else None) + full.without_color
            self._text_styles[component] = cached
        return cached

    def background_of(self, component: str) -> Style:
        """Only the background (and boldness) of a component class, to lay under text."""
        full = self.get_component_rich_style(component)
        return Style(bgcolor=full.bgcolor, bold=full.bold)

    def cursor_background(self) -> Style:
        """The cursor row's look: a background, or reverse video under NO_COLOR
        (where backgrounds may be dropped) so the cursor never disappears."""
        if getattr(self.app, "no_color", False):
            return Style(reverse=True, bold=self.has_focus)
        return self.background_of("pane--cursor" if self.has_focus else "pane--cursor-blurred")

    def mask(self, amount: str) -> str:
        """``amount`` or ``•••`` in privacy mode."""
        return MASK if self.private else amount

    def refresh_all_lines(self) -> None:
        """Every line changes (a new precision, say): rebuild them once, when next painted,
        not now (events that land before that paint then cost one build, not one each)."""
        self._strips = None
        self.refresh()

    def refresh_lines(self, *, header_only: bool = False) -> None:
        """Rebuild the lines and repaint those that changed."""
        if self._strips is None or self._built_size != self.size or not self.is_mounted:
            self._strips = None
            self.refresh()
            return
        old = self._strips
        if header_only and self.SHOW_HEADER and old:
            header = self._to_strip(self._header_line(self.size.width), self.size.width, dim=False)
            if header != old[0]:
                old[0] = header
                self.refresh(Region(0, 0, self.size.width, 1))
            return
        new = self._build_strips()
        self._strips = new
        changed = [y for y, (before, after) in enumerate(zip(old, new, strict=True)) if before != after]
        if changed:
            self.refresh(*_line_regions(changed, self.size.width))

    # --- Textual hooks --------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        self._ensure_built()
        strips = self._strips or []
        if 0 <= y < len(strips):
            return strips[y]
        return Strip.blank(self.size.width, self.rich_style)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._text_styles = {}
        self._strips = None

    def on_focus(self, _event: events.Focus) -> None:
        self._strips = None
        self.refresh()

    def on_blur(self, _event: events.Blur) -> None:
        self._strips = None
        self.refresh()

    def on_resize(self, _event: events.Resize) -> None:
        self._strips = None
        self.refresh()

    # --- building lines -------------------------------------------------------

    def _ensure_built(self) -> None:
        if self._strips is None or self._built_size != self.size:
            self._strips = self._build_strips()

    def _build_strips(self) -> list[Strip]:
        size = self.size
        self._built_size = size
        width, height = size.width, size.height
        if width <= 0 or height <= 0:
            return []
        lines = self._build_lines(width, height)
        first_dimmed = 1 if self.SHOW_HEADER else 0  # the header (with STALE) stays bright
        strips = [
            self._to_strip(line, width, dim=self._stale and y >= first_dimmed) for y, line in enumerate(lines[:height])
        ]
        blank = Strip.blank(width, self.rich_style)
        strips.extend(blank for _ in range(height - len(strips)))
        return strips

    def _build_lines(self, width: int, height: int) -> list[Text]:
        lines: list[Text] = []
        if self.SHOW_HEADER:
            lines.append(self._header_line(width))
        body_height = height - len(lines)
        if body_height <= 0:
            return lines
        if self._unavailable:
            lines.extend(self._message_lines(self._unavailable, "pane--unavailable", width))
        elif not self._has_data:
            lines.extend(self._message_lines(self.PLACEHOLDER, "pane--placeholder", width))
        else:
            lines.extend(self._safe_body(width, body_height))
        return lines

    def _safe_body(self, width: int, height: int) -> list[Text]:
        try:
            return self.render_body(width, height)
        except Exception:  # a drawing bug must not take the whole console down
            _log.exception("%s could not draw its data", type(self).__name__)
            return self._message_lines("could not draw this data (details in the log)", "pane--unavailable", width)

    def _message_lines(self, message: str, component: str, width: int) -> list[Text]:
        text = Text(message, style=self.style_of(component), end="")
        return list(text.wrap(self.app.console, width))

    def freshness_text(self) -> Text:
        """The header's right part: age, degraded reason or STALE."""
        age = "" if self._age_ms is None else format_age(self._age_ms)
        if self._stale:
            label = f" STALE {age} " if age else " STALE "
            return Text(label, style=self.style_of("pane--stale"), end="")
        if self._degraded:
            label = f"{self._degraded} · {age}" if age else self._degraded
            return Text(label, style=self.style_of("pane--degraded"), end="")
        return Text(age, style=self.style_of("pane--age"), end="")

    def _header_line(self, width: int) -> Text:
        right = self.freshness_text()
        if right.cell_len >= width:
            return fit(right, width, "right")
        left = fit(self.header_text(), width - right.cell_len - 1)
        return join_cells([left, right])

    def _to_strip(self, line: Text, width: int, *, dim: bool) -> Strip:
        console = self.app.console
        segments: Iterable[Segment] = line.render(console)
        if line.style:  # Text.render leaves the text's own base style to the caller
            segments = Segment.apply_style(segments, style=console.get_style(line.style))
        if dim:
            segments = Segment.apply_style(segments, post_style=_DIM)
        strip = Strip(_merge_blank_runs(segments)).adjust_cell_length(width)
        return strip.apply_style(self.rich_style)


class ListPane(Pane):
    """A pane of rows with a cursor: ``cursor_up``/``down``/``first``/``last`` actions.

    Subclasses say how many rows there are (:meth:`_row_count`) and may act on
    every cursor key (:meth:`_cursor_moved`).
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._cursor = ListCursor()

    def _row_count(self) -> int:
        raise NotImplementedError

    def _cursor_moved(self) -> None:
        """After each cursor key, moved or not (the cursor was repainted if it moved)."""

    def action_cursor_up(self) -> None:
        self._move(-1)

    def action_cursor_down(self) -> None:
        self._move(1)

    def action_cursor_first(self) -> None:
        self._move(-self._row_count())

    def action_cursor_last(self) -> None:
        self._move(self._row_count())

    def _move(self, delta: int) -> None:
        before = self._cursor.index
        self._cursor.move(delta, self._row_count())
        if self._cursor.index != before:
            self.refresh_lines()
        self._cursor_moved()


def _shows_blank(style: Style | None) -> bool:
    """Whether blank cells in ``style`` look different from the background's."""
    return style is not None and bool(style.reverse or style.underline or style.strike or style.overline)


def _merge_blank_runs(segments: Iterable[Segment]) -> list[Segment]:
    """Fewer segments, the same picture: blanks join the neighbouring segment
    when only their (invisible) text colour differs.  Every segment costs a
    full colour escape sequence on the terminal.
    """
    merged: list[Segment] = []
    for segment in segments:
        text, style, control = segment
        if merged and control is None and merged[-1].control is None:
            previous = merged[-1]
            previous_style = previous.style
            same_look = style == previous_style
            if (
                not same_look
                and style is not None
                and previous_style is not None
                and style.bgcolor == previous_style.bgcolor
            ):
                if not text.strip(" ") and not _shows_blank(style):
                    same_look = True  # blank cells: keep the previous style
                elif not previous.text.strip(" ") and not _shows_blank(previous_style):
                    merged[-1] = Segment(previous.text + text, style)
                    continue
            if same_look:
                merged[-1] = Segment(previous.text + text, previous_style)
                continue
        merged.append(segment)
    return merged


def _line_regions(rows: list[int], width: int) -> list[Region]:
    """Regions covering ``rows`` (sorted), merging consecutive rows."""
    regions: list[Region] = []
    start = previous = rows[0]
    for row in rows[1:]:
        if row != previous + 1:
            regions.append(Region(0, start, width, previous - start + 1))
            start = row
        previous = row
    regions.append(Region(0, start, width, previous - start + 1))
    return regions

"""The status bar: one line about the connection, the budget and data ages.

Left: a DEMO badge in demo mode, the profile and the base URL (shortened to
fit).  Right: connection state, round-trip latency, clock offset, used
request weight against the limit (coloured as it nears the budget) and the
age of each pane's data (stale ones in ``$stale``).  When the line is too
narrow the URL is shortened first, then items are dropped, least important
first: pane ages, clock offset, latency, URL, profile, weight.  The DEMO
badge and the connection state always stay.

Everything arrives through :meth:`StatusBar.update_status`; a change of the
age numbers alone is repainted at most once a second (a pane turning stale,
or an age appearing, at once).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import tzinfo
from enum import Enum
from typing import Any, ClassVar, Literal

import msgspec
from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from jextui.ui.format import format_age, format_clock, format_latency, format_offset

__all__ = ["StatusBar", "StatusInfo", "ConnectionState", "KEEP", "shorten_url"]

ConnectionState = Literal["connecting", "online", "degraded", "offline", "rate-limited", "banned"]


class _Keep(Enum):
    KEEP = "keep"


KEEP = _Keep.KEEP
"""Default of every :meth:`StatusBar.update_status` parameter: leave as is."""

DEFAULT_BUDGET_SHARE_PERCENT = 80
_DETAIL_MAX = 40  # longer connection details are cut (the feed may send a sentence)


class StatusInfo(msgspec.Struct, frozen=True):
    """Everything the status bar shows (``None``: not known yet)."""

    profile: str | None = None
    base_url: str | None = None
    demo: bool = False
    connection: ConnectionState = "connecting"
    connection_detail: str | None = None
    retry_until_ms: int | None = None
    latency_ms: int | None = None
    clock_offset_ms: int | None = None
    used_weight: int | None = None
    weight_limit: int | None = None
    weight_budget: int | None = None
    refresh_slowed: bool = False  # the feed refreshes less often than asked, to stay within the weight budget
    pane_ages: Mapping[str, tuple[int | None, bool]] = msgspec.field(default_factory=dict)
    streams: str | None = None  # "live", "reconnecting" or "polling"; None: streams off


def shorten_url(url: str, width: int) -> str:
    """``url`` without its scheme and trailing slash, cut in the middle to ``width``."""
    short = url.split("://", 1)[-1].rstrip("/")
    if len(short) <= width:
        return short
    if width <= 1:
        return "…"[:width]
    head = (width - 1) // 2 + (width - 1) % 2
    tail = width - 1 - head
    return f"{short[:head]}…{short[len(short) - tail :]}" if tail else f"{short[:head]}…"


class _Item(msgspec.Struct):
    text: Text
    drop_rank: int  # dropped in descending rank when the line is too long; 0 never


def _same_labels(new: Mapping[str, tuple[int | None, bool]], old: Mapping[str, tuple[int | None, bool]]) -> bool:
    """The same panes, each just as stale and just as (un)known: only age numbers differ."""
    if list(new) != list(old):
        return False
    return all((new[k][0] is None) == (old[k][0] is None) and new[k][1] == old[k][1] for k in new)


class StatusBar(Widget):
    """One line of connection, budget and freshness information."""

    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        width: 1fr;
        background: $panel;
        color: $foreground;
    }
    StatusBar > .status--demo { background: $warning; color: $background; text-style: bold; }
    StatusBar > .status--profile { color: $foreground; text-style: bold; }
    StatusBar > .status--muted { color: $foreground-muted; }
    StatusBar > .status--online { color: $success; }
    StatusBar > .status--degraded { color: $warning; }
    StatusBar > .status--offline { color: $error; text-style: bold; }
    StatusBar > .status--limited { color: $error; text-style: bold reverse; }
    StatusBar > .status--weight-ok { color: $foreground-muted; }
    StatusBar > .status--weight-near { color: $warning; }
    StatusBar > .status--weight-over { color: $error; text-style: bold; }
    StatusBar > .status--stale { color: $stale; text-style: bold; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "status--demo",
        "status--profile",
        "status--muted",
        "status--online",
        "status--degraded",
        "status--offline",
        "status--limited",
        "status--weight-ok",
        "status--weight-near",
        "status--weight-over",
        "status--stale",
    }
    AGE_REPAINT_INTERVAL_S: ClassVar[float] = 1.0

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
        self._info = StatusInfo()
        self._last_age_paint = float("-inf")

    @property
    def info(self) -> StatusInfo:
        return self._info

    def update_status(
        self,
        *,
        profile: str | _Keep | None = KEEP,
        base_url: str | _Keep | None = KEEP,
        demo: bool | _Keep = KEEP,
        connection: ConnectionState | _Keep = KEEP,
        connection_detail: str | _Keep | None = KEEP,
        retry_until_ms: int | _Keep | None = KEEP,
        latency_ms: int | _Keep | None = KEEP,
        clock_offset_ms: int | _Keep | None = KEEP,
        used_weight: int | _Keep | None = KEEP,
        weight_limit: int | _Keep | None = KEEP,
        weight_budget: int | _Keep | None = KEEP,
        pane_ages: Mapping[str, tuple[int | None, bool]] | _Keep = KEEP,
        streams: str | _Keep | None = KEEP,
        refresh_slowed: bool | _Keep = KEEP,
    ) -> None:
        """Change what the bar shows; parameters left out keep their value.

        - ``profile``, ``base_url``: the profile name and its API base URL.
        - ``demo``: show the DEMO badge (running on the built-in sandbox).
        - ``connection``: "connecting", "online", "degraded", "offline",
          "rate-limited" or "banned"; ``connection_detail`` a few words why
          (e.g. "3 timeouts"); ``retry_until_ms`` (epoch ms) when requests
          resume after a 429 / 418.
        - ``latency_ms``: last round-trip time; ``clock_offset_ms``: server
          time minus local time.
        - ``used_weight`` / ``weight_limit``: X-MBX-USED-WEIGHT-1M against the
          per-minute limit; ``weight_budget`` the scheduler's share of it
          (default 80 % of the limit) — the figure turns ``$warning`` from
          75 % of the budget and ``$error`` at the budget.
        - ``refresh_slowed``: the feed refreshes less often than its periods ask,
          to stay within the weight budget (shown as "refresh slowed").
        - ``pane_ages``: label → (age in ms or None, stale), in display order,
          e.g. ``{"book": (400, False), "trades": (14_000, True)}``.
        - ``streams``: where the live data comes from, "live" (the streams),
          "reconnecting" or "polling" (REST while a stream is away); None
          (streams off) shows nothing.
        """
        changes: dict[str, Any] = {
            name: value
            for name, value in {
                "profile": profile,
                "base_url": base_url,
                "demo": demo,
                "connection": connection,
                "connection_detail": connection_detail,
                "retry_until_ms": retry_until_ms,
                "latency_ms": latency_ms,
                "clock_offset_ms": clock_offset_ms,
                "used_weight": used_weight,
                "weight_limit": weight_limit,
                "weight_budget": weight_budget,
                "pane_ages": pane_ages,
                "streams": streams,
                "refresh_slowed": refresh_slowed,
            }.items()
            if value is not KEEP
        }
        if "pane_ages" in changes:
            changes["pane_ages"] = dict(changes["pane_ages"])
        updated = msgspec.structs.replace(self._info, **changes)
        if updated == self._info:
            return
        only_ages = msgspec.structs.replace(updated, pane_ages=self._info.pane_ages) == self._info and _same_labels(
            updated.pane_ages, self._info.pane_ages
        )
        self._info = updated
        now = time.monotonic()
        if only_ages and now - self._last_age_paint < self.AGE_REPAINT_INTERVAL_S:
            return
        self._last_age_paint = now
        self.refresh()

    def plain_text(self) -> str:
        """The bar's text as a reader sees it at the current width."""
        return self._line(self.size.width).plain

    # --- drawing --------------------------------------------------------------------

    def render(self) -> Text:
        return self._line(self.size.width)

    def _style(self, component: str) -> Style:
        return self.get_component_rich_style(component)

    def _line(self, width: int) -> Text:
        if width <= 0:
            return Text("")
        left = self._left_items()
        right = self._right_items()
        url = self._info.base_url
        url_index = next((i for i, item in enumerate(left) if item.drop_rank == 4), None)
        while self._length(left, right) > width:
            if url is not None and url_index is not None and left[url_index].text.cell_len > 12:
                room = left[url_index].text.cell_len - (self._length(left, right) - width)
                left[url_index].text = Text(shorten_url(url, max(12, room)), style=self._style("status--muted"))
                continue
            droppable = [item for item in left + right if item.drop_rank > 0]
            if not droppable:
                break
            victim = max(droppable, key=lambda item: item.drop_rank)
            if victim in left:
                left.remove(victim)
            else:
                right.remove(victim)
            if victim.drop_rank == 4:
                url_index = None
        return self._join(left, right, width)

    @staticmethod
    def _length(left: list[_Item], right: list[_Item]) -> int:
        items = left + right
        return sum(item.text.cell_len for item in items) + max(0, len(items) - 1) + 2

    def _join(self, left: list[_Item], right: list[_Item], width: int) -> Text:
        left_text = Text(" ", end="").join(item.text for item in left)
        right_text = Text(" ", end="").join(item.text for item in right)
        line = Text(" ", no_wrap=True, end="")
        line.append_text(left_text)
        gap = width - 2 - left_text.cell_len - right_text.cell_len
        line.append(" " * max(1, gap))
        line.append_text(right_text)
        line.truncate(width, overflow="ellipsis")
        return line

    def _left_items(self) -> list[_Item]:
        info = self._info
        items: list[_Item] = []
        if info.demo:
            items.append(_Item(Text(" DEMO ", style=self._style("status--demo")), 0))
        if info.profile:
            items.append(_Item(Text(info.profile, style=self._style("status--profile")), 3))
        if info.base_url:
            items.append(_Item(Text(shorten_url(info.base_url, 200), style=self._style("status--muted")), 4))
        return items

    def _right_items(self) -> list[_Item]:
        info = self._info
        items = [_Item(self._connection_text(), 0)]
        if info.latency_ms is not None:
            items.append(_Item(Text(format_latency(info.latency_ms), style=self._style("status--muted")), 5))
        if info.clock_offset_ms is not None:
            items.append(_Item(Text(f"Δ{format_offset(info.clock_offset_ms)}", style=self._style("status--muted")), 6))
        if info.streams is not None:
            component = "status--muted" if info.streams == "live" else "status--degraded"
            items.append(_Item(Text(f"streams: {info.streams}", style=self._style(component)), 3))
        if info.used_weight is not None and info.weight_limit:
            items.append(_Item(self._weight_text(info.used_weight, info.weight_limit, info.weight_budget), 2))
        if info.refresh_slowed:
            items.append(_Item(Text("refresh slowed", style=self._style("status--weight-near")), 2))
        ages = self._ages_text()
        if ages is not None:
            items.append(_Item(ages, 7))
        return items

    def _connection_text(self) -> Text:
        info = self._info
        state = info.connection
        if state in ("rate-limited", "banned"):
            label = "RATE LIMITED" if state == "rate-limited" else "BANNED"
            if info.retry_until_ms is not None:
                label += f" until {format_clock(info.retry_until_ms, self.time_zone)}"
            return Text(f" {label} ", style=self._style("status--limited"))
        marks = {"online": "●", "degraded": "◐", "offline": "○", "connecting": "…"}
        components = {
            "online": "status--online",
            "degraded": "status--degraded",
            "offline": "status--offline",
            "connecting": "status--muted",
        }
        label = f"{marks[state]} {state}"
        if info.connection_detail and state != "online":
            detail = info.connection_detail
            if len(detail) > _DETAIL_MAX:
                detail = detail[: _DETAIL_MAX - 1].rstrip() + "…"
            label += f": {detail}"
        return Text(label, style=self._style(components[state]))

    def _weight_text(self, used: int, limit: int, budget: int | None) -> Text:
        budget = budget if budget else limit * DEFAULT_BUDGET_SHARE_PERCENT // 100
        if used >= budget:
            component = "status--weight-over"
        elif used * 4 >= budget * 3:
            component = "status--weight-near"
        else:
            component = "status--weight-ok"
        return Text(f"w {used}/{limit}", style=self._style(component))

    def _ages_text(self) -> Text | None:
        ages = self._info.pane_ages
        if not ages:
            return None
        text = Text(end="")
        for position, (label, (age_ms, stale)) in enumerate(ages.items()):
            if position:
                text.append(" ")
            age = "—" if age_ms is None else format_age(age_ms)
            style = self._style("status--stale") if stale else self._style("status--muted")
            text.append(f"{label} {age}" + ("!" if stale else ""), style=style)
        return text

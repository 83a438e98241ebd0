"""The help screen: every key binding of the console, from the keymap table.

Keys that work everywhere come first, grouped (general, symbols, market,
trading, account), then the keys each pane adds while it has focus.  Scroll
with the arrows / page keys; escape, q or ? closes it.
"""

from __future__ import annotations

from collections import defaultdict
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from jextui.ui.keymap import KEYMAP, SCOPE_TITLES, KeySpec, key_label

__all__ = ["HelpScreen", "help_renderable", "help_rows"]


def help_rows() -> list[tuple[str, str, str]]:
    """(section, keys, what they do) for every binding, in display order."""
    rows: list[tuple[str, str, str]] = []
    groups: dict[str, list[KeySpec]] = defaultdict(list)
    for spec in KEYMAP:
        if spec.scope == "app":
            groups[spec.group].append(spec)
    for group, specs in groups.items():
        digits = [spec for spec in specs if spec.keys.isdigit()]
        for spec in specs:
            if spec in digits[1:]:
                continue
            if spec is (digits[0] if digits else None):
                rows.append((group, "1 … 9", "Make watchlist symbol 1 … 9 active"))
                continue
            rows.append((group, key_label(spec.keys), spec.help))
    for scope, title in SCOPE_TITLES.items():
        if scope == "app":
            continue
        for spec in KEYMAP:
            if spec.scope == scope:
                rows.append((title, key_label(spec.keys), spec.help))
    return rows


def help_renderable(width: int) -> RenderableType:
    """The help text as two-column tables, one per section."""
    sections: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for section, keys, text in help_rows():
        sections[section].append((keys, text))
    key_width = max(len(keys) for _, keys, _ in help_rows())
    parts: list[RenderableType] = []
    for section, rows in sections.items():
        parts.append(Text(section, style="bold underline"))
        table = Table.grid(padding=(0, 2))
        table.add_column(width=key_width, style="bold")
        table.add_column(ratio=1)
        for keys, text in rows:
            table.add_row(keys, text)
        parts.append(table)
        parts.append(Text(""))
    return Group(*parts)


class HelpScreen(ModalScreen[None]):
    """Every binding, grouped by where it works."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90%; max-width: 100; height: 90%;
        border: round $accent; border-title-color: $accent; background: $surface;
        padding: 0 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close", show=True),
    ]

    def compose(self) -> ComposeResult:
        scroll = VerticalScroll(Static(help_renderable(96), id="help-text"), id="help-scroll")
        scroll.border_title = "Keys — esc closes"
        yield scroll

    def on_mount(self) -> None:
        self.query_one("#help-scroll").focus()

    def action_close(self) -> None:
        self.dismiss(None)

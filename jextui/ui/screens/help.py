"""The help screen: every key binding of the console, from the keymap table.

Keys that work everywhere come first, grouped (general, symbols, market,
trading, account), then the keys each pane adds while it has focus and the
keys of the ticket, the account screens and the dialogs.  Keys remapped in
the config file's ``[keys]`` table are shown as they are bound.  Scroll
with the arrows / page keys; escape, q or ? closes it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from jextui.ui.keymap import KEYMAP, SCOPE_TITLES, KeySpec, bindings_for, key_label, keys_label, keys_of

__all__ = ["HelpScreen", "help_renderable", "help_rows"]


def help_rows(remapped: Mapping[str, str] | None = None) -> list[tuple[str, str, str]]:
    """(section, keys, what they do) for every binding, in display order.

    ``remapped`` (action id -> keys) is the config file's ``[keys]``: each row shows the
    keys the action is bound to now.
    """
    rows: list[tuple[str, str, str]] = []
    groups: dict[str, list[KeySpec]] = defaultdict(list)
    for spec in KEYMAP:
        if spec.scope == "app":
            groups[spec.group].append(spec)
    for group, specs in groups.items():
        jumps = [spec for spec in specs if spec.action.startswith("jump(")]
        # the nine jump keys share one row while they are 1 ... 9
        jumps_default = bool(jumps) and all(keys_of(spec, remapped) == spec.keys for spec in jumps)
        for spec in specs:
            if jumps_default and spec in jumps:
                if spec is jumps[0]:
                    rows.append((group, "1 … 9", "Make watchlist symbol 1 … 9 active"))
                continue
            rows.append((group, key_label(keys_of(spec, remapped)), spec.help))
    for scope, title in SCOPE_TITLES.items():
        if scope == "app":
            continue
        for spec in KEYMAP:
            if spec.scope == scope:
                rows.append((title, key_label(keys_of(spec, remapped)), spec.help))
    return rows


def help_renderable(width: int, remapped: Mapping[str, str] | None = None) -> RenderableType:
    """The help text as two-column tables, one per section."""
    sections: dict[str, list[tuple[str, str]]] = defaultdict(list)
    rows = help_rows(remapped)
    for section, keys, text in rows:
        sections[section].append((keys, text))
    key_width = max(len(keys) for _, keys, _ in rows)
    parts: list[RenderableType] = []
    for section, section_rows in sections.items():
        parts.append(Text(section, style="bold underline"))
        table = Table.grid(padding=(0, 2))
        table.add_column(width=key_width, style="bold")
        table.add_column(ratio=1)
        for keys, text in section_rows:
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
    BINDINGS: ClassVar[list[BindingType]] = list(bindings_for("help"))

    def compose(self) -> ComposeResult:
        remapped = getattr(getattr(self.app, "user_keys", None), "remapped", None)
        scroll = VerticalScroll(Static(help_renderable(96, remapped), id="help-text"), id="help-scroll")
        close = keys_label("help.close", remapped).split(" ")[0]
        scroll.border_title = f"Keys — {close} closes"
        yield scroll

    def on_mount(self) -> None:
        self.query_one("#help-scroll").focus()

    def action_close(self) -> None:
        self.dismiss(None)

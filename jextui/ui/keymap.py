"""Every key of the console, in one table.

The app's bindings, each pane's bindings, the footer, the help screen and
the command palette are all built from :data:`KEYMAP`, so what the help
screen lists is exactly what is bound.

A :class:`KeySpec` belongs to a *scope*: ``"app"`` keys work everywhere on
the main screen; a pane scope (``"watchlist"``, ``"book"`` ...) holds the
keys that pane binds while it has focus.  ``action`` is the Textual action
the key runs in its scope (an app action for ``"app"``, the pane's own
action otherwise).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from textual.binding import Binding

__all__ = [
    "KeySpec",
    "Scope",
    "KEYMAP",
    "SCOPE_TITLES",
    "ACCOUNT_SCREENS",
    "ACCOUNT_SCREEN_KEYS",
    "bindings_for",
    "specs_for",
    "palette_specs",
    "key_label",
]

Scope = Literal["app", "watchlist", "book", "klines", "balances", "open_orders", "grid", "search", "ticket"]

SCOPE_TITLES: dict[Scope, str] = {
    "app": "Everywhere",
    "watchlist": "Watchlist pane",
    "book": "Order book pane",
    "klines": "Klines pane",
    "balances": "Balances pane",
    "open_orders": "Open orders pane",
    "grid": "Grid view",
    "search": "Symbol search",
    "ticket": "Order ticket (b, s, e)",
}


@dataclass(frozen=True, slots=True)
class KeySpec:
    """One binding: keys (Textual names, comma separated), action and words."""

    keys: str
    action: str
    description: str  # short: the footer and the help screen's first column
    help: str  # a sentence: the help screen and the command palette
    scope: Scope = "app"
    group: str = "General"
    footer: bool = False  # shown in the footer
    palette: bool = True  # offered in the command palette (app scope only)
    priority: bool = False  # wins over the focused widget's own binding

    def binding(self) -> Binding:
        return Binding(
            self.keys,
            self.action,
            self.description,
            show=self.footer,
            priority=self.priority,
            tooltip=self.help,
        )


#: The account screens (:mod:`jextui.ui.screens.account`) by name, with their titles;
#: the trading controller opens them (``TradingController.open_account_screen``).
ACCOUNT_SCREENS: dict[str, str] = {
    "history": "Order history",
    "market_trades": "Market trade history",
    "assets": "Asset details",
    "deposit_address": "Deposit address",
    "deposits": "Deposit history",
    "withdrawals": "Withdraw history",
    "fees": "Trade fees",
}
#: The account screens' keys, by screen name.
ACCOUNT_SCREEN_KEYS: dict[str, str] = {
    "history": "H",
    "market_trades": "M",
    "assets": "A",
    "deposit_address": "D",
    "deposits": "I",
    "withdrawals": "W",
    "fees": "F",
}


def _account_specs() -> list[KeySpec]:
    return [
        KeySpec(
            ACCOUNT_SCREEN_KEYS[name],
            f"account_screen('{name}')",
            title,
            f"Open the {title.lower()} screen",
            group="Account",
        )
        for name, title in ACCOUNT_SCREENS.items()
    ]


KEYMAP: tuple[KeySpec, ...] = (
    # --- general ------------------------------------------------------------
    KeySpec("q", "request_quit", "Quit", "Quit (asks first while an order is being sent)", footer=True),
    KeySpec("ctrl+c,ctrl+q", "quit_anywhere", "Quit", "Quit from any screen, as q does (asks first while an "
            "order is being sent or a ticket is open)", palette=False, priority=True),
    KeySpec("question_mark", "help", "Help", "Show every key binding", footer=True),
    KeySpec("ctrl+p", "command_palette", "Palette", "Command palette: symbols, themes, screens, actions",
            palette=False),
    KeySpec("tab", "focus_pane(1)", "Next pane", "Move the focus to the next pane", palette=False, priority=True),
    KeySpec("shift+tab", "focus_pane(-1)", "Previous pane", "Move the focus to the previous pane", palette=False,
            priority=True),
    KeySpec("g", "toggle_grid", "Grid", "Grid view: one tile per watched symbol (press again to go back)",
            footer=True),
    # --- symbols ------------------------------------------------------------
    KeySpec("slash", "search", "Search", "Search every symbol of the exchange; Enter makes it active",
            group="Symbols", footer=True),
    KeySpec("a", "add_symbol", "Add symbol", "Add a symbol to the watchlist (search)", group="Symbols"),
    KeySpec("x", "remove_symbol", "Remove symbol", "Remove the highlighted symbol from the watchlist",
            group="Symbols"),
    *(
        KeySpec(str(n), f"jump({n})", f"Symbol {n}", f"Make watchlist symbol {n} active", group="Symbols",
                palette=False)
        for n in range(1, 10)
    ),
    # --- market -------------------------------------------------------------
    KeySpec("left_square_bracket", "interval(-1)", "Shorter interval", "Previous (shorter) kline interval",
            group="Market"),
    KeySpec("right_square_bracket", "interval(1)", "Longer interval", "Next (longer) kline interval",
            group="Market"),
    KeySpec("v", "toggle_chart", "Candles/line", "Switch the klines chart between line and candlesticks",
            group="Market"),
    # --- trading ------------------------------------------------------------
    KeySpec("b", "buy", "Buy", "Open a buy ticket for the active symbol", group="Trading", footer=True),
    KeySpec("s", "sell", "Sell", "Open a sell ticket for the active symbol", group="Trading", footer=True),
    KeySpec("c", "cancel_order", "Cancel",
            "Cancel the selected order at once in the focused open-orders pane; elsewhere ask first, "
            "offering the newest order", group="Trading"),
    KeySpec("e", "amend_order", "Amend",
            "Amend the selected order: a ticket with its side, remaining quantity and price; Enter replaces it",
            group="Trading"),
    KeySpec("C", "cancel_all", "Cancel all",
            "Cancel open orders: asks which (the active symbol's, or every one on the account), then confirms",
            group="Trading"),
    KeySpec("o", "orders_scope", "Orders: all/this",
            "Open orders pane: every open order on the account, or the active symbol's only", group="Trading"),
    KeySpec("p", "privacy", "Privacy", "Hide or show every balance and amount (screen sharing)", group="Trading"),
    *_account_specs(),
    # --- panes (bound by the pane while it has focus) ----------------------
    KeySpec("up,k", "cursor_up", "Up", "Move the cursor up", scope="watchlist"),
    KeySpec("down,j", "cursor_down", "Down", "Move the cursor down", scope="watchlist"),
    KeySpec("home", "cursor_first", "First", "First symbol", scope="watchlist"),
    KeySpec("end,G", "cursor_last", "Last", "Last symbol", scope="watchlist"),
    KeySpec("enter", "activate", "Activate", "Make the highlighted symbol active", scope="watchlist"),
    KeySpec("up,k", "cursor_up", "Level up", "Select the level above", scope="book"),
    KeySpec("down,j", "cursor_down", "Level down", "Select the level below", scope="book"),
    KeySpec("enter", "select_level", "Use level", "Use the selected level's price in the next ticket",
            scope="book"),
    KeySpec("escape", "clear_selection", "Clear level", "Forget the selected level", scope="book"),
    KeySpec("v", "toggle_mode", "Candles/line", "Switch between line and candlesticks", scope="klines"),
    KeySpec("right,l", "next_kind", "Next account", "Spot → contract → option balances", scope="balances"),
    KeySpec("left,h", "previous_kind", "Previous account", "Option → contract → spot balances",
            scope="balances"),
    KeySpec("z", "toggle_zero", "Zero balances", "Show or hide zero balances", scope="balances"),
    KeySpec("down,j", "scroll_down", "Down", "Scroll down", scope="balances"),
    KeySpec("up,k", "scroll_up", "Up", "Scroll up", scope="balances"),
    KeySpec("up,k", "cursor_up", "Up", "Move the cursor up", scope="open_orders"),
    KeySpec("down,j", "cursor_down", "Down", "Move the cursor down", scope="open_orders"),
    KeySpec("home", "cursor_first", "First", "Newest order", scope="open_orders"),
    KeySpec("end,G", "cursor_last", "Last", "Oldest order", scope="open_orders"),
    KeySpec("enter", "activate", "Order detail", "Show the highlighted order's detail", scope="open_orders"),
    KeySpec("left,h", "move(-1)", "Left", "Previous tile", scope="grid"),
    KeySpec("right,l", "move(1)", "Right", "Next tile", scope="grid"),
    KeySpec("up,k", "move_row(-1)", "Up", "Tile above", scope="grid"),
    KeySpec("down,j", "move_row(1)", "Down", "Tile below", scope="grid"),
    KeySpec("enter", "activate", "Activate", "Make the tile's symbol active (back to the main view)",
            scope="grid"),
    KeySpec("enter", "choose", "Choose", "Activate the highlighted symbol (or add it, from `a`)", scope="search"),
    KeySpec("ctrl+t", "watch", "Add to watchlist", "Add the highlighted symbol to the watchlist",
            scope="search"),
    KeySpec("up", "cursor(-1)", "Up", "Previous match", scope="search"),
    KeySpec("down", "cursor(1)", "Down", "Next match", scope="search"),
    KeySpec("escape", "dismiss_search", "Close", "Close the search", scope="search"),
    # --- the order ticket (bound by the ticket screen itself; listed here for the help screen) ---
    KeySpec("enter", "send", "Send / replace", "Send the order (an amend ticket replaces its order)",
            scope="ticket"),
    KeySpec("ctrl+t", "test_order", "Test order", "A dry run: order/test, nothing is placed", scope="ticket"),
    KeySpec("up", "nudge(1)", "Up", "One tick up on the price field, one lot step up on the quantity field",
            scope="ticket"),
    KeySpec("down", "nudge(-1)", "Down", "One tick down on the price field, one lot step down on the quantity "
            "field", scope="ticket"),
    KeySpec("alt+1,f1", "size(25)", "25 %", "Quantity: 25 % of what the free balance allows", scope="ticket"),
    KeySpec("alt+2,f2", "size(50)", "50 %", "Quantity: 50 % of what the free balance allows", scope="ticket"),
    KeySpec("alt+3,f3", "size(75)", "75 %", "Quantity: 75 % of what the free balance allows", scope="ticket"),
    KeySpec("alt+4,f4", "size(100)", "100 %", "Quantity: all the free balance allows", scope="ticket"),
    KeySpec("ctrl+o", "toggle_marketable", "Limit/marketable",
            "Switch between a limit order and a capped marketable order (IOC priced from the book)",
            scope="ticket"),
    KeySpec("escape", "close", "Close", "Close the ticket (an order in flight is still followed)", scope="ticket"),
)


def specs_for(scope: Scope) -> list[KeySpec]:
    """The key specs of one scope, in table order."""
    return [spec for spec in KEYMAP if spec.scope == scope]


def bindings_for(scope: Scope) -> list[Binding]:
    """Textual bindings of one scope (a class's ``BINDINGS``)."""
    return [spec.binding() for spec in specs_for(scope)]


def palette_specs() -> Iterator[KeySpec]:
    """App-scope keys the command palette offers as actions."""
    return (spec for spec in KEYMAP if spec.scope == "app" and spec.palette)


_KEY_LABELS = {
    "question_mark": "?",
    "slash": "/",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "shift+tab": "shift+tab",
    "escape": "esc",
}


def key_label(keys: str) -> str:
    """How a spec's keys are written for people: ``"up,k"`` → ``"↑ k"``."""
    arrows = {"up": "↑", "down": "↓", "left": "←", "right": "→"}
    labels = [_KEY_LABELS.get(key, arrows.get(key, key)) for key in keys.split(",")]
    return " ".join(labels)

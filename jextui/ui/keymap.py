"""Every key of the console, in one table.

The app's bindings, each pane's bindings, the footer, the help screen and
the command palette are all built from :data:`KEYMAP`, so what the help
screen lists is exactly what is bound.

A :class:`KeySpec` belongs to a *scope*: ``"app"`` keys work everywhere on
the main screen; a pane scope (``"watchlist"``, ``"book"`` ...) holds the
keys that pane binds while it has focus; the ticket, the account screens,
the order detail, the dialogs and the help each have a scope too.
``action`` is the Textual action the key runs in its scope (an app action for
``"app"``, the pane's or screen's own action otherwise).

Each spec has a stable *action id* (:attr:`KeySpec.action_id`: ``buy``,
``watchlist.up``, ``ticket.send``), which is also its Textual binding id: the
config file's ``[keys]`` table remaps keys by it through Textual's keymap
(:mod:`jextui.ui.keymap_user` checks the table), and ``jextui keys`` lists
them.  Whatever shows keys (help, footer, palette, key lines) asks
:func:`keys_of` / :func:`keys_label` with the remapped table, so it shows the
keys as bound.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Literal

import msgspec
from textual.binding import Binding

__all__ = [
    "KeySpec",
    "Scope",
    "KEYMAP",
    "SCOPE_TITLES",
    "ACCOUNT_SCREENS",
    "ACCOUNT_SCREEN_KEYS",
    "SHARED_SCOPES",
    "TWIN_ACTIONS",
    "bindings_for",
    "specs_for",
    "spec_by_id",
    "keys_of",
    "keys_label",
    "key_names",
    "palette_specs",
    "key_label",
]

Scope = Literal[
    "app",
    "watchlist",
    "book",
    "klines",
    "balances",
    "open_orders",
    "grid",
    "search",
    "ticket",
    "time_in_force",
    "account",
    "account_pages",
    "deposit_address",
    "order_detail",
    "confirm",
    "cancel_scope",
    "quit_dialog",
    "help",
]

SCOPE_TITLES: dict[Scope, str] = {
    "app": "Everywhere",
    "watchlist": "Watchlist pane",
    "book": "Order book pane",
    "klines": "Klines pane",
    "balances": "Balances pane",
    "open_orders": "Open orders pane",
    "grid": "Grid view",
    "search": "Symbol search",
    "ticket": "Order ticket",
    "time_in_force": "Order ticket: time in force field",
    "account": "Account screens",
    "account_pages": "Account screens with pages",
    "deposit_address": "Deposit address screen",
    "order_detail": "Order detail",
    "confirm": "Confirmation dialogs",
    "cancel_scope": "Cancel all: which orders",
    "quit_dialog": "Quit dialog",
    "help": "This help",
}

#: Scopes whose keys are bound on one screen together (a subclass's keys add to its base's),
#: so a key may serve only one action across them.
SHARED_SCOPES: dict[Scope, Scope] = {"account_pages": "account", "deposit_address": "account"}


class KeySpec(msgspec.Struct, frozen=True):
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
    id: str = ""  # the stable action id ([keys] in the config file); "" derives one from scope and action

    @property
    def action_id(self) -> str:
        """The stable id the ``[keys]`` table and ``jextui keys`` use (Textual's binding id)."""
        if self.id:
            return self.id
        name = re.sub(r"[^a-z0-9]+", "_", self.action.lower()).strip("_")
        return name if self.scope == "app" else f"{self.scope}.{name}"

    def binding(self) -> Binding:
        return Binding(
            self.keys,
            self.action,
            self.description,
            show=self.footer,
            priority=self.priority,
            tooltip=self.help,
            id=self.action_id,
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
            id=name,
        )
        for name, title in ACCOUNT_SCREENS.items()
    ]


KEYMAP: tuple[KeySpec, ...] = (
    # --- general ------------------------------------------------------------
    KeySpec("q", "request_quit", "Quit", "Quit (asks first while an order is being sent)", footer=True, id="quit"),
    KeySpec(
        "ctrl+c,ctrl+q",
        "quit_anywhere",
        "Quit",
        "Quit from any screen, as the quit key does (asks first while an order is being sent or a ticket is open)",
        palette=False,
        priority=True,
        id="quit_anywhere",
    ),
    KeySpec("question_mark", "help", "Help", "Show every key binding", footer=True, id="help"),
    KeySpec(
        "ctrl+p",
        "command_palette",
        "Palette",
        "Command palette: symbols, themes, screens, actions",
        palette=False,
        id="command_palette",
    ),
    KeySpec(
        "tab",
        "focus_pane(1)",
        "Next pane",
        "Move the focus to the next pane",
        palette=False,
        priority=True,
        id="next_pane",
    ),
    KeySpec(
        "shift+tab",
        "focus_pane(-1)",
        "Previous pane",
        "Move the focus to the previous pane",
        palette=False,
        priority=True,
        id="previous_pane",
    ),
    KeySpec(
        "g",
        "toggle_grid",
        "Grid",
        "Grid view: one tile per watched symbol (press again to go back)",
        footer=True,
        id="grid",
    ),
    # --- symbols ------------------------------------------------------------
    KeySpec(
        "slash",
        "search",
        "Search",
        "Search every symbol of the exchange; Enter makes it active",
        group="Symbols",
        footer=True,
        id="search",
    ),
    KeySpec(
        "a", "add_symbol", "Add symbol", "Add a symbol to the watchlist (search)", group="Symbols", id="add_symbol"
    ),
    KeySpec(
        "x",
        "remove_symbol",
        "Remove symbol",
        "Remove the highlighted symbol from the watchlist",
        group="Symbols",
        id="remove_symbol",
    ),
    *(
        KeySpec(
            str(n),
            f"jump({n})",
            f"Symbol {n}",
            f"Make watchlist symbol {n} active",
            group="Symbols",
            palette=False,
            id=f"symbol_{n}",
        )
        for n in range(1, 10)
    ),
    # --- market -------------------------------------------------------------
    KeySpec(
        "left_square_bracket",
        "interval(-1)",
        "Shorter interval",
        "Previous (shorter) kline interval",
        group="Market",
        id="shorter_interval",
    ),
    KeySpec(
        "right_square_bracket",
        "interval(1)",
        "Longer interval",
        "Next (longer) kline interval",
        group="Market",
        id="longer_interval",
    ),
    KeySpec(
        "v",
        "toggle_chart",
        "Candles/line",
        "Switch the klines chart between line and candlesticks",
        group="Market",
        id="chart_mode",
    ),
    # --- trading ------------------------------------------------------------
    KeySpec("b", "buy", "Buy", "Open a buy ticket for the active symbol", group="Trading", footer=True, id="buy"),
    KeySpec("s", "sell", "Sell", "Open a sell ticket for the active symbol", group="Trading", footer=True, id="sell"),
    KeySpec(
        "c",
        "cancel_order",
        "Cancel",
        "Cancel the selected order at once in the focused open-orders pane; elsewhere ask first, "
        "offering the newest order",
        group="Trading",
        id="cancel",
    ),
    KeySpec(
        "e",
        "amend_order",
        "Amend",
        "Amend the selected order: a ticket with its side, remaining quantity and price; Enter replaces it",
        group="Trading",
        id="amend",
    ),
    KeySpec(
        "C",
        "cancel_all",
        "Cancel all",
        "Cancel open orders: asks which (the active symbol's, or every one on the account), then confirms",
        group="Trading",
        id="cancel_all",
    ),
    KeySpec(
        "o",
        "orders_scope",
        "Orders: all/this",
        "Open orders pane: every open order on the account, or the active symbol's only",
        group="Trading",
        id="orders_scope",
    ),
    KeySpec(
        "p",
        "privacy",
        "Privacy",
        "Hide or show every balance and amount (screen sharing)",
        group="Trading",
        id="privacy",
    ),
    # --- alerts -------------------------------------------------------------
    KeySpec(
        "exclamation_mark",
        "add_alert",
        "Add alert",
        "Set a price alert on the active symbol (the dialog starts at its last price)",
        group="Alerts",
        id="add_alert",
    ),
    KeySpec(
        "L",
        "alerts",
        "Alerts",
        "The alerts screen: every alert, its state and last firing; change or delete the console's own",
        group="Alerts",
        id="alerts",
    ),
    KeySpec(
        "P",
        "portfolio",
        "Portfolio",
        "Portfolio: value, share, average cost and P&L of every asset",
        group="Account",
        id="portfolio",
    ),
    *_account_specs(),
    # --- panes (bound by the pane while it has focus) ----------------------
    KeySpec("up,k", "cursor_up", "Up", "Move the cursor up", scope="watchlist", id="watchlist.up"),
    KeySpec("down,j", "cursor_down", "Down", "Move the cursor down", scope="watchlist", id="watchlist.down"),
    KeySpec("home", "cursor_first", "First", "First symbol", scope="watchlist", id="watchlist.first"),
    KeySpec("end,G", "cursor_last", "Last", "Last symbol", scope="watchlist", id="watchlist.last"),
    KeySpec(
        "enter",
        "activate",
        "Activate",
        "Make the highlighted symbol active",
        scope="watchlist",
        id="watchlist.activate",
    ),
    KeySpec("up,k", "cursor_up", "Level up", "Select the level above", scope="book", id="book.up"),
    KeySpec("down,j", "cursor_down", "Level down", "Select the level below", scope="book", id="book.down"),
    KeySpec(
        "enter",
        "select_level",
        "Use level",
        "Use the selected level's price in the next ticket",
        scope="book",
        id="book.use_level",
    ),
    KeySpec(
        "escape", "clear_selection", "Clear level", "Forget the selected level", scope="book", id="book.clear_level"
    ),
    KeySpec(
        "v",
        "toggle_mode",
        "Candles/line",
        "Switch between line and candlesticks",
        scope="klines",
        id="klines.chart_mode",
    ),
    KeySpec(
        "right,l",
        "next_kind",
        "Next account",
        "Spot → contract → option balances",
        scope="balances",
        id="balances.next_account",
    ),
    KeySpec(
        "left,h",
        "previous_kind",
        "Previous account",
        "Option → contract → spot balances",
        scope="balances",
        id="balances.previous_account",
    ),
    KeySpec(
        "z", "toggle_zero", "Zero balances", "Show or hide zero balances", scope="balances", id="balances.zero_balances"
    ),
    KeySpec(
        "m",
        "toggle_portfolio",
        "Portfolio mode",
        "Balances ⇄ portfolio: value, share, unrealised P&L",
        scope="balances",
        id="balances.portfolio_mode",
    ),
    KeySpec("down,j", "scroll_down", "Down", "Scroll down", scope="balances", id="balances.down"),
    KeySpec("up,k", "scroll_up", "Up", "Scroll up", scope="balances", id="balances.up"),
    KeySpec("up,k", "cursor_up", "Up", "Move the cursor up", scope="open_orders", id="open_orders.up"),
    KeySpec("down,j", "cursor_down", "Down", "Move the cursor down", scope="open_orders", id="open_orders.down"),
    KeySpec("home", "cursor_first", "First", "Newest order", scope="open_orders", id="open_orders.first"),
    KeySpec("end,G", "cursor_last", "Last", "Oldest order", scope="open_orders", id="open_orders.last"),
    KeySpec(
        "enter",
        "activate",
        "Order detail",
        "Show the highlighted order's detail",
        scope="open_orders",
        id="open_orders.detail",
    ),
    KeySpec("left,h", "move(-1)", "Left", "Previous tile", scope="grid", id="grid.left"),
    KeySpec("right,l", "move(1)", "Right", "Next tile", scope="grid", id="grid.right"),
    KeySpec("up,k", "move_row(-1)", "Up", "Tile above", scope="grid", id="grid.up"),
    KeySpec("down,j", "move_row(1)", "Down", "Tile below", scope="grid", id="grid.down"),
    KeySpec(
        "enter",
        "activate",
        "Activate",
        "Make the tile's symbol active (back to the main view)",
        scope="grid",
        id="grid.activate",
    ),
    KeySpec(
        "enter",
        "choose",
        "Choose",
        "Activate the highlighted symbol (or add it, from `a`)",
        scope="search",
        id="search.choose",
    ),
    KeySpec(
        "ctrl+t",
        "watch",
        "Add to watchlist",
        "Add the highlighted symbol to the watchlist",
        scope="search",
        id="search.watch",
    ),
    KeySpec("up", "cursor(-1)", "Up", "Previous match", scope="search", id="search.up"),
    KeySpec("down", "cursor(1)", "Down", "Next match", scope="search", id="search.down"),
    KeySpec("escape", "dismiss_search", "Close", "Close the search", scope="search", id="search.close"),
    # --- the order ticket (bound by the ticket screen itself; listed here for the help screen) ---
    KeySpec(
        "enter",
        "send",
        "Send / replace",
        "Send the order (an amend ticket replaces its order)",
        scope="ticket",
        id="ticket.send",
    ),
    KeySpec(
        "ctrl+t",
        "test_order",
        "Test order",
        "A dry run: order/test, nothing is placed",
        scope="ticket",
        id="ticket.test_order",
    ),
    KeySpec(
        "up",
        "nudge(1)",
        "Up",
        "One tick up on the price field, one lot step up on the quantity field",
        scope="ticket",
        id="ticket.up",
    ),
    KeySpec(
        "down",
        "nudge(-1)",
        "Down",
        "One tick down on the price field, one lot step down on the quantity field",
        scope="ticket",
        id="ticket.down",
    ),
    KeySpec(
        "alt+1,f1",
        "size(25)",
        "25 %",
        "Quantity: 25 % of what the free balance allows",
        scope="ticket",
        id="ticket.size_25",
    ),
    KeySpec(
        "alt+2,f2",
        "size(50)",
        "50 %",
        "Quantity: 50 % of what the free balance allows",
        scope="ticket",
        id="ticket.size_50",
    ),
    KeySpec(
        "alt+3,f3",
        "size(75)",
        "75 %",
        "Quantity: 75 % of what the free balance allows",
        scope="ticket",
        id="ticket.size_75",
    ),
    KeySpec(
        "alt+4,f4", "size(100)", "100 %", "Quantity: all the free balance allows", scope="ticket", id="ticket.size_100"
    ),
    KeySpec(
        "ctrl+o",
        "toggle_marketable",
        "Limit/marketable",
        "Switch between a limit order and a capped marketable order (IOC priced from the book)",
        scope="ticket",
        id="ticket.marketable",
    ),
    KeySpec(
        "escape",
        "close",
        "Close",
        "Close the ticket (an order in flight is still followed)",
        scope="ticket",
        footer=True,
        id="ticket.close",
    ),
    KeySpec("tab", "next_field(1)", "Next field", "Next field", scope="ticket", priority=True, id="ticket.next_field"),
    KeySpec(
        "shift+tab",
        "next_field(-1)",
        "Previous field",
        "Previous field",
        scope="ticket",
        priority=True,
        id="ticket.previous_field",
    ),
    KeySpec(
        "left", "move(-1)", "Previous", "Previous time in force", scope="time_in_force", id="time_in_force.previous"
    ),
    KeySpec("right,space", "move(1)", "Next", "Next time in force", scope="time_in_force", id="time_in_force.next"),
    KeySpec("g", "choose('GTC')", "GTC", "Good till cancelled", scope="time_in_force", id="time_in_force.gtc"),
    KeySpec("i", "choose('IOC')", "IOC", "Immediate or cancel", scope="time_in_force", id="time_in_force.ioc"),
    KeySpec("f", "choose('FOK')", "FOK", "Fill or kill", scope="time_in_force", id="time_in_force.fok"),
    # --- the account screens, the order detail and the dialogs (bound by each screen) ---
    KeySpec("escape,q", "close", "Close", "Close the screen", scope="account", footer=True, id="account.close"),
    KeySpec("r", "reload", "Reload", "Load the screen's data again", scope="account", footer=True, id="account.reload"),
    KeySpec("p", "privacy", "Privacy", "Hide or show every amount", scope="account", footer=True, id="account.privacy"),
    KeySpec(
        "right,right_square_bracket,pagedown",
        "older",
        "Older page",
        "The next, older page of records",
        scope="account_pages",
        footer=True,
        id="account_pages.older",
    ),
    KeySpec(
        "left,left_square_bracket,pageup",
        "newer",
        "Newer page",
        "The previous, newer page of records",
        scope="account_pages",
        footer=True,
        id="account_pages.newer",
    ),
    KeySpec("home", "newest", "Newest", "Back to the newest records", scope="account_pages", id="account_pages.newest"),
    KeySpec(
        "y",
        "copy_address",
        "Copy address",
        "Copy the deposit address to the clipboard",
        scope="deposit_address",
        footer=True,
        id="deposit_address.copy",
    ),
    KeySpec(
        "escape,q",
        "close",
        "Close",
        "Close the order's detail",
        scope="order_detail",
        footer=True,
        id="order_detail.close",
    ),
    KeySpec(
        "r",
        "reload",
        "Read again",
        "Read the order from the exchange again",
        scope="order_detail",
        footer=True,
        id="order_detail.reload",
    ),
    KeySpec(
        "c",
        "cancel_order",
        "Cancel order",
        "Cancel this order",
        scope="order_detail",
        footer=True,
        id="order_detail.cancel",
    ),
    KeySpec(
        "e",
        "amend_order",
        "Amend",
        "Amend this order: a ticket with its side, remaining quantity and price",
        scope="order_detail",
        footer=True,
        id="order_detail.amend",
    ),
    KeySpec(
        "p",
        "privacy",
        "Privacy",
        "Hide or show every amount",
        scope="order_detail",
        footer=True,
        id="order_detail.privacy",
    ),
    KeySpec("y", "yes", "Yes", "Confirm (order confirmations also take Enter)", scope="confirm", id="confirm.yes"),
    KeySpec("n,escape", "no", "No", "Back: nothing is done", scope="confirm", id="confirm.no"),
    KeySpec(
        "s",
        "symbol",
        "This symbol",
        "Cancel the active symbol's open orders (then confirm)",
        scope="cancel_scope",
        id="cancel_scope.symbol",
    ),
    KeySpec(
        "a",
        "account",
        "Whole account",
        "Cancel every open order on the account (then confirm)",
        scope="cancel_scope",
        id="cancel_scope.account",
    ),
    KeySpec("n,escape", "neither", "Neither", "Cancel nothing", scope="cancel_scope", id="cancel_scope.none"),
    KeySpec("y,q", "answer(True)", "Quit", "Quit anyway", scope="quit_dialog", footer=True, id="quit_dialog.yes"),
    KeySpec(
        "n,escape",
        "answer(False)",
        "Stay",
        "Stay in the console",
        scope="quit_dialog",
        footer=True,
        id="quit_dialog.no",
    ),
    KeySpec("escape,q,question_mark", "close", "Close", "Close the help", scope="help", footer=True, id="help.close"),
)


def specs_for(scope: Scope) -> list[KeySpec]:
    """The key specs of one scope, in table order."""
    return [spec for spec in KEYMAP if spec.scope == scope]


def bindings_for(scope: Scope) -> list[Binding]:
    """Textual bindings of one scope (a class's ``BINDINGS``); each carries its action id."""
    return [spec.binding() for spec in specs_for(scope)]


def spec_by_id(action_id: str) -> KeySpec:
    """The spec of one action id (``KeyError`` if there is none)."""
    for spec in KEYMAP:
        if spec.action_id == action_id:
            return spec
    raise KeyError(action_id)


def palette_specs() -> Iterator[KeySpec]:
    """App-scope keys the command palette offers as actions."""
    return (spec for spec in KEYMAP if spec.scope == "app" and spec.palette)


#: Two app actions that do the same thing on different keys: ``quit`` (q, only where q
#: types nothing) and ``quit_anywhere`` (ctrl+c / ctrl+q, from any screen).  Sharing a
#: key is no conflict between them.
TWIN_ACTIONS: frozenset[frozenset[str]] = frozenset({frozenset({"quit", "quit_anywhere"})})


def keys_of(spec: KeySpec, remapped: Mapping[str, str] | None = None) -> str:
    """The keys a spec is bound to: the user's (``remapped``, by action id) or the default."""
    if remapped:
        return remapped.get(spec.action_id, spec.keys)
    return spec.keys


def keys_label(action_id: str, remapped: Mapping[str, str] | None = None) -> str:
    """The keys of one action id as people read them (``"?"``, ``"↑ k"``)."""
    return key_label(keys_of(spec_by_id(action_id), remapped))


def key_names(action_id: str, remapped: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The Textual key names one action id is bound to."""
    return tuple(keys_of(spec_by_id(action_id), remapped).split(","))


_KEY_LABELS = {
    "question_mark": "?",
    "slash": "/",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "shift+tab": "shift+tab",
    "escape": "esc",
    "exclamation_mark": "!",
}


def key_label(keys: str) -> str:
    """How a spec's keys are written for people: ``"up,k"`` → ``"↑ k"``."""
    arrows = {"up": "↑", "down": "↓", "left": "←", "right": "→"}
    labels = [_KEY_LABELS.get(key, arrows.get(key, key)) for key in keys.split(",")]
    return " ".join(labels)

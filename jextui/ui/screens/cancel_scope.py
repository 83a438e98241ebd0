"""`C`: which open orders to cancel — the active symbol's, or every one on the account."""

from __future__ import annotations

from typing import Literal

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from jextui.ui.keymap import key_names

__all__ = ["CancelScope", "CancelScopeScreen"]

CancelScope = Literal["symbol", "account"]
_KEY_NAMES = {"escape": "Esc"}


class CancelScopeScreen(ModalScreen["CancelScope | None"]):
    """``s``: the active symbol's orders; ``a``: every open order on the account; n / Esc: neither."""

    DEFAULT_CSS = """
    CancelScopeScreen { align: center middle; background: $background 50%; }
    CancelScopeScreen > #scope-dialog {
        width: 72;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: heavy $warning;
        border-title-style: bold;
        padding: 0 1;
        background: $surface;
    }
    CancelScopeScreen #scope-body { height: auto; }
    CancelScopeScreen #scope-keys { height: auto; margin-top: 1; color: $foreground-muted; }
    """

    def __init__(self, symbol: str | None, on_symbol: int, on_account: int, symbols: int) -> None:
        super().__init__()
        self.symbol = symbol
        self.on_symbol = on_symbol
        self.on_account = on_account
        self.symbols = symbols

    def _keys(self, action_id: str) -> tuple[str, ...]:
        """The keys of one of the dialog's answers, as the keymap (and the config file's [keys]) binds them."""
        try:
            remapped = getattr(getattr(self.app, "user_keys", None), "remapped", None)
        except RuntimeError:  # no running console (Textual's NoActiveAppError): the defaults
            remapped = None
        return key_names(f"cancel_scope.{action_id}", remapped)

    def _label(self, action_id: str) -> str:
        return " / ".join(_KEY_NAMES.get(key, key) for key in self._keys(action_id))

    @property
    def lines(self) -> list[str]:
        lines = []
        if self.symbol is not None:
            lines.append(f"{self._label('symbol')}  the active symbol: {_orders(self.on_symbol)} on {self.symbol}")
        where = f"on {self.symbols} symbol{'s' if self.symbols != 1 else ''}" if self.symbols else ""
        account = f"every open order on the account: {_orders(self.on_account)} {where}".rstrip()
        lines.append(f"{self._label('account')}  {account}")
        return lines

    def compose(self) -> ComposeResult:
        with Vertical(id="scope-dialog") as dialog:
            dialog.border_title = "Cancel which open orders?"
            yield Static(Text("\n".join(self.lines)), id="scope-body")
            keys = f"{self._label('account')}: the whole account    {self._label('none')}: neither"
            if self.symbol:
                keys = f"{self._label('symbol')}: this symbol    {keys}"
            yield Static(keys, id="scope-keys", markup=False)

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        if event.key in self._keys("symbol") and self.symbol is not None:
            self.dismiss("symbol")
        elif event.key in self._keys("account"):
            self.dismiss("account")
        elif event.key in self._keys("none"):
            self.dismiss(None)


def _orders(count: int) -> str:
    return f"{count} open order{'s' if count != 1 else ''}"

"""Deposit address of an asset, with a QR code drawn in the terminal.

The left column lists the assets (from assetDetail, else the account's
balances); moving through it (↑/↓) shows that asset's address, fetched once
and remembered.  The address itself has a line of its own under the QR code,
the whole width of the screen, so that it is never broken in mid-string
(at 80x24 the column beside the code is narrower than an address).  The QR
code keeps its full quiet zone when there is room, a narrower one when the
terminal is short, and says how much room it needs when even that does not
fit.  ``y`` copies the address to the clipboard
(through the terminal, where it allows it).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from jextui.api.client import JexClient
from jextui.api.models import AssetDetail, DepositAddress
from jextui.ui.keymap import bindings_for
from jextui.ui.screens.account.base import AccountScreen, TradingHost
from jextui.ui.widgets.qr import QUIET_ZONE, matrix_text, qr_matrix

__all__ = ["DepositAddressScreen", "QrCode"]

NARROW_QUIET_ZONE = 2


class QrCode(Widget):
    """Draws ``content`` as a QR code sized to the room it has."""

    DEFAULT_CSS = """
    QrCode { width: auto; height: auto; min-width: 20; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.content_text = ""

    def show(self, content: str) -> None:
        self.content_text = content
        self.refresh(layout=True)

    def _matrix(self, border: int) -> list[list[bool]]:
        return qr_matrix(self.content_text, border) if self.content_text else []

    def get_content_width(self, container: object, viewport: object) -> int:
        matrix = self._matrix(QUIET_ZONE)
        return len(matrix[0]) if matrix else 20

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        matrix = self._matrix(QUIET_ZONE)
        return (len(matrix) + 1) // 2 if matrix else 1

    def render(self) -> Text:
        if not self.content_text:
            return Text("")
        room_width, room_height = self.size.width, self.size.height
        for border in (QUIET_ZONE, NARROW_QUIET_ZONE):
            matrix = self._matrix(border)
            if len(matrix[0]) <= room_width and (len(matrix) + 1) // 2 <= room_height:
                return matrix_text(matrix)
        matrix = self._matrix(NARROW_QUIET_ZONE)
        need = f"{len(matrix[0])} x {(len(matrix) + 1) // 2}"
        return Text(f"Make the terminal larger to see the QR code (it needs {need} cells).", style="italic")


class DepositAddressScreen(AccountScreen):
    SCREEN_TITLE = "Deposit address"

    DEFAULT_CSS = """
    DepositAddressScreen #deposit-body { height: 1fr; }
    DepositAddressScreen #deposit-assets { width: 14; height: 1fr; border: none; padding: 0; }
    DepositAddressScreen #deposit-qr { margin: 0 1; height: 1fr; }
    DepositAddressScreen #deposit-info { width: 1fr; min-width: 16; height: auto; }
    DepositAddressScreen #deposit-address { height: auto; text-style: bold; }
    """

    BINDINGS: ClassVar[list[BindingType]] = list(bindings_for("deposit_address"))

    def __init__(self, host: TradingHost, asset: str | None) -> None:
        super().__init__(host)
        self.wanted_asset = asset
        self.details: dict[str, AssetDetail] = {}
        self.addresses: dict[str, DepositAddress] = {}
        self.asset: str | None = None

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="deposit-body"):
            yield OptionList(id="deposit-assets")
            yield QrCode(id="deposit-qr")
            with Vertical(id="deposit-info"):
                yield Static("", id="deposit-text", markup=False)
        yield Static("", id="deposit-address", markup=False)

    @property
    def address(self) -> str | None:
        """The address on screen, if one is."""
        shown = self.addresses.get(self.asset or "")
        return shown.address if shown is not None and shown.address else None

    # -- loading --

    def start_loading(self) -> None:
        reason = self.host.account_unavailable_reason()
        client = self.host.client
        if reason is not None or client is None:
            self.set_status(reason or "Not connected to an exchange yet.", "warn")
            return
        self.addresses.clear()
        self.set_status("Loading assets…")
        self.run_worker(self._load_assets(client), exclusive=True, group="assets", exit_on_error=False)

    async def _load_assets(self, client: JexClient) -> None:
        try:
            self.details = await client.asset_detail()
            assets = sorted(self.details)
        except Exception as error:  # fall back on the assets of the balances
            assets = self.host.known_assets()
            if not assets:
                self.set_status(f"Could not load the assets: {self.describe(error)} {self.retry_words()}", "error")
                return
        options = self.query_one("#deposit-assets", OptionList)
        options.clear_options()
        options.add_options([Option(asset, id=asset) for asset in assets])
        start = self.wanted_asset if self.wanted_asset in assets else assets[0] if assets else None
        if start is None:
            self.set_status("The exchange lists no assets.", "warn")
            return
        options.highlighted = assets.index(start)
        options.focus()
        self.show_asset(start)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None and event.option.id != self.asset:
            self.show_asset(event.option.id)

    def show_asset(self, asset: str) -> None:
        self.asset = asset
        if asset in self.addresses:
            self.redraw()
            return
        client = self.host.client
        if client is None:
            return
        self.query_one("#deposit-qr", QrCode).show("")
        self.query_one("#deposit-address", Static).update("")
        self.query_one("#deposit-text", Static).update(f"{asset}\n\nLoading the deposit address…")
        self.set_status(f"Loading the {asset} deposit address…")
        self.run_worker(self._load_address(client, asset), exclusive=True, group="address", exit_on_error=False)

    async def _load_address(self, client: JexClient, asset: str) -> None:
        try:
            answer = await client.deposit_address(asset)
        except Exception as error:
            if asset == self.asset:
                self.query_one("#deposit-text", Static).update(asset)
                self.set_status(
                    f"Could not load the {asset} address: {self.describe(error)} {self.retry_words()}", "error"
                )
            return
        self.addresses[asset] = answer
        if asset == self.asset:
            self.redraw()

    # -- drawing --

    def redraw(self) -> None:
        if not self.is_mounted or self.asset is None or self.asset not in self.addresses:
            return
        asset, answer = self.asset, self.addresses[self.asset]
        qr = self.query_one("#deposit-qr", QrCode)
        text = self.query_one("#deposit-text", Static)
        line = self.query_one("#deposit-address", Static)
        if not answer.success or not answer.address:
            qr.show("")
            line.update("")
            text.update(f"{asset}\n\nThe exchange gave no deposit address for {asset}.")
            self.set_status(f"No deposit address for {asset}.", "warn")
            return
        qr.show(answer.address)
        line.update(answer.address)
        lines = [f"{asset} deposit address", "(the whole address is under the code)", ""]
        detail = self.details.get(asset)
        if detail is not None:
            lines.append("Deposits: " + ("enabled" if detail.deposit_status else "DISABLED for this asset"))
        lines.append("Send only " + asset + " to this address.")
        text.update("\n".join(lines))
        state = "" if detail is None or detail.deposit_status else "warn"
        note = " Deposits of this asset are disabled." if state else ""
        self.set_status(f"{asset}: ↑/↓ another asset, y copies the address.{note}", state)

    def action_copy_address(self) -> None:
        address = self.address
        if address is None:
            self.app.notify("No address to copy yet.", severity="warning")
            return
        self.app.copy_to_clipboard(address)
        self.app.notify(f"{self.asset} address copied (if the terminal allows clipboard access).")

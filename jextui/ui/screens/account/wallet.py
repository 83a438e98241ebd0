"""Asset details, deposit and withdraw histories, trade fees.

Asset details and trade fees come in one answer each (paged locally).
Deposit and withdraw histories start with what the exchange returns by
default; older pages ask for the 90 days before the oldest record shown
(the widest range the exchange accepts), until a window comes back empty.
Status codes are spelled out (docs/protocol.md#deposit-and-withdrawal-statuses); amounts hide in privacy mode.
In the two histories ↑/↓ pick a row and Enter shows it in full (address and
transaction id whole, ``y`` / ``t`` copy them); ``y`` and ``t`` also copy
straight from the table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import ClassVar, TypeVar

from textual.binding import Binding, BindingType

from jextui.api.client import JexClient
from jextui.api.models import AssetDetail, Deposit, TradeFee, Withdrawal
from jextui.ui.format import MASK, format_amount, format_datetime, format_rate
from jextui.ui.screens.account.base import PagedAccountScreen, TradingHost
from jextui.ui.screens.account.record_detail import RecordDetailScreen
from jextui.ui.screens.account.words import deposit_status_words, status_role, withdraw_status_words
from jextui.ui.widgets.table import Cell, Column

__all__ = [
    "AssetDetailsScreen",
    "DepositHistoryScreen",
    "WithdrawHistoryScreen",
    "TradeFeesScreen",
    "HISTORY_WINDOW_MS",
    "withdraw_fee_text",
]

Record = TypeVar("Record")

HISTORY_WINDOW_MS = 90 * 86_400_000
"""The widest time range the wallet history endpoints accept."""


def withdraw_fee_text(fee: str) -> str:
    """The exchange sends the fee as text, sometimes in brackets (``"[0.01]"``)."""
    cleaned = fee.strip().strip("[]").strip()
    return cleaned or "—"


class AssetDetailsScreen(PagedAccountScreen[tuple[str, AssetDetail]]):
    SCREEN_TITLE = "Asset details"
    NOUN = "assets"
    PAGED_BY_EXCHANGE = False
    ORDER_WORDS = "by name"

    def record_key(self, record: tuple[str, AssetDetail]) -> str:
        return record[0]

    async def fetch_newest(self, client: JexClient) -> list[tuple[str, AssetDetail]]:
        return sorted((await client.asset_detail()).items())

    def columns(self) -> Sequence[Column]:
        return (
            Column("Asset", priority=0),
            Column("Deposits", priority=0),
            Column("Withdrawals", priority=0),
            Column("Min withdrawal", "right", priority=1),
            Column("Withdrawal fee", "right", priority=1),
        )

    def cells(self, record: tuple[str, AssetDetail]) -> Sequence[Cell]:
        asset, detail = record
        return (
            Cell(asset),
            Cell("enabled", "good") if detail.deposit_status else Cell("disabled", "bad"),
            Cell("enabled", "good") if detail.withdraw_status else Cell("disabled", "bad"),
            Cell(f"{format_amount(detail.min_withdraw_amount, min_decimals=0)} {asset}"),
            Cell(f"{withdraw_fee_text(detail.withdraw_fee)} {asset}"),
        )


WalletRecord = TypeVar("WalletRecord", Deposit, Withdrawal)


class _WalletHistoryScreen(PagedAccountScreen[WalletRecord]):
    """A wallet history with a row cursor on the page shown, a detail view and copy keys."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "pick(-1)", "Row up", show=False),
        Binding("down,j", "pick(1)", "Row down", show=False),
        Binding("enter", "detail", "Detail"),
        Binding("y", "copy('address')", "Copy"),  # the address; t the transaction id
        Binding("t", "copy('tx_id')", "Copy tx id", show=False),
    ]

    def __init__(self, host: TradingHost) -> None:
        super().__init__(host)
        self.cursor = 0  # the picked row, counted from the first row of the page shown

    def amount(self, value: Decimal, asset: str) -> str:
        shown = MASK if self.host.private else format_amount(value, min_decimals=0)
        return f"{shown} {asset}"

    def time_of(self, record: WalletRecord) -> int:
        raise NotImplementedError

    def selected_row(self) -> int | None:
        if not self.records:
            return None
        last = min(len(self.records), self.first_row + self.page_rows) - 1
        return max(self.first_row, min(self.first_row + self.cursor, last))

    @property
    def picked(self) -> WalletRecord | None:
        """The record under the row cursor."""
        row = self.selected_row()
        return None if row is None else self.records[row]

    def action_pick(self, step: int) -> None:
        row = self.selected_row()
        if row is None:
            return
        self.cursor = row + step - self.first_row
        self.cursor = max(0, min(self.cursor, self.page_rows - 1))
        self.redraw()

    def action_detail(self) -> None:
        record = self.picked
        if record is None:
            return
        words = self.cells(record)[2].text
        fields = [
            ("Time", format_datetime(self.time_of(record), self.time_zone())),
            ("Amount", self.amount(record.amount, record.asset)),
            ("Status", words),
            ("Address", record.address or "—"),
            ("Transaction id", record.tx_id or "—"),
        ]
        self.app.push_screen(
            RecordDetailScreen(
                f"{self.SCREEN_TITLE}: {record.asset}",
                fields,
                address=record.address,
                tx_id=record.tx_id or "",
                demo=bool(getattr(self.host, "demo", False)),
            )
        )

    def action_copy(self, which: str) -> None:
        record = self.picked
        if record is None:
            self.app.notify("Nothing to copy yet.", severity="warning")
            return
        RecordDetailScreen.copy_value(self.app, which, record.address if which == "address" else record.tx_id or "")


class DepositHistoryScreen(_WalletHistoryScreen[Deposit]):
    SCREEN_TITLE = "Deposit history"
    NOUN = "deposits"

    def empty_text(self) -> str:
        return "No deposits in the exchange's history."

    def record_key(self, record: Deposit) -> tuple[int, str, str]:
        return record.insert_time, record.tx_id, record.asset

    def time_of(self, record: Deposit) -> int:
        return record.insert_time

    async def fetch_newest(self, client: JexClient) -> list[Deposit]:
        return _by_time(await client.deposit_history(), lambda record: record.insert_time)

    async def fetch_older(self, client: JexClient, oldest: Deposit) -> list[Deposit]:
        end = oldest.insert_time - 1
        records = await client.deposit_history(start_time=max(0, end - HISTORY_WINDOW_MS + 1), end_time=end)
        return _by_time(records, lambda record: record.insert_time)

    def columns(self) -> Sequence[Column]:
        return _wallet_columns()

    def cells(self, record: Deposit) -> Sequence[Cell]:
        words = deposit_status_words(record.status)
        return (
            Cell(format_datetime(record.insert_time, self.time_zone()), "muted"),
            Cell(self.amount(record.amount, record.asset)),
            Cell(words, status_role(words)),
            Cell(record.address, "muted"),
            Cell(record.tx_id or "—", "muted"),
        )


class WithdrawHistoryScreen(_WalletHistoryScreen[Withdrawal]):
    SCREEN_TITLE = "Withdraw history"
    NOUN = "withdrawals"

    def empty_text(self) -> str:
        return "No withdrawals in the exchange's history."

    def record_key(self, record: Withdrawal) -> str:
        return record.id

    def time_of(self, record: Withdrawal) -> int:
        return record.apply_time

    async def fetch_newest(self, client: JexClient) -> list[Withdrawal]:
        answer = await client.withdraw_history()
        return _by_time(answer.withdraw_record_list, lambda record: record.apply_time)

    async def fetch_older(self, client: JexClient, oldest: Withdrawal) -> list[Withdrawal]:
        end = oldest.apply_time - 1
        answer = await client.withdraw_history(start_time=max(0, end - HISTORY_WINDOW_MS + 1), end_time=end)
        return _by_time(answer.withdraw_record_list, lambda record: record.apply_time)

    def columns(self) -> Sequence[Column]:
        return _wallet_columns()

    def cells(self, record: Withdrawal) -> Sequence[Cell]:
        words = withdraw_status_words(record.status)
        return (
            Cell(format_datetime(record.apply_time, self.time_zone()), "muted"),
            Cell(self.amount(record.amount, record.asset)),
            Cell(words, status_role(words)),
            Cell(record.address, "muted"),
            Cell(record.tx_id or "—", "muted"),
        )


def _wallet_columns() -> Sequence[Column]:
    return (
        Column("Time", priority=0),
        Column("Amount", "right", priority=0),
        Column("Status", priority=0),
        Column("Address", priority=2, max_width=24),
        Column("Transaction", priority=3, max_width=20),
    )


def _by_time(records: Iterable[Record], time_of: Callable[[Record], int]) -> list[Record]:
    return sorted(records, key=time_of, reverse=True)


class TradeFeesScreen(PagedAccountScreen[TradeFee]):
    SCREEN_TITLE = "Trade fees"
    NOUN = "symbols"
    PAGED_BY_EXCHANGE = False
    ORDER_WORDS = "active symbol first"

    def record_key(self, record: TradeFee) -> str:
        return record.symbol

    async def fetch_newest(self, client: JexClient) -> list[TradeFee]:
        fees = await client.trade_fee()
        self.host.remember_trade_fees(fees)
        active = self.host.active_symbol
        return sorted(fees, key=lambda fee: (fee.symbol != active, fee.symbol))

    def columns(self) -> Sequence[Column]:
        return (
            Column("Symbol", priority=0),
            Column("Maker (order rests)", "right", priority=0),
            Column("Taker (order crosses)", "right", priority=0),
        )

    def cells(self, record: TradeFee) -> Sequence[Cell]:
        active = record.symbol == self.host.active_symbol
        return (
            Cell(f"{record.symbol} (active)" if active else record.symbol, "warn" if active else ""),
            Cell(format_rate(record.maker)),
            Cell(format_rate(record.taker)),
        )

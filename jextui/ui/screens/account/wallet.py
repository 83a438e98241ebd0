"""Asset details, deposit and withdraw histories, trade fees.

Asset details and trade fees come in one answer each (paged locally).
Deposit and withdraw histories start with what the exchange returns by
default; older pages ask for the 90 days before the oldest record shown
(the widest range the exchange accepts), until a window comes back empty.
Status codes are spelled out (docs/protocol.md#deposit-and-withdrawal-statuses); amounts hide in privacy mode.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import TypeVar

from jextui.api.client import JexClient
from jextui.api.models import AssetDetail, Deposit, TradeFee, Withdrawal
from jextui.ui.format import MASK, format_amount, format_datetime, format_rate
from jextui.ui.screens.account.base import PagedAccountScreen, TradingHost
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


class _WalletHistoryScreen:
    host: TradingHost

    def amount(self, value: Decimal, asset: str) -> str:
        shown = MASK if self.host.private else format_amount(value, min_decimals=0)
        return f"{shown} {asset}"


class DepositHistoryScreen(_WalletHistoryScreen, PagedAccountScreen[Deposit]):
    SCREEN_TITLE = "Deposit history"
    NOUN = "deposits"

    def empty_text(self) -> str:
        return "No deposits in the exchange's history."

    def record_key(self, record: Deposit) -> tuple[int, str, str]:
        return record.insert_time, record.tx_id, record.asset

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


class WithdrawHistoryScreen(_WalletHistoryScreen, PagedAccountScreen[Withdrawal]):
    SCREEN_TITLE = "Withdraw history"
    NOUN = "withdrawals"

    def empty_text(self) -> str:
        return "No withdrawals in the exchange's history."

    def record_key(self, record: Withdrawal) -> str:
        return record.id

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

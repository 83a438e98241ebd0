"""What the sandbox's matching engine speaks in: sides, times in force and
order statuses, the errors it raises (with the API's codes and messages), and
the orders, fills and balances it hands out."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from jextui.sandbox.symbols import ASSET_DECIMALS, unit

BUY = "BUY"
SELL = "SELL"
GTC = "GTC"
IOC = "IOC"
FOK = "FOK"
NEW = "NEW"
PARTIALLY_FILLED = "PARTIALLY_FILLED"
FILLED = "FILLED"
CANCELED = "CANCELED"

SIDES = (BUY, SELL)
TIME_IN_FORCES = (GTC, IOC, FOK)
OPEN_STATUSES = frozenset((NEW, PARTIALLY_FILLED))

DEFAULT_MAKER_FEE = Decimal("0.0008")
DEFAULT_TAKER_FEE = Decimal("0.001")

ZERO = Decimal(0)
FEE_UNIT = unit(ASSET_DECIMALS)


class EngineError(Exception):
    """An order or query refused, with the exchange API's code and message."""

    def __init__(self, code: int, msg: str) -> None:
        super().__init__(f"{code} {msg}")
        self.code = code
        self.msg = msg


def invalid_symbol() -> EngineError:
    return EngineError(-1121, "Invalid symbol.")


def insufficient_balance() -> EngineError:
    return EngineError(-2010, "Account has insufficient balance for requested action.")


def malformed(name: str) -> EngineError:
    return EngineError(-1102, f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed.")


def filter_failure(name: str) -> EngineError:
    return EngineError(-9000, f"Filter failure: {name}")


def scale_error(name: str, decimals: int) -> EngineError:
    return EngineError(-1129, f"error scale in parameter '{name}', should be scale no more than '{decimals}'")


ORDER_DOES_NOT_EXIST = (-2013, "Order does not exist.")
CANCEL_NOT_OPEN = (-2011, "Unknown order sent.")
MAX_OPEN_ORDERS = (-2019, "has reach max order number")


@dataclass(slots=True, eq=False)
class EngineOrder:
    """An order as the engine keeps it (mutable while open)."""

    order_id: int
    account_id: str
    symbol: str
    side: str
    price: Decimal
    orig_qty: Decimal
    executed_qty: Decimal
    cummulative_quote_qty: Decimal
    status: str
    time_in_force: str
    type: str = "LIMIT"
    time: int = 0
    update_time: int = 0

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def remaining_qty(self) -> Decimal:
        return self.orig_qty - self.executed_qty

    def copy(self) -> EngineOrder:
        return EngineOrder(
            self.order_id,
            self.account_id,
            self.symbol,
            self.side,
            self.price,
            self.orig_qty,
            self.executed_qty,
            self.cummulative_quote_qty,
            self.status,
            self.time_in_force,
            self.type,
            self.time,
            self.update_time,
        )


@dataclass(frozen=True, slots=True)
class Fill:
    """One trade between a resting (maker) and an incoming (taker) order."""

    trade_id: int
    symbol: str
    price: Decimal
    qty: Decimal
    quote_qty: Decimal
    time: int
    buyer_maker: bool
    maker_order_id: int
    taker_order_id: int
    maker_account: str
    taker_account: str
    maker_fee: Decimal
    taker_fee: Decimal
    maker_fee_asset: str
    taker_fee_asset: str


@dataclass(frozen=True, slots=True)
class AssetBalance:
    free: Decimal
    locked: Decimal

    @property
    def total(self) -> Decimal:
        return self.free + self.locked

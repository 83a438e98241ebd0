"""The sandbox's listed symbols: trading rules, starting prices, volatility.

Spot symbols are :class:`SymbolSpec` objects (the matching engine trades
them).  Contract and option symbols are listed for information only, as plain
dicts already in the wire shape of ``exchangeInfo``.

Precision rules used throughout the sandbox:

* ``quote_precision`` is the number of decimals of a price and
  ``base_precision`` the number of decimals of a quantity;
* every balance is kept to :data:`ASSET_DECIMALS` (8) decimals, so a symbol
  must satisfy ``quote_precision + base_precision <= 8``: then ``price * qty``
  is always exact in a balance.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

__all__ = [
    "ASSET_DECIMALS",
    "SymbolSpec",
    "DEFAULT_SYMBOLS",
    "CONTRACT_SYMBOLS",
    "OPTION_SYMBOLS",
    "synthetic_symbols",
    "unit",
    "stable_seed",
]

ASSET_DECIMALS = 8
"""Decimals kept for every balance (and therefore for fees)."""


def unit(decimals: int) -> Decimal:
    """``10 ** -decimals`` as an exact Decimal (``unit(2) == Decimal("0.01")``)."""
    return Decimal(1).scaleb(-decimals)


@dataclass(frozen=True)
class SymbolSpec:
    """One spot symbol: its assets, precisions, filters and simulated behaviour.

    ``initial_price`` is where the simulated market starts (the last
    backfilled close); ``volatility_bps`` is the typical one-minute move of the
    simulated fair price, in basis points.
    """

    symbol: str
    base_asset: str
    quote_asset: str
    base_precision: int
    quote_precision: int
    tick_size: Decimal
    min_price: Decimal
    max_price: Decimal
    step_size: Decimal
    min_qty: Decimal
    max_qty: Decimal
    min_notional: Decimal
    initial_price: Decimal
    volatility_bps: int = 10
    status: str = "TRADING"
    price_exp: Decimal = field(init=False, repr=False, compare=False)
    qty_exp: Decimal = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.base_precision < 0 or self.quote_precision < 0:
            raise ValueError(f"{self.symbol}: precisions must be >= 0")
        if self.base_precision + self.quote_precision > ASSET_DECIMALS:
            raise ValueError(f"{self.symbol}: price decimals + quantity decimals must be <= {ASSET_DECIMALS}")
        object.__setattr__(self, "price_exp", unit(self.quote_precision))
        object.__setattr__(self, "qty_exp", unit(self.base_precision))

    @property
    def assets(self) -> tuple[str, str]:
        return (self.base_asset, self.quote_asset)


def _spot(
    symbol: str,
    base: str,
    quote: str,
    *,
    price: str,
    price_decimals: int,
    qty_decimals: int,
    min_qty: str,
    max_qty: str,
    max_price: str,
    min_notional: str,
    volatility_bps: int,
) -> SymbolSpec:
    tick = unit(price_decimals)
    return SymbolSpec(
        symbol=symbol,
        base_asset=base,
        quote_asset=quote,
        base_precision=qty_decimals,
        quote_precision=price_decimals,
        tick_size=tick,
        min_price=tick,
        max_price=Decimal(max_price),
        step_size=unit(qty_decimals),
        min_qty=Decimal(min_qty),
        max_qty=Decimal(max_qty),
        min_notional=Decimal(min_notional),
        initial_price=Decimal(price),
        volatility_bps=volatility_bps,
    )


DEFAULT_SYMBOLS: tuple[SymbolSpec, ...] = (
    _spot(
        "BTCUSDT",
        "BTC",
        "USDT",
        price="64250.00",
        price_decimals=2,
        qty_decimals=6,
        min_qty="0.000010",
        max_qty="9000",
        max_price="1000000",
        min_notional="5",
        volatility_bps=8,
    ),
    _spot(
        "ETHUSDT",
        "ETH",
        "USDT",
        price="3150.00",
        price_decimals=2,
        qty_decimals=5,
        min_qty="0.00010",
        max_qty="90000",
        max_price="100000",
        min_notional="5",
        volatility_bps=10,
    ),
    _spot(
        "DASHUSDT",
        "DASH",
        "USDT",
        price="28.50",
        price_decimals=2,
        qty_decimals=4,
        min_qty="0.0100",
        max_qty="900000",
        max_price="100000",
        min_notional="5",
        volatility_bps=14,
    ),
    _spot(
        "LTCBTC",
        "LTC",
        "BTC",
        price="0.001290",
        price_decimals=6,
        qty_decimals=2,
        min_qty="0.01",
        max_qty="900000",
        max_price="100",
        min_notional="0.0001",
        volatility_bps=10,
    ),
    _spot(
        "ETHBTC",
        "ETH",
        "BTC",
        price="0.04900",
        price_decimals=5,
        qty_decimals=3,
        min_qty="0.001",
        max_qty="100000",
        max_price="100",
        min_notional="0.0001",
        volatility_bps=7,
    ),
    _spot(
        "JEXBTC",
        "JEX",
        "BTC",
        price="0.00001464",
        price_decimals=8,
        qty_decimals=0,
        min_qty="1",
        max_qty="90000000",
        max_price="1",
        min_notional="0.0001",
        volatility_bps=20,
    ),
    _spot(
        "JEXUSDT",
        "JEX",
        "USDT",
        price="0.9400",
        price_decimals=4,
        qty_decimals=1,
        min_qty="1.0",
        max_qty="90000000",
        max_price="10000",
        min_notional="5",
        volatility_bps=20,
    ),
    _spot(
        "BNBBTC",
        "BNB",
        "BTC",
        price="0.009300",
        price_decimals=6,
        qty_decimals=2,
        min_qty="0.01",
        max_qty="900000",
        max_price="100",
        min_notional="0.0001",
        volatility_bps=12,
    ),
)


def stable_seed(*parts: object) -> int:
    """A seed derived from ``parts`` that does not depend on PYTHONHASHSEED."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big")


def synthetic_symbols(n: int, seed: int) -> list[SymbolSpec]:
    """``n`` extra USDT-quoted symbols ``SYM001USDT`` ... with seeded prices.

    Prices span 0.01 .. 100000 USDT; precisions keep four or five significant
    digits in a price, like the real listings.
    """
    if n < 0:
        raise ValueError("the number of synthetic symbols must be >= 0")
    rng = random.Random(stable_seed("synthetic-symbols", seed))
    specs: list[SymbolSpec] = []
    for index in range(1, n + 1):
        magnitude = rng.randint(-2, 4)  # price around 10 ** magnitude
        mantissa = rng.randint(1000, 9999)  # four significant digits
        price_decimals = min(ASSET_DECIMALS - 1, max(0, 3 - magnitude))
        qty_decimals = min(ASSET_DECIMALS - price_decimals, max(0, magnitude + 2))
        price = (Decimal(mantissa) * Decimal(10) ** (magnitude - 3)).quantize(unit(price_decimals))
        min_qty = unit(qty_decimals)
        name = f"SYM{index:03d}"
        specs.append(
            _spot(
                f"{name}USDT",
                name,
                "USDT",
                price=str(price),
                price_decimals=price_decimals,
                qty_decimals=qty_decimals,
                min_qty=str(min_qty),
                max_qty="90000000",
                max_price=str(price * 1000),
                min_notional="1",
                volatility_bps=rng.randint(6, 25),
            )
        )
    return specs


def _info_filters(min_price: str, max_price: str, min_qty: str, max_qty: str) -> list[dict[str, str]]:
    return [
        {"filterType": "PRICE_FILTER", "minPrice": min_price, "maxPrice": max_price},
        {"filterType": "LOT_SIZE", "minQty": min_qty, "maxQty": max_qty},
    ]


CONTRACT_SYMBOLS: tuple[dict[str, Any], ...] = tuple(
    {
        "symbol": symbol,
        "status": "TRADING",
        "baseAsset": base,
        "baseAssetPrecision": base_precision,
        "quoteAsset": "usdt",
        "quotePrecision": quote_precision,
        "orderTypes": ["LIMIT", "MARKET"],
        "icebergAllowed": False,
        "filters": _info_filters(min_price, "1000000.00000000000000000000", min_qty, "1000000.00000000000000000000"),
    }
    for symbol, base, base_precision, quote_precision, min_price, min_qty in (
        ("BTCUSDT", "btc", 4, 0, "0.00000001000000000000", "0.00010000000000000000"),
        ("ETHUSDT", "eth", 3, 2, "0.00000001000000000000", "0.00100000000000000000"),
        ("LTCUSDT", "ltc", 2, 2, "0.00000001000000000000", "0.01000000000000000000"),
    )
)
"""Contract (futures) symbols: listed in exchangeInfo for information only."""


OPTION_SYMBOLS: tuple[dict[str, Any], ...] = tuple(
    {
        "symbol": symbol,
        "status": "TRADING",
        "baseAsset": base,
        "baseAssetPrecision": 0,
        "quoteAsset": "USDT",
        "quotePrecision": 2,
        "orderTypes": ["LIMIT"],
        "icebergAllowed": False,
        "filters": [
            {"filterType": "PRICE_FILTER", "maxPrice": "100000"},
            {"filterType": "LOT_SIZE", "minQty": "0.00000000"},
        ],
    }
    for symbol, base in (
        ("BTCCALLM", "月BTC看涨0226"),
        ("BTCPUTM", "月BTC看跌0226"),
        ("ETHCALLW", "周ETH看涨0222"),
    )
)
"""Option symbols: listed in exchangeInfo for information only."""

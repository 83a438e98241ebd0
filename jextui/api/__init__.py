"""The JEX spot API: a typed, signed, rate-aware async client.

Everything a caller needs is importable from here::

    from jextui.api import JexClient, RateLimited, OrderAck, Secret
"""

from __future__ import annotations

from jextui.secret import Secret

from .client import JexClient
from .clock import ServerClock
from .errors import (
    ApiError,
    AuthError,
    BadRequest,
    ConnectionFailed,
    DecodeError,
    InsecureTransport,
    InsufficientBalance,
    InvalidArgument,
    InvalidSymbol,
    IpBanned,
    JexError,
    MissingCredentials,
    OrderRejected,
    RateLimited,
    RequestTimeout,
    ServerError,
    TimestampError,
    TransportError,
    UnknownOrder,
)
from .limits import ENDPOINTS, WEIGHTS, Endpoint, RateState, RequestEvent, Security, weight_of
from .models import (
    KLINE_INTERVALS,
    Account,
    AssetDetail,
    AvgPrice,
    Balance,
    BookTicker,
    CancelResult,
    Deposit,
    DepositAddress,
    Depth,
    DepthLevel,
    ExchangeInfo,
    HistoricalTrade,
    Kline,
    Order,
    OrderAck,
    OrderResult,
    PriceTicker,
    RateLimit,
    SymbolFilter,
    SymbolInfo,
    Ticker24hr,
    Trade,
    TradeFee,
    Withdrawal,
    WithdrawHistory,
)

__all__ = [
    "JexClient",
    "RequestEvent",
    "RateState",
    "ServerClock",
    "Secret",
    "ENDPOINTS",
    "WEIGHTS",
    "Endpoint",
    "Security",
    "weight_of",
    # errors
    "JexError",
    "ApiError",
    "AuthError",
    "TimestampError",
    "BadRequest",
    "InvalidSymbol",
    "OrderRejected",
    "InsufficientBalance",
    "UnknownOrder",
    "RateLimited",
    "IpBanned",
    "ServerError",
    "TransportError",
    "RequestTimeout",
    "ConnectionFailed",
    "DecodeError",
    "MissingCredentials",
    "InsecureTransport",
    "InvalidArgument",
    # models
    "KLINE_INTERVALS",
    "Account",
    "AssetDetail",
    "AvgPrice",
    "Balance",
    "BookTicker",
    "CancelResult",
    "Deposit",
    "DepositAddress",
    "Depth",
    "DepthLevel",
    "ExchangeInfo",
    "HistoricalTrade",
    "Kline",
    "Order",
    "OrderAck",
    "OrderResult",
    "PriceTicker",
    "RateLimit",
    "SymbolFilter",
    "SymbolInfo",
    "Ticker24hr",
    "Trade",
    "TradeFee",
    "WithdrawHistory",
    "Withdrawal",
]


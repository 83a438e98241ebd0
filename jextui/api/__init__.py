"""The JEX spot API: a typed, signed, rate-aware async client.

Everything a caller needs is importable from here::

    from jextui.api import JexClient, RateLimited, OrderAck, Secret
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Names are imported on first use (PEP 562), so that a caller needing only
# ``jextui.api.secret`` or ``jextui.api.models`` does not pay for httpx: the
# console's first frame is drawn before the client is needed.
_EXPORTS: dict[str, str] = {
    "JexClient": "client",
    "ServerClock": "clock",
    "ApiError": "errors",
    "AuthError": "errors",
    "BadRequest": "errors",
    "ConnectionFailed": "errors",
    "DecodeError": "errors",
    "InsecureTransport": "errors",
    "InsufficientBalance": "errors",
    "InvalidArgument": "errors",
    "InvalidSymbol": "errors",
    "IpBanned": "errors",
    "JexError": "errors",
    "MissingCredentials": "errors",
    "OrderRejected": "errors",
    "RateLimited": "errors",
    "RequestTimeout": "errors",
    "ServerError": "errors",
    "TimestampError": "errors",
    "TransportError": "errors",
    "UnknownOrder": "errors",
    "ENDPOINTS": "limits",
    "WEIGHTS": "limits",
    "Endpoint": "limits",
    "RateState": "limits",
    "RequestEvent": "limits",
    "Security": "limits",
    "weight_of": "limits",
    "KLINE_INTERVALS": "models",
    "Account": "models",
    "AssetDetail": "models",
    "AvgPrice": "models",
    "Balance": "models",
    "BookTicker": "models",
    "CancelResult": "models",
    "Deposit": "models",
    "DepositAddress": "models",
    "Depth": "models",
    "DepthLevel": "models",
    "ExchangeInfo": "models",
    "HistoricalTrade": "models",
    "Kline": "models",
    "Order": "models",
    "OrderAck": "models",
    "OrderResult": "models",
    "PriceTicker": "models",
    "RateLimit": "models",
    "SymbolFilter": "models",
    "SymbolInfo": "models",
    "Ticker24hr": "models",
    "Trade": "models",
    "TradeFee": "models",
    "WithdrawHistory": "models",
    "Withdrawal": "models",
    "Secret": "secret",
}

if TYPE_CHECKING:
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
        WithdrawHistory,
        Withdrawal,
    )
    from .secret import Secret

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


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

"""The WebSocket stream client: typed payloads, connections kept open, the
user data stream.  Nothing here imports Textual; nothing raises into a
consumer (failures are reported as :class:`StreamStatus`).

    streams = MarketStreams(stream_url_from_rest(base_url), on_event, on_status)
    streams.set_streams([trade_stream("BTCUSDT"), diff_depth_stream("BTCUSDT")])
    task = asyncio.create_task(streams.run())

The names are imported from their modules on first use: the console's
start needs the payload types long before it opens a connection.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jextui.lazy import lazy_exports

if TYPE_CHECKING:
    from jextui.api.streams.connection import (
        DEFAULT_MAX_LIFETIME_S,
        DEFAULT_MAX_SIZE,
        Backoff,
        StreamConnection,
        StreamState,
        StreamStatus,
    )
    from jextui.api.streams.errors import (
        ListenKeyInvalid,
        StreamClosed,
        StreamConnectFailed,
        StreamDecodeError,
        StreamError,
        StreamRefused,
        StreamStalled,
    )
    from jextui.api.streams.market import MarketStreams
    from jextui.api.streams.models import (
        AccountSpotInfo,
        CombinedFrame,
        DiffDepthEvent,
        ExecSpotReport,
        KlineBar,
        KlineEvent,
        MarketPayload,
        MiniTickerEvent,
        PartialDepthEvent,
        StreamLevel,
        TickerEvent,
        TradeEvent,
        UserBalance,
        UserEvent,
    )
    from jextui.api.streams.names import (
        ALL_MINI_TICKERS,
        ALL_TICKERS,
        JEX_STREAM_URL,
        MAX_STREAMS_PER_CONNECTION,
        chunk_streams,
        combined_url,
        decode_combined,
        decode_market,
        decode_user,
        default_stream_url,
        diff_depth_stream,
        kline_stream,
        mini_ticker_stream,
        partial_depth_stream,
        raw_url,
        stream_url_from_rest,
        ticker_stream,
        trade_stream,
    )
    from jextui.api.streams.user import (
        KEEPALIVE_S,
        ListenKeyClient,
        UserDataStream,
    )

_EXPORTS: dict[str, str] = {
    "DEFAULT_MAX_LIFETIME_S": "connection",
    "DEFAULT_MAX_SIZE": "connection",
    "Backoff": "connection",
    "StreamConnection": "connection",
    "StreamState": "connection",
    "StreamStatus": "connection",
    "ListenKeyInvalid": "errors",
    "StreamClosed": "errors",
    "StreamConnectFailed": "errors",
    "StreamDecodeError": "errors",
    "StreamError": "errors",
    "StreamRefused": "errors",
    "StreamStalled": "errors",
    "MarketStreams": "market",
    "AccountSpotInfo": "models",
    "CombinedFrame": "models",
    "DiffDepthEvent": "models",
    "ExecSpotReport": "models",
    "KlineBar": "models",
    "KlineEvent": "models",
    "MarketPayload": "models",
    "MiniTickerEvent": "models",
    "PartialDepthEvent": "models",
    "StreamLevel": "models",
    "TickerEvent": "models",
    "TradeEvent": "models",
    "UserBalance": "models",
    "UserEvent": "models",
    "ALL_MINI_TICKERS": "names",
    "ALL_TICKERS": "names",
    "JEX_STREAM_URL": "names",
    "MAX_STREAMS_PER_CONNECTION": "names",
    "chunk_streams": "names",
    "combined_url": "names",
    "decode_combined": "names",
    "decode_market": "names",
    "decode_user": "names",
    "default_stream_url": "names",
    "diff_depth_stream": "names",
    "kline_stream": "names",
    "mini_ticker_stream": "names",
    "partial_depth_stream": "names",
    "raw_url": "names",
    "stream_url_from_rest": "names",
    "ticker_stream": "names",
    "trade_stream": "names",
    "KEEPALIVE_S": "user",
    "ListenKeyClient": "user",
    "UserDataStream": "user",
}

__all__ = [
    "ALL_MINI_TICKERS",
    "ALL_TICKERS",
    "DEFAULT_MAX_LIFETIME_S",
    "DEFAULT_MAX_SIZE",
    "JEX_STREAM_URL",
    "KEEPALIVE_S",
    "MAX_STREAMS_PER_CONNECTION",
    "AccountSpotInfo",
    "Backoff",
    "CombinedFrame",
    "DiffDepthEvent",
    "ExecSpotReport",
    "KlineBar",
    "KlineEvent",
    "ListenKeyClient",
    "ListenKeyInvalid",
    "MarketPayload",
    "MarketStreams",
    "MiniTickerEvent",
    "PartialDepthEvent",
    "StreamClosed",
    "StreamConnectFailed",
    "StreamConnection",
    "StreamDecodeError",
    "StreamError",
    "StreamLevel",
    "StreamRefused",
    "StreamStalled",
    "StreamState",
    "StreamStatus",
    "TickerEvent",
    "TradeEvent",
    "UserBalance",
    "UserDataStream",
    "UserEvent",
    "chunk_streams",
    "combined_url",
    "decode_combined",
    "decode_market",
    "decode_user",
    "default_stream_url",
    "diff_depth_stream",
    "kline_stream",
    "mini_ticker_stream",
    "partial_depth_stream",
    "raw_url",
    "stream_url_from_rest",
    "ticker_stream",
    "trade_stream",
]

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())

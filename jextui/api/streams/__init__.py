"""The WebSocket stream client: typed payloads, connections kept open, the
user data stream.  Nothing here imports Textual; nothing raises into a
consumer (failures are reported as :class:`StreamStatus`).

    streams = MarketStreams(stream_url_from_rest(base_url), on_event, on_status)
    streams.set_streams([trade_stream("BTCUSDT"), diff_depth_stream("BTCUSDT")])
    task = asyncio.create_task(streams.run())
"""

from __future__ import annotations

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
from jextui.api.streams.user import KEEPALIVE_S, ListenKeyClient, UserDataStream

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

"""``JexClient``: one typed, signed, rate-aware async method per JEX endpoint.

    async with JexClient("https://api.example", key, secret) as jex:
        book = await jex.depth("JEXBTC", limit=10)
        ack = await jex.new_order("JEXBTC", "BUY", Decimal("1"), Decimal("0.00001464"))

What happens to every call (``_call``):

1. credentials are checked (a keyed or signed endpoint without them raises
   ``MissingCredentials`` before anything is sent);
2. during a ban (after a 429/418) the call fails fast with ``RateLimited`` /
   ``IpBanned`` and sends nothing;
3. signed calls get ``recvWindow`` + ``timestamp`` (server-clock estimate,
   synced once before the first signed call) and ``signature`` = HMAC-SHA256
   over the exact query string + body that are sent;
4. GET/DELETE send their parameters in the query string, POST/PUT in an
   ``application/x-www-form-urlencoded`` body;
5. the usage headers update ``rate``; an error answer becomes a typed
   ``ApiError``; a success is decoded into the Structs of ``models``;
6. one log line and one ``RequestEvent`` per request.

The only automatic retry: a signed request answered -1021 (timestamp outside
recvWindow) re-syncs the clock once and is sent once more; it was rejected,
so sending it again is safe.  Nothing else is retried, least of all an order.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Literal, TypeVar, overload

import msgspec

from jextui.api.http_stack import httpx
from jextui.secret import Secret

from .. import __version__
from . import models as m
from .answers import _decode_error, _decoder, _error_body, _short_error
from .arguments import (
    _check_api_key,
    _check_recv_window,
    _check_secret,
    _int,
    _optional_ints,
    _order_list_params,
    _order_params,
    _parse_base_url,
    _refuse_plain_http,
    _symbol,
    _text,
    _wallet_history_params,
    _with_field,
)
from .clock import ServerClock
from .errors import (
    ApiError,
    InvalidArgument,
    IpBanned,
    JexError,
    MissingCredentials,
    RateLimited,
    TimestampError,
    TransportError,
    error_from_response,
)
from .limits import (
    DEFAULT_RETRY_AFTER_418_S,
    DEFAULT_RETRY_AFTER_429_S,
    ENDPOINTS,
    Endpoint,
    RateState,
    RequestEvent,
    Security,
    parse_rate_headers,
    parse_retry_after,
)
from .limits import weight_of as _weight_of
from .signing import sign, total_params
from .transport import (
    Params,
    encode_params,
    install_log_redaction,
    transport_error,
)

__all__ = ["JexClient", "RequestEvent"]

logger = logging.getLogger("jextui.api")

T = TypeVar("T")


class JexClient:
    """Async client for the JEX spot REST API (see the module docstring)."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        api_secret: str | Secret | None = None,
        *,
        timeout: float = 10.0,
        recv_window: int = 5000,
        transport: httpx.AsyncBaseTransport | None = None,
        time_ms: Callable[[], int] | None = None,
        allow_insecure: bool = False,
        on_event: Callable[[RequestEvent], None] | None = None,
    ) -> None:
        url = _parse_base_url(base_url)
        self._api_key = _check_api_key(api_key)
        self._secret = _check_secret(api_secret)
        if (self._api_key or self._secret) and not allow_insecure:
            _refuse_plain_http(url)
        self._base_url = str(url).rstrip("/")
        self.recv_window = _check_recv_window(recv_window)
        self.rate = RateState()
        self.clock = ServerClock(time_ms)
        self._on_event = on_event
        self._sync_lock = asyncio.Lock()
        if timeout <= 0:
            raise InvalidArgument(f"timeout must be positive, not {timeout}")
        self._http = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": f"jextui/{__version__}"},
            follow_redirects=False,
        )
        install_log_redaction()

    # --- lifecycle and properties ---------------------------------------------

    async def __aenter__(self) -> JexClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def has_api_key(self) -> bool:
        return self._api_key is not None

    @property
    def has_credentials(self) -> bool:
        """True when both an API key and a secret are set (signed calls possible)."""
        return self._api_key is not None and self._secret is not None

    @property
    def masked_api_key(self) -> str | None:
        """The key's first four characters, for display."""
        return None if self._api_key is None else f"{self._api_key[:4]}…"

    def __repr__(self) -> str:
        return (
            f"JexClient(base_url={self._base_url!r}, api_key={self.masked_api_key!r}, "
            f"secret={'set' if self._secret else 'none'})"
        )

    __str__ = __repr__

    @staticmethod
    def weight_of(endpoint: str, symbol: str | None = None) -> int:
        """Request weight of one call (``endpoint``: method name or path)."""
        return _weight_of(endpoint, symbol)

    # --- time --------------------------------------------------------------------

    async def sync_time(self) -> int:
        """Measure the server-clock offset (compensating half the round trip)."""
        async with self._sync_lock:
            return await self._measure_offset()

    async def _measure_offset(self) -> int:
        sent = self.clock.local_ms()
        server = await self._call("server_time", [], m.ServerTime)
        received = self.clock.local_ms()
        return self.clock.record_sync(sent, server.server_time, received)

    async def _ensure_synced(self) -> None:
        if self.clock.synced:
            return
        async with self._sync_lock:
            if not self.clock.synced:
                await self._measure_offset()

    # --- general endpoints ----------------------------------------------------------

    async def ping(self) -> None:
        await self._call("ping", [], m.Empty)

    async def server_time(self) -> int:
        return (await self._call("server_time", [], m.ServerTime)).server_time

    async def exchange_info(self) -> m.ExchangeInfo:
        info = await self._call("exchange_info", [], m.ExchangeInfo)
        self.rate.apply_rate_limits(info.rate_limits)
        return info

    # --- market data -----------------------------------------------------------------

    async def depth(self, symbol: str, limit: int | None = None) -> m.Depth:
        params = [_symbol(symbol), *_optional_ints(limit=limit)]
        return await self._call("depth", params, m.Depth)

    async def trades(self, symbol: str, limit: int | None = None) -> list[m.Trade]:
        params = [_symbol(symbol), *_optional_ints(limit=limit)]
        return await self._call("trades", params, list[m.Trade])

    async def historical_trades(
        self, symbol: str, limit: int | None = None, from_id: int | None = None
    ) -> list[m.HistoricalTrade]:
        params = [_symbol(symbol), *_optional_ints(limit=limit, fromId=from_id)]
        return await self._call("historical_trades", params, list[m.HistoricalTrade])

    async def klines(
        self,
        symbol: str,
        interval: str,
        *,
        start_time: int | None = None,
        end_time: int | None = None,
        limit: int | None = None,
    ) -> list[m.Kline]:
        if interval not in m.KLINE_INTERVALS:
            raise InvalidArgument(f"unknown kline interval {interval!r}; use one of {', '.join(m.KLINE_INTERVALS)}")
        params = [_symbol(symbol), ("interval", interval)]
        params += _optional_ints(startTime=start_time, endTime=end_time, limit=limit)
        return await self._call("klines", params, list[m.Kline])

    async def avg_price(self, symbol: str) -> m.AvgPrice:
        return await self._call("avg_price", [_symbol(symbol)], m.AvgPrice)

    @overload
    async def ticker_24hr(self, symbol: str) -> m.Ticker24hr: ...
    @overload
    async def ticker_24hr(self, symbol: None = None) -> list[m.Ticker24hr]: ...

    async def ticker_24hr(self, symbol: str | None = None) -> m.Ticker24hr | list[m.Ticker24hr]:
        return await self._ticker("ticker_24hr", symbol, m.Ticker24hr)

    @overload
    async def ticker_price(self, symbol: str) -> m.PriceTicker: ...
    @overload
    async def ticker_price(self, symbol: None = None) -> list[m.PriceTicker]: ...

    async def ticker_price(self, symbol: str | None = None) -> m.PriceTicker | list[m.PriceTicker]:
        return await self._ticker("ticker_price", symbol, m.PriceTicker)

    @overload
    async def book_ticker(self, symbol: str) -> m.BookTicker: ...
    @overload
    async def book_ticker(self, symbol: None = None) -> list[m.BookTicker]: ...

    async def book_ticker(self, symbol: str | None = None) -> m.BookTicker | list[m.BookTicker]:
        return await self._ticker("book_ticker", symbol, m.BookTicker)

    async def _ticker(self, name: str, symbol: str | None, one: type[T]) -> T | list[T]:
        if symbol is None:
            many: type[list[T]] = list[one]  # type: ignore[valid-type]  # a list type built at run time for msgspec
            return await self._call(name, [], many, all_symbols=True)
        return await self._call(name, [_symbol(symbol)], one)

    # --- orders ----------------------------------------------------------------------

    @overload
    async def new_order(
        self,
        symbol: str,
        side: str,
        quantity: Decimal,
        price: Decimal,
        *,
        type: str = ...,
        time_in_force: str | None = ...,
        resp_type: Literal["ACK"] = ...,
        recv_window: int | None = ...,
    ) -> m.OrderAck: ...
    @overload
    async def new_order(
        self,
        symbol: str,
        side: str,
        quantity: Decimal,
        price: Decimal,
        *,
        type: str = ...,
        time_in_force: str | None = ...,
        resp_type: Literal["RESULT"],
        recv_window: int | None = ...,
    ) -> m.OrderResult: ...
    @overload
    async def new_order(
        self,
        symbol: str,
        side: str,
        quantity: Decimal,
        price: Decimal,
        *,
        type: str = ...,
        time_in_force: str | None = ...,
        resp_type: str = ...,
        recv_window: int | None = ...,
    ) -> m.OrderAck | m.OrderResult: ...

    async def new_order(
        self,
        symbol: str,
        side: str,
        quantity: Decimal,
        price: Decimal,
        *,
        type: str = "LIMIT",
        time_in_force: str | None = "GTC",
        resp_type: str = "ACK",
        recv_window: int | None = None,
    ) -> m.OrderAck | m.OrderResult:
        """Place an order.  Never retried: on a 5xx, timeout or dropped
        connection the error has ``outcome_unknown=True``."""
        params, resp = _order_params(symbol, side, quantity, price, type, time_in_force, resp_type)
        if resp == "RESULT":
            return await self._call("new_order", params, m.OrderResult, recv_window=recv_window)
        return await self._call("new_order", params, m.OrderAck, recv_window=recv_window)

    async def test_order(
        self,
        symbol: str,
        side: str,
        quantity: Decimal,
        price: Decimal,
        *,
        type: str = "LIMIT",
        time_in_force: str | None = "GTC",
        resp_type: str = "ACK",
        recv_window: int | None = None,
    ) -> None:
        """Validate an order on the exchange without placing it."""
        params, _ = _order_params(symbol, side, quantity, price, type, time_in_force, resp_type)
        await self._call("test_order", params, m.Empty, recv_window=recv_window)

    async def get_order(self, symbol: str, order_id: int) -> m.Order:
        params = [_symbol(symbol), ("orderId", _int("order_id", order_id))]
        return await self._call("get_order", params, m.Order)

    async def cancel_order(self, symbol: str, order_id: int) -> m.CancelResult:
        params = [_symbol(symbol), ("orderId", _int("order_id", order_id))]
        return await self._call("cancel_order", params, m.CancelResult)

    async def open_orders(
        self,
        symbol: str,
        *,
        order_id: int | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        limit: int | None = None,
    ) -> list[m.Order]:
        params = _order_list_params(symbol, order_id, start_time, end_time, limit)
        return await self._call("open_orders", params, list[m.Order])

    async def history_orders(
        self,
        symbol: str,
        *,
        order_id: int | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        limit: int | None = None,
    ) -> list[m.Order]:
        params = _order_list_params(symbol, order_id, start_time, end_time, limit)
        return await self._call("history_orders", params, list[m.Order])

    # --- account and wallet ------------------------------------------------------------

    async def account(self) -> m.Account:
        return await self._call("account", [], m.Account)

    async def asset_detail(self) -> dict[str, m.AssetDetail]:
        return await self._call("asset_detail", [], dict[str, m.AssetDetail])

    async def deposit_address(self, asset: str) -> m.DepositAddress:
        return await self._call("deposit_address", [_text("asset", asset)], m.DepositAddress)

    async def deposit_history(
        self,
        *,
        asset: str | None = None,
        status: int | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
    ) -> list[m.Deposit]:
        params = _wallet_history_params(asset, status, start_time, end_time)
        return await self._call("deposit_history", params, list[m.Deposit])

    async def trade_fee(self, symbol: str | None = None) -> list[m.TradeFee]:
        params = [_symbol(symbol)] if symbol is not None else []
        return await self._call("trade_fee", params, list[m.TradeFee])

    async def withdraw_history(
        self,
        *,
        asset: str | None = None,
        status: int | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
    ) -> m.WithdrawHistory:
        params = _wallet_history_params(asset, status, start_time, end_time)
        return await self._call("withdraw_history", params, m.WithdrawHistory)

    # --- user data stream --------------------------------------------------------------

    async def start_user_stream(self) -> str:
        """Open a user data stream; returns its listenKey (valid 60 minutes)."""
        return (await self._call("start_user_stream", [], m.ListenKey)).listen_key

    async def keepalive_user_stream(self, listen_key: str) -> None:
        await self._call("keepalive_user_stream", [_text("listenKey", listen_key)], m.Empty)

    async def close_user_stream(self, listen_key: str) -> None:
        await self._call("close_user_stream", [_text("listenKey", listen_key)], m.Empty)

    # --- the request pipeline ----------------------------------------------------------

    async def _call(
        self,
        name: str,
        params: Params,
        decode_as: type[T],
        *,
        all_symbols: bool = False,
        recv_window: int | None = None,
    ) -> T:
        """Send one endpoint call and decode its answer (see the module docstring).

        ``all_symbols``: a ticker asked for every symbol (a higher weight).
        """
        endpoint = ENDPOINTS[name]
        weight = endpoint.weight
        if all_symbols and endpoint.weight_without_symbol is not None:
            weight = endpoint.weight_without_symbol
        self._require_credentials(endpoint)
        self._refuse_during_ban(endpoint)
        if endpoint.security is not Security.SIGNED:
            return await self._send(endpoint, params, decode_as, weight, None)
        window = self.recv_window if recv_window is None else _check_recv_window(recv_window)
        await self._ensure_synced()
        try:
            return await self._send(endpoint, params, decode_as, weight, window)
        except TimestampError:
            logger.info(
                "%s %s: timestamp rejected (-1021); re-syncing the clock and resending once",
                endpoint.method,
                endpoint.path,
            )
        await self.sync_time()
        self._refuse_during_ban(endpoint)
        return await self._send(endpoint, params, decode_as, weight, window)

    def _require_credentials(self, endpoint: Endpoint) -> None:
        if endpoint.security is Security.NONE:
            return
        if self._api_key is None:
            raise MissingCredentials(f"{endpoint.path} needs an API key; none is configured")
        if endpoint.security is Security.SIGNED and self._secret is None:
            raise MissingCredentials(
                f"{endpoint.path} is a signed endpoint and needs the API secret; none is configured"
            )

    def _refuse_during_ban(self, endpoint: Endpoint) -> None:
        now = self.clock.local_ms()
        if not self.rate.is_blocked(now):
            return
        reason = self.rate.block_reason or "429"
        cls = IpBanned if reason == "418" else RateLimited
        raise cls(
            retry_after=self.rate.retry_after_s(now),
            code=self.rate.block_code,
            msg=f"not sent: the exchange asked us to wait (HTTP {reason})",
            status=None,
            endpoint=endpoint.path,
        )

    def _build_request(self, endpoint: Endpoint, params: Params, recv_window: int | None) -> httpx.Request:
        fields = list(params)
        if recv_window is not None:  # a signed call
            fields += [("recvWindow", str(recv_window)), ("timestamp", str(self.clock.now_ms()))]
        encoded = encode_params(fields)
        in_body = endpoint.method in ("POST", "PUT")
        query, body = ("", encoded) if in_body else (encoded, "")
        if recv_window is not None:
            assert self._secret is not None
            signature = sign(self._secret.reveal(), total_params(query, body))
            if in_body:
                body = _with_field(body, "signature", signature)
            else:
                query = _with_field(query, "signature", signature)
        headers: dict[str, str] = {"Accept": "application/json"}
        if endpoint.security is not Security.NONE and self._api_key is not None:
            headers["X-JEX-APIKEY"] = self._api_key
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        url = f"{self._base_url}{endpoint.path}"
        if query:
            url = f"{url}?{query}"
        return self._http.build_request(endpoint.method, url, headers=headers, content=body.encode() if body else None)

    async def _send(
        self,
        endpoint: Endpoint,
        params: Params,
        decode_as: type[T],
        weight: int,
        recv_window: int | None,
    ) -> T:
        if self._http.is_closed:
            raise TransportError(
                f"{endpoint.path}: the client is closed; nothing was sent",
                endpoint=endpoint.path,
                hint="Create a new client (the old one was closed).",
            )
        request = self._build_request(endpoint, params, recv_window)
        started = time.perf_counter()
        sent_ms = self.clock.local_ms()
        status: int | None = None
        error: str | None = None
        try:
            try:
                response = await self._http.send(request)
            except httpx.HTTPError as exc:
                raise transport_error(exc, endpoint=endpoint.path, is_order=endpoint.is_order) from None
            status = response.status_code
            self._record_usage(response, weight, sent_ms)
            return self._read_answer(endpoint, response, decode_as)
        except JexError as exc:
            error = _short_error(exc)
            raise
        except asyncio.CancelledError:
            error = "cancelled"
            if endpoint.is_order and status is None:
                error = "cancelled while in flight: the order's outcome is UNKNOWN"
            raise
        finally:
            latency_ms = int((time.perf_counter() - started) * 1000)
            self._report(endpoint, status, latency_ms, weight, error)

    def _record_usage(self, response: httpx.Response, weight: int, sent_ms: int) -> None:
        now = self.clock.local_ms()
        self.rate.record_response(parse_rate_headers(response.headers), weight=weight, now_ms=now, sent_ms=sent_ms)

    def _read_answer(self, endpoint: Endpoint, response: httpx.Response, decode_as: type[T]) -> T:
        status = response.status_code
        if not 200 <= status < 300:  # a redirect (never followed) is no answer either
            raise self._error_for(endpoint, response)
        content = response.content
        if decode_as is m.Empty and not content.strip():
            content = b"{}"  # an empty answer to ping/keepalive/close is fine
        try:
            decoded: T = _decoder(decode_as).decode(content)
            return decoded
        except (msgspec.ValidationError, msgspec.DecodeError) as exc:
            body_error = _error_body(response.content)
            if body_error is not None and body_error[0] is not None and body_error[0] < 0:
                raise self._error_for(endpoint, response) from None
            raise _decode_error(endpoint.path, exc) from None

    def _error_for(self, endpoint: Endpoint, response: httpx.Response) -> ApiError:
        code, msg = _error_body(response.content) or (None, "")
        status = response.status_code
        if not msg:
            msg = response.reason_phrase or "error"
        retry_after: float | None = None
        if status in (418, 429):
            now = self.clock.local_ms()
            default = DEFAULT_RETRY_AFTER_418_S if status == 418 else DEFAULT_RETRY_AFTER_429_S
            retry_after = parse_retry_after(response.headers.get("Retry-After"), now_ms=now, default_s=default)
            self.rate.block(str(status), retry_after, now_ms=now, code=code, msg=msg)
        return error_from_response(
            status=status,
            code=code,
            msg=msg,
            endpoint=endpoint.path,
            is_order=endpoint.is_order,
            retry_after=retry_after,
            checks_order=endpoint.name == "test_order",
        )

    def _report(
        self,
        endpoint: Endpoint,
        status: int | None,
        latency_ms: int,
        weight: int,
        error: str | None,
    ) -> None:
        # A request the caller cancelled (a symbol switch) is routine, not a problem.
        level = logging.DEBUG if error is None or error == "cancelled" else logging.WARNING
        logger.log(
            level,
            "%s %s -> %s in %d ms (weight %d)%s",
            endpoint.method,
            endpoint.path,
            status if status is not None else "no answer",
            latency_ms,
            weight,
            f": {error}" if error else "",
        )
        if self._on_event is None:
            return
        event = RequestEvent(
            method=endpoint.method,
            path=endpoint.path,
            status=status,
            latency_ms=latency_ms,
            weight=weight,
            used_weight_1m=self.rate.used_weight_1m if self.rate.weight_from_server else None,
            error=error,
            is_order=endpoint.is_order,
        )
        try:
            self._on_event(event)
        except Exception as exc:  # a broken listener must not break trading
            logger.warning("request event listener failed: %s", type(exc).__name__)

"""The sandbox's HTTP API: a Starlette application serving the spec's endpoints.

Every API request goes through one pipeline (:func:`_process`):

1. parse the query string and form body (``params``), work out the weight;
2. count it against the caller's IP (``ratelimit``: 429 / 418);
3. check the API key, signature, timestamp and permission (``auth``);
4. validate the endpoint's own parameters and call the exchange;
5. shape the answer exactly like the spec's examples (``responses``).

Fault injection (``faults``) wraps the pipeline: latency, a 5xx or a dropped
connection strike before or after it ran, a malformed body after.  Unknown
paths answer a JSON 404, a known path with the wrong method a JSON 405.  An
error answers ``{"code": ..., "msg": ...}``; nothing a client sends can cause
a 500 or a traceback.

``/admin/faults`` (GET to read, POST a JSON object to change the fault
settings, the stream faults included) exists only when the server was
started with ``admin=True``.

The WebSocket streams (``/ws/<stream>``, ``/stream?streams=...``) are served
on the same app (``stream_routes``; the rules are in docs/streams.md); the
listenKeys of the user-data-stream endpoints are their keys.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import msgspec
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from jextui.kline_intervals import KLINE_INTERVALS
from jextui.sandbox import responses
from jextui.sandbox.auth import API_KEY_HEADER, ApiKeyRecord, KeyStore, Security, check_signed_request
from jextui.sandbox.engine import EngineError
from jextui.sandbox.faults import FAULT_STATUSES, FaultInjector, FaultPlan, FaultSettings, malformed_body
from jextui.sandbox.listen_keys import LISTEN_KEY_TTL_MS, ListenKeys
from jextui.sandbox.params import ApiRejection, ParamReader, RawParams, parse_params
from jextui.sandbox.ratelimit import RateLimiter
from jextui.sandbox.stream_hub import StreamHub
from jextui.sandbox.stream_routes import ABORT_EXTENSION, stream_routes

__all__ = ["SandboxState", "create_app", "ENDPOINTS", "ABORT_EXTENSION", "DEMO_ACCOUNT"]

log = logging.getLogger("jextui.sandbox")

DEMO_ACCOUNT = "demo"
MAX_BODY_BYTES = 64 * 1024
STREAM_LIFETIME_MS = 24 * 60 * 60 * 1000
WAPI_MAX_SPAN_MS = 90 * 86_400_000

_JSON = responses.JSON_CONTENT_TYPE


# --- state ----------------------------------------------------------------------


@dataclass
class SandboxState:
    """Everything the routes need: the exchange and the HTTP layer's own state."""

    exchange: Any
    keys: KeyStore
    limiter: RateLimiter
    faults: FaultInjector
    admin: bool = False
    tick_ms: int = 500
    simulate: bool = True
    listen_key_ttl_ms: int = LISTEN_KEY_TTL_MS
    stream_lifetime_ms: int = STREAM_LIFETIME_MS
    depth_cache: dict[tuple[str, int], tuple[int, bytes]] = field(default_factory=dict)
    listen_keys: ListenKeys = field(init=False)
    streams: StreamHub = field(init=False)

    def __post_init__(self) -> None:
        self.listen_keys = ListenKeys(self.now_ms, self.listen_key_ttl_ms)
        self.streams = StreamHub(self.exchange, self.listen_keys, self.faults, self.now_ms)

    def now_ms(self) -> int:
        return int(self.exchange.clock.now_ms())

    def set_faults(self, **changes: Any) -> FaultSettings:
        """Change the fault settings; a clock skew moves the exchange clock at once."""
        settings = self.faults.update(**changes)
        if "clock_skew_ms" in changes:
            self.exchange.clock.skew_ms = settings.clock_skew_ms
        if settings.stream_drop:
            for connection in self.streams.subscribers():
                connection.drop()
        return settings

    def symbol_spec(self, symbol: str) -> Any:
        return self.exchange.engine.symbols[symbol]


@dataclass
class Call:
    """One authenticated, rate-counted request, as a handler sees it."""

    state: SandboxState
    params: ParamReader
    key: ApiKeyRecord | None
    headers: dict[str, str]

    @property
    def account_id(self) -> str:
        assert self.key is not None
        return self.key.account_id

    @property
    def exchange(self) -> Any:
        return self.state.exchange

    def symbol(self, *, required: bool = True) -> str | None:
        return self.params.symbol(self.state.exchange.engine.symbols, required=required)


Handler = Callable[[Call], Any]


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    security: Security
    handler: Handler
    weight: int
    weight_without_symbol: int | None = None

    def weight_of(self, raw: RawParams | None) -> int:
        if self.weight_without_symbol is None:
            return self.weight
        if raw is None or "symbol" not in raw:
            return self.weight_without_symbol
        return self.weight


# --- handlers: general and market data ----------------------------------------------


def _ping(call: Call) -> Any:
    return {}


def _time(call: Call) -> Any:
    return {"serverTime": call.state.now_ms()}


def _exchange_info(call: Call) -> Any:
    ex = call.exchange
    return responses.exchange_info(
        call.state.now_ms(),
        call.state.limiter.settings.exchange_info(),
        ex.spot_symbols,
        ex.contract_symbols,
        ex.option_symbols,
    )


def _depth(call: Call) -> Any:
    """The book; an unchanged book (same lastUpdateId) is answered from the encoded cache."""
    symbol = call.symbol()
    limit = call.params.choice_int("limit", default=60, allowed=(5, 10, 20, 50, 60))
    assert symbol is not None and limit is not None
    engine = call.exchange.engine
    cached = call.state.depth_cache.get((symbol, limit))
    if cached is not None and cached[0] == engine.last_update_id(symbol):
        return cached[1]
    last_update_id, bids, asks = engine.depth(symbol, limit)
    body = responses.encode(responses.depth(call.state.symbol_spec(symbol), last_update_id, bids, asks))
    call.state.depth_cache[(symbol, limit)] = (last_update_id, body)
    return body


def _trades(call: Call) -> Any:
    symbol = call.symbol()
    assert symbol is not None
    limit = call.params.bounded_int("limit", default=60, low=1, high=60)
    records = call.exchange.market.recent_trades(symbol, limit)
    return responses.trades(call.state.symbol_spec(symbol), records)


def _historical_trades(call: Call) -> Any:
    symbol = call.symbol()
    assert symbol is not None
    limit = call.params.bounded_int("limit", default=200, low=1, high=500)
    from_id = call.params.long("fromId", required=False)
    records = call.exchange.market.historical_trades(symbol, from_id=from_id, limit=limit)
    return responses.historical_trades(call.state.symbol_spec(symbol), records)


def _klines(call: Call) -> Any:
    symbol = call.symbol()
    assert symbol is not None
    interval = call.params.enum("interval", KLINE_INTERVALS, invalid=ApiRejection(-1120, "Invalid interval."))
    start_time, end_time = call.params.time_range()
    limit = call.params.bounded_int("limit", default=500, low=1, high=1000)
    rows = call.exchange.market.klines(symbol, interval, start_time=start_time, end_time=end_time, limit=limit)
    return responses.klines(call.state.symbol_spec(symbol), rows)


def _avg_price(call: Call) -> Any:
    symbol = call.symbol()
    assert symbol is not None
    return responses.avg_price(call.state.symbol_spec(symbol), call.exchange.market.avg_price(symbol))


def _per_symbol(call: Call, one: Callable[[str], Any]) -> Any:
    symbol = call.symbol(required=False)
    if symbol is not None:
        return one(symbol)
    return [one(spec.symbol) for spec in call.exchange.spot_symbols]


def _ticker_24hr(call: Call) -> Any:
    ex = call.exchange

    return _per_symbol(
        call, lambda symbol: responses.ticker_24hr(call.state.symbol_spec(symbol), ex.market.ticker_24hr(symbol))
    )


def _ticker_price(call: Call) -> Any:
    ex = call.exchange
    return _per_symbol(
        call, lambda symbol: responses.price_ticker(call.state.symbol_spec(symbol), ex.market.last_price(symbol))
    )


def _book_ticker(call: Call) -> Any:
    ex = call.exchange
    return _per_symbol(
        call, lambda symbol: responses.book_ticker(call.state.symbol_spec(symbol), ex.engine.best_bid_ask(symbol))
    )


# --- handlers: orders ---------------------------------------------------------------

_ORDER_TYPES_KNOWN = ("LIMIT", "MARKET", "STOPLIMIT", "STOPMARKET", "PROFITLIMIT", "PROFITMARKET")


@dataclass(frozen=True)
class _OrderRequest:
    symbol: str
    side: str
    price: Decimal
    quantity: Decimal
    time_in_force: str
    response_type: str


def _order_request(call: Call) -> _OrderRequest:
    params = call.params
    symbol = call.symbol()
    assert symbol is not None
    side = params.enum("side", ("BUY", "SELL"), invalid=ApiRejection(-1117, "Invalid side."))
    order_type = params.enum("type", _ORDER_TYPES_KNOWN, invalid=ApiRejection(-1116, "Invalid orderType."))
    if order_type != "LIMIT":
        raise ApiRejection(-1014, "Unsupported order combination.")
    time_in_force = params.enum(
        "timeInForce", ("GTC", "IOC", "FOK"), invalid=ApiRejection(-1115, "Invalid timeInForce."), default="GTC"
    )
    quantity = params.decimal("quantity")
    price = params.decimal("price")
    response_type = params.enum("newOrderRespType", ("ACK", "RESULT"), invalid=None, default="ACK")
    return _OrderRequest(symbol, side, price, quantity, time_in_force, response_type)


def _new_order(call: Call) -> Any:
    order = _order_request(call)
    usage = call.state.limiter.count_order(call.account_id)
    call.headers.update(usage.headers())
    # fault injection: an exchange that ignores timeInForce makes every order GTC
    time_in_force = "GTC" if call.state.faults.settings.ignore_time_in_force else order.time_in_force
    placed, _fills = call.exchange.engine.place_order(
        call.account_id, order.symbol, order.side, order.price, order.quantity, time_in_force
    )
    if order.response_type == "RESULT":
        return responses.order_result(call.state.symbol_spec(order.symbol), placed, placed.time)
    return responses.order_ack(placed)


def _test_order(call: Call) -> Any:
    order = _order_request(call)
    call.exchange.engine.check_order(
        call.account_id, order.symbol, order.side, order.price, order.quantity, order.time_in_force
    )
    return {}


def _order_id(call: Call) -> tuple[str, int]:
    symbol = call.symbol()
    order_id = call.params.long("orderId", required=True)
    assert symbol is not None and order_id is not None
    return symbol, order_id


def _get_order(call: Call) -> Any:
    symbol, order_id = _order_id(call)
    order = call.exchange.engine.get_order(call.account_id, symbol, order_id)
    return responses.order_view(call.state.symbol_spec(symbol), order)


def _cancel_order(call: Call) -> Any:
    symbol, order_id = _order_id(call)
    order = call.exchange.engine.cancel_order(call.account_id, symbol, order_id)
    return responses.order_result(call.state.symbol_spec(symbol), order, call.state.now_ms())


def _order_list(call: Call, select: Callable[..., list[Any]]) -> Any:
    symbol = call.symbol()
    assert symbol is not None
    from_order_id = call.params.long("orderId", required=False)
    start_time, end_time = call.params.time_range()
    limit = call.params.bounded_int("limit", default=500, low=1, high=500)
    orders = select(
        call.account_id, symbol, from_order_id=from_order_id, start_time=start_time, end_time=end_time, limit=limit
    )
    spec = call.state.symbol_spec(symbol)
    return [responses.order_view(spec, order) for order in orders]


def _open_orders(call: Call) -> Any:
    return _order_list(call, call.exchange.engine.open_orders)


def _history_orders(call: Call) -> Any:
    return _order_list(call, call.exchange.engine.history_orders)


def _account(call: Call) -> Any:
    ex = call.exchange
    contract_assets = sorted({str(item["quoteAsset"]) for item in ex.contract_symbols})
    option_assets = [str(item["symbol"]) for item in ex.option_symbols]
    return responses.account(call.state.now_ms(), ex.engine.balances(call.account_id), contract_assets, option_assets)


# --- handlers: wapi ---------------------------------------------------------------


def _asset_detail(call: Call) -> Any:
    return responses.asset_detail(call.exchange.accounts.asset_detail(call.account_id))


def _deposit_address(call: Call) -> Any:
    asset = call.params.asset(required=True)
    assert asset is not None
    return responses.deposit_address(asset, call.exchange.accounts.deposit_address(call.account_id, asset))


def _history_filters(call: Call, statuses: tuple[int, ...]) -> dict[str, Any]:
    asset = call.params.asset(required=False)
    status = call.params.choice_int("status", default=None, allowed=statuses)
    start_time, end_time = call.params.time_range(max_span_ms=WAPI_MAX_SPAN_MS)
    return {"asset": asset, "status": status, "start_time": start_time, "end_time": end_time}


def _deposit_history(call: Call) -> Any:
    filters = _history_filters(call, (0, 1, 2))
    return responses.deposit_history(call.exchange.accounts.deposit_history(call.account_id, **filters))


def _withdraw_history(call: Call) -> Any:
    filters = _history_filters(call, (0, 1, 2, 3, 4, 5, 6))
    return responses.withdraw_history(call.exchange.accounts.withdraw_history(call.account_id, **filters))


def _trade_fee(call: Call) -> Any:
    symbol = call.symbol(required=False)
    return responses.trade_fee(call.exchange.accounts.trade_fee(call.account_id, symbol=symbol))


# --- handlers: user data stream ---------------------------------------------------


def _unknown_listen_key() -> ApiRejection:
    return ApiRejection(-1125, "This listenKey does not exist.")


def _start_user_stream(call: Call) -> Any:
    return {"listenKey": call.state.listen_keys.open(call.account_id)}


def _keepalive_user_stream(call: Call) -> Any:
    if not call.state.listen_keys.keepalive(call.account_id, call.params.token("listenKey")):
        raise _unknown_listen_key()
    return {}


def _close_user_stream(call: Call) -> Any:
    if not call.state.listen_keys.close(call.account_id, call.params.token("listenKey")):
        raise _unknown_listen_key()
    return {}


# --- the endpoint table -----------------------------------------------------------

_N, _MD, _US, _T, _UD = Security.NONE, Security.MARKET_DATA, Security.USER_STREAM, Security.TRADE, Security.USER_DATA

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("GET", "/api/v1/ping", _N, _ping, 1),
    Endpoint("GET", "/api/v1/time", _N, _time, 1),
    Endpoint("GET", "/api/v1/exchangeInfo", _N, _exchange_info, 1),
    Endpoint("GET", "/api/v1/spot/depth", _N, _depth, 1),
    Endpoint("GET", "/api/v1/spot/trades", _N, _trades, 1),
    Endpoint("GET", "/api/v1/spot/historicalTrades", _MD, _historical_trades, 5),
    Endpoint("GET", "/api/v1/spot/klines", _N, _klines, 1),
    Endpoint("GET", "/api/v1/spot/avgPrice", _N, _avg_price, 1),
    Endpoint("GET", "/api/v1/spot/ticker/24hr", _N, _ticker_24hr, 1, weight_without_symbol=40),
    Endpoint("GET", "/api/v1/spot/ticker/price", _N, _ticker_price, 1, weight_without_symbol=2),
    Endpoint("GET", "/api/v1/spot/ticker/bookTicker", _N, _book_ticker, 1, weight_without_symbol=2),
    Endpoint("POST", "/api/v1/spot/order", _T, _new_order, 1),
    Endpoint("POST", "/api/v1/spot/order/test", _T, _test_order, 1),
    Endpoint("GET", "/api/v1/spot/order", _UD, _get_order, 1),
    Endpoint("DELETE", "/api/v1/spot/order", _T, _cancel_order, 1),
    Endpoint("GET", "/api/v1/spot/openOrders", _UD, _open_orders, 5),
    Endpoint("GET", "/api/v1/account", _UD, _account, 1),
    Endpoint("GET", "/api/v1/spot/historyOrders", _UD, _history_orders, 5),
    Endpoint("GET", "/wapi/v1/assetDetail", _UD, _asset_detail, 1),
    Endpoint("GET", "/wapi/v1/depositAddress", _UD, _deposit_address, 1),
    Endpoint("GET", "/wapi/v1/depositHistory", _UD, _deposit_history, 5),
    Endpoint("GET", "/wapi/v1/tradeFee", _UD, _trade_fee, 1),
    Endpoint("GET", "/wapi/v1/withdrawHistory", _UD, _withdraw_history, 5),
    Endpoint("POST", "/api/v1/userDataStream", _US, _start_user_stream, 1),
    Endpoint("PUT", "/api/v1/userDataStream", _US, _keepalive_user_stream, 1),
    Endpoint("DELETE", "/api/v1/userDataStream", _US, _close_user_stream, 1),
)


# --- the pipeline -------------------------------------------------------------------


@dataclass
class _Answer:
    status: int
    body: bytes
    headers: dict[str, str]


def _error(code: int, msg: str, status: int, headers: dict[str, str] | None = None) -> _Answer:
    return _Answer(status, responses.error_body(code, msg), headers or {})


def _process(state: SandboxState, endpoint: Endpoint, request: Request, body: bytes) -> _Answer:
    headers: dict[str, str] = {}
    try:
        try:
            raw: RawParams | None = parse_params(endpoint.method, request.scope["query_string"], body)
            parse_error = None
        except ApiRejection as exc:
            raw, parse_error = None, exc
        client = request.scope.get("client")
        ip = client[0] if client else "unknown"
        headers.update(state.limiter.admit(ip, endpoint.weight_of(raw)).headers())
        if parse_error is not None:
            raise parse_error
        assert raw is not None
        key = state.keys.authorize(request.headers.get(API_KEY_HEADER), endpoint.security)
        if endpoint.security.is_signed:
            assert key is not None
            check_signed_request(key, raw, state.now_ms())
        payload = endpoint.handler(Call(state, ParamReader(raw.values), key, headers))
        state.exchange.commit()  # write-through: what is answered is in the state file
        body = payload if isinstance(payload, bytes) else responses.encode(payload)  # bytes: encoded already
        return _Answer(200, body, headers)
    except ApiRejection as exc:
        headers.update(exc.headers)
        return _error(exc.code, exc.msg, exc.status, headers)
    except EngineError as exc:
        return _error(exc.code, exc.msg, 400, headers)
    except Exception:  # a bug of ours: logged, answered like the exchange would
        log.exception("unexpected error on %s %s", endpoint.method, endpoint.path)
        return _error(-1000, "An unknown error occurred while processing the request.", 500, headers)


def _response(answer: _Answer) -> Response:
    return Response(answer.body, status_code=answer.status, headers=answer.headers, media_type=_JSON)


async def _drop(request: Request) -> Response:
    """Close the connection without an answer (fault injection)."""
    abort = request.scope.get("extensions", {}).get(ABORT_EXTENSION)
    if abort is None:  # not served by our server (e.g. an in-process test transport)
        raise ConnectionAbortedError("connection dropped by fault injection")
    abort()
    with contextlib.suppress(Exception):
        async with asyncio.timeout(1.0):
            while (await request.receive())["type"] != "http.disconnect":
                pass
    return Response(b"", status_code=204)


def _fault_response(plan: FaultPlan) -> Response:
    code, msg = FAULT_STATUSES[plan.status]
    return _response(_error(code, msg, plan.status))


_GONE = b"\x00the client left"
"""What :func:`_read_body` returns when the client went away (or timed out) before its body was whole."""


async def _read_body(request: Request, method: str) -> bytes | None:
    if method == "GET":
        return b""
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                return None
            chunks.append(chunk)
    except ClientDisconnect:
        return _GONE
    return b"".join(chunks)


async def _serve(state: SandboxState, endpoint: Endpoint, request: Request) -> Response:
    plan = state.faults.plan(endpoint.path)
    if not plan.after:
        if plan.latency_ms:
            await asyncio.sleep(plan.latency_ms / 1000)
        if plan.kind == "5xx":
            return _fault_response(plan)
        if plan.kind == "drop":
            return await _drop(request)
    body = await _read_body(request, endpoint.method)
    if body is _GONE:  # half a request is never executed; nobody is left to answer
        return Response(b"", status_code=204)
    if body is None:
        answer = _error(-1101, "Too many parameters sent for this endpoint.", 413)
    else:
        answer = _process(state, endpoint, request, body)
    if plan.after:
        if plan.latency_ms:
            await asyncio.sleep(plan.latency_ms / 1000)
        if plan.kind == "5xx":
            return _fault_response(plan)
        if plan.kind == "drop":
            return await _drop(request)
        if plan.kind == "malformed":
            return Response(malformed_body(answer.body), status_code=200, headers=answer.headers, media_type=_JSON)
    return _response(answer)


def _route(state: SandboxState, path: str, by_method: Mapping[str, Endpoint]) -> Route:
    async def endpoint(request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        return await _serve(state, by_method[method], request)

    methods = sorted(by_method)
    return Route(path, endpoint, methods=methods, name=path)


# --- admin ---------------------------------------------------------------------------


def _admin_routes(state: SandboxState) -> list[Route]:
    async def faults(request: Request) -> Response:
        if request.method == "POST":
            try:
                changes = msgspec.json.decode(await request.body())
                if not isinstance(changes, dict):
                    raise ValueError("send a JSON object of fault settings")
                state.set_faults(**changes)
            except (msgspec.DecodeError, ValueError, TypeError) as exc:
                return _response(_error(-1100, f"Bad fault settings: {exc}", 400))
        return Response(responses.encode(state.faults.settings.as_dict()), media_type=_JSON)

    return [Route("/admin/faults", faults, methods=["GET", "POST"], name="admin-faults")]


# --- the application ------------------------------------------------------------------


async def _not_found(request: Request, exc: Exception) -> Response:
    return _response(_error(-1020, "This operation is not supported.", 404))


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 400
    if status == 404:
        return await _not_found(request, exc)
    headers = dict(exc.headers or {}) if isinstance(exc, HTTPException) else {}
    if status == 405:
        return _response(_error(-1020, "This method is not supported on this endpoint.", 405, headers))
    return _response(_error(-1000, "An unknown error occurred while processing the request.", status, headers))


def create_app(state: SandboxState) -> Starlette:
    """The ASGI application serving ``state``'s exchange."""
    by_path: dict[str, dict[str, Endpoint]] = {}
    for endpoint in ENDPOINTS:
        by_path.setdefault(endpoint.path, {})[endpoint.method] = endpoint
    routes: list[BaseRoute] = [_route(state, path, by_method) for path, by_method in by_path.items()]
    if state.admin:
        routes.extend(_admin_routes(state))
    routes.extend(stream_routes(state.streams, state.faults, lambda: state.stream_lifetime_ms))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        ticker = asyncio.create_task(_tick_forever(state))  # market steps (unless quiet) and autosaves
        try:
            yield
        finally:
            ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticker
            await state.streams.stop()

    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_error}, lifespan=lifespan)
    app.router.redirect_slashes = False
    return app


async def _tick_forever(state: SandboxState) -> None:
    """Drive the simulated market: one exchange tick every ``tick_ms``."""
    interval = state.tick_ms / 1000
    while True:
        await asyncio.sleep(interval)
        try:
            state.exchange.tick()
        except Exception:  # the market must keep going; a bug is logged once per tick
            log.exception("simulated market tick failed")

"""Credentials travel only where they should, and the exchange refuses what it must.

Client level (https or loopback only, the explicit flag) and settings level
are covered by ``tests/api/test_security.py`` and ``tests/test_config.py``;
here the same rule end to end — the console given such a profile connects to
nothing and says why — plus a redirect that must not carry a signed request
elsewhere.  The sandbox's refusals are covered raw in
``tests/sandbox/test_http_auth.py``; here they come through ``JexClient``, the
way the console meets them: a read-only key on every TRADE endpoint, an
unknown key, a signature or a parameter changed in transit, a request that
arrives outside recvWindow (refused, never executed, and resent once).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx
import pytest
from support.app_harness import make_settings, wait_until

from jextui.api import JexClient
from jextui.api.errors import AuthError, JexError, TimestampError
from jextui.sandbox.clock import FixedClock
from jextui.secret import Secret
from jextui.session import Session, SessionError, SessionOptions
from jextui.ui.app import JexApp

KEY = "ProfileKeyForTransportChecks0123456789abcdefABCDEF"
SECRET = "ProfileSecretForTransportChecks0123456789abcdefAB"
# Documentation addresses (never reached: nothing may be sent to them).
REMOTE_HTTP = "http://203.0.113.7:8080"
SYMBOL = "BTCUSDT"
PRICE = Decimal("1000.00")  # far below the market: the order rests
QUANTITY = Decimal("0.01")


def remote_settings(tmp_path: Path, *, allow: bool) -> Any:
    return make_settings(
        tmp_path,
        demo=False,
        profile_name="remote",
        base_url=REMOTE_HTTP,
        api_key=KEY,
        api_secret=Secret(SECRET),
        allow_insecure_http=allow,
    )


# --- where credentials may go ------------------------------------------------------------


async def test_the_console_refuses_a_plain_http_profile_with_credentials_and_says_why(tmp_path: Path) -> None:
    app = JexApp(remote_settings(tmp_path, allow=False))
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_until(pilot, lambda: app.session_error is not None, what="the refusal")
        assert "plain http" in app.session_error and "203.0.113.7" in app.session_error  # type: ignore[operator]
        assert app.session.client is None and app.session.worker is None  # nothing could send
        assert app.main.panes.status.info.connection == "offline"
        assert SECRET not in app.session_error and KEY not in app.session_error  # type: ignore[operator]


async def test_only_the_explicit_flag_lets_a_session_use_a_plain_http_profile(tmp_path: Path) -> None:
    session = Session(
        remote_settings(tmp_path, allow=True),
        lambda event: None,
        active_symbol=SYMBOL,
        watchlist=(SYMBOL,),
        options=SessionOptions(start_feed=False, open_journal=False),
    )
    await session.start()  # builds the client only: nothing is sent to the documentation address
    try:
        assert session.client is not None and session.client.has_credentials
        assert session.client.base_url == REMOTE_HTTP
    finally:
        await session.stop()
    with pytest.raises(SessionError, match="plain http"):
        await Session(
            remote_settings(tmp_path, allow=False), lambda event: None, active_symbol=SYMBOL, watchlist=(SYMBOL,)
        ).start()


async def test_a_redirect_never_carries_a_signed_request_elsewhere() -> None:
    seen: list[httpx.Request] = []

    def exchange(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.host != "api.jex.test":
            return httpx.Response(200, json={})
        if request.url.path == "/api/v1/time":
            return httpx.Response(200, json={"serverTime": 1_700_000_000_000})
        elsewhere = f"{REMOTE_HTTP}{request.url.path}?{request.url.query.decode()}"
        return httpx.Response(307, headers={"Location": elsewhere})

    async with JexClient(
        "https://api.jex.test", KEY, SECRET, transport=httpx.MockTransport(exchange), time_ms=lambda: 1_700_000_000_000
    ) as client:
        with pytest.raises(JexError):
            await client.account()
    assert [request.url.host for request in seen] == ["api.jex.test", "api.jex.test"]


# --- what the exchange refuses, through the client -------------------------------------------


def placed_orders(server: Any) -> list[Any]:
    return server.call(lambda exchange: [o for o in exchange.engine.stored_orders() if o.account_id == "demo"])


async def test_a_read_only_key_reads_but_every_trade_endpoint_is_refused(make_sandbox: Any) -> None:
    server = make_sandbox(readonly_key=True)
    async with JexClient(server.base_url, server.readonly_api_key, server.readonly_api_secret) as reader:
        assert (await reader.account()).spot_balances
        assert await reader.open_orders(SYMBOL) == []
        for attempt in (
            lambda: reader.new_order(SYMBOL, "BUY", QUANTITY, PRICE),
            lambda: reader.test_order(SYMBOL, "BUY", QUANTITY, PRICE),
            lambda: reader.cancel_order(SYMBOL, 1),
        ):
            with pytest.raises(AuthError) as refused:
                await attempt()
            assert refused.value.code == -2015 and not refused.value.outcome_unknown
    assert placed_orders(server) == []


async def test_an_unknown_key_is_refused_on_keyed_and_signed_endpoints(make_sandbox: Any) -> None:
    server = make_sandbox()
    async with JexClient(server.base_url, "UnknownKey" * 6, server.api_secret) as stranger:
        for attempt in (
            lambda: stranger.historical_trades(SYMBOL),
            stranger.account,
            lambda: stranger.new_order(SYMBOL, "BUY", QUANTITY, PRICE),
        ):
            with pytest.raises(AuthError) as refused:
                await attempt()
            assert refused.value.code == -2015
    assert placed_orders(server) == []


class InTransit(httpx.AsyncBaseTransport):
    """Loopback HTTP with a hook that may change each request on its way (a man in the middle, or a slow network)."""

    def __init__(self, change: Callable[[httpx.Request], httpx.Request]) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self._change = change
        self.answers: list[tuple[str, int, int | None]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(self._change(request))
        await response.aread()
        code = response.json().get("code") if response.status_code >= 400 else None
        self.answers.append((request.url.path, response.status_code, code))
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


def with_body(request: httpx.Request, edit: Callable[[dict[str, str]], None]) -> httpx.Request:
    fields = dict(parse_qsl(request.content.decode()))
    edit(fields)
    headers = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
    return httpx.Request(request.method, request.url, headers=headers, content=urlencode(fields).encode())


def tampered(edit: Callable[[dict[str, str]], None]) -> Callable[[httpx.Request], httpx.Request]:
    def change(request: httpx.Request) -> httpx.Request:
        return with_body(request, edit) if request.method == "POST" else request

    return change


def _flip_signature(fields: dict[str, str]) -> None:
    signature = fields["signature"]
    fields["signature"] = ("0" if signature[0] != "0" else "1") + signature[1:]


def _more_quantity(fields: dict[str, str]) -> None:
    fields["quantity"] = "0.02"


@pytest.mark.parametrize("edit", [_flip_signature, _more_quantity], ids=["signature", "quantity"])
async def test_a_request_changed_in_transit_is_refused_and_nothing_is_placed(
    make_sandbox: Any, edit: Callable[[dict[str, str]], None]
) -> None:
    server = make_sandbox()
    transit = InTransit(tampered(edit))
    async with JexClient(server.base_url, server.api_key, server.api_secret, transport=transit) as client:
        with pytest.raises(AuthError) as refused:
            await client.new_order(SYMBOL, "BUY", QUANTITY, PRICE)
    assert refused.value.code == -1022 and not refused.value.outcome_unknown
    assert placed_orders(server) == []


async def test_a_request_arriving_outside_recv_window_is_refused_then_resent_once(make_sandbox: Any) -> None:
    clock = FixedClock(1_700_000_000_000)
    server = make_sandbox(clock=clock)
    delayed: list[str] = []

    def slow_first_order(request: httpx.Request) -> httpx.Request:
        if request.method == "POST" and not delayed:
            delayed.append(request.url.path)
            clock.advance(5_001)  # it spends more than recvWindow (5000 ms) on its way
        return request

    transit = InTransit(slow_first_order)
    async with JexClient(
        server.base_url, server.api_key, server.api_secret, transport=transit, time_ms=clock.now_ms
    ) as client:
        placed = await client.new_order(SYMBOL, "BUY", QUANTITY, PRICE)
    paths = [path for path, _, _ in transit.answers]
    assert paths == ["/api/v1/time", "/api/v1/spot/order", "/api/v1/time", "/api/v1/spot/order"]  # re-synced
    assert transit.answers[1][1:] == (400, -1021)  # refused, not executed ...
    assert transit.answers[3][1:] == (200, None)  # ... so resending it once was safe
    assert [o.order_id for o in placed_orders(server)] == [int(placed.order_id)]


async def test_requests_that_always_arrive_too_late_are_refused_and_never_executed(make_sandbox: Any) -> None:
    clock = FixedClock(1_700_000_000_000)
    server = make_sandbox(clock=clock)

    def always_slow(request: httpx.Request) -> httpx.Request:
        if request.method == "POST":
            clock.advance(6_000)
        return request

    async with JexClient(
        server.base_url, server.api_key, server.api_secret, transport=InTransit(always_slow), time_ms=clock.now_ms
    ) as client:
        with pytest.raises(TimestampError) as refused:
            await client.new_order(SYMBOL, "BUY", QUANTITY, PRICE)
    assert refused.value.code == -1021 and not refused.value.outcome_unknown
    assert placed_orders(server) == []

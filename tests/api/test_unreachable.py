"""An exchange that cannot be reached: the error names the host and the reason,
and a connection never made means an order certainly was not sent (real sockets)."""

from __future__ import annotations

import errno
import socket
import ssl
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from jextui.api import JexClient
from jextui.api.errors import ConnectionFailed, ConnectTimedOut, NotSent, RequestTimeout
from jextui.api.transport import describe_failure, transport_error
from jextui.feed import FeedWorker, StatusUpdate
from jextui.trading.errors_text import describe_error
from jextui.trading.journal import NOT_PLACED, OrderJournal, account_identity
from jextui.trading.submit import OrderSubmitter, OutcomeKind
from jextui.trading.ticket import OrderRequest

ORDER_PATH = "/api/v1/spot/order"
REQUEST = OrderRequest("BTCUSDT", "BUY", Decimal("1000.00"), Decimal("0.01"), "GTC")


@pytest.fixture
def refused_port() -> Iterator[int]:
    """A loopback port bound but not listening: every connection to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


async def test_a_refused_connection_names_the_host_and_says_not_sent(make_sandbox: Any) -> None:
    server = make_sandbox(simulate=False)
    async with JexClient(server.base_url, server.api_key, server.api_secret) as client:
        await client.sync_time()
        server.stop()  # the exchange goes away: its port now refuses connections
        with pytest.raises(NotSent) as caught:
            await client.new_order("BTCUSDT", "BUY", Decimal("0.01"), Decimal("1000"))
    error = caught.value
    where = f"127.0.0.1:{server.port}"
    assert error.outcome_unknown is False and error.never_sent is True
    assert error.reason == f"{where} refused to connect"
    assert str(error) == f"{where} refused to connect ({ORDER_PATH}); the order was not sent"
    assert describe_error(error) == f"Not sent: the exchange is unreachable ({where} refused to connect)."
    assert isinstance(error, ConnectionFailed)  # still a connection failure for older callers


async def test_submitting_to_an_unreachable_exchange_is_not_sent_and_journalled_not_placed(
    refused_port: int, tmp_path: Path
) -> None:
    base_url = f"http://127.0.0.1:{refused_port}"
    async with JexClient(base_url, "k", "s", allow_insecure=True) as client:
        journal = OrderJournal(tmp_path / "journal.sqlite", base_url=base_url, account=account_identity("k"))
        try:
            outcome = await OrderSubmitter(client, journal).submit(REQUEST)
            assert outcome.kind == OutcomeKind.NOT_SENT
            assert outcome.placed is False
            assert outcome.message == (
                f"Not sent: the exchange is unreachable (127.0.0.1:{refused_port} refused to connect)."
            )
            assert outcome.entry is not None
            entry = journal.get(outcome.entry.id)
            assert entry.state == NOT_PLACED  # positive evidence: no connection, no order
            assert "refused to connect" in entry.message
            assert journal.needing_reconciliation() == []  # nothing left to look up
        finally:
            journal.close()


async def test_a_dropped_connection_still_leaves_the_order_unknown(make_sandbox: Any, tmp_path: Path) -> None:
    server = make_sandbox(fault_drop_rate=1.0, fault_phase="after", fault_paths=(ORDER_PATH,), fault_limit=1)
    async with JexClient(server.base_url, server.api_key, server.api_secret) as client:
        await client.sync_time()
        with pytest.raises(ConnectionFailed) as caught:
            await client.new_order("BTCUSDT", "BUY", Decimal("0.01"), Decimal("1000.00"))
    error = caught.value
    assert not isinstance(error, NotSent) and error.never_sent is False
    assert error.outcome_unknown is True
    assert "UNKNOWN" in str(error) and "dropped the connection" in error.reason
    assert error.reason.startswith(f"127.0.0.1:{server.port} ")
    assert "Not sent" not in describe_error(error)


async def test_a_submit_whose_answer_is_dropped_goes_through_the_unknown_path(
    make_sandbox: Any, tmp_path: Path
) -> None:
    server = make_sandbox(fault_drop_rate=1.0, fault_phase="after", fault_paths=(ORDER_PATH,), fault_limit=1)
    async with JexClient(server.base_url, server.api_key, server.api_secret) as client:
        await client.sync_time()
        journal = OrderJournal(
            tmp_path / "journal.sqlite", base_url=server.base_url, account=account_identity(server.api_key)
        )
        try:
            outcome = await OrderSubmitter(client, journal).submit(REQUEST)
        finally:
            journal.close()
    assert outcome.kind in (OutcomeKind.UNKNOWN, OutcomeKind.RESOLVED)  # looked up, never called "not sent"
    assert not isinstance(outcome.error, NotSent)
    assert "Not sent" not in outcome.message


async def test_tls_to_a_plain_http_server_is_named_a_tls_failure(sandbox: Any) -> None:
    address = f"127.0.0.1:{sandbox.port}"
    async with JexClient(f"https://{address}") as client:
        with pytest.raises(NotSent) as caught:
            await client.ping()
    assert caught.value.reason == f"{address}: TLS handshake failed"


async def test_a_slow_answer_names_the_host(make_sandbox: Any) -> None:
    server = make_sandbox(fault_latency_ms=2000)
    async with JexClient(server.base_url, timeout=0.2) as client:
        with pytest.raises(RequestTimeout) as caught:
            await client.ping()
    assert not isinstance(caught.value, NotSent)
    assert caught.value.reason == f"127.0.0.1:{server.port}: no answer in time"


def _failure(kind: type[httpx.RequestError], cause: BaseException | None, url: str = "https://api.jex.test/x") -> Any:
    request = httpx.Request("GET", url)
    try:
        try:
            if cause is not None:
                raise cause
            raise kind("boom", request=request)
        except httpx.HTTPError:
            raise
        except BaseException as inner:
            raise kind(str(inner), request=request) from inner
    except httpx.HTTPError as exc:
        return exc


@pytest.mark.parametrize(
    ("kind", "cause", "words"),
    [
        (httpx.ConnectError, socket.gaierror(-2, "Name or service not known"), "api.jex.test: no such host (DNS)"),
        (
            httpx.ConnectError,
            ssl.SSLCertVerificationError(1, "certificate verify failed"),
            "api.jex.test: untrusted TLS certificate",
        ),
        (
            httpx.ConnectError,
            OSError(errno.ENETUNREACH, "Network is unreachable"),
            "api.jex.test unreachable (no route)",
        ),
        (
            httpx.ConnectError,
            ConnectionRefusedError(errno.ECONNREFUSED, "Connect call failed"),
            "api.jex.test refused to connect",
        ),
        (httpx.ConnectTimeout, None, "api.jex.test: no connection in time"),
        (httpx.RemoteProtocolError, None, "api.jex.test dropped the connection"),
    ],
)
def test_each_failure_has_short_words_naming_the_host(
    kind: type[httpx.RequestError], cause: BaseException | None, words: str
) -> None:
    exc = _failure(kind, cause)
    assert describe_failure(exc) == words
    assert len(words) <= 40  # fits the status bar (it cuts longer details)
    error = transport_error(exc, endpoint=ORDER_PATH, is_order=True)
    connecting = kind in (httpx.ConnectError, httpx.ConnectTimeout)
    assert isinstance(error, NotSent) is connecting and error.outcome_unknown is not connecting
    if kind is httpx.ConnectTimeout:
        assert isinstance(error, ConnectTimedOut) and isinstance(error, RequestTimeout)


def test_an_ipv6_host_keeps_its_brackets() -> None:
    refused = ConnectionRefusedError(errno.ECONNREFUSED, "refused")
    assert describe_failure(_failure(httpx.ConnectError, refused, "http://[::1]:8080/x")) == (
        "[::1]:8080 refused to connect"
    )
    lookup = socket.gaierror(-2, "Name or service not known")
    assert describe_failure(_failure(httpx.ConnectError, lookup, "https://api.jex.test:8443/x")) == (
        "api.jex.test: no such host (DNS)"
    )


async def test_the_feed_status_names_the_host_and_the_reason(refused_port: int) -> None:
    import asyncio

    events: list[Any] = []
    offline: Callable[[], list[StatusUpdate]] = lambda: [  # noqa: E731
        e for e in events if isinstance(e, StatusUpdate) and e.connection == "offline"
    ]
    async with JexClient(f"http://127.0.0.1:{refused_port}") as client:
        worker = FeedWorker(client, events.append, active_symbol="BTCUSDT", watchlist=["BTCUSDT"])
        task = asyncio.create_task(worker.run())
        try:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 20
            while not offline():
                assert loop.time() < deadline, "never reported offline"
                await asyncio.sleep(0.02)
        finally:
            worker.stop()
            await task
    assert offline()[-1].message == f"127.0.0.1:{refused_port} refused to connect"

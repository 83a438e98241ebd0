"""Hostile clients: idle and slow connections, a descriptor limit, oversized and broken requests.

Every refusal is the API's JSON error; a normal client keeps getting answers
(or a clean 503) however many idle connections are open; a half-sent request
is never executed; stderr stays quiet.  The descriptor-limit case runs a real
``jextui sandbox`` process under a small ``RLIMIT_NOFILE``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import resource
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from support.sandbox import DOC_API_KEY, DOC_API_SECRET

from jextui.api.signing import sign

DESCRIPTOR_LIMIT = 128
IDLE_CONNECTIONS = 300


def _connect(server: Any) -> socket.socket:
    sock = socket.create_connection((server.host, server.port), timeout=5)
    return sock


def _read_all(sock: socket.socket, timeout: float = 5.0) -> bytes:
    """Everything the server sends until it closes the connection."""
    sock.settimeout(timeout)
    chunks: list[bytes] = []
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def _closed_by_server(sock: socket.socket, timeout: float = 0.5) -> bool:
    try:
        return _read_all(sock, timeout) == b""
    except TimeoutError:
        return False


def _split(raw: bytes) -> tuple[int, dict[str, str], Any]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])}
    return status, headers, json.loads(body)


def _assert_json_error(raw: bytes, status: int) -> dict[str, Any]:
    got, headers, body = _split(raw)
    assert got == status, raw[:200]
    assert headers["content-type"].startswith("application/json")
    assert set(body) == {"code", "msg"} and isinstance(body["code"], int) and body["msg"]
    return dict(body)


# --- slow and idle clients (in-process sandbox, short timeout) ------------------------------


def test_a_connection_that_sends_nothing_is_closed_after_the_read_timeout(make_sandbox: Any) -> None:
    server = make_sandbox(read_timeout_s=0.5)
    with _connect(server) as sock:
        started = time.monotonic()
        assert _read_all(sock) == b""  # closed without an answer: there was no request
        assert time.monotonic() - started < 4.0


def test_half_sent_headers_get_a_json_408(make_sandbox: Any) -> None:
    server = make_sandbox(read_timeout_s=0.5)
    with _connect(server) as sock:
        sock.sendall(b"GET /api/v1/ping HTTP/1.1\r\nHost: sandbox\r\nX-Slow: ")
        _assert_json_error(_read_all(sock), 408)


def test_a_slow_body_gets_a_json_408_and_the_order_is_never_placed(make_sandbox: Any) -> None:
    server = make_sandbox(read_timeout_s=0.5)
    params = {
        "symbol": "ETHUSDT",
        "side": "BUY",
        "type": "LIMIT",
        "quantity": "0.01",
        "price": "1000.00",
        "timestamp": server.clock.now_ms(),
    }
    text = urlencode(params)
    body = f"{text}&signature={sign(DOC_API_SECRET, text)}".encode()
    request = (
        b"POST /api/v1/spot/order HTTP/1.1\r\nHost: sandbox\r\nX-JEX-APIKEY: "
        + DOC_API_KEY.encode()
        + b"\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
    )
    with _connect(server) as sock:
        sock.sendall(request + body[:-5])  # all but the last bytes of the body: the client stalls
        _assert_json_error(_read_all(sock), 408)
    assert server.call(lambda exchange: exchange.engine.open_orders("demo", "ETHUSDT")) == []
    # the same request sent whole is placed: the body was all that was missing
    with _connect(server) as sock:
        sock.sendall(request + body)
        status, _, answer = _split(_read_all(sock))
    assert status == 200 and answer["orderId"]


def test_a_keep_alive_client_is_not_cut_by_the_read_timeout(make_sandbox: Any) -> None:
    server = make_sandbox(read_timeout_s=0.3)
    with httpx.Client(base_url=server.base_url) as client:
        for _ in range(3):
            assert client.get("/api/v1/ping").status_code == 200
            time.sleep(0.4)  # idle between requests longer than the read timeout: keep-alive rules apply


def test_over_the_cap_the_oldest_idle_connection_makes_room(make_sandbox: Any) -> None:
    server = make_sandbox(max_connections=4)
    idle = [_connect(server) for _ in range(8)]
    try:
        with httpx.Client(base_url=server.base_url) as client:
            assert client.get("/api/v1/ping").json() == {}
        closed = sum(1 for sock in idle if _closed_by_server(sock))
        assert closed >= 4  # the idle ones were closed to stay within 4 connections
    finally:
        for sock in idle:
            sock.close()


def test_when_every_connection_is_busy_a_newcomer_gets_a_json_503(make_sandbox: Any) -> None:
    server = make_sandbox(max_connections=2, fault_latency_ms=1500, fault_phase="before")
    answers: list[int] = []

    def slow_request() -> None:
        with httpx.Client(base_url=server.base_url, timeout=10) as client:
            answers.append(client.get("/api/v1/ping").status_code)

    threads = [threading.Thread(target=slow_request) for _ in range(2)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 5
    while _busy_connections(server) < 2:  # both requests are with the application (sleeping 1.5 s)
        assert time.monotonic() < deadline, "the two slow requests never reached the application"
        time.sleep(0.01)
    with httpx.Client(base_url=server.base_url, timeout=10) as client:
        refused = client.get("/api/v1/ping")
    for thread in threads:
        thread.join()
    assert refused.status_code == 503
    assert refused.headers["content-type"].startswith("application/json")
    assert refused.json()["code"] == -1001 and refused.headers["retry-after"] == "1"
    assert answers == [200, 200]  # the busy ones were served


def _busy_connections(server: Any) -> int:
    state = server._server.server_state if server._server is not None else None
    return 0 if state is None else sum(1 for c in list(state.connections) if getattr(c, "in_application", False))


# --- oversized and broken requests ------------------------------------------------------------


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET /api/v1/ping HTTP/1.1\r\nHost: sandbox\r\nX-Big: " + b"a" * 1_048_576 + b"\r\n\r\n",
        b"GET /api/v1/ping?x=" + b"b" * 1_048_576 + b" HTTP/1.1\r\nHost: sandbox\r\n\r\n",
    ],
    ids=["1 MB header", "1 MB request line"],
)
def test_an_oversized_request_gets_a_json_431(sandbox: Any, request_bytes: bytes) -> None:
    with _connect(sandbox) as sock:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the server may stop reading early
            sock.sendall(request_bytes)
        body = _assert_json_error(_read_all(sock), 431)
    assert body["code"] == -1101


def test_headers_below_the_limit_reach_the_application(sandbox: Any) -> None:
    with _connect(sandbox) as sock:
        sock.sendall(
            b"GET /api/v1/ping HTTP/1.1\r\nHost: sandbox\r\nX-Big: " + b"c" * 40_000 + b"\r\nConnection: close\r\n\r\n"
        )
        status, _headers, body = _split(_read_all(sock))
    assert (status, body) == (200, {})


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"NOT HTTP AT ALL\r\n\r\n",
        b"GET /api/v1/ping HTTP/1.1\r\nHost: sandbox\r\nBad Header Line\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 40,  # a TLS hello on plain http
    ],
    ids=["garbage", "bad header", "tls hello"],
)
def test_a_malformed_request_gets_a_json_400(sandbox: Any, request_bytes: bytes) -> None:
    with _connect(sandbox) as sock:
        sock.sendall(request_bytes)
        _assert_json_error(_read_all(sock), 400)


# --- a real process under a small descriptor limit ----------------------------------------------


@pytest.fixture
def limited_sandbox() -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    def lower_limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (DESCRIPTOR_LIMIT, DESCRIPTOR_LIMIT))

    env = dict(os.environ, PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "jextui", "sandbox", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        preexec_fn=lower_limit,
    )
    try:
        assert process.stdout is not None
        base_url = ""
        for line in process.stdout:
            match = re.search(rb"(http://127\.0\.0\.1:\d+)", line)
            if match:
                base_url = match.group(1).decode()
                break
        assert base_url, "the sandbox did not start"
        yield process, base_url
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def test_idle_connections_beyond_the_descriptor_limit_do_not_starve_a_normal_client(
    limited_sandbox: tuple[subprocess.Popen[bytes], str],
) -> None:
    process, base_url = limited_sandbox
    port = int(base_url.rsplit(":", 1)[1])
    idle: list[socket.socket] = []
    try:
        for _ in range(IDLE_CONNECTIONS):  # more than the sandbox has descriptors
            idle.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        statuses = []
        with httpx.Client(base_url=base_url, timeout=5) as client:
            for _ in range(5):
                answer = client.get("/api/v1/time")
                assert answer.headers["content-type"].startswith("application/json")
                statuses.append(answer.status_code)
        assert statuses == [200] * 5
    finally:
        for sock in idle:
            sock.close()
    process.kill()
    process.wait()
    assert process.stderr is not None
    err = process.stderr.read()
    assert len(err) < 2000, err[:2000]
    assert b"Traceback" not in err


# --- logging a resource problem once per interval --------------------------------------------


def test_out_of_descriptors_is_logged_once_per_interval_without_tracebacks(
    make_sandbox: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    import errno
    import logging

    from jextui.sandbox import connections

    now = [1000.0]
    monkeypatch.setattr(connections, "_throttle", connections.OncePerInterval(now=lambda: now[0]))
    monkeypatch.setattr(connections.log, "filters", [])
    server = make_sandbox()
    loop = server._loop
    context = {
        "message": "socket.accept() out of system resource",
        "exception": OSError(errno.EMFILE, "Too many open files"),
    }
    with caplog.at_level(logging.ERROR):
        for _ in range(1000):  # what asyncio reports for one burst of failed accepts
            loop.call_soon_threadsafe(loop.call_exception_handler, context)
        server.call(lambda _exchange: None)  # runs after them on the server's loop
        now[0] += connections.LOG_INTERVAL_S
        loop.call_soon_threadsafe(loop.call_exception_handler, context)
        server.call(lambda _exchange: None)
    records = [r for r in caplog.records if "accept" in r.getMessage()]
    assert len(records) == 2, [r.getMessage() for r in records[:3]]
    assert "Too many open files" in records[0].getMessage() and records[0].exc_info is None
    assert "and 999 more" in records[1].getMessage()

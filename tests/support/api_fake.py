"""A scripted fake exchange behind ``httpx.MockTransport``, and a settable clock."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import httpx

# The documented test-vector credentials (docs/protocol.md#signing).
KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
VECTOR_TIMESTAMP = 1499827319559
BASE = "https://api.jex.test"


class FakeClock:
    """Local wall clock in ms; tests move it by hand."""

    def __init__(self, now_ms: int = VECTOR_TIMESTAMP) -> None:
        self.now = now_ms

    def __call__(self) -> int:
        return self.now

    def advance(self, ms: int) -> None:
        self.now += ms


Handler = Callable[[httpx.Request], httpx.Response]


def reply(
    body: str | bytes | dict[str, Any] | list[Any] | None = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    if isinstance(body, (dict, list)):
        content = json.dumps(body).encode()
    elif isinstance(body, str):
        content = body.encode()
    else:
        content = body or b""
    return httpx.Response(status, content=content, headers=headers or {})


@dataclass
class Sent:
    """One request as the fake exchange received it."""

    method: str
    path: str
    query: list[tuple[str, str]]
    body: list[tuple[str, str]]
    raw_query: str
    raw_body: str
    headers: httpx.Headers

    @property
    def query_dict(self) -> dict[str, str]:
        return dict(self.query)

    @property
    def body_dict(self) -> dict[str, str]:
        return dict(self.body)


class FakeExchange:
    """Routes ``(method, path)`` to scripted answers and records every request.

    ``on(...)`` queues answers for a route; the last one repeats.  Unscripted
    ``GET /api/v1/time`` answers the fake clock's time (offset 0).
    """

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.routes: dict[tuple[str, str], list[Handler]] = {}
        self.sent: list[Sent] = []

    def on(
        self,
        method: str,
        path: str,
        body: str | bytes | dict[str, Any] | list[Any] | None = None,
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.on_call(method, path, lambda _req: reply(body, status, headers))

    def on_call(self, method: str, path: str, handler: Handler) -> None:
        self.routes.setdefault((method, path), []).append(handler)

    def handle(self, request: httpx.Request) -> httpx.Response:
        raw_query = request.url.query.decode()
        raw_body = request.content.decode()
        self.sent.append(
            Sent(
                method=request.method,
                path=request.url.path,
                query=parse_qsl(raw_query, keep_blank_values=True),
                body=parse_qsl(raw_body, keep_blank_values=True),
                raw_query=raw_query,
                raw_body=raw_body,
                headers=request.headers,
            )
        )
        key = (request.method, request.url.path)
        queue = self.routes.get(key)
        if not queue:
            if key == ("GET", "/api/v1/time"):
                return reply({"serverTime": self.clock()})
            return reply({"code": -1, "msg": f"no route for {key}"}, status=404)
        handler = queue.pop(0) if len(queue) > 1 else queue[0]
        return handler(request)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def requests_to(self, path: str) -> list[Sent]:
        return [s for s in self.sent if s.path == path]

    @property
    def last(self) -> Sent:
        return self.sent[-1]


def split_signature(sent: Sent) -> tuple[str, str]:
    """``(signed message, signature)`` of a request: the signature is the last
    parameter of the query string or the body, and the message is everything
    else, query then body (docs/protocol.md#signing)."""
    query, body = sent.raw_query, sent.raw_body
    if "signature=" in body:
        body, _, signature = body.rpartition("signature=")
        body = body.removesuffix("&")
    else:
        query, _, signature = query.rpartition("signature=")
        query = query.removesuffix("&")
    return query + body, signature

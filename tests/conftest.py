"""Shared fixtures: a real sandbox exchange on a loopback port.

* ``sandbox``: a quiet (no simulated traders), seeded sandbox whose demo
  account answers to the documented key pair of docs/protocol.md#signing
  (``DOC_API_KEY`` / ``DOC_API_SECRET``); stopped after the test.
* ``make_sandbox(**overrides)``: the same with any ``SandboxConfig`` field
  changed (small rate limits, faults, ``admin=True``, a ``FixedClock`` ...);
  everything it started is stopped after the test.
* ``signed_request``: sends a raw signed HTTP request with httpx, the way the
  documentation's shell recipe does (for tests of the wire protocol itself).
* ``shared_http()``: one keep-alive ``httpx.Client`` for raw requests (a new
  client per request costs ~30 ms of TLS set-up even for plain http).
* ``root_logging_restored()``: for tests that set up jextui's logging: the
  root logger, warnings capture and the secret registry as they were.

Start-up is a few milliseconds (the market history is generated lazily), so
function scope keeps every test independent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from support.sandbox import SignedRequest, sandbox_config, send_signed, shared_http


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shared_http().close()  # reopens by itself if another session follows in this process


@pytest.fixture
def make_sandbox() -> Iterator[Callable[..., Any]]:
    """Factory: ``make_sandbox(**config_overrides)`` → a started ``SandboxServer``."""
    from jextui.sandbox import SandboxServer

    started: list[Any] = []

    def make(**overrides: Any) -> Any:
        server = SandboxServer(sandbox_config(**overrides))
        started.append(server)
        return server.start()

    yield make
    for server in reversed(started):
        server.close()


@pytest.fixture
def sandbox(make_sandbox: Callable[..., Any]) -> Any:
    """A quiet, seeded sandbox on a free loopback port, keyed with the documented key pair."""
    return make_sandbox()


@pytest.fixture
def signed_request() -> SignedRequest:
    """``signed_request(server, method, path, params, *, where="query"|"body", key=, secret=, timestamp=)``.

    Adds ``timestamp`` (the server's clock unless given) and the signature over
    the exact text sent; ``where="body"`` sends the parameters as a form body.
    """
    return send_signed

"""Helpers around the real sandbox exchange that tests share: the documented
key pair, a keep-alive raw-HTTP client, raw signed requests, the sandbox's
test configuration, and a guard that puts jextui's logging back as it was.
(The fixtures that use them live in ``tests/conftest.py``.)"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Literal
from urllib.parse import urlencode

import httpx

from jextui.api.signing import sign

DOC_API_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
DOC_API_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
DOC_TIMESTAMP = 1499827319559
"""The timestamp of the documentation's signed test vectors."""


@contextlib.contextmanager
def root_logging_restored() -> Iterator[None]:
    """Undo what ``logs.setup_logging`` did inside the block: the root logger's
    handlers (closing the new ones) and level, warnings capture, and the
    process-wide secret registry."""
    from jextui import logs

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        yield
    finally:
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
                handler.close()
        for handler in handlers:
            if handler not in root.handlers:
                root.addHandler(handler)
        root.setLevel(level)
        logging.captureWarnings(False)
        logs._forget_secrets()


class _ReopeningClient:
    """An ``httpx.Client`` stand-in that opens a fresh client whenever the last one was closed.

    Test modules keep what ``shared_http()`` returned from import time on,
    while the client itself is closed at the end of every pytest session; a
    second session in the same process (``pytest.main`` run again, as mutation
    testing does) then gets a new connection pool instead of "client has been
    closed".
    """

    def __init__(self) -> None:
        self._client: httpx.Client | None = None

    def _live(self) -> httpx.Client:
        if self._client is None or self._client.is_closed:
            self._client = httpx.Client(timeout=10.0)
        return self._client

    def __getattr__(self, name: str) -> Any:
        return getattr(self._live(), name)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


_SHARED_HTTP = _ReopeningClient()


def shared_http() -> httpx.Client:
    """A keep-alive client shared by the raw-HTTP tests (its connections closed at every session end)."""
    return _SHARED_HTTP  # type: ignore[return-value]  # behaves as an httpx.Client


def sandbox_config(**overrides: Any) -> Any:
    from jextui.sandbox import SandboxConfig

    settings: dict[str, Any] = {"simulate": False, "seed": 1, "api_key": DOC_API_KEY, "api_secret": DOC_API_SECRET}
    settings.update(overrides)
    return SandboxConfig(**settings)


SignedRequest = Callable[..., httpx.Response]


def send_signed(
    server: Any,
    method: str,
    path: str,
    params: Mapping[str, Any] | None = None,
    *,
    where: Literal["query", "body"] = "query",
    key: str | None = None,
    secret: str | None = None,
    timestamp: int | None = None,
) -> httpx.Response:
    """Send a raw signed request to a sandbox (see the ``signed_request`` fixture)."""
    values = dict(params or {})
    values.setdefault("timestamp", server.clock.now_ms() if timestamp is None else timestamp)
    text = urlencode(values)
    signature = sign(secret or server.api_secret, text)
    signed = f"{text}&signature={signature}"
    headers = {"X-JEX-APIKEY": key or server.api_key}
    url = f"{server.base_url}{path}"
    if where == "query":
        return shared_http().request(method, f"{url}?{signed}", headers=headers)
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return shared_http().request(method, url, content=signed, headers=headers)

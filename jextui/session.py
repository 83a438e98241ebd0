"""The console's connection to an exchange, without any Textual in it.

A :class:`Session` owns what the app talks to: in demo mode an in-process
sandbox exchange (started in a background thread on a loopback port), the
API client, the feed worker that polls through it, the streaming feed
beside it (streams first; the worker polls only what the streams do not
carry now, see :mod:`jextui.feed.stream_handover`), and the order journal
with the submitter and reconciler that trade through it.  The app hands it a
``sink`` for feed events and calls :meth:`start` once the first frame is on
screen, so nothing here delays start-up; :meth:`open_journal` comes once the
first market data is on screen (trading needs it, watching does not).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import msgspec

from jextui.logs import register_secret
from jextui.secret import Secret

if TYPE_CHECKING:  # the rest is imported by start(): after the first frame
    from jextui.api.client import JexClient
    from jextui.config import Settings
    from jextui.feed.events import FeedEvent
    from jextui.feed.health import FeedHealth
    from jextui.feed.stream_handover import StreamHandover
    from jextui.feed.streaming import StreamingFeed
    from jextui.feed.worker import FeedWorker
    from jextui.sandbox import SandboxConfig, SandboxServer
    from jextui.trading.journal import OrderJournal
    from jextui.trading.reconcile import Reconciler, ReconcileReport
    from jextui.trading.submit import OrderSubmitter

__all__ = ["Session", "SessionOptions", "SessionError"]

log = logging.getLogger("jextui.session")


class SessionError(Exception):
    """The session could not start; the message says why, in words."""


class SessionOptions(msgspec.Struct, frozen=True):
    """Knobs for tests, screenshots and benchmarks (the defaults are the product)."""

    sandbox_config: SandboxConfig | None = None  # demo mode: instead of a live random market
    time_ms: Callable[[], int] | None = None  # local wall clock (a fixed one for snapshots)
    start_feed: bool = True
    open_journal: bool = True
    demo_credentials: bool = True  # demo mode: False shows market data only, as a profile without a key
    streams: bool | None = None  # None: as the settings say; False: poll everything (see the UI test harness)


class Session:
    """Sandbox (demo), client, feed worker, journal and submitter of one console run."""

    def __init__(
        self,
        settings: Settings,
        sink: Callable[[FeedEvent], None],
        *,
        active_symbol: str | None,
        watchlist: Sequence[str],
        kline_interval: str = "1m",
        options: SessionOptions | None = None,
        on_outcome_unknown: Callable[[], None] | None = None,
    ) -> None:
        self.settings = settings
        self.options = options or SessionOptions()
        self._sink = sink
        self._on_outcome_unknown = on_outcome_unknown
        self._active_symbol = active_symbol
        self._watchlist = tuple(watchlist)
        self._kline_interval = kline_interval
        self._book_rows = 20
        self._visible: set[str] | None = None  # None: every pane feed
        self.sandbox: SandboxServer | None = None
        self.client: JexClient | None = None
        self.worker: FeedWorker | None = None
        self.journal: OrderJournal | None = None
        self.journal_error: str | None = None
        self.submitter: OrderSubmitter | None = None
        self.reconciler: Reconciler | None = None
        self._journal_endpoint: tuple[str, str | None] | None = None
        self._sandbox_lock = threading.Lock()
        self._stopping = False
        self._started_sandbox: SandboxServer | None = None  # set by the bring-up thread
        self._feed_task: asyncio.Task[None] | None = None
        self.streaming: StreamingFeed | None = None
        self.handover: StreamHandover | None = None
        self._stream_task: asyncio.Task[None] | None = None
        self._streams_pending: str | None = None  # the REST address, until the streams start

    # -- what the status bar shows --

    @property
    def demo(self) -> bool:
        return self.settings.demo

    @property
    def profile_name(self) -> str:
        return self.settings.profile_name

    @property
    def base_url(self) -> str | None:
        if self.client is not None:
            return self.client.base_url
        return self.settings.base_url

    @property
    def can_trade(self) -> bool:
        """Signed endpoints are usable and every order can be journalled first."""
        return self.client is not None and self.client.has_credentials and self.submitter is not None

    def now_ms(self) -> int:
        """The local wall clock every age on screen is measured with."""
        if self.client is not None:
            return self.client.clock.local_ms()
        from jextui.api.clock import local_time_ms

        return (self.options.time_ms or local_time_ms)()

    # -- lifecycle --

    async def start(self) -> None:
        """Start the sandbox (demo), the client and the feed (then :meth:`open_journal`)."""
        from jextui.api.client import JexClient
        from jextui.feed.worker import FeedWorker

        base_url, api_key, api_secret = await self._endpoint()
        try:
            self.client = JexClient(
                base_url,
                api_key,
                api_secret,
                time_ms=self.options.time_ms,
                allow_insecure=self.settings.allow_insecure_http,
                transport=_loopback_transport(base_url),
            )
        except Exception as error:  # InsecureTransport and bad URLs: said in words
            raise SessionError(str(error)) from None
        self._journal_endpoint = (base_url, api_key)  # as configured: the journal is keyed by them
        if self.options.start_feed:  # first: market data is what the user waits for
            self.worker = FeedWorker(
                self.client,
                self._from_worker,
                periods=self._feed_periods(),
                weight_share=self.settings.weight_share,
                now_ms=self.client.clock.local_ms,
                active_symbol=self._active_symbol,
                watchlist=self._watchlist,
                kline_interval=self._kline_interval,
                book_rows=self._book_rows,
            )
            if self._visible is not None:
                self.worker.set_visible(self._visible)
            self._feed_task = asyncio.create_task(self.worker.run(), name="jextui-feed")
            self._streams_pending = base_url
            if self._visible != {"book"}:  # book first: the streams once the rest is wanted
                self._start_streams()

    def _feed_periods(self) -> dict[str, float]:
        """The periods the user set; with streams, the active book polled faster
        between its diffs (the weight the streams free goes to it)."""
        from jextui.feed.feed_plan import STREAMED_BOOK_PERIOD_S

        periods = self.settings.refresh.as_mapping()
        if self.streams_on:
            periods.setdefault("book", STREAMED_BOOK_PERIOD_S)
        return periods

    def _from_worker(self, event: FeedEvent) -> None:
        """The worker's events; a polled book goes into the stream's local book (which shows it)."""
        from jextui.feed.events import BookUpdate

        streaming = self.streaming
        if (
            isinstance(event, BookUpdate)
            and streaming is not None
            and streaming.offer_snapshot(event.symbol, event.depth, event.received_ms)
        ):
            return
        self._sink(event)

    @property
    def streams_on(self) -> bool:
        """Whether this run streams (the settings, unless the options say otherwise)."""
        wanted = self.options.streams
        return self.settings.streams if wanted is None else wanted and self.settings.streams

    def _start_streams(self) -> None:
        """Run the streaming feed beside the worker, through the handover (same sink)."""
        from jextui.config import effective_stream_url
        from jextui.feed.stream_handover import StreamHandover
        from jextui.feed.streaming import StreamingFeed

        base_url, self._streams_pending = self._streams_pending, None
        if base_url is None or self._stopping:
            return
        stream_url = effective_stream_url(self.settings, base_url) if self.streams_on else None
        if stream_url is None or self.client is None:
            return
        self.handover = StreamHandover(self.worker, self._sink)
        self.streaming = StreamingFeed(
            self.client,
            self.handover.emit,
            stream_url=stream_url,
            active_symbol=self._active_symbol,
            watchlist=self._watchlist,
            kline_interval=self._kline_interval,
            book_rows=self._book_rows,
            now_ms=self.client.clock.local_ms,
            timer_ms=_monotonic_ms,
            on_fresh=self.handover.fresh,
        )
        self._stream_task = asyncio.create_task(self.streaming.run(), name="jextui-streams")

    async def open_journal(self) -> None:
        """Open the order journal and build the submitter (with credentials; after :meth:`start`).

        Without a journal no order is sent: a failure leaves ``journal_error`` set.
        """
        client, endpoint = self.client, self._journal_endpoint
        if client is None or endpoint is None or self.journal is not None:
            return
        if self.options.open_journal and client.has_credentials:
            await self._open_journal(*endpoint)

    async def stop(self) -> None:
        """Stop everything started, in reverse order; never raises."""
        if self.streaming is not None:
            self.streaming.stop()
        if self._stream_task is not None:
            try:
                await asyncio.wait_for(self._stream_task, timeout=3)
            except BaseException:  # streams that do not stop in time are cancelled
                self._stream_task.cancel()
            self._stream_task = None
        if self.worker is not None:
            self.worker.stop()
        if self._feed_task is not None:
            try:
                await asyncio.wait_for(self._feed_task, timeout=3)
            except BaseException:  # a feed that does not stop in time is cancelled
                self._feed_task.cancel()
            self._feed_task = None
        if self.client is not None:
            try:
                await self.client.aclose()
            except Exception:
                log.warning("closing the API client failed", exc_info=True)
        if self.journal is not None:
            try:
                await asyncio.to_thread(self.journal.close)
            except Exception:
                log.warning("closing the journal failed", exc_info=True)
        with self._sandbox_lock:
            self._stopping = True
            sandbox, self._started_sandbox = self._started_sandbox, None
        if sandbox is not None:
            await asyncio.to_thread(sandbox.close)
        self.sandbox = None

    # -- parts --

    async def _sandbox_bring_up(self) -> SandboxServer:
        """Import, build and start the demo sandbox in a worker thread: the console
        keeps drawing and answering keys meanwhile."""
        child = self.settings.sandbox_child  # started in its own process by the command line
        if child is not None:  # same base_url, api_key and api_secret once ready
            if child.answered():  # the usual case: ready long before the console asks
                ready: SandboxServer = child.wait_ready()  # the same three names as a server
                return ready
            return await asyncio.to_thread(child.wait_ready)
        return await asyncio.to_thread(self._new_sandbox)

    def _sandbox_config(self) -> SandboxConfig:
        from jextui.sandbox import SandboxConfig

        return self.options.sandbox_config or SandboxConfig(
            seed=secrets.randbelow(2**31),
            api_key=secrets.token_hex(32),
            api_secret=secrets.token_hex(32),
        )

    def _new_sandbox(self) -> SandboxServer:
        from jextui.sandbox import SandboxServer

        server = SandboxServer(self._sandbox_config()).start()
        with self._sandbox_lock:  # stop() may have come meanwhile: then nobody else closes it
            if not self._stopping:
                self._started_sandbox = server
                return server
        server.close()
        raise RuntimeError("the console stopped while the sandbox started")

    async def _endpoint(self) -> tuple[str, str | None, Secret | None]:
        settings = self.settings
        if not settings.demo:
            if settings.base_url is None:
                raise SessionError("no base URL is configured for this profile")
            return settings.base_url, settings.api_key, settings.api_secret
        try:
            server = await self._sandbox_bring_up()
        except Exception as error:
            raise SessionError(f"the demo sandbox did not start: {error}") from None
        self.sandbox = server
        secret = Secret(server.api_secret)
        register_secret(secret)
        log.info("demo sandbox listening on %s", server.base_url)
        if not self.options.demo_credentials:
            return server.base_url, None, None
        return server.base_url, server.api_key, secret

    async def _open_journal(self, base_url: str, api_key: str | None) -> None:
        from jextui.trading.journal import OrderJournal, account_identity
        from jextui.trading.submit import OrderSubmitter

        assert self.client is not None
        try:
            self.journal = await asyncio.to_thread(
                OrderJournal,
                self.settings.journal_path,
                base_url=base_url,
                account=account_identity(api_key),
            )
        except Exception as error:
            # Write-ahead is the rule: without a journal no order is sent.
            self.journal_error = f"the order journal cannot be opened ({error}); trading is disabled"
            log.error("%s", self.journal_error)
            return
        self.reconciler = _reporting_reconciler(self.client, self.journal, self._outcome_unknown)
        self.submitter = OrderSubmitter(self.client, self.journal, reconciler=self.reconciler)

    def _outcome_unknown(self) -> None:
        if self._on_outcome_unknown is not None:
            try:
                self._on_outcome_unknown()
            except Exception:  # whoever listens must not stop the reconciliation
                log.debug("the unknown-outcome listener failed", exc_info=True)

    # -- feed control passthrough (no-ops before the feed exists) --

    def set_active_symbol(self, symbol: str) -> None:
        self._active_symbol = symbol
        if self.worker is not None:
            self.worker.set_active_symbol(symbol)
        if self.streaming is not None:
            self.streaming.set_active_symbol(symbol)

    def clear_active_symbol(self) -> None:
        self._active_symbol = None
        if self.worker is not None:
            self.worker.clear_active_symbol()

    def set_watchlist(self, symbols: Sequence[str]) -> None:
        self._watchlist = tuple(symbols)
        if self.worker is not None:
            self.worker.set_watchlist(self._watchlist)
        if self.streaming is not None:
            self.streaming.set_watchlist(self._watchlist)

    def set_kline_interval(self, interval: str) -> None:
        self._kline_interval = interval
        if self.worker is not None:
            self.worker.set_kline_interval(interval)
        if self.streaming is not None:
            self.streaming.set_kline_interval(interval)

    def set_visible(self, kinds: set[str]) -> None:
        self._visible = set(kinds)
        if self.worker is not None:
            self.worker.set_visible(kinds)
        if self._streams_pending is not None and self._visible != {"book"}:
            self._start_streams()

    def set_book_rows(self, rows_per_side: int) -> None:
        self._book_rows = max(1, int(rows_per_side))
        if self.worker is not None:
            self.worker.set_book_rows(rows_per_side)
        if self.streaming is not None:
            self.streaming.set_book_rows(rows_per_side)

    def feed_health(self) -> dict[str, FeedHealth]:
        """Every feed's freshness now (empty before the feed starts)."""
        if self.worker is None:
            return {}
        return self.worker.snapshot_health()

    def refresh_now(self, *kinds: str) -> None:
        if self.worker is not None:
            for kind in kinds:
                self.worker.refresh_now(kind)


def _monotonic_ms() -> int:
    import time

    return time.monotonic_ns() // 1_000_000


def _reporting_reconciler(client: JexClient, journal: OrderJournal, lost: Callable[[], None]) -> Reconciler:
    """The session's reconciler, which also says when a submit's answer was lost
    (the submitter asks it to settle that order), before looking for it."""
    from jextui.trading.reconcile import Reconciler

    class ReportingReconciler(Reconciler):
        async def settle(self, entry_id: str, *, looks: int = 2) -> ReconcileReport:
            lost()
            return await super().settle(entry_id, looks=looks)

    return ReportingReconciler(client, journal)


def _loopback_transport(base_url: str) -> Any:
    """For plain HTTP on this machine (the demo sandbox, a local one): a transport
    that does not load the certificate authorities (about 50 ms of start-up),
    since no TLS is ever spoken; ``None`` (the client's verifying default,
    proxies from the environment included) for anything else."""
    from urllib.parse import urlsplit

    from jextui.config import is_loopback_url

    if urlsplit(base_url).scheme != "http" or not is_loopback_url(base_url):
        return None
    from jextui.api.http_stack import httpx

    return httpx.AsyncHTTPTransport(verify=False)

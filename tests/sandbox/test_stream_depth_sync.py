"""A REST depth snapshot plus the diff depth stream always rebuilds the sandbox's own book.

The property test drives the engine with random order flow and takes diffs
and snapshots at random moments (``DepthDiffs``, no sockets); the socket test
does the same over the real WebSocket and REST endpoints.
"""

from __future__ import annotations

import asyncio
import random
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.streams import cancel, connect, place, receive, receive_until, rest_depth

from jextui.sandbox.clock import FixedClock
from jextui.sandbox.depth_diffs import DepthDiffs, apply_diff
from jextui.sandbox.engine import Engine, EngineError
from jextui.sandbox.symbols import DEFAULT_SYMBOLS

SYMBOL = "BTCUSDT"
SPEC = next(spec for spec in DEFAULT_SYMBOLS if spec.symbol == SYMBOL)
MID = Decimal("50000.00")
ALL = 1 << 20

Book = tuple[dict[Decimal, Decimal], dict[Decimal, Decimal]]

_place = st.tuples(
    st.just("place"),
    st.sampled_from(["a", "b"]),
    st.sampled_from(["BUY", "SELL"]),
    st.integers(-6, 6),
    st.integers(1, 4),
    st.sampled_from(["GTC", "GTC", "IOC", "FOK"]),
)
_cancel = st.tuples(st.just("cancel"), st.integers(0, 50))
_step = st.one_of(_place, _place, _cancel, st.just(("push",)), st.just(("snapshot",)))


def _engine_book(engine: Engine) -> tuple[int, Book]:
    version, bids, asks = engine.depth(SYMBOL, ALL)
    return version, (dict(bids), dict(asks))


class _Client:
    """A local book: a snapshot, then every diff newer than it, in order."""

    def __init__(self, version: int, book: Book) -> None:
        self.version = version
        self.bids, self.asks = dict(book[0]), dict(book[1])

    def apply(self, version: int, bids: list[Any], asks: list[Any]) -> None:
        if version <= self.version:
            return
        apply_diff(self.bids, bids)
        apply_diff(self.asks, asks)
        self.version = version


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_step, min_size=1, max_size=60))
def test_snapshot_plus_diffs_equals_the_engine_book(steps: list[Any]) -> None:
    engine = Engine([SPEC], FixedClock())
    for account in ("a", "b"):
        engine.add_account(account, {"BTC": Decimal(1000), "USDT": Decimal(10) ** 9})
    diffs = DepthDiffs(engine)
    diffs.watch(SYMBOL)
    clients = [_Client(*_engine_book(engine))]  # one that starts before anything happened
    placed: list[int] = []
    for step in steps:
        if step[0] == "place":
            _kind, account, side, ticks, lots, tif = step
            price = MID + ticks * SPEC.tick_size
            try:
                order, _fills = engine.place_order(account, SYMBOL, side, price, lots * Decimal("0.01"), tif)
            except EngineError:
                continue
            placed.append(order.order_id)
        elif step[0] == "cancel" and placed:
            order_id = placed[step[1] % len(placed)]
            stored = engine.stored_order(order_id)
            assert stored is not None
            order = stored
            if order is not None and order.is_open:
                engine.cancel_order(order.account_id, SYMBOL, order_id)
        elif step[0] == "push":
            diff = diffs.take(SYMBOL)
            for client in clients:
                client.apply(*diff)
        elif step[0] == "snapshot":
            clients.append(_Client(*_engine_book(engine)))
    final = diffs.take(SYMBOL)
    for client in clients:
        client.apply(*final)
    version, (bids, asks) = _engine_book(engine)
    assert final[0] == version
    for client in clients:
        assert (client.bids, client.asks) == (bids, asks)
        assert client.version == version


def _levels(rows: list[list[str]]) -> dict[Decimal, Decimal]:
    return {Decimal(row[0]): Decimal(row[1]) for row in rows}


async def test_over_the_socket_snapshot_plus_diffs_equals_the_book(sandbox: Any) -> None:
    rng = random.Random(7)
    bid, ask = (level[0] for level in sandbox.call(lambda ex: ex.engine.best_bid_ask(SYMBOL)))
    live: list[int] = []
    stop = asyncio.Event()

    async def order_flow() -> None:
        while not stop.is_set():
            if live and (rng.random() < 0.4 or len(live) > 12):
                cancel(sandbox, live.pop(rng.randrange(len(live))))
            else:
                side = rng.choice(["BUY", "SELL"])
                price = (bid if side == "BUY" else ask) + rng.randint(-8, 8) * SPEC.tick_size
                order = place(sandbox, side, price, Decimal(rng.randint(1, 30)) / 10_000)
                if order.is_open:
                    live.append(order.order_id)
            await asyncio.sleep(0.01)

    async with connect(sandbox, "/ws/btcusdt@spotDepth") as ws:
        flow = asyncio.create_task(order_flow())
        try:
            await receive(ws)  # subscribed: now the snapshot
            snapshot = rest_depth(sandbox, limit=60)
            assert len(snapshot["bids"]) < 60 and len(snapshot["asks"]) < 60  # the whole book
            client = _Client(snapshot["lastUpdateId"], (_levels(snapshot["bids"]), _levels(snapshot["asks"])))
            applied = 0
            for _ in range(3):
                diff = await receive(ws)
                applied += diff["v"] > client.version
                client.apply(
                    diff["v"],
                    [(Decimal(p), Decimal(q)) for p, q in diff["b"]],
                    [(Decimal(p), Decimal(q)) for p, q in diff["a"]],
                )
        finally:
            stop.set()
            await flow
        version, (bids, asks) = sandbox.call(lambda ex: _engine_book(ex.engine))
        last = await receive_until(ws, lambda d: d["v"] >= version)
        client.apply(
            last["v"],
            [(Decimal(p), Decimal(q)) for p, q in last["b"]],
            [(Decimal(p), Decimal(q)) for p, q in last["a"]],
        )
    assert applied >= 2 and client.version == version
    assert (client.bids, client.asks) == (bids, asks)

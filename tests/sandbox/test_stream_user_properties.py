"""Property: whatever the order flow, the user events tell an account's orders and balances exactly."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from jextui.sandbox.clock import FixedClock
from jextui.sandbox.engine import Engine, EngineError
from jextui.sandbox.stream_payloads import report_status
from jextui.sandbox.symbols import DEFAULT_SYMBOLS
from jextui.sandbox.user_events import UserEvents

SPEC = next(spec for spec in DEFAULT_SYMBOLS if spec.symbol == "BTCUSDT")
MID = Decimal("50000.00")

_place = st.tuples(
    st.just("place"),
    st.sampled_from(["me", "other"]),
    st.sampled_from(["BUY", "SELL"]),
    st.integers(-4, 4),
    st.integers(1, 4),
    st.sampled_from(["GTC", "GTC", "IOC", "FOK"]),
)
_cancel = st.tuples(st.just("cancel"), st.integers(0, 40))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_place, _place, _cancel), min_size=1, max_size=50))
def test_reports_and_balances_follow_the_engine(steps: list[Any]) -> None:
    engine = Engine([SPEC], FixedClock())
    for account in ("me", "other"):
        engine.add_account(account, {"BTC": Decimal(100), "USDT": Decimal(10) ** 8})
    sent: list[dict[str, Any]] = []
    events = UserEvents(engine, lambda: 0, lambda account, payload: sent.append({"account": account, **payload}))
    events.watch("me")
    told = {asset: (bal.free, bal.locked) for asset, bal in engine.balances("me").items()}
    mine: list[int] = []
    first: dict[int, str] = {}
    placed: list[tuple[str, int]] = []
    for step in steps:
        if step[0] == "place":
            _kind, account, side, ticks, lots, tif = step
            try:
                order, _fills = engine.place_order(
                    account, "BTCUSDT", side, MID + ticks * SPEC.tick_size, lots * Decimal("0.01"), tif
                )
            except EngineError:
                continue
            placed.append((account, order.order_id))
            if account == "me":
                mine.append(order.order_id)
        elif placed:
            account, order_id = placed[step[1] % len(placed)]
            stored = engine.stored_order(order_id)
            assert stored is not None
            order = stored
            if order is not None and order.is_open:
                engine.cancel_order(account, "BTCUSDT", order_id)
        events.flush()  # what the server's loop does right after each call
        for event in sent:
            if event["e"] == "accountSpotInfo":
                for bal in event["B"]:
                    told[bal["a"]] = (Decimal(bal["f"]), Decimal(bal["l"]))
        sent_now, sent[:] = list(sent), []
        assert all(event["account"] == "me" for event in sent_now)
        _check_reports(engine, sent_now, mine, first)
        actual = {asset: (bal.free, bal.locked) for asset, bal in engine.balances("me").items()}
        assert told == actual  # every balance change was told, with the right amounts


def _check_reports(engine: Engine, sent: list[dict[str, Any]], mine: list[int], first: dict[int, str]) -> None:
    reports: dict[int, list[tuple[str, Decimal]]] = {}
    for event in sent:
        if event["e"] == "execSpotReport":
            reports.setdefault(event["i"], []).append((event["X"], Decimal(event["z"])))
            first.setdefault(event["i"], event["X"])
    for order_id, seen in reports.items():
        assert order_id in mine
        order = engine.stored_order(order_id)
        assert order is not None
        assert seen[-1] == (report_status(order), order.executed_qty)  # the last report is its state now
        fills = [filled for _status, filled in seen]
        assert fills == sorted(fills)  # the filled quantity only grows
    assert set(first) == set(mine)  # every order of the account was reported at once
    assert set(first.values()) <= {"NEW", "FAIL"}  # first as placed (a FOK that could not fill only fails)

"""The pure scheduler: budget, stretching, bans, visibility and priorities (injected clock)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jextui.feed import scheduler as scheduler_module
from jextui.feed.scheduler import (
    DEFAULT_PERIODS_S,
    MAX_STRETCHED_PERIOD_S,
    FeedKind,
    FeedScheduler,
    Request,
    describe_plan,
    parse_periods,
)

T0 = 1_700_000_000_000
ACTIVE = "BTCUSDT"


def watchlist(n: int) -> list[str]:
    return [f"S{i:02d}USDT" for i in range(n)]


def make_scheduler(n: int = 20, *, key: bool = True, **kwargs: object) -> FeedScheduler:
    s = FeedScheduler(**kwargs)  # type: ignore[arg-type]
    s.set_credentials(api_key=key, signed=key)
    s.set_active_symbol(ACTIVE)
    s.set_watchlist(watchlist(n))
    return s


def run(s: FeedScheduler, start: int, end: int, *, step: int = 50) -> list[tuple[int, Request]]:
    """Drive the scheduler like the worker (answers arrive at once); returns what was sent."""
    sent: list[tuple[int, Request]] = []
    now = start
    while now < end:
        for request in s.due(now):
            sent.append((now, request))
            s.finished(request, now, ok=True)
        now += step
    return sent


def weight_per_minute(sent: list[tuple[int, Request]], start: int, end: int) -> float:
    total = sum(r.weight for t, r in sent if start <= t < end)
    return total * 60_000 / (end - start)


# --- the default plan -----------------------------------------------------------


@pytest.mark.parametrize("n", [1, 20])
@pytest.mark.parametrize("key", [True, False])
def test_default_plan_fits_the_budget(n: int, key: bool) -> None:
    plan = make_scheduler(n, key=key).plan(T0)
    assert plan.budget_1m == 960
    assert plan.planned_weight_1m <= plan.budget_1m
    assert not any(feed.stretched for feed in plan.feeds)  # the defaults need no stretching


@pytest.mark.parametrize("n", [1, 20])
def test_default_plan_really_sends_within_the_budget(n: int) -> None:
    s = make_scheduler(n)
    sent = run(s, T0, T0 + 180_000)
    # the first minute includes the start-up burst; the steady minutes after it
    for minute in (1, 2):
        start = T0 + minute * 60_000
        assert weight_per_minute(sent, start, start + 60_000) <= 960
    assert weight_per_minute(sent, T0 + 60_000, T0 + 180_000) == pytest.approx(s.plan(T0).planned_weight_1m, rel=0.05)


def test_module_docstring_states_the_computed_plan() -> None:
    doc = scheduler_module.__doc__ or ""
    for n in (1, 20):
        table = describe_plan(make_scheduler(n).plan(T0))
        for line in table.splitlines():
            assert line in doc, f"docstring out of date for {n} symbol(s): {line!r}"
    for n, total in ((1, "320"), (20, "543")):
        assert round(make_scheduler(n, key=False).plan(T0).planned_weight_1m) == int(total)
        assert total in doc


def test_book_is_refreshed_fast_enough_for_the_freshness_goal() -> None:
    # issue 7: active book p95 age <= 600 ms; the book's period leaves room for a round trip
    assert DEFAULT_PERIODS_S[FeedKind.BOOK] <= 0.5
    book = make_scheduler(20).plan(T0).feed("book")
    assert book is not None and book.effective_period_s <= 0.5


@settings(max_examples=60, deadline=None)
@given(n=st.integers(min_value=1, max_value=120), external=st.integers(min_value=0, max_value=600))
def test_any_watchlist_and_outside_use_fit_the_budget(n: int, external: int) -> None:
    s = make_scheduler(n)
    s.observe_rate(used_weight_1m=external, at_ms=T0)  # we sent nothing yet: all of it is someone else's
    plan = s.plan(T0)
    assert plan.external_weight_1m == external
    assert plan.planned_weight_1m + external <= plan.budget_1m + 1e-6


# --- cheaper watchlist endpoints ---------------------------------------------------


def test_watchlist_uses_the_cheaper_of_all_symbol_and_per_symbol_requests() -> None:
    one = make_scheduler(1).plan(T0)
    assert not one.feed("prices").all_symbols and one.feed("prices").weight_per_cycle == 1  # type: ignore[union-attr]
    twenty = make_scheduler(20).plan(T0)
    prices, tickers = twenty.feed("prices"), twenty.feed("tickers")
    assert prices is not None and prices.all_symbols and prices.weight_per_cycle == 2
    assert tickers is not None and not tickers.all_symbols and tickers.weight_per_cycle == 20
    fifty = make_scheduler(50).plan(T0).feed("tickers")
    assert fifty is not None and fifty.all_symbols and fifty.weight_per_cycle == 40


def test_per_symbol_feed_refreshes_every_symbol_once_per_period() -> None:
    s = make_scheduler(20)
    s.set_visible({"tickers"})
    sent = run(s, T0, T0 + 30_000)
    tickers = [(t, r.symbol) for t, r in sent if r.kind is FeedKind.TICKERS]
    # at start every symbol at once, then one every 10 s / 20 = 0.5 s, oldest first
    assert {sym for t, sym in tickers if t < T0 + 1000} == set(watchlist(20))
    steady = [sym for t, sym in tickers if T0 + 10_000 <= t < T0 + 20_000 and sym is not None]
    assert sorted(steady) == sorted(watchlist(20))


# --- following the server's used weight -----------------------------------------------


def test_high_used_weight_from_the_server_stretches_lowest_priority_first() -> None:
    s = make_scheduler(20)
    calm = s.plan(T0)
    # another program on the IP uses 300/min: 855 + 300 > 960
    s.observe_rate(used_weight_1m=300, at_ms=T0)
    busy = s.plan(T0)
    assert busy.planned_weight_1m + 300 <= busy.budget_1m
    stretched = {f.kind for f in busy.feeds if f.stretched}
    assert FeedKind.SPARKLINES in stretched
    assert FeedKind.BOOK not in stretched and FeedKind.TRADES not in stretched
    assert busy.feed("book").effective_period_s == calm.feed("book").effective_period_s  # type: ignore[union-attr]
    # the more others use, the further up the priorities the stretching goes
    s.observe_rate(used_weight_1m=700, at_ms=T0 + 1)
    squeezed = s.plan(T0 + 1)
    assert squeezed.planned_weight_1m + 700 <= squeezed.budget_1m + 1e-6
    periods = {f.kind: f.effective_period_s for f in squeezed.feeds}
    assert periods[FeedKind.SPARKLINES] == MAX_STRETCHED_PERIOD_S
    assert periods[FeedKind.TICKERS] == MAX_STRETCHED_PERIOD_S
    assert periods[FeedKind.BOOK] == DEFAULT_PERIODS_S[FeedKind.BOOK]  # the active book is kept


def test_scheduler_slows_down_when_the_server_reports_high_used_weight() -> None:
    s = make_scheduler(20)
    calm = run(s, T0, T0 + 60_000)
    s2 = make_scheduler(20)
    sent: list[tuple[int, Request]] = []
    now = T0
    while now < T0 + 60_000:
        for request in s2.due(now):
            sent.append((now, request))
            s2.finished(request, now, ok=True)
        # the server counts our weight plus 400/min from another program
        own = sum(r.weight for t, r in sent if t > now - 60_000)
        s2.observe_rate(used_weight_1m=own + 400, at_ms=now)
        now += 50
    assert weight_per_minute(sent, T0 + 10_000, T0 + 60_000) + 400 <= 960
    assert weight_per_minute(sent, T0, T0 + 60_000) < weight_per_minute(calm, T0, T0 + 60_000)
    # the book kept its pace
    books = [t for t, r in sent if r.kind is FeedKind.BOOK and t >= T0 + 10_000]
    assert len(books) >= 50_000 / 400 - 2


def test_external_estimate_follows_a_server_window_that_restarts_each_minute() -> None:
    s = make_scheduler(1, key=False)
    sent: list[tuple[int, Request]] = []
    now = T0
    while now < T0 + 150_000:
        for request in s.due(now):
            sent.append((now, request))
            s.finished(request, now, ok=True)
        window_start = now - (now - T0) % 60_000  # a fixed one-minute window
        own = sum(r.weight for t, r in sent if t >= window_start)
        s.observe_rate(used_weight_1m=own, at_ms=now)  # nobody else on the IP
        now += 100
    assert s.plan(now).external_weight_1m <= 5
    assert not any(f.stretched for f in s.plan(now).feeds)


def test_nothing_is_sent_while_the_servers_count_leaves_no_room() -> None:
    s = make_scheduler(1)
    s.observe_rate(used_weight_1m=960, at_ms=T0)
    assert s.due(T0) == []
    assert s.next_wake_ms(T0) == T0 + scheduler_module.GUARD_RECHECK_MS
    # room for one unit of weight: only the book (weight 1) goes
    s2 = make_scheduler(1)
    s2.observe_rate(used_weight_1m=959, at_ms=T0)
    assert [r.kind for r in s2.due(T0)] == [FeedKind.BOOK]
    # the count decays as the minute passes: the most important feeds go first
    later = T0 + 30_000
    first = s.due(later)
    assert first and first[0].kind is FeedKind.BOOK


# --- 429 / 418 ------------------------------------------------------------------------


def test_nothing_is_sent_during_a_ban_until_retry_after_has_passed() -> None:
    s = make_scheduler(20)
    run(s, T0, T0 + 2000)
    s.observe_rate(used_weight_1m=10, at_ms=T0 + 2000, blocked_until_ms=T0 + 32_000, block_reason="429")
    s.refresh_now("open_orders")
    assert s.blocked_until(T0 + 2000) == T0 + 32_000
    assert s.next_wake_ms(T0 + 2000) == T0 + 32_000
    sent = run(s, T0 + 2000, T0 + 32_000)
    assert sent == []
    probe = s.due(T0 + 32_000)  # the server time alone first: its answer tells the server's count
    assert [r.kind for r in probe] == [FeedKind.SERVER_TIME]
    assert s.blocked_until(T0 + 32_000) is None
    assert s.due(T0 + 32_010) == []  # nothing else until it is answered
    s.finished(probe[0], T0 + 32_020, ok=True)
    after = s.due(T0 + 32_020)
    assert after and after[0].kind is FeedKind.BOOK


def test_a_418_ban_is_reported_with_its_reason() -> None:
    s = make_scheduler(1)
    s.block_until(T0 + 120_000, "418")
    assert s.block_reason(T0 + 1) == "418"
    assert s.due(T0 + 119_999) == []
    assert s.block_reason(T0 + 120_000) is None


# --- visibility, priorities, symbols ------------------------------------------------------


def test_hidden_panes_are_not_polled() -> None:
    s = make_scheduler(20)
    s.set_visible({"book_tickers", "sparklines"})  # the grid view: no book
    kinds = {r.kind for _, r in run(s, T0, T0 + 20_000)}
    assert kinds == {FeedKind.BOOK_TICKERS, FeedKind.SPARKLINES, FeedKind.SERVER_TIME, FeedKind.EXCHANGE_INFO}
    assert s.inactive_reason(FeedKind.BOOK) == "hidden"
    plan = s.plan(T0)
    assert plan.feed("book") is None and plan.feed("trades") is None


def test_a_pane_coming_back_on_screen_is_fetched_at_once() -> None:
    s = make_scheduler(1)
    s.set_visible({"book"})
    run(s, T0, T0 + 5000)
    s.set_visible({"book", "klines"})
    assert FeedKind.KLINES in {r.kind for r in s.due(T0 + 5001)}


def test_account_feeds_need_credentials() -> None:
    s = make_scheduler(1, key=False)
    kinds = {r.kind for _, r in run(s, T0, T0 + 10_000)}
    assert FeedKind.ACCOUNT not in kinds and FeedKind.OPEN_ORDERS not in kinds
    assert s.inactive_reason(FeedKind.ACCOUNT) == "no API key and secret configured"
    trades = s.plan(T0).feed("trades")
    assert trades is not None and trades.endpoint.endswith("/spot/trades") and trades.weight_per_cycle == 1
    keyed = make_scheduler(1, key=True).plan(T0).feed("trades")
    assert keyed is not None and keyed.endpoint.endswith("/historicalTrades") and keyed.weight_per_cycle == 5


def test_the_active_book_goes_first() -> None:
    s = make_scheduler(20)
    first = s.due(T0)
    assert [r.kind for r in first[:3]] == [FeedKind.BOOK, FeedKind.TRADES, FeedKind.KLINES]
    assert first[0].symbol == ACTIVE


def test_a_slot_is_kept_for_the_book_when_other_requests_are_slow() -> None:
    s = make_scheduler(20, max_in_flight=4)
    started = s.due(T0)
    assert len(started) == 4  # book + the three most important others
    book = next(r for r in started if r.kind is FeedKind.BOOK)
    s.finished(book, T0 + 10, ok=True)
    # trades, klines, ... never answer; the book still comes round on time
    for now in range(T0 + 50, T0 + 5000, 50):
        for request in s.due(now):
            assert request.kind is FeedKind.BOOK
            s.finished(request, now, ok=True)
    assert len(s.in_flight()) == 3


def test_switching_symbol_orphans_old_requests_and_restarts_at_once() -> None:
    s = make_scheduler(1)
    old = next(r for r in s.due(T0) if r.kind is FeedKind.BOOK)
    s.set_active_symbol("ETHUSDT")
    new = s.due(T0 + 1)
    assert [r.symbol for r in new if r.kind is FeedKind.BOOK] == ["ETHUSDT"]
    assert s.finished(old, T0 + 2, ok=True) is False  # its answer must be dropped


def test_changing_the_kline_interval_restarts_klines() -> None:
    s = make_scheduler(1)
    run(s, T0, T0 + 1000)
    s.set_kline_interval("1h")
    klines = [r for r in s.due(T0 + 1001) if r.kind is FeedKind.KLINES]
    assert [r.interval for r in klines] == ["1h"]


def test_refresh_now_polls_at_once() -> None:
    s = make_scheduler(1)
    run(s, T0, T0 + 1000)
    assert not [r for r in s.due(T0 + 1000) if r.kind is FeedKind.OPEN_ORDERS]
    s.refresh_now("open_orders")
    s.refresh_now("account")
    kinds = {r.kind for r in s.due(T0 + 1001)}
    assert {FeedKind.OPEN_ORDERS, FeedKind.ACCOUNT} <= kinds


# --- failures ---------------------------------------------------------------------------


def test_failures_back_off_and_recover() -> None:
    s = make_scheduler(1)
    s.set_visible({"book"})
    request = next(r for r in s.due(T0) if r.kind is FeedKind.BOOK)
    s.finished(request, T0, ok=False)
    assert not [r for r in s.due(T0 + 399) if r.kind is FeedKind.BOOK]
    times = []
    now = T0
    for _ in range(8):  # keeps failing: 0.4, 0.8, 1.6 ... capped at 10 s
        now = s.next_wake_ms(now) or now
        request = next(r for r in s.due(now) if r.kind is FeedKind.BOOK)
        times.append(now)
        s.finished(request, now, ok=False)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert gaps == sorted(gaps) and max(gaps) == 10_000
    s.finished(next(r for r in s.due(s.next_wake_ms(now) or now) if r.kind is FeedKind.BOOK), now, ok=True)
    assert s.failures("book") == 0


def test_a_bad_watched_symbol_does_not_hold_up_the_others() -> None:
    s = make_scheduler(3)
    s.set_visible({"tickers"})  # per symbol, every 10 s each
    sent = []
    now = T0
    while now < T0 + 60_000:
        for r in s.due(now):
            if r.kind is FeedKind.TICKERS:
                sent.append(r.symbol)
            s.finished(r, now, ok=r.symbol != "S01USDT", permanent=True)
        now += 100
    assert sent.count("S01USDT") <= 2
    assert sent.count("S00USDT") >= 5 and sent.count("S02USDT") >= 5


# --- configuration -----------------------------------------------------------------------


def test_periods_override_the_defaults_and_bad_ones_are_named() -> None:
    given: dict[str, Any] = {"book": 1, "tickers": "30"}  # a number in words is read too
    periods = parse_periods(given)
    assert periods[FeedKind.BOOK] == 1.0 and periods[FeedKind.TICKERS] == 30.0
    assert periods[FeedKind.TRADES] == DEFAULT_PERIODS_S[FeedKind.TRADES]
    with pytest.raises(ValueError, match="unknown feed 'bok'"):
        parse_periods({"bok": 1})
    with pytest.raises(ValueError, match="'book' must be between"):
        parse_periods({"book": 0})
    with pytest.raises(ValueError, match="'klines' must be a number"):
        parse_periods(dict[str, Any](klines="soon"))
    with pytest.raises(ValueError, match="weight_share"):
        FeedScheduler(weight_share=1.5)


def test_a_lower_weight_share_shrinks_the_budget() -> None:
    s = make_scheduler(20, weight_share=0.5)
    plan = s.plan(T0)
    assert plan.budget_1m == 600
    assert plan.planned_weight_1m <= 600
    assert plan.feed("book").effective_period_s == DEFAULT_PERIODS_S[FeedKind.BOOK]  # type: ignore[union-attr]


# --- the active book polled beside its diff stream --------------------------------


def _book_polls(sent: list[tuple[int, Request]]) -> list[int]:
    return [t for t, r in sent if r.kind is FeedKind.BOOK]


def test_a_push_moves_the_next_book_poll() -> None:
    s = make_scheduler(1, periods={"book": 0.26})
    first = _book_polls(run(s, T0, T0 + 50, step=10))
    assert first == [T0]
    s.pushed("book", T0 + 100)
    later = _book_polls(run(s, T0 + 50, T0 + 400, step=10))
    assert later == [T0 + 360]  # 260 ms after the push, not after the poll


def test_a_push_changes_nothing_before_the_first_poll_while_one_is_in_flight_or_when_older() -> None:
    s = make_scheduler(1, periods={"book": 0.26})
    s.pushed("book", T0)  # nothing polled yet: the first poll still goes at once
    book = next(r for r in s.due(T0) if r.kind is FeedKind.BOOK)
    s.pushed("book", T0 + 100)  # in flight: its answer is on its way
    s.finished(book, T0 + 120, ok=True)
    s.pushed("book", T0 - 5)  # older than the poll
    polls = _book_polls(run(s, T0 + 120, T0 + 300, step=10))
    assert polls == [T0 + 260]


def test_polls_between_pushes_every_second_keep_the_book_within_a_period_at_three_polls_a_second() -> None:
    s = make_scheduler(20, periods={"book": 0.26})
    polls: list[int] = []
    refreshed: list[int] = []
    now = T0
    while now < T0 + 10_000:
        if (now - T0) % 1000 == 500:  # the diff stream's push, once a second
            s.pushed("book", now)
            refreshed.append(now)
        for request in s.due(now):
            if request.kind is FeedKind.BOOK:
                polls.append(now)
                refreshed.append(now)
            s.finished(request, now, ok=True)
        now += 10
    steady = [t for t in polls if t >= T0 + 1500]
    assert len(steady) == 3 * 8 + 1  # three polls between two pushes (the last second: one so far)
    gaps = [b - a for a, b in itertools.pairwise(refreshed) if a >= T0 + 1500]
    assert max(gaps) <= 260

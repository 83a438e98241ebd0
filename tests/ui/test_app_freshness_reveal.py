"""Freshness: a pane revealed at 80x24 shows STALE at once when its data is old."""

from __future__ import annotations

from pathlib import Path

from support.app_harness import make_test_app, sandbox_of, wait_for_data, wait_until


async def test_a_tab_revealed_at_80x24_is_stale_at_once_when_its_data_is_old(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, size=(80, 24))
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        main = app.main
        trades = main.panes.trades
        await _show(pilot, "trades")
        await wait_until(pilot, lambda: trades.has_data, what="trades")
        await _show(pilot, "watchlist")
        assert not trades.stale
        # The trades pane is off screen, so not polled: its data ages while the shown panes refresh.
        sandbox_of(app).set_faults(
            error_5xx_rate=1.0, phase="before", paths=("/api/v1/spot/trades", "/api/v1/spot/historicalTrades")
        )
        app.clock.advance(60_000)
        app.refresh_status_now()
        assert trades.stale  # marked while hidden ...
        await _show(pilot, "trades")
        assert trades.stale  # ... so it is STALE the moment it is revealed
        await wait_until(pilot, lambda: "STALE" in trades.freshness_text().plain, what="STALE in the header")


async def _show(pilot, name: str) -> None:
    main = pilot.app.main
    for _ in range(8):
        if main.stacked_current == name:
            return
        await pilot.press("tab")
    assert main.stacked_current == name


async def test_under_a_tight_weight_budget_the_status_bar_says_refresh_is_slowed(tmp_path: Path) -> None:
    # Polling only: the slowed plan is the REST poller's (the streams carry the rest at no weight).
    app = make_test_app(tmp_path, sandbox_overrides={"weight_per_minute": 60}, streams=False)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        status = app.main.status
        await wait_until(pilot, lambda: status._info.refresh_slowed, what="the slowed refresh noted")
        assert "refresh slowed" in status.render().plain


async def test_with_room_in_the_budget_nothing_says_slowed(tmp_path: Path) -> None:
    app = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        app.refresh_status_now()
        assert not app.main.status._info.refresh_slowed
        assert "refresh slowed" not in app.main.status.render().plain

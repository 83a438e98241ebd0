"""A rejected API key: a banner on the main screen; the market panes keep working (public trades)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support.app_harness import make_test_app, wait_for_start, wait_until

from jextui.secret import Secret
from jextui.session import Session


@pytest.fixture
def wrong_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """The console is given a key the sandbox does not know (as a revoked or mistyped key)."""
    endpoint = Session._endpoint

    async def with_wrong_key(self: Session) -> tuple[str, str | None, Secret | None]:
        base_url, _key, _secret = await endpoint(self)
        return base_url, "NotAKeyTheExchangeKnows0123456789", Secret("not-the-secret")

    monkeypatch.setattr(Session, "_endpoint", with_wrong_key)


async def test_a_rejected_key_gets_a_banner_and_trades_come_from_the_public_endpoint(
    tmp_path: Path, wrong_key: None
) -> None:
    """Polling: the trades pane falls back from the keyed historicalTrades to the public trades."""
    app: Any = make_test_app(tmp_path, streams=False)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_start(pilot)
        banner = app.main.query_one("#key-banner")
        await wait_until(pilot, lambda: banner.active, what="the key banner")
        assert banner.message.startswith("API key rejected by the exchange (")
        assert "jextui config check" in banner.message and "Market data still works" in banner.message
        assert banner.region.height >= 1  # on screen, not only in the DOM
        trades = app.main.panes.trades
        await wait_until(pilot, lambda: app.store.trades.get("BTCUSDT"), what="public trades")
        await wait_until(pilot, lambda: trades.has_data and not trades.degraded_reason, what="the trades pane")
        assert app.main.panes.book.has_data


async def test_a_rejected_key_leaves_the_streamed_trades_pane_working(tmp_path: Path, wrong_key: None) -> None:
    """Streams: the refused backfill is not a degraded pane; the public trade stream fills the tape."""
    app: Any = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_start(pilot)
        banner = app.main.query_one("#key-banner")
        await wait_until(pilot, lambda: banner.active, what="the key banner")
        trades = app.main.panes.trades
        await wait_until(pilot, lambda: trades.has_data and not trades.degraded_reason, what="the trades pane")
        assert not trades.degraded_reason


async def test_a_working_key_shows_no_banner(tmp_path: Path) -> None:
    app: Any = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_start(pilot)
        await wait_until(pilot, lambda: app.store.account is not None, what="the account")
        assert not app.main.query_one("#key-banner").active

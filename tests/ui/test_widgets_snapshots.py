"""Snapshots of the panes with fixed data, at the smallest and a large terminal.

Regenerate after an intended change with ``pytest tests/ui --snapshot-update``
and look at the SVGs in ``tests/ui/__snapshots__/`` before committing them.
"""

from __future__ import annotations

from typing import Any

from support.widget_harness import (
    BASE_TIME_MS,
    SAMPLE_SPARKS,
    UTC,
    DashboardApp,
    HarnessApp,
    sample_book_ticker,
    sample_tickers,
)

from jextui.ui.widgets import SymbolTile


def test_dashboard_80x24(snap_compare: Any) -> None:
    assert snap_compare(DashboardApp(), terminal_size=(80, 24))


def test_dashboard_160x48(snap_compare: Any) -> None:
    assert snap_compare(DashboardApp(), terminal_size=(160, 48))


def test_candles_stale_and_private_160x48(snap_compare: Any) -> None:
    assert snap_compare(DashboardApp(private=True, stale=True, candles=True), terminal_size=(160, 48))


def test_rate_limit_banner_80x24(snap_compare: Any) -> None:
    app = DashboardApp()

    def limited(_pilot: Any) -> None:
        app.banner.show_limit("rate-limited", BASE_TIME_MS + 37_000, 37)
        app.status.update_status(connection="rate-limited", retry_until_ms=BASE_TIME_MS + 37_000)

    assert snap_compare(app, terminal_size=(80, 24), run_before=limited)


class TileGrid(HarnessApp):
    CSS = "Screen { layout: grid; grid-size: 3; grid-columns: 26; grid-rows: 6; }"


def test_tiles_80x24(snap_compare: Any) -> None:
    tickers = sample_tickers()
    precisions = (("BTCUSDT", 2), ("ETHUSDT", 2), ("SOLUSDT", 3), ("DOGEUSDT", 6))
    tiles = [SymbolTile(symbol, price_decimals=decimals, time_zone=UTC) for symbol, decimals in precisions]

    def feed(_app: HarnessApp) -> None:
        for tile in tiles:
            tile.update_ticker(tickers[tile.symbol])
            if tile.symbol in SAMPLE_SPARKS:
                tile.update_sparkline(SAMPLE_SPARKS[tile.symbol])
        tiles[0].update_book_ticker(sample_book_ticker())
        tiles[0].set_active(True)
        tiles[3].set_freshness(21_000, stale=True)

    assert snap_compare(TileGrid(*tiles, setup=feed), terminal_size=(80, 24))

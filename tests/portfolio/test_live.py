"""The console's portfolio source: which histories it reads, within the weight budget."""

from __future__ import annotations

from jextui.portfolio import Pair
from jextui.portfolio.live import HISTORY_WEIGHT, MAX_SYMBOLS, affordable_symbols, history_symbols

PAIRS = {
    p.symbol: p
    for p in (
        Pair("BTCUSDT", "BTC", "USDT"),
        Pair("ETHUSDT", "ETH", "USDT"),
        Pair("ETHBTC", "ETH", "BTC"),
        Pair("LTCBTC", "LTC", "BTC"),
        Pair("DASHUSDT", "DASH", "USDT"),
        Pair("DASHETH", "DASH", "ETH"),
    )
}


def test_watched_and_journalled_first_then_each_held_assets_pairs_with_the_valuation_asset_and_btc() -> None:
    symbols = history_symbols(PAIRS, ["ETHUSDT", "NOPEUSDT"], {"DASHETH"}, ["LTC", "USDT", "ETH"], "USDT")
    # LTC: LTCBTC; ETH: ETHUSDT (already first) and ETHBTC; USDT is the valuation asset; DASH is not held
    assert symbols == ["ETHUSDT", "DASHETH", "ETHBTC", "LTCBTC"]


def test_only_as_many_histories_as_leave_half_the_weight_unused() -> None:
    symbols = [f"S{i}USDT" for i in range(40)]
    read, left = affordable_symbols(symbols, remaining_weight=1200, weight_limit=1200)
    assert len(read) == MAX_SYMBOLS and read + left == symbols
    read, left = affordable_symbols(symbols, remaining_weight=600 + 3 * HISTORY_WEIGHT + 4, weight_limit=1200)
    assert read == symbols[:3] and left == symbols[3:]
    assert affordable_symbols(symbols, remaining_weight=500, weight_limit=1200) == ([], symbols)

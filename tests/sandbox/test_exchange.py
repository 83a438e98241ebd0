"""The exchange facade: listings, demo accounts, wallet data, ticking."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from jextui.sandbox.accounts import DEPOSIT_STATUSES, WITHDRAW_STATUSES
from jextui.sandbox.clock import FixedClock, SystemClock
from jextui.sandbox.engine import EngineError
from jextui.sandbox.exchange import DEMO_BALANCES, ZERO_BALANCE_ASSETS, Exchange

START = 1_700_000_123_456
SPOT = ["BTCUSDT", "ETHUSDT", "DASHUSDT", "LTCBTC", "ETHBTC", "JEXBTC", "JEXUSDT", "BNBBTC"]


@pytest.fixture(scope="module")
def exchange() -> Exchange:
    ex = Exchange(seed=2, clock=FixedClock(START), simulate=False)
    ex.open_account("demo")
    ex.open_account("other")
    return ex


def test_listings(exchange: Exchange) -> None:
    assert [s.symbol for s in exchange.spot_symbols] == SPOT
    assert list(exchange.engine.symbols) == SPOT
    for listing in exchange.contract_symbols + exchange.option_symbols:
        assert set(listing) == {
            "symbol",
            "status",
            "baseAsset",
            "baseAssetPrecision",
            "quoteAsset",
            "quotePrecision",
            "orderTypes",
            "icebergAllowed",
            "filters",
        }
    assert {s["symbol"] for s in exchange.option_symbols} >= {"BTCCALLM"}
    more = Exchange(seed=2, clock=FixedClock(START), extra_symbols=100, simulate=False)
    assert len(more.spot_symbols) == 108 and more.spot_symbols[-1].symbol == "SYM100USDT"


def test_a_demo_account_is_funded_in_every_asset(exchange: Exchange) -> None:
    balances = exchange.engine.balances("demo")
    for asset, amount in DEMO_BALANCES.items():
        assert balances[asset].free == amount and balances[asset].locked == 0
    for asset in ZERO_BALANCE_ASSETS:
        assert balances[asset].free == 0
    exchange.open_account("demo")  # opening again keeps the account as it is
    assert exchange.engine.balances("demo") == balances
    assert exchange.engine.fees("demo", "BTCUSDT") == (D("0.0008"), D("0.001"))


def test_synthetic_assets_are_funded_too() -> None:
    ex = Exchange(seed=2, clock=FixedClock(START), extra_symbols=2, simulate=False)
    ex.open_account("demo")
    spec = ex.spot_symbols[-1]
    held = ex.engine.balances("demo")[spec.base_asset].free
    assert 40000 < held * spec.initial_price < 60000


def test_asset_details(exchange: Exchange) -> None:
    details = exchange.accounts.asset_detail("demo")
    assert sorted(details) == ["BNB", "BTC", "DASH", "ETH", "JEX", "LTC", "USDT"]
    btc = details["BTC"]
    assert set(btc) == {"minWithdrawAmount", "withdrawFee", "depositStatus", "withdrawStatus"}
    assert isinstance(btc["minWithdrawAmount"], D) and isinstance(btc["withdrawFee"], str)
    assert isinstance(btc["depositStatus"], bool)
    assert exchange.accounts.asset_detail("demo") == details


def test_deposit_addresses_are_stable_per_account_and_asset(exchange: Exchange) -> None:
    accounts = exchange.accounts
    btc = accounts.deposit_address("demo", "BTC")
    assert btc == accounts.deposit_address("demo", "BTC") and btc.startswith("bc1q")
    assert accounts.deposit_address("demo", "USDT").startswith("0x")
    assert accounts.deposit_address("other", "BTC") != btc
    with pytest.raises(EngineError) as excinfo:
        accounts.deposit_address("demo", "DOGE")
    assert excinfo.value.code == -8006


def test_deposit_history_covers_every_status_and_filters(exchange: Exchange) -> None:
    accounts = exchange.accounts
    records = accounts.deposit_history("demo")
    assert {r["status"] for r in records} == set(DEPOSIT_STATUSES)
    assert [r["insertTime"] for r in records] == sorted(r["insertTime"] for r in records)
    assert all(r["insertTime"] < START for r in records)
    for record in records:
        assert set(record) == {"insertTime", "amount", "asset", "address", "txId", "status"}
        assert isinstance(record["amount"], D) and record["amount"] > 0
        assert record["address"] == accounts.deposit_address("demo", record["asset"])
    asset = records[0]["asset"]
    assert {r["asset"] for r in accounts.deposit_history("demo", asset=asset)} == {asset}
    assert {r["status"] for r in accounts.deposit_history("demo", status=1)} == {1}
    middle = records[len(records) // 2]["insertTime"]
    assert all(r["insertTime"] >= middle for r in accounts.deposit_history("demo", start_time=middle))
    assert all(r["insertTime"] <= middle for r in accounts.deposit_history("demo", end_time=middle))
    assert accounts.deposit_history("other") != records


def test_withdraw_history_covers_every_status(exchange: Exchange) -> None:
    records = exchange.accounts.withdraw_history("demo")
    assert {r["status"] for r in records} == set(WITHDRAW_STATUSES)
    for record in records:
        assert set(record) == {"id", "amount", "address", "asset", "txId", "applyTime", "status"}
        assert len(record["id"]) == 16
    assert exchange.accounts.withdraw_history("demo", status=6)[0]["txId"]
    records[0]["status"] = 99  # callers get copies
    assert exchange.accounts.withdraw_history("demo")[0]["status"] != 99


def test_trade_fees_come_from_the_engine(exchange: Exchange) -> None:
    fees = exchange.accounts.trade_fee("demo")
    assert [f["symbol"] for f in fees] == SPOT
    exchange.engine.set_fees("other", D("0.0002"), D("0.0004"), symbol="ETHBTC")
    assert exchange.accounts.trade_fee("other", "ETHBTC") == [
        {"symbol": "ETHBTC", "maker": D("0.0002"), "taker": D("0.0004")}
    ]
    with pytest.raises(EngineError) as excinfo:
        exchange.accounts.trade_fee("demo", "NOPE")
    assert excinfo.value.code == -1121


def test_tick_moves_the_market_only_when_simulating() -> None:
    clock = FixedClock(START)
    live = Exchange(seed=2, clock=clock)
    before = live.engine.last_update_id("BTCUSDT")
    live.tick()
    assert live.engine.last_update_id("BTCUSDT") > before


def test_the_system_clock_can_be_skewed() -> None:
    clock = SystemClock()
    plain = clock.now_ms()
    clock.skew_ms = 3_600_000
    assert clock.now_ms() - plain >= 3_600_000 - 1000
    fixed = FixedClock(5)
    assert fixed.advance(10) == 15 and fixed.now_ms() == 15

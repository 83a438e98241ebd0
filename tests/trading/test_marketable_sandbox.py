"""Against the quiet sandbox: the marketable order's estimate is what the engine fills."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jextui.api.client import JexClient
from jextui.api.models import OrderResult, Side, SymbolInfo
from jextui.trading.guard import GUARD_CONFIRM, GUARD_HINT, guard_order
from jextui.trading.journal import OrderJournal, account_identity
from jextui.trading.marketable import MarketableEstimate, plan_marketable
from jextui.trading.submit import OrderSubmitter, OutcomeKind
from jextui.trading.ticket import OrderRequest, OrderTicket, SymbolRules

SYMBOL = "BTCUSDT"


@pytest.fixture
def client(sandbox_client: JexClient) -> JexClient:
    return sandbox_client


async def rules_of(client: JexClient) -> tuple[SymbolRules, object]:
    info = next(s for s in (await client.exchange_info()).spot_symbols if s.symbol == SYMBOL)
    return SymbolRules.from_symbol_info(info), info


@pytest.mark.parametrize(("side", "levels_wanted"), [("BUY", 4), ("SELL", 3), ("BUY", 40)])
async def test_the_estimate_matches_what_the_engine_fills(
    sandbox, client, tmp_path, side: Side, levels_wanted: int
) -> None:
    rules, _info = await rules_of(client)
    depth = await client.depth(SYMBOL, limit=60)
    opposite = depth.asks if side == "BUY" else depth.bids
    # a quantity that needs several levels, finishing part-way into the last one
    quantity = sum((level.qty for level in opposite[: levels_wanted - 1]), Decimal(0))
    quantity += (opposite[levels_wanted - 1].qty / 2).quantize(rules.quantity_grid, rounding="ROUND_FLOOR")
    plan = plan_marketable(side, quantity, opposite, rules, book_age_ms=0, stale_after_ms=1000)
    assert isinstance(plan, MarketableEstimate)
    assert len(plan.levels) <= levels_wanted

    with OrderJournal(
        tmp_path / "journal.sqlite", base_url=client.base_url, account=account_identity(sandbox.api_key)
    ) as journal:
        outcome = await OrderSubmitter(client, journal).submit(
            OrderRequest(SYMBOL, side, plan.limit_price, quantity, plan.time_in_force)
        )

    assert outcome.kind == OutcomeKind.ACCEPTED, outcome.message
    result = outcome.result
    assert isinstance(result, OrderResult) and result.time_in_force == "IOC"
    assert result.executed_qty == plan.filled
    assert result.cummulative_quote_qty == plan.total
    assert result.orig_qty - result.executed_qty == plan.expired
    assert result.status == ("FILLED" if not plan.expired else "CANCELED")
    if levels_wanted == 40:  # 40 levels lie far beyond the 0.5 % cap: part of it expires
        assert plan.expired > 0 and plan.filled > 0


async def test_a_sweeping_buy_needs_confirmation_and_a_passive_far_bid_does_not(client) -> None:
    _rules, info = await rules_of(client)
    assert isinstance(info, SymbolInfo)
    depth = await client.depth(SYMBOL, limit=60)
    best_bid, best_ask = depth.bids[0].price, depth.asks[0].price
    context = {"best_bid": best_bid, "best_ask": best_ask, "last_price": best_ask}
    sweep_qty = sum((level.qty for level in depth.asks[:40]), Decimal(0))
    sweep = OrderTicket.for_symbol(
        "BUY", info, price_text=f"{depth.asks[39].price}", quantity_text=f"{sweep_qty}", time_in_force="IOC", **context
    )
    # the quiet book's levels are 0.02 % apart: 40 of them go about 0.8 % past the best ask
    verdict = guard_order(sweep, asks=depth.asks, bids=depth.bids, fat_finger_pct=Decimal("0.5"))
    assert verdict.kind == GUARD_CONFIRM and "would take 40 levels" in verdict.text
    far_bid_price = (best_bid * Decimal("0.84")).quantize(Decimal("0.01"))
    far_bid = OrderTicket.for_symbol("BUY", info, price_text=f"{far_bid_price}", quantity_text="0.001", **context)
    assert guard_order(far_bid, asks=depth.asks, bids=depth.bids, fat_finger_pct=Decimal("0.5")).kind == GUARD_HINT

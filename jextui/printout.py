"""``jextui print``: one look at the exchange, printed once, for scripts and status bars.

    jextui print watchlist|balances|portfolio|orders|alerts [--json]
                 [--profile NAME] [--base-url URL] [--symbols A,B] [--demo]

The same profiles, credentials and watchlist as the console; demo mode (an
in-process sandbox exchange, started for the call and stopped after it) when
none are configured.  Output:

* by default, an aligned plain-text table (numbers right-aligned, exactly
  as the exchange gave them) and, after a blank line, notes if any;
* with ``--json``, one JSON document: ``{"kind": ..., "exchange": ...,
  "time": ms, ...}``, every number as a string at full precision (times are
  integer milliseconds).

Exit status: 0 done; 1 an error (in words on stderr: no traceback, no
secret); 2 bad usage or configuration.  A closed pipe (``| head``) ends the
command quietly with status 0.

What each view reads:

``watchlist``  the 24 h tickers (one request): last, change %, bid, ask, high, low, volume
``balances``   ``account``: free, locked and total per asset (non-zero ones)
``portfolio``  :func:`jextui.portfolio.load_portfolio` in the configured ``valuation_asset``
``orders``     every open order on the account, found with
               :class:`jextui.trading.order_discovery.OrderDiscovery` (guided by the
               locked balances, the journal and the watchlist); a note says when
               locked funds remain unexplained
``alerts``     the config file's and the console's alerts (no request)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import sys
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jextui.config import Settings

__all__ = ["VIEWS", "PrintError", "build_parser", "main", "render_text"]

VIEWS = ("watchlist", "balances", "portfolio", "orders", "alerts")
EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2
ORDERS_ALLOWANCE = 240  # request weight the orders view may spend finding every open order

Row = dict[str, Any]


class PrintError(Exception):
    """A failure worded for the user (stderr, exit 1)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jextui print",
        description="Print the watchlist, balances, portfolio, open orders or alerts once, and exit.",
    )
    parser.add_argument("view", choices=VIEWS, help="what to print")
    parser.add_argument("--json", action="store_true", help="one JSON document, numbers as strings")
    parser.add_argument("--profile", metavar="NAME", help="connection profile from the config file")
    parser.add_argument("--base-url", metavar="URL", help="exchange REST address; overrides the profile's")
    parser.add_argument("--symbols", metavar="A,B,C", help="watchlist for this call, e.g. BTCUSDT,ETHUSDT")
    parser.add_argument("--demo", action="store_true", help="use a sandbox exchange started for this call")
    return parser


# --------------------------------------------------------------------------
# output


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def render_json(doc: Mapping[str, Any]) -> str:
    """The document with every Decimal as a string (full precision)."""
    return json.dumps(_plain(doc), indent=2, ensure_ascii=False) + "\n"


def render_text(
    columns: Sequence[tuple[str, str]], rows: Sequence[Row], notes: Sequence[str] = (), *, empty: str = "(none)"
) -> str:
    """An aligned table: ``columns`` are ``(key, heading)``; Decimals right-aligned."""
    if not rows:
        body = empty + "\n"
    else:
        cells = [[_cell(row.get(key)) for key, _ in columns] for row in rows]
        numeric = [any(isinstance(row.get(key), Decimal) for row in rows) for key, _ in columns]
        widths = [max(len(heading), *(len(line[i]) for line in cells)) for i, (_, heading) in enumerate(columns)]

        def line(values: Sequence[str]) -> str:
            parts = [v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True)]
            return "  ".join(parts).rstrip()

        body = "\n".join([line([h for _, h in columns]), *(line(c) for c in cells)]) + "\n"
    if notes:
        body += "\n" + "".join(f"note: {note}\n" for note in notes)
    return body


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (list, tuple)):
        return " ".join(str(v) for v in value)
    return str(value)


# --------------------------------------------------------------------------
# the views: each returns (document, text)


def _doc(kind: str, exchange: str, **fields: Any) -> dict[str, Any]:
    return {"kind": kind, "exchange": exchange, "time": int(time.time() * 1000), **fields}


async def _watchlist(client: Any, settings: Settings, exchange: str) -> tuple[dict[str, Any], str]:
    tickers = {t.symbol: t for t in await client.ticker_24hr()}
    rows = [
        {
            "symbol": s,
            "last": t.last_price,
            "change_pct": t.price_change_percent,
            "bid": t.bid_price,
            "ask": t.ask_price,
            "high": t.high_price,
            "low": t.low_price,
            "volume": t.volume,
        }
        for s in settings.watchlist
        if (t := tickers.get(s)) is not None
    ]
    missing = [s for s in settings.watchlist if s not in tickers]
    notes = [f"not listed by this exchange: {', '.join(missing)}"] if missing else []
    columns = [
        ("symbol", "SYMBOL"),
        ("last", "LAST"),
        ("change_pct", "24H %"),
        ("bid", "BID"),
        ("ask", "ASK"),
        ("high", "HIGH"),
        ("low", "LOW"),
        ("volume", "VOLUME"),
    ]
    return _doc("watchlist", exchange, symbols=rows, missing=missing), render_text(columns, rows, notes)


def _need_key(client: Any, view: str) -> None:
    if not client.has_credentials:
        raise PrintError(f"`print {view}` needs an API key and secret: none is configured for this profile")


async def _balances(client: Any, settings: Settings, exchange: str) -> tuple[dict[str, Any], str]:
    _need_key(client, "balances")
    account = await client.account()
    rows = [
        {"asset": b.asset, "free": b.free, "locked": b.locked, "total": b.free + b.locked}
        for b in account.spot_balances
        if b.free or b.locked
    ]
    columns = [("asset", "ASSET"), ("free", "FREE"), ("locked", "LOCKED"), ("total", "TOTAL")]
    return _doc("balances", exchange, balances=rows), render_text(columns, rows, empty="no balance")


async def _portfolio(client: Any, settings: Settings, exchange: str) -> tuple[dict[str, Any], str]:
    from jextui.portfolio import load_portfolio

    _need_key(client, "portfolio")
    p = await load_portfolio(
        client,
        settings.watchlist,
        valuation=settings.valuation_asset,
        journal_path=settings.journal_path,
        api_key=settings.api_key,
    )
    rows = [
        {
            "asset": ln.asset,
            "free": ln.free,
            "locked": ln.locked,
            "total": ln.total,
            "price": ln.price,
            "value": ln.value,
            "share_pct": ln.share_pct,
            "average_cost": ln.average_cost,
            "realised": ln.realised,
            "unrealised": ln.unrealised,
            "note": ln.cost_note,
        }
        for ln in p.lines
    ]
    summary = {
        "valuation_asset": p.valuation_asset,
        "total_value": p.total_value,
        "value_24h_ago": p.value_24h_ago,
        "change_24h": p.change_24h,
        "change_24h_pct": p.change_24h_pct,
        "realised_total": p.realised_total,
    }
    change = "-" if p.change_24h is None else f"{p.change_24h:+f} ({_cell(p.change_24h_pct)} %)"
    head = f"total {p.total_value} {p.valuation_asset}   24 h {change}   realised {p.realised_total}\n\n"
    columns = [
        ("asset", "ASSET"),
        ("total", "TOTAL"),
        ("locked", "LOCKED"),
        ("value", f"VALUE {p.valuation_asset}"),
        ("share_pct", "SHARE %"),
        ("average_cost", "AVG COST"),
        ("realised", "REALISED"),
        ("unrealised", "UNREALISED"),
        ("note", "NOTE"),
    ]
    doc = _doc("portfolio", exchange, **summary, assets=rows, unpriced=list(p.unpriced), notes=list(p.notes))
    return doc, head + render_text(columns, rows, p.notes)


async def _orders(client: Any, settings: Settings, exchange: str) -> tuple[dict[str, Any], str]:
    from jextui.portfolio import journal_symbols
    from jextui.trading.account_orders import AccountOrders
    from jextui.trading.order_discovery import OrderDiscovery

    _need_key(client, "orders")
    journaled = journal_symbols(settings.journal_path, client.base_url, settings.api_key)
    book = AccountOrders(journal_symbols=sorted(journaled), watched_symbols=settings.watchlist)
    report = await OrderDiscovery(client, book, weight_share=settings.weight_share).discover(ORDERS_ALLOWANCE)
    if report.errors and not book.account_read:
        raise PrintError("; ".join(report.errors))
    rows = [
        {
            "symbol": o.symbol,
            "order_id": o.order_id,
            "side": o.side,
            "price": o.price,
            "quantity": o.orig_qty,
            "executed": o.executed_qty,
            "remaining": o.remaining_qty,
            "status": o.status,
            "time": o.time,
        }
        for o in book.orders
    ]
    notes = list(book.unexplained_lines()) + list(report.errors)
    complete = report.explained
    if not complete:
        notes.append("the list may be incomplete: not every locked amount is explained by the orders found")
    columns = [
        ("symbol", "SYMBOL"),
        ("order_id", "ORDER ID"),
        ("side", "SIDE"),
        ("price", "PRICE"),
        ("quantity", "QTY"),
        ("executed", "EXECUTED"),
        ("status", "STATUS"),
    ]
    doc = _doc("orders", exchange, orders=rows, complete=complete, notes=notes)
    return doc, render_text(columns, rows, notes, empty="no open orders")


def _alerts(settings: Settings, exchange: str) -> tuple[dict[str, Any], str]:
    from jextui.alerts import AlertStore

    store = AlertStore.in_folder(settings.data_dir)
    alerts = [*settings.alerts, *store.list()]
    rows = [
        {
            "id": a.id,
            "source": "config" if a.from_config else "console",
            "symbol": a.symbol,
            "condition": a.condition.value,
            "threshold": a.threshold,
            "command": list(a.command) if a.command else None,
        }
        for a in alerts
    ]
    notes = [*settings.alert_problems, *([problem] if (problem := store.load_problem()) else [])]
    columns = [
        ("id", "ID"),
        ("symbol", "SYMBOL"),
        ("condition", "CONDITION"),
        ("threshold", "LEVEL"),
        ("command", "COMMAND"),
    ]
    doc = _doc("alerts", exchange, alerts=rows, fill_alerts=settings.alert_fills, notes=notes)
    return doc, render_text(columns, rows, notes, empty="no alerts")


_NETWORK_VIEWS: dict[str, Callable[[Any, Settings, str], Awaitable[tuple[dict[str, Any], str]]]] = {
    "watchlist": _watchlist,
    "balances": _balances,
    "portfolio": _portfolio,
    "orders": _orders,
}


# --------------------------------------------------------------------------
# running


@contextmanager
def _endpoint(settings: Settings) -> Iterator[tuple[str, str | None, Any, str]]:
    """(base URL, key, secret, exchange label); in demo mode a sandbox for this call."""
    if not settings.demo:
        assert settings.base_url is not None
        yield settings.base_url, settings.api_key, settings.api_secret, settings.base_url
        return
    from jextui.sandbox import SandboxConfig, SandboxServer

    key, secret = secrets.token_hex(32), secrets.token_hex(32)
    server = SandboxServer(SandboxConfig(seed=secrets.randbelow(2**31), api_key=key, api_secret=secret))
    try:
        server.start()
    except Exception as exc:
        raise PrintError(f"the demo sandbox did not start: {exc}") from None
    try:
        yield server.base_url, key, secret, "demo"
    finally:
        server.close()


async def _fetch(view: str, settings: Settings) -> tuple[dict[str, Any], str]:
    from jextui.api import JexClient, JexError

    with _endpoint(settings) as (base_url, key, secret, label):
        try:
            async with JexClient(base_url, key, secret, allow_insecure=settings.allow_insecure_http) as client:
                return await _NETWORK_VIEWS[view](client, settings, label)
        except JexError as exc:
            raise PrintError(str(exc)) from None


def _settings(args: argparse.Namespace, env: Mapping[str, str]) -> Settings:
    from jextui.config import Overrides, load_settings

    return load_settings(
        Overrides(profile=args.profile, base_url=args.base_url, symbols=args.symbols, demo=args.demo), env
    )


def _start_logging(settings: Settings) -> None:
    import logging

    from jextui.logs import setup_logging

    try:
        setup_logging(settings.log_level, settings.log_path, [settings.api_key, settings.api_secret])
    except OSError:
        logging.getLogger().addHandler(logging.NullHandler())  # nothing of the log on stderr


def main(argv: Sequence[str], env: Mapping[str, str]) -> int:
    """Run ``jextui print`` (argparse exits 2 on bad usage); the caller handles a closed pipe."""
    from jextui.config import ConfigError

    args = build_parser().parse_args(list(argv))
    try:
        settings = _settings(args, env)
    except ConfigError as exc:
        print(f"jextui print: {exc}", file=sys.stderr)
        return EXIT_USAGE
    _start_logging(settings)
    try:
        if args.view == "alerts":
            doc, text = _alerts(settings, "demo" if settings.demo else settings.base_url or "")
        else:
            doc, text = asyncio.run(_fetch(args.view, settings))
    except PrintError as exc:
        print(f"jextui print: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    sys.stdout.write(render_json(doc) if args.json else text)
    sys.stdout.flush()
    return EXIT_OK

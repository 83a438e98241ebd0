"""A whole console session with a known secret leaves it nowhere.

The session runs on a profile (not demo) whose key and secret are
distinctive canaries, against a sandbox holding the same pair, with the log
at DEBUG set up the way ``jextui`` sets it up.  It trades (an order placed,
one refused, one cancelled), meets faults (5xx, dropped connections,
malformed answers, a clock skew that gets signed requests refused), takes
screenshots of several screens, and ends in a crash.  Then every place a
secret could end up is searched for the secret in clear and URL-encoded, and
for the API key in full:

* the log files, the crash's traceback and the one line the user sees;
* the SVG screenshots (``save_screenshot`` and ``export_screenshot``);
* the text of every error the client raised and every notification;
* the reprs of the app's objects;
* the bytes of the journal database (with its WAL), the UI state file.

The files the session wrote with account data in them are private (0600).
"""

from __future__ import annotations

import logging
import os
import stat
import traceback
from collections.abc import Iterator
from datetime import UTC
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
from support.account_screens import open_screen
from support.app_harness import FIXED_TIME_MS, HarnessJexApp, make_settings, wait_for_data, wait_until
from support.fault_harness import SYMBOL
from support.sandbox import root_logging_restored

from jextui import logs
from jextui.api.errors import JexError
from jextui.sandbox.clock import FixedClock
from jextui.secret import Secret
from jextui.session import SessionOptions
from jextui.ui.app import AppOptions

CANARY_KEY = "CanaryKeyJextuiReliability7d41b9c2e8f05a63ABCDEFGHIJKLMNOPQRSTUVWXYZ0123"
CANARY_SECRET = "CanarySecretJextuiReliability93fe1a7c05b28d4e6QRSTUVWXYZabcdefghijk4567"


def leaked(text: str) -> list[str]:
    """Which forms of the credentials ``text`` contains."""
    forms = {
        "secret": CANARY_SECRET,
        "secret, URL-encoded": quote(CANARY_SECRET, safe=""),
        "secret, form-encoded": quote_plus(CANARY_SECRET),
        "API key": CANARY_KEY,
    }
    return [name for name, form in forms.items() if form in text]


@pytest.fixture
def restore_logging() -> Iterator[None]:
    with root_logging_restored():
        yield


def canary_app(tmp_path: Path, base_url: str, clock: FixedClock) -> HarnessJexApp:
    settings = make_settings(
        tmp_path,
        demo=False,
        profile_name="canary",
        base_url=base_url,
        api_key=CANARY_KEY,
        api_secret=Secret(CANARY_SECRET),
        log_level="DEBUG",
        confirm_orders=False,
    )
    options = AppOptions(session=SessionOptions(time_ms=clock.now_ms), time_zone=UTC, show_latency=False)
    return HarnessJexApp(settings, options=options, clock=clock, size=(160, 48))


class Evidence:
    """Everything the session produced that a person (or an attacker) could read."""

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}

    def add(self, where: str, text: str) -> None:
        self.texts[where] = self.texts.get(where, "") + "\n" + text

    def add_error(self, where: str, error: BaseException) -> None:
        self.add(
            where, "\n".join([str(error), repr(error), getattr(error, "hint", ""), *traceback.format_exception(error)])
        )

    def add_files(self, folder: Path) -> None:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                self.add(str(path), path.read_bytes().decode("utf-8", errors="replace"))

    def leaks(self) -> dict[str, list[str]]:
        return {where: found for where, text in self.texts.items() if (found := leaked(text))}


async def trade_and_fail(pilot: Any, app: HarnessJexApp, sandbox: Any, evidence: Evidence) -> None:
    """Orders placed, refused and cancelled; faults met; errors collected."""
    client = app.session.client
    assert client is not None
    bid, _ = app.store.best_bid_ask(SYMBOL)
    assert bid is not None
    price = bid - Decimal("1.00")
    app.trading.open_ticket("BUY")
    await wait_until(pilot, lambda: app.trading.has_open_ticket, what="the ticket")
    ticket = app.screen
    ticket.query_one("#price").value = f"{price:f}"  # type: ignore[attr-defined]
    ticket.query_one("#quantity").value = "0.002"  # type: ignore[attr-defined]
    await pilot.pause()
    evidence.add("screenshot: ticket", app.export_screenshot())
    await pilot.press("enter")
    placed = lambda: ticket.result_text.startswith("PLACED")  # type: ignore[attr-defined]  # noqa: E731
    await wait_until(pilot, placed, what="the order placed")
    app.save_screenshot(filename="ticket-placed.svg", path=str(app.settings.data_dir.parent / "shots"))
    await pilot.press("escape")
    for call in (
        client.new_order(SYMBOL, "BUY", Decimal("500"), price, resp_type="RESULT"),  # insufficient balance
        client.cancel_order(SYMBOL, 987_654_321),  # unknown order
        client.depth("NOSUCHSYMBOL"),
    ):
        try:
            await call
        except JexError as error:
            evidence.add_error("client errors", error)
    [order] = await client.open_orders(SYMBOL)
    app.trading.cancel_order(order)
    await wait_until(
        pilot, lambda: any("cancelled" in text for text in app.trading.announcer.announced), what="the cancel"
    )
    for faults in (
        {"error_5xx_rate": 1.0},
        {"drop_rate": 1.0, "phase": "after"},
        {"malformed_rate": 1.0},
        {"clock_skew_ms": 30_000},
    ):
        sandbox.set_faults(**faults)
        app.clock.advance(2_000)
        now = app.clock.now_ms()
        app.session.refresh_now("book", "trades", "account", "open_orders")
        await wait_until(
            pilot, lambda now=now: _account_answered_since(app, now), what=f"the account refresh under {faults}"
        )
        sandbox.set_faults(error_5xx_rate=0.0, drop_rate=0.0, malformed_rate=0.0, clock_skew_ms=0)
    try:
        await client.new_order(SYMBOL, "BUY", Decimal("0.001"), price, resp_type="RESULT", recv_window=1)
    except JexError as error:  # -1021 twice (the skew came and went): a timestamp error
        evidence.add_error("client errors", error)


def _account_answered_since(app: Any, now_ms: int) -> bool:
    """The account feed has finished a request (failed, or recovered by itself) at ``now_ms`` or later."""
    health = app.session.worker.snapshot_health()["account"]
    return max(health.last_error_ms or 0, health.last_success_ms or 0) >= now_ms


async def test_a_session_leaves_the_secret_nowhere(
    tmp_path: Path, make_sandbox: Any, restore_logging: None, capfd: pytest.CaptureFixture[str]
) -> None:
    clock = FixedClock(FIXED_TIME_MS)
    sandbox = make_sandbox(
        api_key=CANARY_KEY, api_secret=CANARY_SECRET, clock=clock, weight_per_minute=10**7, raw_requests_per_5m=10**7
    )
    app = canary_app(tmp_path, sandbox.base_url, clock)
    settings = app.settings
    logs.setup_logging(settings.log_level, settings.log_path, [settings.api_key, settings.api_secret])
    evidence = Evidence()
    shots = tmp_path / "shots"
    shots.mkdir()

    def crash() -> None:
        raise RuntimeError(f"a bug that formats the secret {CANARY_SECRET} into an error")

    with pytest.raises(RuntimeError):
        async with app.run_test(size=app.size_for_tests) as pilot:
            await wait_for_data(pilot)
            app.save_screenshot(filename="main.svg", path=str(shots))
            await trade_and_fail(pilot, app, sandbox, evidence)
            for key in ("A", "F", "H"):  # account screens: assets, fees, order history
                await open_screen(pilot, key)  # shown with its data
                app.save_screenshot(filename=f"account-{key}.svg", path=str(shots))
                await pilot.press("escape")
                await wait_until(pilot, lambda: app.screen is app.main, what="the main screen back")
            evidence.add("notifications", "\n".join(app.trading.announcer.announced))
            evidence.add("notifications", "\n".join(str(n.message) for n in app._notifications))
            session = app.session
            for thing in (
                app,
                settings,
                session,
                session.client,
                session.client and session.client.rate,
                session.client and session.client.clock,
                session.worker,
                session.journal,
                session.submitter,
                session.reconciler,
                app.trading,
                app.store,
                app.bridge,
                *(session.journal.entries() if session.journal else ()),
            ):
                evidence.add("reprs", repr(thing))
            app.call_later(crash)
            await pilot.pause()
    assert app.return_code == 1
    terminal = capfd.readouterr()
    assert "jextui: unexpected error (RuntimeError)" in terminal.err  # one line, no traceback
    evidence.add("the terminal after the crash", terminal.out + terminal.err)
    for handler in logging.getLogger().handlers:
        handler.flush()
    log_text = settings.log_path.read_text()
    assert "Traceback (most recent call last)" in log_text
    assert "RuntimeError: a bug that formats the secret *** into an error" in log_text
    assert "DEBUG" in log_text and "/api/v1/spot/order" in log_text  # the log did record the session
    for fault in ("HTTP 5", "dropped", "not valid JSON", "-1021"):
        assert fault in log_text, f"the session met no {fault!r}"
    assert len(list(shots.glob("*.svg"))) == 5
    for folder in (settings.log_path.parent, shots, settings.data_dir):
        evidence.add_files(folder)
    assert evidence.leaks() == {}
    for path in (settings.log_path, settings.journal_path, settings.state_path):
        if path.exists():
            assert stat.S_IMODE(os.stat(path).st_mode) & 0o077 == 0, f"{path} is readable by others"

"""Delivering alerts: the command runs without a shell with the details in its
environment only; a failing, missing or slow command is reported, never
blocks, and a slow one is killed; OSC notification text."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from jextui.alerts.deliver import (
    CommandOutcome,
    notice_text,
    osc_notification,
    run_alert_command,
    start_alert_command,
)
from jextui.alerts.evaluate import FiredAlert
from jextui.alerts.model import Alert, Condition

ALERT = Alert("BTCUSDT", Condition.ABOVE, Decimal("70000"), ("x",), id="config-1")
FIRED = FiredAlert(
    ALERT,
    "BTCUSDT",
    "above",
    Decimal("70000.01"),
    1_796_642_060_516,
    "BTCUSDT: last price 70000.01 (alert: above 70000)",
)

ENV_DUMP = """\
import json, os, sys
values = {k: v for k, v in os.environ.items() if k.startswith("JEXTUI_ALERT_")}
with open(sys.argv[1], "w") as out:
    json.dump({"env": values, "argv": sys.argv[1:], "stdin_closed": sys.stdin is None or not sys.stdin.read()}, out)
"""


async def test_command_gets_the_details_in_its_environment_not_its_argv(tmp_path: Path) -> None:
    script = tmp_path / "dump_env.py"
    script.write_text(ENV_DUMP)
    out = tmp_path / "env.json"
    outcome = await run_alert_command([sys.executable, str(script), str(out)], FIRED, timeout=30)
    assert outcome.ok and outcome.returncode == 0, outcome
    seen = json.loads(out.read_text())
    assert seen["env"] == {
        "JEXTUI_ALERT_SYMBOL": "BTCUSDT",
        "JEXTUI_ALERT_CONDITION": "above",
        "JEXTUI_ALERT_PRICE": "70000.01",
        "JEXTUI_ALERT_TIME": "1796642060516",
    }
    assert seen["argv"] == [str(out)]  # exactly as written: nothing added
    assert seen["stdin_closed"] is True


async def test_market_data_cannot_reach_a_shell(tmp_path: Path) -> None:
    script = tmp_path / "dump_env.py"
    script.write_text(ENV_DUMP)
    out = tmp_path / "env.json"
    hostile = FiredAlert(None, "BTC$(touch pwned)", "fill", Decimal("1"), 0, "x")
    outcome = await run_alert_command([sys.executable, str(script), str(out)], hostile, timeout=30)
    assert outcome.ok
    assert json.loads(out.read_text())["env"]["JEXTUI_ALERT_SYMBOL"] == "BTC$(touch pwned)"
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()


async def test_a_slow_command_is_killed_after_the_timeout(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    code = f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(120)"
    started = time.monotonic()
    outcome = await run_alert_command([sys.executable, "-c", code], FIRED, timeout=1.5)
    elapsed = time.monotonic() - started
    assert outcome.timed_out and not outcome.ok
    assert "still running after 1.5 s and was stopped" in outcome.message
    assert elapsed < 60  # far below the command's own 120 s
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # reaped: gone


async def test_the_loop_keeps_running_while_a_command_runs(tmp_path: Path) -> None:
    outcomes: list[CommandOutcome] = []
    task = start_alert_command(
        [sys.executable, "-c", "import time; time.sleep(120)"], FIRED, outcomes.append, timeout=2
    )
    ticks = 0
    while not task.done():
        await asyncio.sleep(0.01)
        ticks += 1
    assert ticks > 10  # the loop went on turning meanwhile
    assert outcomes == [task.result()] and outcomes[0].timed_out


async def test_failing_and_missing_commands_are_reported(tmp_path: Path) -> None:
    failing = await run_alert_command([sys.executable, "-c", "raise SystemExit(3)"], FIRED, timeout=30)
    assert (failing.ok, failing.returncode) == (False, 3)
    assert "failed (exit status 3)" in failing.message
    missing = await run_alert_command([str(tmp_path / "no-such-program")], FIRED)
    assert not missing.ok and missing.returncode is None
    assert missing.message.startswith("alert command no-such-program could not start:")


def test_osc_notifications_are_clean_escape_text() -> None:
    assert osc_notification("jextui", "BTCUSDT above 70000") == "\x1b]9;jextui: BTCUSDT above 70000\x07"
    assert osc_notification("jex;tui", "x", kind="777") == "\x1b]777;notify;jex,tui;x\x07"
    hostile = osc_notification("t", "a\x07\x1b]52;c;ZXZpbA==\x07b")
    assert hostile.count("\x07") == 1 and hostile.count("\x1b") == 1
    with pytest.raises(ValueError):
        osc_notification("t", "b", kind="99")
    assert notice_text(FIRED) == "Alert: BTCUSDT: last price 70000.01 (alert: above 70000)"

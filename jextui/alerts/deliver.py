"""Delivering a fired alert: notice, bell, desktop notification, command.

The console decides which to use; everything here either returns text for
it to show or write, or runs the alert's command in the background.

* :func:`notice_text` -- the line for the in-console notice.
* :data:`BELL` -- the terminal bell (written only when ``bell = true``).
* :func:`osc_notification` -- the escape text that asks the terminal for a
  desktop notification: OSC 9 (iTerm2, WezTerm, Windows Terminal, kitty...)
  or OSC 777 (``notify``: VTE terminals, foot, urxvt...).  It travels in the
  terminal stream, so it works over SSH; a terminal that knows neither
  ignores it.  Control characters are removed from the text so it cannot
  end the escape early or smuggle another one.
* :func:`run_alert_command` -- the alert's command, run without a shell
  (argv as written), stdin/stdout/stderr detached, with ``JEXTUI_ALERT_SYMBOL``,
  ``JEXTUI_ALERT_CONDITION``, ``JEXTUI_ALERT_PRICE`` and ``JEXTUI_ALERT_TIME``
  (milliseconds since the epoch) in its environment and never in its argv.
  It returns a :class:`CommandOutcome` and never raises; a command still
  running after ``timeout`` seconds is killed (its whole process group).
  :func:`start_alert_command` runs it as a task so the UI never waits.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from jextui.alerts.evaluate import FiredAlert

__all__ = [
    "BELL",
    "COMMAND_TIMEOUT_S",
    "ENV_CONDITION",
    "ENV_PRICE",
    "ENV_SYMBOL",
    "ENV_TIME",
    "CommandOutcome",
    "alert_environment",
    "notice_text",
    "osc_notification",
    "run_alert_command",
    "start_alert_command",
]

BELL = "\a"
COMMAND_TIMEOUT_S = 10.0
ENV_SYMBOL = "JEXTUI_ALERT_SYMBOL"
ENV_CONDITION = "JEXTUI_ALERT_CONDITION"
ENV_PRICE = "JEXTUI_ALERT_PRICE"
ENV_TIME = "JEXTUI_ALERT_TIME"
_MAX_NOTIFY_CHARS = 200


def notice_text(fired: FiredAlert) -> str:
    return f"Alert: {fired.text}"


def _clean(text: str) -> str:
    return "".join(ch if ch.isprintable() else " " for ch in text)[:_MAX_NOTIFY_CHARS]


def osc_notification(title: str, body: str, *, kind: str = "9") -> str:
    """The escape text for a desktop notification (``kind`` ``"9"`` or ``"777"``)."""
    if kind == "9":
        return f"\x1b]9;{_clean(f'{title}: {body}' if title else body)}\x07"
    if kind == "777":
        return f"\x1b]777;notify;{_clean(title).replace(';', ',')};{_clean(body)}\x07"
    raise ValueError(f'unknown notification escape {kind!r}: use "9" or "777"')


def alert_environment(fired: FiredAlert, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """``base`` (default: this process's environment) plus the ``JEXTUI_ALERT_*`` values."""
    env = dict(os.environ if base is None else base)
    env[ENV_SYMBOL] = fired.symbol
    env[ENV_CONDITION] = fired.condition
    env[ENV_PRICE] = str(fired.price)
    env[ENV_TIME] = str(fired.time_ms)
    return env


@dataclass(frozen=True, slots=True)
class CommandOutcome:
    """How a command ended: ``ok`` (exit 0), else ``message`` says why, in words."""

    ok: bool
    message: str
    returncode: int | None
    timed_out: bool = False
    seconds: float = 0.0


def _program(argv: Sequence[str]) -> str:
    return os.path.basename(argv[0]) if argv else "?"


def _kill_group(process: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()


async def run_alert_command(
    argv: Sequence[str],
    fired: FiredAlert,
    *,
    timeout: float = COMMAND_TIMEOUT_S,
    base_env: Mapping[str, str] | None = None,
) -> CommandOutcome:
    """Run the alert's command (see the module docstring); never raises."""
    started = time.monotonic()
    name = _program(argv)
    try:
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
            env=alert_environment(fired, base_env),
            start_new_session=True,  # its own process group: a timeout kills its children too
        )
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return CommandOutcome(False, f"alert command {name} could not start: {reason}", None)
    try:
        returncode = await asyncio.wait_for(process.wait(), timeout)
    except TimeoutError:
        _kill_group(process)
        with contextlib.suppress(Exception):
            await process.wait()
        return CommandOutcome(
            False,
            f"alert command {name} was still running after {timeout:g} s and was stopped",
            process.returncode,
            timed_out=True,
            seconds=time.monotonic() - started,
        )
    except asyncio.CancelledError:
        _kill_group(process)
        raise
    seconds = time.monotonic() - started
    if returncode == 0:
        return CommandOutcome(True, f"alert command {name} done", 0, seconds=seconds)
    how = f"was killed by signal {-returncode}" if returncode < 0 else f"failed (exit status {returncode})"
    return CommandOutcome(False, f"alert command {name} {how}", returncode, seconds=seconds)


def start_alert_command(
    argv: Sequence[str],
    fired: FiredAlert,
    on_done: Callable[[CommandOutcome], None],
    *,
    timeout: float = COMMAND_TIMEOUT_S,
) -> asyncio.Task[CommandOutcome]:
    """Start the command as a task on the running loop; ``on_done`` gets the outcome
    (the UI shows a failing or slow one as a notice)."""

    async def run() -> CommandOutcome:
        outcome = await run_alert_command(argv, fired, timeout=timeout)
        on_done(outcome)
        return outcome

    return asyncio.get_running_loop().create_task(run(), name=f"alert-command-{fired.symbol}")

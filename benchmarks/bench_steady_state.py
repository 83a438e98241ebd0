"""Steady-state cost: CPU and terminal bytes per second of the running console.

Each program runs on its own 160x48 pseudo-terminal (TERM=xterm-256color,
fresh config/data/log folders), nobody touching the keyboard.  After a
warm-up, over the same measuring window:

* CPU % of one core: the process's user + system time (every thread) from
  ``/proc/<pid>/stat``, divided by the wall time of the window;
* bytes per second written to the terminal (what an SSH link would carry);
* resident memory at the end (``VmRSS``).

Programs, one after the other (never two measured at once):

1. ``python -m jextui --demo``: the console with its demo sandbox exchange
   (the simulated market and the HTTP server, in a child process of the
   console: its CPU time is counted with the console's);
2. the split: ``jextui sandbox`` in its own process (same market: 8 symbols,
   simulated traders) and ``python -m jextui --base-url <it>`` with the demo
   key in ``JEX_API_KEY`` / ``JEX_API_SECRET``: the console's own share, and
   the sandbox's;
3. ``top -d 1`` at the same size, as a reference.

The console's screen is checked at the end of the window (through the
``_pty.Screen`` model): its order book must show live numbers, so an idle
error screen cannot pass for a light console.

4. streams off and on (issue 12): the console alone with a ``--profile`` of
   ``streams = false`` and of streams on (the default), on one external
   sandbox with the demo's market, the two alternating for ``--streams-rounds``
   rounds: CPU % of the console process and bytes/s to its terminal, medians.
   The screen must show the live book, and with streams on "streams: live".

    python benchmarks/bench_steady_state.py [--warmup 20] [--seconds 60] [--no-split]
                                            [--streams-rounds 3] [--only-streams] [--json FILE]

Goals (issue 7): the console (demo, sandbox included) <= 15 % of one core and
<= 25 KB/s written to the terminal.  Issue 12: with streams on, <= 10 % of one
core and <= 15 KB/s.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _pty import ExternalSandbox, PtyProcess, Screen, cpu_seconds, isolated_env, shows_live_book, spawn
from _report import write_json

COLS, ROWS = 160, 48
GOAL_CPU_PERCENT = 15.0
GOAL_BYTES_PER_S = 25_000


@dataclass
class Measurement:
    label: str
    seconds: float
    cpu_percent: float
    bytes_per_s: float | None
    rss_mb: float | None
    live_book: bool | None = None  # None: not a console
    note: str = ""


def rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _window(
    process: PtyProcess, screen: Screen | None, warmup_s: float, seconds: float, others: tuple[int, ...] = ()
) -> tuple[float, float, int, list[float]]:
    """Warm up, then measure: (window s, CPU s of the process, bytes, CPU s of ``others``)."""
    _pump(process, screen, warmup_s)
    cpu_before = process.cpu_seconds()
    others_before = [cpu_seconds(pid) for pid in others]
    bytes_before = process.bytes_read
    started = time.monotonic()
    _pump(process, screen, seconds)
    elapsed = time.monotonic() - started
    cpu = process.cpu_seconds() - cpu_before
    others_cpu = [cpu_seconds(pid) - before for pid, before in zip(others, others_before, strict=True)]
    return elapsed, cpu, process.bytes_read - bytes_before, others_cpu


def _pump(process: PtyProcess, screen: Screen | None, seconds: float) -> None:
    """Read (and apply to ``screen``) the program's output for ``seconds``."""
    deadline = time.monotonic() + seconds
    while not process.eof and (left := deadline - time.monotonic()) > 0:
        for chunk in process.read_available(min(left, 0.25)):
            if screen is not None:
                screen.feed(chunk.data)


def _console_measurement(
    label: str, process: PtyProcess, screen: Screen, warmup_s: float, seconds: float, others: tuple[int, ...] = ()
) -> tuple[Measurement, list[float]]:
    elapsed, cpu, written, others_cpu = _window(process, screen, warmup_s, seconds, others)
    live = shows_live_book(screen)
    note = "" if live else "the order book showed no numbers at the end of the window"
    if process.eof:
        note = "the program ended during the measurement"
    measurement = Measurement(label, elapsed, 100 * cpu / elapsed, written / elapsed, rss_mb(process.pid), live, note)
    return measurement, [100 * c / elapsed for c in others_cpu]


def measure_demo(warmup_s: float, seconds: float) -> Measurement:
    with tempfile.TemporaryDirectory(prefix="jextui-bench-") as directory:
        env = isolated_env(os.environ, directory)
        process = spawn([sys.executable, "-m", "jextui", "--demo"], cols=COLS, rows=ROWS, env=env, cwd=directory)
        screen = Screen(COLS, ROWS)
        try:
            measurement, _ = _console_measurement("jextui --demo (sandbox inside)", process, screen, warmup_s, seconds)
        finally:
            process.stop(b"q")
    return measurement


def measure_split(warmup_s: float, seconds: float) -> tuple[Measurement, Measurement]:
    with tempfile.TemporaryDirectory(prefix="jextui-bench-") as directory:
        env = isolated_env(os.environ, directory)
        with ExternalSandbox(env, cwd=directory) as sandbox:
            process = spawn(
                [sys.executable, "-m", "jextui", "--base-url", sandbox.base_url],
                cols=COLS,
                rows=ROWS,
                env=sandbox.console_env(env),
                cwd=directory,
            )
            screen = Screen(COLS, ROWS)
            try:
                console, (sandbox_cpu,) = _console_measurement(
                    "jextui --base-url (console only)", process, screen, warmup_s, seconds, (sandbox.pid,)
                )
            finally:
                process.stop(b"q")
            server = Measurement(
                "jextui sandbox (its own process)", console.seconds, sandbox_cpu, None, rss_mb(sandbox.pid)
            )
    return console, server


STREAMS_LIVE = re.compile(r"streams: live")
GOAL_STREAMS_CPU_PERCENT = 10.0
GOAL_STREAMS_BYTES_PER_S = 15_000


@dataclass
class StreamsRun:
    streams: bool
    cpu_percent: float
    bytes_per_s: float
    live_book: bool
    streams_live: bool
    load: tuple[float, float, float]


def _profile_config(directory: str, base_url: str, streams: bool) -> None:
    path = os.path.join(directory, "config", "config.toml")
    with open(path, "w", encoding="utf-8") as config:
        config.write(f'[profiles.bench]\nbase_url = "{base_url}"\nstreams = {"true" if streams else "false"}\n')


def measure_streams(warmup_s: float, seconds: float, rounds: int) -> list[StreamsRun]:
    """The console alone on one external sandbox (the demo's market), ``streams = false`` and
    streams on, in alternating order, one at a time: CPU of the console process (the sandbox
    is not counted) and bytes to its terminal."""
    runs: list[StreamsRun] = []
    with (
        tempfile.TemporaryDirectory(prefix="jextui-bench-") as directory,
        ExternalSandbox(isolated_env(os.environ, directory), cwd=directory) as sandbox,
    ):
        for round_no in range(rounds):
            order = (False, True) if round_no % 2 == 0 else (True, False)
            for streams in order:
                run_dir = os.path.join(directory, f"run{round_no}-{int(streams)}")
                os.makedirs(run_dir)
                env = sandbox.console_env(isolated_env(os.environ, run_dir))
                _profile_config(run_dir, sandbox.base_url, streams)
                process = spawn(
                    [sys.executable, "-m", "jextui", "--profile", "bench"], cols=COLS, rows=ROWS, env=env, cwd=run_dir
                )
                screen = Screen(COLS, ROWS)
                try:
                    load = os.getloadavg()
                    elapsed, cpu, written, _ = _window(process, screen, warmup_s, seconds)
                finally:
                    process.stop(b"q")
                runs.append(
                    StreamsRun(
                        streams,
                        100 * cpu / elapsed,
                        written / elapsed,
                        shows_live_book(screen),
                        screen.find(STREAMS_LIVE) is not None,
                        load,
                    )
                )
    return runs


def report_streams(runs: list[StreamsRun], warmup_s: float, seconds: float) -> list[dict[str, Any]]:
    print()
    print(
        f"Streams off / on: the console alone (--profile with streams = false / true) on one external "
        f"sandbox (the demo's market), {warmup_s:g} s warm-up, {seconds:g} s measured, alternating"
    )
    print(
        f"{'run':<6}{'streams':<9}{'CPU % of a core':>16}{'terminal KB/s':>15}  {'book live':<10}"
        f"{'streams: live':<14}{'load 1/5/15 min':>16}"
    )
    for index, run in enumerate(runs):
        load = "/".join(f"{value:.1f}" for value in run.load)
        print(
            f"{index + 1:<6}{'on' if run.streams else 'off':<9}{run.cpu_percent:>16.1f}"
            f"{run.bytes_per_s / 1000:>15.1f}  {'yes' if run.live_book else 'NO':<10}"
            f"{'yes' if run.streams_live else 'no':<14}{load:>16}"
        )
    metrics: list[dict[str, Any]] = []
    medians: dict[bool, tuple[float, float]] = {}
    for streams in (False, True):
        chosen = [run for run in runs if run.streams == streams]
        if chosen:
            medians[streams] = (
                statistics.median(r.cpu_percent for r in chosen),
                statistics.median(r.bytes_per_s for r in chosen),
            )
    if len(medians) == 2:
        (off_cpu, off_bytes), (on_cpu, on_bytes) = medians[False], medians[True]
        on_runs = [run for run in runs if run.streams]
        honest = all(run.live_book and run.streams_live for run in on_runs)
        print(
            f"median: streams off {off_cpu:.1f} % and {off_bytes / 1000:.1f} KB/s; "
            f"streams on {on_cpu:.1f} % and {on_bytes / 1000:.1f} KB/s"
        )
        cpu_met = on_cpu <= GOAL_STREAMS_CPU_PERCENT and honest
        bytes_met = on_bytes <= GOAL_STREAMS_BYTES_PER_S and honest
        print(
            f"goal: streams on <= {GOAL_STREAMS_CPU_PERCENT:g} % of one core: {'met' if cpu_met else 'NOT met'}; "
            f"<= {GOAL_STREAMS_BYTES_PER_S / 1000:g} KB/s: {'met' if bytes_met else 'NOT met'}"
        )
        metrics += [
            {
                "metric": "steady state, streams on: CPU of the console (streams off before)",
                "measured": f"{on_cpu:.1f} % (off: {off_cpu:.1f} %)",
                "value": on_cpu,
                "goal": f"<= {GOAL_STREAMS_CPU_PERCENT:g} % of one core",
                "met": cpu_met,
            },
            {
                "metric": "steady state, streams on: bytes to the terminal (streams off before)",
                "measured": f"{on_bytes / 1000:.1f} KB/s (off: {off_bytes / 1000:.1f} KB/s)",
                "value": on_bytes,
                "goal": f"<= {GOAL_STREAMS_BYTES_PER_S / 1000:g} KB/s",
                "met": bytes_met,
            },
        ]
    return metrics


def measure_top(warmup_s: float, seconds: float) -> Measurement | None:
    top = shutil.which("top")
    if top is None:
        return None
    with tempfile.TemporaryDirectory(prefix="jextui-bench-") as directory:
        env = isolated_env(os.environ, directory)
        process = spawn([top, "-d", "1"], cols=COLS, rows=ROWS, env=env, cwd=directory)
        try:
            elapsed, cpu, written, _ = _window(process, None, warmup_s, seconds)
            measurement = Measurement(
                "top -d 1 (reference)", elapsed, 100 * cpu / elapsed, written / elapsed, rss_mb(process.pid)
            )
        finally:
            process.stop(b"q")
    return measurement


# --- output ---------------------------------------------------------------------------------


def report(rows: list[Measurement], warmup_s: float) -> dict[str, Any]:
    print(
        f"Steady state in a {COLS}x{ROWS} pseudo-terminal (TERM=xterm-256color), no input, "
        f"{warmup_s:g} s warm-up, then {rows[0].seconds:.0f} s measured per program, one program at a time"
    )
    print()
    print(f"{'program':<36}{'CPU % of a core':>16}{'terminal KB/s':>15}{'RSS MB':>9}  {'book live':<9}")
    print("-" * 87)
    for row in rows:
        rate = "—" if row.bytes_per_s is None else f"{row.bytes_per_s / 1000:.1f}"
        rss = "—" if row.rss_mb is None else f"{row.rss_mb:.0f}"
        live = "" if row.live_book is None else ("yes" if row.live_book else "NO")
        print(f"{row.label:<36}{row.cpu_percent:>16.1f}{rate:>15}{rss:>9}  {live:<9}")
        if row.note:
            print(f"  note: {row.note}")
    demo = rows[0]
    cpu_met = demo.cpu_percent <= GOAL_CPU_PERCENT and bool(demo.live_book)
    bytes_met = demo.bytes_per_s is not None and demo.bytes_per_s <= GOAL_BYTES_PER_S and bool(demo.live_book)
    print()
    print(
        f"goal: jextui --demo <= {GOAL_CPU_PERCENT:g} % of one core: {'met' if cpu_met else 'NOT met'} "
        f"({demo.cpu_percent:.1f} %)"
    )
    print(
        f"goal: jextui --demo <= {GOAL_BYTES_PER_S / 1000:g} KB/s to the terminal: "
        f"{'met' if bytes_met else 'NOT met'} ({(demo.bytes_per_s or 0) / 1000:.1f} KB/s)"
    )
    top = next((row for row in rows if row.label.startswith("top")), None)
    reference = "" if top is None else f"; top -d 1: {top.cpu_percent:.1f} %, {(top.bytes_per_s or 0) / 1000:.1f} KB/s"
    metrics = [
        {
            "metric": "steady state: CPU (demo, sandbox inside)",
            "measured": f"{demo.cpu_percent:.1f} %{reference}",
            "value": demo.cpu_percent,
            "goal": f"<= {GOAL_CPU_PERCENT:g} % of one core",
            "met": cpu_met,
        },
        {
            "metric": "steady state: bytes to the terminal",
            "measured": f"{(demo.bytes_per_s or 0) / 1000:.1f} KB/s",
            "value": demo.bytes_per_s,
            "goal": f"<= {GOAL_BYTES_PER_S / 1000:g} KB/s",
            "met": bytes_met,
        },
    ]
    split = [row for row in rows if "console only" in row.label or "its own process" in row.label]
    if len(split) == 2:
        metrics.append(
            {
                "metric": "steady state: CPU split, console / external sandbox",
                "measured": f"{split[0].cpu_percent:.1f} % / {split[1].cpu_percent:.1f} %",
                "value": split[0].cpu_percent,
                "goal": "report",
                "met": None,
            }
        )
    return {"benchmark": "steady_state", "metrics": metrics, "rows": [row.__dict__ for row in rows]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warmup", type=float, default=20.0, help="seconds before measuring (default: 20)")
    parser.add_argument("--seconds", type=float, default=60.0, help="measured seconds per program (default: 60)")
    parser.add_argument("--no-split", action="store_true", help="skip the external-sandbox run")
    parser.add_argument(
        "--streams-rounds",
        type=int,
        default=3,
        metavar="N",
        help="rounds of streams off / on, the console alone (default: 3; 0: none)",
    )
    parser.add_argument("--only-streams", action="store_true", help="only the streams off / on rounds")
    parser.add_argument("--json", metavar="FILE", help="also write the key figures as JSON ('-': stdout)")
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.warmup < 0:
        parser.error("--seconds must be > 0 and --warmup >= 0")
    print(f"load average at start: {'/'.join(f'{v:.2f}' for v in os.getloadavg())} ({os.cpu_count()} cores)")
    summary: dict[str, Any] = {"benchmark": "steady_state", "metrics": [], "rows": []}
    if not args.only_streams:
        rows = [measure_demo(args.warmup, args.seconds)]
        if not args.no_split:
            rows.extend(measure_split(args.warmup, args.seconds))
        top = measure_top(min(args.warmup, 5.0), args.seconds)
        if top is not None:
            rows.append(top)
        summary = report(rows, args.warmup)
    if args.streams_rounds > 0:
        runs = measure_streams(args.warmup, args.seconds, args.streams_rounds)
        summary["metrics"] += report_streams(runs, args.warmup, args.seconds)
        summary["streams_runs"] = [run.__dict__ for run in runs]
    print(f"load average at the end: {'/'.join(f'{v:.2f}' for v in os.getloadavg())}")
    if args.json:
        write_json(args.json, summary)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

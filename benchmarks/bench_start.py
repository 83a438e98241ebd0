"""Start-up time: launch to first frame, and to live order-book numbers.

Each launch runs on a new 160x48 pseudo-terminal (TERM=xterm-256color) with
its own empty config, data and log folders (``JEXTUI_CONFIG_DIR`` ...), like
a first start after installing:

* ``jextui``: ``python -m jextui --demo`` (the installed package, demo mode on
  its sandbox exchange, which it starts in a child process);
* the floor: a bare Textual app (a Header, a Static and a Footer), started the
  same way (``python benchmarks/bench_start.py --bare-app``);
* for reference, ``jextui``, external sandbox: ``python -m jextui --base-url``
  on a ``jextui sandbox`` already running in its own process (same market,
  key pair in ``JEX_API_KEY`` / ``JEX_API_SECRET``): the console's own share
  of the start, without starting the demo exchange (``--no-external``
  leaves it out).

The working folder of every launch is its temporary folder, so ``python -m
jextui`` is the installed package even when run from a source checkout.

What is timed, from just before the fork to the read that completed it (the
output stream is applied to a small VT100 screen model, ``_pty.Screen``):

* first frame: the first complete paint after the switch to the alternate
  screen: every one of the 48 rows has been written since the switch and
  some cell shows a visible character;
* live book: the first frame in which the order-book pane shows numbers: its
  spread line, which it draws only once it holds a depth snapshot
  ("spread 0.01 (0.000%)  mid 64,250.005").

Also printed: the CPU time of each process (user + system, all threads and
child processes, from ``/proc``) when its last measure appeared, against
that wall time: a start-up that keeps one core busy all along can only get
faster by doing less, not by waiting less.

The launches alternate (floor, jextui, external, floor, ...) after one warm-up launch
of each that is not counted (it compiles the byte code into a temporary
``PYTHONPYCACHEPREFIX`` folder, as ``pip install`` does at install time, and
fills the file system cache); each program is then quit with ``q`` (SIGTERM,
then SIGKILL, if it does not end within 5 s).

    python benchmarks/bench_start.py [--runs 10] [--no-external] [--json FILE]

Goals (issue 7): first frame <= 1.2 x the floor; live book <= 2 x the floor
(medians).
"""

from __future__ import annotations

import sys


def run_bare_app() -> None:
    """The floor: the smallest Textual app with a header, some text and a footer."""
    from typing import ClassVar

    from textual.app import App, ComposeResult
    from textual.binding import BindingType
    from textual.widgets import Footer, Header, Static

    class BareApp(App[None]):
        BINDINGS: ClassVar[list[BindingType]] = [("q", "quit", "Quit")]

        def compose(self) -> ComposeResult:
            yield Header()
            yield Static("A bare Textual app: the floor of start-up time.")
            yield Footer()

    BareApp().run()


if __name__ == "__main__" and sys.argv[1:] == ["--bare-app"]:
    # Nothing else of this script is imported before the floor app starts.
    run_bare_app()
    raise SystemExit(0)

import argparse  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from typing import Any  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _pty import ExternalSandbox, Screen, isolated_env, shows_live_book, spawn  # noqa: E402
from _report import write_json  # noqa: E402

COLS, ROWS = 160, 48
GOAL_FIRST_FRAME = 1.2
GOAL_LIVE_BOOK = 2.0
LAUNCH_TIMEOUT_S = 30.0

Check = Callable[[Screen], bool]
CPU = "cpu"  # results key: CPU seconds of the process when its last check held


def first_frame(screen: Screen) -> bool:
    return screen.alt_screen and screen.fully_painted()


@dataclass(frozen=True)
class Program:
    label: str
    argv: list[str]
    checks: dict[str, Check]
    external_sandbox: bool = False  # connect to a sandbox already running in its own process


BOTH: dict[str, Check] = {"first frame": first_frame, "live book": shows_live_book}
PROGRAMS: dict[str, Program] = {
    "floor": Program("floor", [sys.executable, os.path.abspath(__file__), "--bare-app"], {"first frame": first_frame}),
    "jextui": Program("jextui", [sys.executable, "-m", "jextui", "--demo"], BOTH),
    "external": Program(
        "jextui, external sandbox", [sys.executable, "-m", "jextui", "--base-url"], BOTH, external_sandbox=True
    ),
}


def launch(program: Program, pycache: str, sandbox: ExternalSandbox | None) -> dict[str, Any]:
    """One launch: seconds to each of the program's checks, and how it ended."""
    argv = list(program.argv)
    with tempfile.TemporaryDirectory(prefix="jextui-bench-") as directory:
        env = isolated_env(os.environ, directory, pycache=pycache)
        if program.external_sandbox:
            assert sandbox is not None
            argv.append(sandbox.base_url)
            env = sandbox.console_env(env)
        process = spawn(argv, cols=COLS, rows=ROWS, env=env, cwd=directory)
        screen = Screen(COLS, ROWS)
        try:
            found = process.watch(screen, program.checks, LAUNCH_TIMEOUT_S)
            # CPU time of all its threads when the last measure appeared (clock-tick resolution)
            cpu = process.cpu_seconds() if len(found) == len(program.checks) else None
        finally:
            ended = process.stop(b"q")
    times = {check: at - process.started_at for check, at in found.items()}
    if len(times) < len(program.checks):
        missing = ", ".join(sorted(set(program.checks) - set(times)))
        tail = "\n".join(line.rstrip() for line in screen.lines() if line.strip())[-1500:]
        print(
            f"warning: {program.label}: no {missing} within {LAUNCH_TIMEOUT_S:g} s; the screen showed:\n{tail}",
            file=sys.stderr,
        )
    return {"times": times, "ended": ended, "cpu": cpu}


Results = dict[str, dict[str, list[float | None]]]  # per program and check, one value per round


def measure(runs: int, names: list[str]) -> Results:
    """``runs`` launches of each program, alternating, after one warm-up launch each."""
    results: Results = {name: {} for name in names}
    endings: dict[str, list[str]] = {name: [] for name in names}
    with tempfile.TemporaryDirectory(prefix="jextui-bench-") as workdir:
        pycache = os.path.join(workdir, "pycache")
        sandbox = None
        if any(PROGRAMS[name].external_sandbox for name in names):
            sandbox = ExternalSandbox(isolated_env(os.environ, workdir, pycache=pycache), cwd=workdir)
        try:
            for name in names:  # warm-up: compiles the byte code, fills the file system cache
                launch(PROGRAMS[name], pycache, sandbox)
            for run in range(runs):
                for name in names:
                    outcome = launch(PROGRAMS[name], pycache, sandbox)
                    endings[name].append(outcome["ended"])
                    for check in PROGRAMS[name].checks:  # None: not seen (keeps rounds aligned)
                        results[name].setdefault(check, []).append(outcome["times"].get(check))
                    results[name].setdefault(CPU, []).append(outcome["cpu"])
                print(f"  run {run + 1}/{runs} done", file=sys.stderr, flush=True)
        finally:
            if sandbox is not None:
                sandbox.close()
    for name, ends in endings.items():
        unclean = [e for e in ends if e != "quit"]
        if unclean:
            print(
                f"note: {name} did not quit on 'q' in {len(unclean)} of {len(ends)} runs ({', '.join(unclean)})",
                file=sys.stderr,
            )
    return results


def _seen(values: list[float | None]) -> list[float]:
    return [value for value in values if value is not None]


def paired_ratio(values: list[float | None], floors: list[float | None]) -> float:
    """Median over rounds of this launch / the floor launch next to it (less sensitive to load drift)."""
    ratios = [v / f for v, f in zip(values, floors, strict=False) if v is not None and f]
    return statistics.median(ratios) if ratios else float("nan")


def _row(label: str, check: str, values: list[float], ratio: float, paired: float, goal: float | None) -> str:
    goal_text = "" if goal is None else f"<={goal:g}x"
    met_text = "" if goal is None else ("yes" if ratio <= goal else "NO")
    return (
        f"{label:<26}{check:<13}{statistics.median(values) * 1000:>10.0f}{min(values) * 1000:>7.0f}"
        f"{max(values) * 1000:>7.0f}{len(values):>5}{ratio:>9.2f}x{paired:>8.2f}x{goal_text:>8}{met_text:>5}"
    )


def report(results: Results, runs: int) -> dict[str, Any]:
    floors = results["floor"].get("first frame", [])
    floor = statistics.median(_seen(floors)) if _seen(floors) else float("nan")
    load = os.getloadavg()[0]
    print(
        f"Start-up in a {COLS}x{ROWS} pseudo-terminal (TERM=xterm-256color), {runs} runs each, "
        f"fresh config/data/log folders per launch (load average {load:.2f} at the end)"
    )
    for name in results:
        program = PROGRAMS[name]
        print(
            f"  {program.label + ':':<26} python {' '.join(program.argv[1:])}"
            + (" <address of a jextui sandbox already running in its own process>" if program.external_sandbox else "")
        )
    print()
    print(
        f"{'program':<26}{'measure':<13}{'median ms':>10}{'min':>7}{'max':>7}{'runs':>5}{'vs floor':>10}"
        f"{'paired':>9}{'goal':>8}{'met':>5}"
    )
    print("-" * 100)
    goals = {("jextui", "first frame"): GOAL_FIRST_FRAME, ("jextui", "live book"): GOAL_LIVE_BOOK}
    metrics = []
    for name, checks in results.items():
        for check in PROGRAMS[name].checks:
            values = _seen(checks.get(check, []))
            if not values:
                print(f"{PROGRAMS[name].label:<26}{check:<13}{'—':>10}")
                continue
            goal = goals.get((name, check))
            median = statistics.median(values)
            ratio, paired = median / floor, paired_ratio(checks[check], floors)
            print(_row(PROGRAMS[name].label, check, values, ratio, paired, goal))
            if goal is not None:
                measured = f"{median * 1000:.0f} ms vs {floor * 1000:.0f} ms ({ratio:.2f}x; paired {paired:.2f}x)"
                metrics.append(
                    {
                        "metric": f"start: {check} (vs bare Textual app)",
                        "measured": measured,
                        "value": ratio,
                        "goal": f"<= {goal:g}x the floor",
                        "met": ratio <= goal,
                    }
                )
            elif name == "external":
                metrics.append(
                    {
                        "metric": f"start: {check}, sandbox already running in its own process",
                        "measured": f"{median * 1000:.0f} ms ({ratio:.2f}x)",
                        "value": ratio,
                        "goal": "report",
                        "met": None,
                    }
                )
    print()
    print(
        "CPU time of the process (all threads, child processes included) when its last measure appeared, "
        "against that wall time:"
    )
    for name, checks in results.items():
        last = list(PROGRAMS[name].checks)[-1]
        pairs = [(c, w) for c, w in zip(checks.get(CPU, []), checks.get(last, []), strict=False) if c is not None and w]
        if pairs:
            cpu = statistics.median(c for c, _ in pairs)
            share = statistics.median(c / w for c, w in pairs)
            label = PROGRAMS[name].label + ", " + last + ":"
            print(f"  {label:<40}{cpu * 1000:>6.0f} ms CPU ({share:.0%} of the wall time)")
            if name == "jextui":
                metrics.append(
                    {
                        "metric": "start: CPU time to the live book, all threads (vs wall time)",
                        "measured": f"{cpu * 1000:.0f} ms ({share:.0%} of the wall time)",
                        "value": cpu,
                        "goal": "report",
                        "met": None,
                    }
                )
    print()
    print("first frame: every row painted after the alternate-screen switch, with visible text;")
    print("live book: the order book's spread/mid line (drawn once it holds a depth snapshot) on screen.")
    print("vs floor: median / the floor's median (the goal's measure); paired: median of each launch / the floor")
    print("launch of the same round (steadier when the machine is busy).")
    return {
        "benchmark": "start",
        "metrics": metrics,
        "samples_ms": {
            name: {check: [None if v is None else v * 1000 for v in values] for check, values in checks.items()}
            for name, checks in results.items()
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10, help="timed launches of each program (default: 10)")
    parser.add_argument(
        "--no-external", action="store_true", help="skip the console on a sandbox already running in its own process"
    )
    parser.add_argument("--json", metavar="FILE", help="also write the key figures as JSON ('-': stdout)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    names = [name for name in PROGRAMS if not (args.no_external and PROGRAMS[name].external_sandbox)]
    load_start = os.getloadavg()
    print(f"load average at the start: {'/'.join(f'{v:.2f}' for v in load_start)} ({os.cpu_count()} cores)")
    results = measure(args.runs, names)
    summary = report(results, args.runs)
    summary["load_average"] = {"start": load_start, "end": os.getloadavg()}
    if args.json:
        write_json(args.json, summary)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

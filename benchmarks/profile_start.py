"""Profile of the console's start-up, launch to live order book (pyinstrument).

Launches ``python -m pyinstrument -t -i 0.001 -m jextui --demo`` on a 160x48
pseudo-terminal with fresh config, data and log folders (as
``bench_start.py`` does), waits until the order book shows live numbers,
quits with ``q`` and prints pyinstrument's timeline of the console's main
thread, with the times at which the first frame and the live book appeared.

pyinstrument samples the main thread only: while the demo sandbox's thread
imports and builds the exchange, the main thread is seen waiting in its event
loop (``select``) or for the interpreter lock.  Profiling makes every step
slower; read the shares, not the milliseconds (``bench_start.py`` has those).

pyinstrument is not one of jextui's dependencies::

    .venv/bin/pip install pyinstrument
    .venv/bin/python benchmarks/profile_start.py [--output FILE] [--lines N]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _pty import Screen, isolated_env, shows_live_book, spawn

COLS, ROWS = 160, 48
LAUNCH_TIMEOUT_S = 60.0


def first_frame(screen: Screen) -> bool:
    return screen.alt_screen and screen.fully_painted()


def profile(output: str) -> dict[str, float]:
    """One profiled launch (after an unprofiled warm-up that compiles the byte code)."""
    checks = {"first frame": first_frame, "live book": shows_live_book}
    with tempfile.TemporaryDirectory(prefix="jextui-profile-") as workdir:
        pycache = os.path.join(workdir, "pycache")
        warm_up = [sys.executable, "-m", "jextui", "--demo"]
        profiled = [
            sys.executable,
            "-m",
            "pyinstrument",
            "-t",
            "-i",
            "0.001",
            "--no-color",
            "-r",
            "text",
            "-o",
            output,
            "-m",
            "jextui",
            "--demo",
        ]
        times: dict[str, float] = {}
        for argv in (warm_up, profiled):
            directory = tempfile.mkdtemp(dir=workdir)
            env = isolated_env(os.environ, directory, pycache=pycache)
            process = spawn(argv, cols=COLS, rows=ROWS, env=env, cwd=directory)
            try:
                found = process.watch(Screen(COLS, ROWS), checks, LAUNCH_TIMEOUT_S)
            finally:
                process.stop(b"q", timeout=30.0)  # pyinstrument writes its report on the way out
            times = {check: at - process.started_at for check, at in found.items()}
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--output",
        default=os.path.join(tempfile.gettempdir(), "jextui-start-profile.txt"),
        help="where to keep the whole profile (default: %(default)s)",
    )
    parser.add_argument("--lines", type=int, default=120, help="lines of the profile to print (default: 120)")
    args = parser.parse_args(argv)
    if importlib.util.find_spec("pyinstrument") is None:
        print("pyinstrument is not installed in this environment: pip install pyinstrument")
        return 0
    times = profile(os.path.abspath(args.output))
    print(f"Start-up of `jextui --demo` under pyinstrument (timeline, 1 ms samples, main thread), {COLS}x{ROWS}")
    print()
    print(f"{'moment':<14}{'ms after launch (profiled)':>28}")
    print("-" * 42)
    for check in ("first frame", "live book"):
        value = times.get(check)
        print(f"{check:<14}{'not seen' if value is None else f'{value * 1000:.0f}':>28}")
    print()
    try:
        with open(args.output, encoding="utf-8") as report:
            lines = report.read().splitlines()
    except OSError as error:
        print(f"no profile was written ({error})")
        return 0
    print("\n".join(lines[: args.lines]))
    if len(lines) > args.lines:
        print(f"... {len(lines) - args.lines} more lines in {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Run every benchmark, one after the other, and print one Markdown table.

The table (metric, measured, goal, met?) and the machine it ran on (CPU
model, cores, memory, OS, Python) are what the README's "Performance"
section shows.  Each script's own table is printed as it finishes (stderr),
so the details stay available; ``--log FILE`` keeps them too.

Scripts that accept ``--json FILE`` report their key figures that way; the
older ones (engine, sandbox HTTP, order latency) are read from their printed
tables.  A script that is missing, fails, or prints nothing readable gets a
row saying so; the run goes on.

    python benchmarks/run_all.py [--quick] [--only NAME ...] [--skip NAME ...] [--with soak]
                                 [--output FILE] [--log FILE]

``--quick`` shortens every run (a few minutes in all instead of about
twenty); the figures are then rougher, and the table says so.  The soak
(``soak.py``, half an hour) runs only when asked: ``--with soak``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))

Metric = dict[str, Any]  # metric, measured, goal, met (True / False / None: no goal)


@dataclass(frozen=True)
class Benchmark:
    name: str
    script: str
    full_args: tuple[str, ...] = ()
    quick_args: tuple[str, ...] = ()
    json_summary: bool = True  # accepts --json FILE
    parse: Callable[[str], list[Metric]] | None = None  # reads the printed table otherwise
    timeout_s: float = 1800
    read_json: Callable[[dict[str, Any]], list[Metric]] | None = None  # its JSON is not {"metrics": [...]}
    by_default: bool = True  # False: only with --only / --with


# --- reading the tables of scripts without --json -------------------------------------------


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def parse_engine(output: str) -> list[Metric]:
    found = re.search(r"^\s*median\s+([\d,]+)\s+\((meets|MISSES) the goal of ([\d,]+)/s\)", output, re.M)
    if found is None:
        return []
    rate, verdict, goal = _number(found.group(1)), found.group(2), found.group(3)
    return [
        {
            "metric": "engine: limit orders matched per second (in-process)",
            "measured": f"{rate:,.0f}/s",
            "goal": f">= {goal}/s",
            "met": verdict == "meets",
            "value": rate,
        }
    ]


def parse_sandbox_http(output: str) -> list[Metric]:
    rates = {
        label: _number(rate)
        for label, rate in re.findall(
            r"^(bare Starlette|jextui sandbox, quiet book|jextui sandbox, living market)\S*.*?"
            r"\s([\d,]+)\s+[\d.]+\s*$",
            output,
            re.M,
        )
    }
    verdict = re.search(r"goal: sandbox / bare >= ([\d.]+): (met|NOT met) \(worst ratio ([\d.]+)\)", output)
    if verdict is None or "bare Starlette" not in rates:
        return []
    bare = rates["bare Starlette"]
    sandbox = min(v for k, v in rates.items() if k != "bare Starlette") if len(rates) > 1 else float("nan")
    return [
        {
            "metric": "sandbox HTTP: depth requests/s vs a bare Starlette endpoint",
            "measured": f"{sandbox:,.0f} vs {bare:,.0f} req/s ({verdict.group(3)}x)",
            "goal": f">= {verdict.group(1)}x",
            "met": verdict.group(2) == "met",
            "value": float(verdict.group(3)),
        }
    ]


def parse_order_latency(output: str) -> list[Metric]:
    """Keystroke-to-order latency: p50 and p95 in milliseconds, wherever the table puts them."""
    p50 = re.search(r"p50\D{0,40}?([\d.]+)\s*ms", output) or re.search(r"p50\D{0,40}?([\d.]+)", output)
    p95 = re.search(r"p95\D{0,40}?([\d.]+)\s*ms", output) or re.search(r"p95\D{0,40}?([\d.]+)", output)
    if p50 is None:
        return []
    median = float(p50.group(1))
    tail = f" / {float(p95.group(1)):.0f}" if p95 else ""
    return [
        {
            "metric": "keystroke to order in open orders, p50 / p95 (demo)",
            "measured": f"{median:.0f}{tail} ms",
            "goal": "p50 <= 150 ms",
            "met": median <= 150,
            "value": median,
        }
    ]


def read_soak(report: dict[str, Any]) -> list[Metric]:
    """The soak's own report (30 min of a restless user by default)."""
    minutes = report.get("minutes", 0)
    limited, errors = report.get("limited_answers"), report.get("errors_logged")
    return [
        {
            "metric": f"soak ({minutes:g} min, {report.get('symbols')} symbols): 429/418 answers, errors logged",
            "measured": f"{limited} / {errors}",
            "goal": "0 / 0",
            "met": limited == 0 and errors == 0,
        },
        {
            "metric": "soak: resident memory start / end / peak",
            "measured": f"{report.get('rss_start_mib', 0):.0f} / {report.get('rss_end_mib', 0):.0f} / "
            f"{report.get('rss_peak_mib', 0):.0f} MiB",
            "goal": "report",
            "met": None,
        },
    ]


BENCHMARKS: tuple[Benchmark, ...] = (
    Benchmark("start", "bench_start.py", ("--runs", "10"), ("--runs", "3")),
    Benchmark("freshness", "bench_freshness.py", ("--minutes", "10"), ("--minutes", "1", "--warmup", "5")),
    Benchmark("steady_state", "bench_steady_state.py", (), ("--warmup", "8", "--seconds", "15")),
    Benchmark("decode", "bench_decode.py", (), ("--samples", "7")),
    Benchmark("engine", "bench_engine.py", (), ("--orders", "20000", "--runs", "3"), False, parse_engine),
    Benchmark(
        "sandbox_http", "bench_sandbox_http.py", (), ("--seconds", "2", "--rounds", "1"), False, parse_sandbox_http
    ),
    Benchmark("order_latency", "bench_order_latency.py", (), ("--runs", "30"), False, parse_order_latency),
    Benchmark("soak", "soak.py", (), ("--minutes", "1"), read_json=read_soak, by_default=False, timeout_s=3600),
)


# --- running ----------------------------------------------------------------------------------


@dataclass
class Outcome:
    benchmark: Benchmark
    seconds: float = 0.0
    exit_code: int | None = None
    metrics: list[Metric] = field(default_factory=list)
    problem: str = ""
    output: str = ""


def run_one(benchmark: Benchmark, quick: bool, log: Any) -> Outcome:
    outcome = Outcome(benchmark)
    path = os.path.join(HERE, benchmark.script)
    if not os.path.exists(path):
        outcome.problem = f"{benchmark.script} is not there"
        return outcome
    args = list(benchmark.quick_args if quick else benchmark.full_args)
    with tempfile.TemporaryDirectory(prefix="jextui-bench-") as directory:
        summary_path = os.path.join(directory, "summary.json")
        if benchmark.json_summary:
            args += ["--json", summary_path]
        command = [sys.executable, path, *args]
        print(f"== {benchmark.name}: {' '.join(command[1:])}", file=sys.stderr, flush=True)
        started = time.monotonic()
        try:
            result = subprocess.run(
                command, capture_output=True, text=True, timeout=benchmark.timeout_s, cwd=os.path.dirname(HERE)
            )
        except subprocess.TimeoutExpired:
            outcome.seconds = time.monotonic() - started
            outcome.problem = f"did not finish within {benchmark.timeout_s:.0f} s"
            return outcome
        outcome.seconds = time.monotonic() - started
        outcome.exit_code = result.returncode
        outcome.output = result.stdout
        _echo(benchmark, result, log)
        outcome.metrics = _read_metrics(benchmark, summary_path, result.stdout)
    if not outcome.metrics:
        outcome.problem = f"exit code {outcome.exit_code}, no figures could be read (see its output)"
    return outcome


def _echo(benchmark: Benchmark, result: subprocess.CompletedProcess[str], log: Any) -> None:
    text = result.stdout.rstrip() + "\n"
    errors = result.stderr.strip()
    if result.returncode != 0 and errors:
        text += "\n[stderr]\n" + "\n".join(errors.splitlines()[-20:]) + "\n"
    print(text, file=sys.stderr, flush=True)
    if log is not None:
        log.write(f"## {benchmark.name} (exit {result.returncode})\n\n{text}\n")
        log.flush()


def _read_metrics(benchmark: Benchmark, summary_path: str, stdout: str) -> list[Metric]:
    if benchmark.json_summary:
        try:
            with open(summary_path, encoding="utf-8") as summary:
                data = json.load(summary)
            if benchmark.read_json is not None:
                return benchmark.read_json(data)
            return list(data.get("metrics", []))
        except (OSError, ValueError, TypeError, AttributeError):
            return []
    assert benchmark.parse is not None
    try:
        return benchmark.parse(stdout)
    except (ValueError, IndexError):
        return []


# --- the machine --------------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as cpuinfo:
            for line in cpuinfo:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gb() -> str:
    try:
        with open("/proc/meminfo", encoding="ascii", errors="replace") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    return f"{int(line.split()[1]) / 1024 / 1024:.1f} GB RAM"
    except OSError:
        pass
    return "memory unknown"


def _os_name() -> str:
    pretty = ""
    try:
        with open("/etc/os-release", encoding="utf-8") as release:
            for line in release:
                if line.startswith("PRETTY_NAME="):
                    pretty = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    kernel = f"{platform.system()} {platform.release()}"
    return f"{kernel} ({pretty})" if pretty else kernel


def _version() -> str:
    try:
        from jextui import __version__

        return __version__
    except ImportError:
        return "?"


def _commit() -> str:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=HERE, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def machine() -> dict[str, str]:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return {
        "cpu": _cpu_model(),
        "cores": str(os.cpu_count()),
        "memory": _memory_gb(),
        "os": _os_name(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "load": f"{load:.2f}",
        "jextui": _version(),
        "commit": _commit(),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


# --- the table ------------------------------------------------------------------------------------


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _met(value: object) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "**no**"
    return "—"


def markdown(outcomes: list[Outcome], host: dict[str, str], quick: bool, total_s: float) -> str:
    commit = f", commit {host['commit']}" if host["commit"] else ""
    mode = " with `--quick` (short runs: rough figures)" if quick else ""
    lines = [
        f"Measured {host['date']} by `python benchmarks/run_all.py`{mode} (jextui {host['jextui']}{commit}), "
        f"{total_s / 60:.1f} min in all.",
        "",
        f"Machine: {host['cpu']}, {host['cores']} cores, {host['memory']}; {host['os']}; {host['python']}; "
        f"load average {host['load']} at the start.",
        "",
        "| Metric | Measured | Goal | Met? |",
        "|---|---|---|---|",
    ]
    for outcome in outcomes:
        for metric in outcome.metrics:
            lines.append(
                f"| {_cell(metric.get('metric', '?'))} | {_cell(metric.get('measured', '?'))} | "
                f"{_cell(metric.get('goal', ''))} | {_met(metric.get('met'))} |"
            )
        if outcome.problem:
            lines.append(f"| {_cell(outcome.benchmark.script)} | not measured: {_cell(outcome.problem)} | | — |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    names = [b.name for b in BENCHMARKS]
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="short runs (a few minutes in all)")
    parser.add_argument("--only", nargs="+", choices=names, metavar="NAME", help=f"run only these: {', '.join(names)}")
    parser.add_argument("--skip", nargs="+", choices=names, default=[], metavar="NAME", help="leave these out")
    parser.add_argument(
        "--with",
        dest="extra",
        nargs="+",
        choices=names,
        default=[],
        metavar="NAME",
        help="also run these (soak: 30 min, or 1 with --quick; not run by default)",
    )
    parser.add_argument("--output", metavar="FILE", help="also write the Markdown table to FILE")
    parser.add_argument("--log", metavar="FILE", help="also write every script's own output to FILE")
    args = parser.parse_args(argv)
    chosen = [
        b
        for b in BENCHMARKS
        if (b.name in args.only if args.only else b.by_default or b.name in args.extra) and b.name not in args.skip
    ]
    host = machine()
    started = time.monotonic()
    log = open(args.log, "w", encoding="utf-8") if args.log else None  # noqa: SIM115 - closed below
    try:
        outcomes = [run_one(benchmark, args.quick, log) for benchmark in chosen]
    finally:
        if log is not None:
            log.close()
    table = markdown(outcomes, host, args.quick, time.monotonic() - started)
    print(table)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as out:
            out.write(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

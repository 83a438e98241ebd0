"""Mutation testing of the code that handles money, one module at a time.

mutmut changes one operator, constant or call at a time in a module (``<``
into ``<=``, ``ROUND_DOWN`` into ``ROUND_UP``, a ``1`` into a ``2`` ...) and
runs that module's own test folder against each change.  A test that then
fails has *killed* the mutant; a mutant every test still passes with has
*survived*: the tests would not notice that mistake.  The goal is that at
least 95 % are killed in each module.

Prints a table (module, mutants, killed, survived, score, minutes).  Killed
counts the mutants a test failed on or that hit mutmut's time limit (an
endless loop is noticed too); the score is killed / mutants.  Mutants that
no test reaches count as survivors.

Each module runs in its own temporary copy of the project (``jextui/``,
``tests/``, ``themes/``, ``pyproject.toml``) whose ``[tool.mutmut]`` section
names only that module and its tests, so the checkout itself is left as it
was.  Two test processes at a time by default (``--max-children``).

    python benchmarks/mutation.py [--only ticket engine ...] [--max-children N]
                                  [--survivors] [--keep DIR] [--json FILE]

``--survivors`` lists the surviving mutants of each module; ``--keep DIR``
keeps each module's copy in ``DIR/<module>`` so that ``mutmut show NAME``
can be run there to see a survivor's change.  Needs ``pip install .[test]``.
Exits 1 when a module misses the goal or mutmut gives no result for it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _report import write_json

ROOT = Path(__file__).resolve().parent.parent
GOAL_PERCENT = 95.0
COPIED = ("jextui", "tests", "themes", "pyproject.toml")


@dataclass(frozen=True)
class Module:
    name: str
    path: str  # the file mutated
    tests: tuple[str, ...]  # the tests run against each mutant


MODULES = (
    Module("ticket", "jextui/trading/ticket.py", ("tests/trading",)),
    Module("reconcile", "jextui/trading/reconcile.py", ("tests/trading",)),
    Module("journal", "jextui/trading/journal.py", ("tests/trading",)),
    # The journal's read-only reader and its replaces, split out of journal.py.
    Module("journal_read", "jextui/trading/journal_read.py", ("tests/trading",)),
    Module("journal_replaces", "jextui/trading/journal_replaces.py", ("tests/trading",)),
    # The engine's own tests, not all of tests/sandbox: the HTTP, fuzz and CLI tests reach the
    # engine too but take over a minute per surviving mutant (hours in all).
    Module(
        "engine",
        "jextui/sandbox/engine.py",
        (
            "tests/sandbox/test_engine.py",
            "tests/sandbox/test_engine_properties.py",
            "tests/sandbox/test_engine_boundaries.py",
            "tests/sandbox/test_exchange.py",
            "tests/sandbox/test_store.py",
            "tests/sandbox/test_http_trading.py",
        ),
    ),
    # The engine's records and one symbol's book, split out of engine.py, with the same tests.
    Module(
        "symbol_book",
        "jextui/sandbox/symbol_book.py",
        (
            "tests/sandbox/test_engine.py",
            "tests/sandbox/test_engine_properties.py",
            "tests/sandbox/test_engine_boundaries.py",
            "tests/sandbox/test_exchange.py",
        ),
    ),
    # Money-touching code of the stream, open-orders and order-handling work.
    Module("local_book", "jextui/feed/local_book.py", ("tests/feed/test_local_book.py",)),
    Module("user_sequencer", "jextui/feed/user_sequencer.py", ("tests/feed/test_user_sequencer.py",)),
    Module(
        "account_orders",
        "jextui/trading/account_orders.py",
        (
            "tests/trading/test_account_orders.py",
            "tests/trading/test_locked_funds_rule.py",
        ),
    ),
    Module("replace", "jextui/trading/replace.py", ("tests/trading/test_replace.py",)),
    Module("sizing", "jextui/trading/sizing.py", ("tests/trading/test_sizing.py",)),
    Module(
        "marketable",
        "jextui/trading/marketable.py",
        (
            "tests/trading/test_marketable.py",
            "tests/trading/test_marketable_sandbox.py",
        ),
    ),
    Module(
        "order_discovery",
        "jextui/trading/order_discovery.py",
        (
            "tests/trading/test_order_discovery.py",
            "tests/trading/test_order_discovery_paths.py",
        ),
    ),
    Module("bulk_cancel", "jextui/trading/bulk_cancel.py", ("tests/trading/test_bulk_cancel.py",)),
    # The fat-finger guard, the IOC/FOK check, the write-ahead submit, its outcomes and the fills.
    Module(
        "guard",
        "jextui/trading/guard.py",
        (
            "tests/trading/test_guard.py",
            "tests/trading/test_guard_boundaries.py",
            "tests/trading/test_marketable_sandbox.py",
        ),
    ),
    Module(
        "time_in_force",
        "jextui/trading/time_in_force.py",
        (
            "tests/trading/test_time_in_force.py",
            "tests/trading/test_time_in_force_cancel.py",
        ),
    ),
    Module(
        "submit",
        "jextui/trading/submit.py",
        (
            "tests/trading/test_submit.py",
            "tests/trading/test_time_in_force.py",
            "tests/trading/test_sandbox_unknown_outcome.py",
            "tests/api/test_unreachable.py",
            "tests/trading/test_replace.py",
        ),
    ),
    Module(
        "outcomes",
        "jextui/trading/outcomes.py",
        (
            "tests/trading/test_outcomes.py",
            "tests/trading/test_submit.py",
            "tests/trading/test_time_in_force.py",
        ),
    ),
    Module(
        "fills",
        "jextui/trading/fills.py",
        (
            "tests/trading/test_fills.py",
            "tests/trading/test_fills_reported.py",
            "tests/trading/test_amount_text.py",
        ),
    ),
)

KILLED_STATUSES = ("killed", "timeout")


@dataclass
class Result:
    module: Module
    mutants: int
    killed: int
    survived: int
    minutes: float
    survivors: list[str]
    error: str = ""

    @property
    def score(self) -> float:
        return 100.0 * self.killed / self.mutants if self.mutants else 0.0


def _toml_value(value: Any) -> str:
    """A TOML literal for the plain values ``[tool.mutmut]`` holds (JSON spells them the same)."""
    plain = isinstance(value, (str, bool, int, float))
    if plain or (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        return json.dumps(value)
    raise ValueError(f"unsupported value in [tool.mutmut]: {value!r}")


def _pyproject_for(module: Module, text: str) -> str:
    """``pyproject.toml`` with its ``[tool.mutmut]`` table narrowed to ``module``."""
    settings = dict(tomllib.loads(text).get("tool", {}).get("mutmut", {}))
    settings["only_mutate"] = [module.path]
    settings["pytest_add_cli_args_test_selection"] = list(module.tests)
    without = re.sub(r"(?ms)^\[tool\.mutmut\]\s*$.*?(?=^\[|\Z)", "", text)
    table = "\n".join(f"{key} = {_toml_value(value)}" for key, value in settings.items())
    return f"{without.rstrip()}\n\n[tool.mutmut]\n{table}\n"


def _copy_project(target: Path, module: Module) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis", ".pytest_cache", "mutants", "*.sqlite")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        elif source.is_file():
            shutil.copy2(source, target / name)
    pyproject = target / "pyproject.toml"
    pyproject.write_text(_pyproject_for(module, pyproject.read_text("utf-8")), "utf-8")


def _mutmut(args: list[str], cwd: Path, log: Any) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MUTANT_UNDER_TEST")}
    return subprocess.run(
        [sys.executable, "-m", "mutmut", *args],
        cwd=cwd,
        env=env,
        text=True,
        stdout=log,
        stderr=subprocess.STDOUT,
        check=False,
    )


def _statuses(workdir: Path, module: Module) -> dict[str, str]:
    """Mutant name -> status, from the results mutmut keeps beside the mutated file."""
    from mutmut.stats import status_by_exit_code

    meta = workdir / "mutants" / (module.path + ".meta")
    data = json.loads(meta.read_text("utf-8"))
    return {name: status_by_exit_code[code] for name, code in data["exit_code_by_key"].items()}


def run_module(module: Module, max_children: int, keep: Path | None) -> Result:
    if keep is not None:
        workdir = keep / module.name
        if workdir.exists():
            shutil.rmtree(workdir)
        workdir.mkdir(parents=True)
    else:
        workdir = Path(tempfile.mkdtemp(prefix=f"mutation-{module.name}-"))
    started = time.monotonic()
    try:
        _copy_project(workdir, module)
        with open(workdir / "mutmut.log", "w", encoding="utf-8") as log:
            done = _mutmut(["run", "--max-children", str(max_children)], workdir, log)
        minutes = (time.monotonic() - started) / 60
        try:
            statuses = _statuses(workdir, module)
        except (OSError, ValueError, KeyError) as exc:
            tail = (workdir / "mutmut.log").read_text("utf-8", errors="replace")[-2000:]
            return Result(module, 0, 0, 0, minutes, [], f"no results (mutmut exit {done.returncode}: {exc})\n{tail}")
        killed = sum(1 for status in statuses.values() if status in KILLED_STATUSES)
        survivors = sorted(name for name, status in statuses.items() if status not in KILLED_STATUSES)
        error = "" if done.returncode == 0 else f"mutmut exit {done.returncode}"
        return Result(module, len(statuses), killed, len(survivors), minutes, survivors, error)
    finally:
        if keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


def _table(results: list[Result]) -> str:
    lines = ["| module | tests | mutants | killed | survived | score | minutes |", "|---|---|---|---|---|---:|---:|"]
    for r in results:
        lines.append(
            f"| {r.module.path} | {' '.join(r.module.tests)} | {r.mutants} | {r.killed} | {r.survived} "
            f"| {r.score:.1f} % | {r.minutes:.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", choices=[m.name for m in MODULES], help="these modules only")
    parser.add_argument("--max-children", type=int, default=2, help="test processes at a time (default 2)")
    parser.add_argument("--survivors", action="store_true", help="list the surviving mutants")
    parser.add_argument("--keep", type=Path, help="keep each module's copy in DIR/<module>")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON ('-': stdout)")
    args = parser.parse_args(argv)

    chosen = [m for m in MODULES if not args.only or m.name in args.only]
    results = []
    for module in chosen:
        print(f"mutating {module.path} against {' '.join(module.tests)} ...", file=sys.stderr, flush=True)
        result = run_module(module, args.max_children, args.keep.resolve() if args.keep else None)
        results.append(result)
        print(
            f"  {result.killed}/{result.mutants} killed ({result.score:.1f} %) in {result.minutes:.1f} min",
            file=sys.stderr,
            flush=True,
        )
        if result.error:
            print(f"  {result.error}", file=sys.stderr)
    print(f"mutmut, --max-children {args.max_children}; goal: >= {GOAL_PERCENT:.0f} % killed in each module")
    print(_table(results))
    if args.survivors:
        for r in results:
            if r.survivors:
                print(f"\nsurvivors in {r.module.path}:")
                print("\n".join(f"  {name}" for name in r.survivors))
    if args.json:
        write_json(
            args.json,
            {
                "goal_percent": GOAL_PERCENT,
                "max_children": args.max_children,
                "modules": [
                    {
                        "module": r.module.path,
                        "tests": list(r.module.tests),
                        "mutants": r.mutants,
                        "killed": r.killed,
                        "survived": r.survived,
                        "score": round(r.score, 1),
                        "minutes": round(r.minutes, 2),
                        "survivors": r.survivors,
                        "error": r.error,
                    }
                    for r in results
                ],
            },
        )
    return 0 if all(r.score >= GOAL_PERCENT and not r.error for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())

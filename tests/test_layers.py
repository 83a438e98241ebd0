"""The shape of the code: rooms in layers, imports pointing down only, no circles, no long modules.

Imports are read from the source (the AST), not by importing it, so that a
module imported inside a function or under ``TYPE_CHECKING`` counts too: a
lazy import still couples two modules, and a type-only circle is still a
circle in the design.

Every top-level module or package of ``jextui`` is a room with a rank
(:data:`RANKS`).  A module may import its own room freely (but without a
circle), and another room only when that room's rank is lower.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "jextui"
MAX_LINES = 800

#: Rooms, bottom up.  Rooms of one rank may not import one another.
RANKS: dict[str, int] = {
    # foundations: no jextui imports beyond these
    "__init__": 0,
    "kline_intervals": 0,
    "secret": 0,
    "locations": 0,
    "lazy": 0,
    "amount_text": 0,
    # the wire, the alert rules, logging
    "api": 1,
    "alerts": 1,
    "logs": 1,
    # what sits on the wire: the feed, the embedded exchange, the configuration
    "feed": 2,
    "sandbox": 2,
    "config": 2,
    # orders: ticket, submitter, journal, reconciler
    "trading": 3,
    # what the console holds: market store, session, portfolio
    "market_store": 4,
    "session": 4,
    "portfolio": 4,
    # the Textual console
    "ui": 5,
    # entry points
    "printout": 6,
    "cli": 7,
    "__main__": 8,
}

#: Rooms below the console hold no Textual (and no Rich).
NO_TEXTUAL_BELOW = RANKS["ui"]


@dataclass(frozen=True)
class Import:
    source: str  # module importing
    target: str  # module imported (the most specific module that exists)
    line: int


def module_names() -> dict[str, Path]:
    names: dict[str, Path] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


MODULES = module_names()


def _existing(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _absolute(module: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def imports_of(module: str, path: Path) -> Iterator[tuple[str, int]]:
    """Every imported name (absolute) in ``module``, wherever the import statement is."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            name = _absolute(module, path, node)
            for alias in node.names:
                yield f"{name}.{alias.name}", node.lineno  # a submodule, or a name in ``name``


def package_imports() -> list[Import]:
    found: set[Import] = set()
    for module, path in MODULES.items():
        for name, line in imports_of(module, path):
            if name != "jextui" and not name.startswith("jextui."):
                continue
            target = _existing(name)
            if target is not None and target != module:
                found.add(Import(module, target, line))
    return sorted(found, key=lambda i: (i.source, i.line, i.target))


IMPORTS = package_imports()


def room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_every_room_has_a_rank() -> None:
    rooms = {room(module) for module in MODULES}
    assert rooms - RANKS.keys() == set(), "a new room: give it a rank in RANKS (and a place in the README's layout)"


def test_imports_point_down_only() -> None:
    upward = [
        f"{i.source} (line {i.line}) imports {i.target}: {room(i.source)} (rank {RANKS[room(i.source)]}) "
        f"may not import {room(i.target)} (rank {RANKS[room(i.target)]})"
        for i in IMPORTS
        if room(i.source) != room(i.target) and RANKS[room(i.target)] >= RANKS[room(i.source)]
    ]
    assert upward == []


def test_config_does_not_reach_the_console() -> None:
    assert [i for i in IMPORTS if room(i.source) == "config" and room(i.target) == "ui"] == []


def test_no_textual_below_the_console() -> None:
    found = [
        f"{module} (line {line}) imports {name}"
        for module, path in MODULES.items()
        if RANKS[room(module)] < NO_TEXTUAL_BELOW
        for name, line in imports_of(module, path)
        if name.split(".")[0] in ("textual", "rich")
    ]
    assert found == []


def _circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    circles: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            advanced = False
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = counter
                    counter += 1
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(edges[successor]))))
                    advanced = True
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    circles.append(sorted(component))
    return circles


def test_no_import_circle() -> None:
    edges: dict[str, set[str]] = {module: set() for module in MODULES}
    for i in IMPORTS:
        edges[i.source].add(i.target)
    assert _circles(edges) == []


def test_the_circle_finder_finds_circles() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _circles(edges) == [["a", "b", "c"]]
    assert _circles({"a": {"b"}, "b": set()}) == []


def test_no_module_is_over_the_line_limit() -> None:
    lengths = {module: len(path.read_text(encoding="utf-8").splitlines()) for module, path in MODULES.items()}
    too_long = {module: lines for module, lines in lengths.items() if lines > MAX_LINES}
    assert too_long == {}, f"split these by concern (at most {MAX_LINES} lines each)"

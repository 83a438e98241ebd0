"""``jextui keys``: every action id, its scope and its keys, with the user's ``[keys]`` applied.

Plain aligned text by default, one JSON document with ``--json``, a
Markdown table with ``--markdown`` (what the README's key tables are made
from).  The
``[keys]`` table's problems go to stderr (the listing then shows the default
keys for them, as the console would bind them) and make the exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from jextui.ui.keymap import KEYMAP, SCOPE_TITLES, key_label
from jextui.ui.keymap_user import UserKeys, resolve_user_keys

__all__ = ["key_rows", "keys_text", "keys_json", "keys_markdown", "keys_summary", "main"]

EXIT_OK = 0
EXIT_USAGE = 2


def key_rows(user: UserKeys) -> list[dict[str, Any]]:
    """One row per action: id, scope, keys (Textual names), whether remapped, what it does."""
    return [
        {
            "id": spec.action_id,
            "scope": spec.scope,
            "keys": user.remapped.get(spec.action_id, spec.keys).split(","),
            "remapped": spec.action_id in user.remapped,
            "description": spec.help,
        }
        for spec in KEYMAP
    ]


def keys_text(user: UserKeys) -> str:
    """Aligned columns: id, scope, keys (``*`` marks a key from the config file), what it does."""
    rows = key_rows(user)
    table = [
        (
            row["id"],
            row["scope"],
            key_label(",".join(row["keys"])) + (" *" if row["remapped"] else ""),
            row["description"],
        )
        for row in rows
    ]
    widths = [max(len(cells[column]) for cells in table) for column in range(3)]
    header = ("ACTION", "SCOPE", "KEYS", "WHAT IT DOES")
    widths = [max(width, len(header[column])) for column, width in enumerate(widths)]
    lines = [
        "  ".join(cell.ljust(widths[column]) if column < 3 else cell for column, cell in enumerate(cells)).rstrip()
        for cells in (header, *table)
    ]
    if user.remapped:
        lines.append("")
        lines.append("* from the [keys] table of the config file")
    return "\n".join(lines)


def keys_json(user: UserKeys) -> str:
    """One JSON document: the scopes (with their titles), the actions and the problems."""
    document = {
        "scopes": dict(SCOPE_TITLES),
        "actions": key_rows(user),
        "problems": list(user.problems),
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def keys_markdown(user: UserKeys) -> str:
    """A Markdown table (action, scope, keys, what it does), as the README's key tables are written."""
    lines = ["| Action | Scope | Keys | What it does |", "|---|---|---|---|"]
    for row in key_rows(user):
        keys = " ".join(f"`{label}`" for label in key_label(",".join(row["keys"])).split(" "))
        description = str(row["description"]).replace("|", "\\|")
        lines.append(f"| `{row['id']}` | {SCOPE_TITLES[row['scope']]} | {keys} | {description} |")
    return "\n".join(lines)


def keys_summary(user: UserKeys) -> str:
    """One line for ``jextui config check``: which actions the config file remaps."""
    if not user.remapped:
        return "defaults" if not user.problems else "defaults (see the problems below)"
    return ", ".join(f"{action_id}={key_label(keys)}" for action_id, keys in user.remapped.items())


def main(argv: Sequence[str], load_keys_table: Callable[[], Mapping[str, Any]]) -> int:
    """``jextui keys``: the options first (``--help`` needs no config file), then the table."""
    parser = argparse.ArgumentParser(
        prog="jextui keys",
        description="List every action id, its scope and its keys (the config file's [keys] table applied).",
    )
    form = parser.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="one JSON document instead of aligned text")
    form.add_argument("--markdown", action="store_true", help="a Markdown table (the README's key tables)")
    args = parser.parse_args(list(argv))
    user = resolve_user_keys(load_keys_table())
    print(keys_json(user) if args.json else keys_markdown(user) if args.markdown else keys_text(user))
    for problem in user.problems:
        print(f"jextui: {problem}", file=sys.stderr)
    return EXIT_USAGE if user.problems else EXIT_OK

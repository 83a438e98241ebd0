"""What the benchmark scripts share for their ``--json FILE`` summaries."""

from __future__ import annotations

import json
from typing import Any


def write_json(path: str, data: dict[str, Any]) -> None:
    """``data`` as indented JSON to ``path`` (``-``: standard output); unknown types as text."""
    text = json.dumps(data, indent=2, default=str)
    if path == "-":
        print(text)
        return
    with open(path, "w", encoding="utf-8") as out:
        out.write(text + "\n")

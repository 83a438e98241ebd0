"""httpx, imported without its command-line tool.

When its optional command-line dependencies happen to be installed (they are
wherever jextui runs: Textual brings rich, uvicorn brings click), ``import
httpx`` also loads that tool's modules — click, rich's progress display and
pygments' syntax highlighter — about 20 ms of the console's start, for a
program jextui never runs.  httpx treats that tool as optional (its import
is guarded), so marking its module absent before the first import keeps the
library whole and leaves only ``httpx.main`` saying the tool is not
installed.  Every module of jextui imports httpx from here.
"""

from __future__ import annotations

import sys

_CLI_MODULE = "httpx._main"

if "httpx" not in sys.modules:
    sys.modules.setdefault(_CLI_MODULE, None)  # type: ignore[arg-type]  # None: "not installed", by the import system's rule
try:
    import httpx as httpx
finally:
    if sys.modules.get(_CLI_MODULE, False) is None:
        del sys.modules[_CLI_MODULE]  # a later explicit import of the tool still works

__all__ = ["httpx"]

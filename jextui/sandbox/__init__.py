"""The sandbox exchange: a local HTTP server that behaves like the JEX spot API.

``SandboxServer(SandboxConfig(...)).start()`` serves it in-process on a
loopback port (demo mode and the tests); ``jextui sandbox`` runs it from the
command line.  The names are imported lazily so that the exchange core can be
used without loading the HTTP stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jextui.lazy import lazy_exports

_EXPORTS: dict[str, str] = {"SandboxConfig": "server", "SandboxServer": "server"}
__all__ = ["SandboxServer", "SandboxConfig"]

if TYPE_CHECKING:
    from jextui.sandbox.server import SandboxConfig, SandboxServer

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())

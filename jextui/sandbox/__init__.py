"""The sandbox exchange: a local HTTP server that behaves like the JEX spot API.

``SandboxServer(SandboxConfig(...)).start()`` serves it in-process on a
loopback port (demo mode and the tests); ``jextui sandbox`` runs it from the
command line.  The names are imported lazily so that the exchange core can be
used without loading the HTTP stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["SandboxServer", "SandboxConfig"]

if TYPE_CHECKING:
    from jextui.sandbox.server import SandboxConfig, SandboxServer


def __getattr__(name: str) -> Any:
    if name in __all__:
        from jextui.sandbox import server

        return getattr(server, name)
    raise AttributeError(f"module 'jextui.sandbox' has no attribute {name!r}")

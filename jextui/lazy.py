"""Names of a package imported from its modules on first use (PEP 562).

A package lists which of its modules holds each public name; importing the
package then costs nothing until a name is used, so the console's first
frame does not wait for modules (httpx, the panes, the HTTP stack) it needs
only later::

    __getattr__, __dir__ = lazy_exports(__name__, {"JexClient": "client"}, globals())
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, exports: Mapping[str, str], namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The package's ``__getattr__`` and ``__dir__``.

    ``exports`` maps each name to the module of ``package`` that defines it;
    a name, once imported, is kept in ``namespace`` (the package's globals).
    """

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *exports})

    return __getattr__, __dir__

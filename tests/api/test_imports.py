"""What importing the API costs: names load on first use, and httpx comes without its command-line tool.

Each check runs in a fresh interpreter, so that what is loaded is what that import loaded.
"""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest


def _loaded_after(code: str, modules: tuple[str, ...]) -> list[str]:
    probe = f"import sys\n{code}\nprint(sorted(m for m in {modules!r} if m in sys.modules))\n"
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60)
    return list(ast.literal_eval(run.stdout.strip()))


def test_the_request_signing_loads_no_http_client() -> None:
    """The sandbox checks signatures with jextui.api.signing: that must not load httpx with it."""
    assert _loaded_after("import jextui.api.signing", ("httpx", "jextui.api.client", "websockets")) == []


def test_the_stream_payload_types_load_no_connection_code() -> None:
    """The feed's user-event sequencing needs the payload types long before any stream connects."""
    loaded = _loaded_after("import jextui.api.streams.models", ("websockets", "httpx", "jextui.api.streams.connection"))
    assert loaded == []


def test_the_client_loads_httpx_without_its_command_line_tool() -> None:
    loaded = _loaded_after("import jextui.api.client", ("httpx", "httpx._main", "click", "pygments"))
    assert loaded == ["httpx"]


def test_the_command_line_tool_still_imports_when_asked_for() -> None:
    pytest.importorskip("click")  # the tool's own dependency (uvicorn brings it here)
    loaded = _loaded_after("import jextui.api.client\nimport httpx._main", ("httpx._main", "click"))
    assert loaded == ["click", "httpx._main"]


@pytest.mark.parametrize("package", ["jextui.api", "jextui.api.streams"])
def test_every_public_name_of_a_lazy_package_resolves(package: str) -> None:
    module = __import__(package, fromlist=["__all__"])
    missing = [name for name in module.__all__ if getattr(module, name, None) is None]
    assert missing == []
    assert set(module.__all__) <= set(dir(module))


def test_an_unknown_name_is_an_attribute_error() -> None:
    import jextui.api

    with pytest.raises(AttributeError, match="no attribute 'NoSuchThing'"):
        jextui.api.NoSuchThing  # noqa: B018

"""The demo sandbox in its own process: it serves the console, dies with it in
every case (a normal quit, kill -9), and its secret is never visible to ``ps``.

Real processes on a real pseudo-terminal (Linux ``/proc`` is read to find them).
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from jextui.sandbox.child import SandboxChild

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

from _pty import PtyProcess, Screen, isolated_env, shows_live_book, spawn  # noqa: E402

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")

CHILD_MODULE = b"jextui.sandbox.child"


def _stat(pid: int) -> tuple[str, int] | None:
    """(state letter, parent pid) of a process, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[1])


def _alive(pid: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[0] not in ("Z", "X")  # a zombie has ended (only its parent's reaping is left)


def _pids() -> Iterator[int]:
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            yield int(entry)


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError:  # gone meanwhile, or not ours to read
        return b""


def _sandbox_children(parent: int) -> list[int]:
    found = []
    for pid in _pids():
        stat = _stat(pid)
        if stat is not None and stat[1] == parent and CHILD_MODULE in _read(f"/proc/{pid}/cmdline"):
            found.append(pid)
    return found


def _wait_for(condition: Callable[[], bool], what: str, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def _console(tmp_path: Path) -> tuple[PtyProcess, Screen]:
    env = isolated_env(os.environ, str(tmp_path))
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(Path(__file__).resolve().parents[2]), os.environ.get("PYTHONPATH")])
    )
    process = spawn([sys.executable, "-m", "jextui", "--demo"], cols=120, rows=36, env=env, cwd=str(tmp_path))
    screen = Screen(120, 36)
    return process, screen


def _console_on_its_child(tmp_path: Path) -> tuple[PtyProcess, int]:
    """A console showing live data from its sandbox child; (console, the child's pid)."""
    process, screen = _console(tmp_path)
    found = process.watch(screen, {"live book": shows_live_book}, 60.0)
    assert "live book" in found, "\n".join(screen.lines())
    children = _sandbox_children(process.pid)
    assert len(children) == 1, children
    return process, children[0]


def test_the_child_dies_when_the_console_is_killed_with_sigkill(tmp_path: Path) -> None:
    process, child = _console_on_its_child(tmp_path)
    try:
        os.kill(process.pid, signal.SIGKILL)
        _wait_for(lambda: process.poll() is not None, "the console to die")
        _wait_for(lambda: not _alive(child), "the sandbox child to die with the console")
    finally:
        process.close()
        if _alive(child):
            os.kill(child, signal.SIGKILL)


def test_the_child_ends_with_a_normal_quit(tmp_path: Path) -> None:
    process, child = _console_on_its_child(tmp_path)
    try:
        process.send(b"q")
        code = process.wait(20.0)
        log = tmp_path / "log" / "jextui.log"
        assert code == 0, log.read_text()[-3000:] if log.exists() else "no log"
        assert not _alive(child)  # already gone when the console has ended: it waited for it
    finally:
        process.close()
        if _alive(child):
            os.kill(child, signal.SIGKILL)


def test_the_secret_is_in_no_process_argv_or_environment() -> None:
    child = SandboxChild.start()
    try:
        child.wait_ready()
        secret = child.api_secret.encode()
        assert len(secret) == 64
        answer = httpx.get(f"{child.base_url}/api/v1/spot/depth", params={"symbol": "BTCUSDT", "limit": "5"})
        assert answer.status_code == 200
        seen = [pid for pid in _pids() for name in ("cmdline", "environ") if secret in _read(f"/proc/{pid}/{name}")]
        assert seen == []
        assert _read(f"/proc/{child.process.pid}/environ")  # readable: the search above did look at the child
        assert secret not in repr(child).encode()
    finally:
        child.close()


def test_the_child_leaves_when_its_lifeline_closes_without_any_signal() -> None:
    child = SandboxChild.start()
    child.wait_ready()
    lifeline = child._lifeline_fd
    assert lifeline is not None
    os.close(lifeline)  # as when the console is gone, on a system without a parent-death signal
    child._lifeline_fd = None
    assert child.process.wait(10) == 0  # it left by itself: not terminated by a signal
    child.close()


def test_a_child_that_ends_before_listening_is_said_in_words() -> None:
    child = SandboxChild.start()
    try:
        child.process.kill()
        with pytest.raises(RuntimeError, match="ended before listening"):
            child.wait_ready(20)
        assert not child.running
    finally:
        child.close()


def test_the_childs_answer_is_read_strictly() -> None:
    from jextui.sandbox.child import SandboxChildError, _failed_line, _parse_answer, _ready_line

    line = _ready_line("http://127.0.0.1:5", "K" * 64, "S" * 64)
    assert _parse_answer(line) == {"base_url": "http://127.0.0.1:5", "api_key": "K" * 64, "api_secret": "S" * 64}
    with pytest.raises(SandboxChildError, match=r"^OSError: address in use$"):
        _parse_answer(_failed_line("OSError: address\n in use"))
    for garbage in (b"", b"ready http://x K\n", b"hello\n", b"ready a  b c\n", b"\xff\xfe\n"):
        with pytest.raises(SandboxChildError, match=r"not understood|without saying"):
            _parse_answer(garbage)


def test_answered_says_without_waiting_whether_the_child_has_spoken() -> None:
    child = SandboxChild.start()
    try:
        # A new interpreter takes far longer than this to import the sandbox: nothing to read yet.
        started = time.monotonic()
        assert not child.answered()
        assert time.monotonic() - started < 0.5  # it looked; it did not wait
        _wait_for(child.answered, "the child's answer")
        assert child.wait_ready(0.5).base_url.startswith("http://127.0.0.1:")  # read at once, no waiting
        assert child.answered()
    finally:
        child.close()
    assert child.answered()  # closed: wait_ready would fail at once, so there is nothing to wait for


def test_answered_is_true_for_a_child_that_died_before_speaking() -> None:
    child = SandboxChild.start()
    try:
        child.process.kill()
        _wait_for(child.answered, "the end of the child's answer pipe")
        with pytest.raises(RuntimeError, match="ended before listening"):
            child.wait_ready(0.5)
    finally:
        child.close()

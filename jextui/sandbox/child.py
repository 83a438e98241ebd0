"""The demo sandbox in a child process: started by the console before its UI
is imported, so that the exchange starts, and its market then runs, on
another core, without competing with the UI for the interpreter lock.

:meth:`SandboxChild.start` (parent side) spawns ``python -m
jextui.sandbox.child`` and returns at once; :meth:`SandboxChild.wait_ready`
blocks until the child says where it listens.  The child generates the demo
account's key pair itself and hands it back over a pipe, with the address:
the secret is never in a command line or an environment that ``ps`` can show.

The child dies with the console in every case:

* a normal end: :meth:`SandboxChild.close` (SIGTERM, then SIGKILL);
* the console killed (even ``kill -9``): the kernel's parent-death signal
  (Linux ``prctl(PR_SET_PDEATHSIG, SIGKILL)``), and everywhere a *lifeline*:
  a pipe whose only writer is the console, on which the child waits; when
  the console is gone, for whatever reason, the child reads end-of-file and
  exits at once.

The child never touches the terminal (its standard streams are
``/dev/null``) and runs in its own session, so keys typed in the console
never reach it as signals.  Nothing here imports the sandbox on the parent
side: starting the child costs a fork and an exec.
"""

from __future__ import annotations

import contextlib
import os
import select
import sys
import time
from collections.abc import Mapping
from typing import Any

__all__ = ["SandboxChild", "SandboxChildError", "child_environment"]

START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 3.0
_PR_SET_PDEATHSIG = 1
_MAX_ANSWER = 4096


class SandboxChildError(RuntimeError):
    """The child sandbox did not start; the message says why, in words."""


def child_environment(env: Mapping[str, str]) -> dict[str, str]:
    """The console's environment without its exchange credentials (the child needs none)."""
    return {name: value for name, value in env.items() if not name.startswith("JEX_")}


class SandboxChild:
    """The parent's handle on a demo sandbox running in a child process.

    Once :meth:`wait_ready` has returned, ``base_url``, ``api_key`` and
    ``api_secret`` are those of the demo account, as on a
    :class:`~jextui.sandbox.server.SandboxServer`.
    """

    def __init__(self, process: Any, answer_fd: int, lifeline_fd: int) -> None:
        self.process = process
        self._answer_fd: int | None = answer_fd
        self._lifeline_fd: int | None = lifeline_fd  # the console holds the only writer
        self._ready: dict[str, str] | None = None
        self._failure: str | None = None

    @classmethod
    def start(cls, env: Mapping[str, str] | None = None) -> SandboxChild:
        """Spawn the child (returns at once; see :meth:`wait_ready`)."""
        import subprocess

        answer_read, answer_write = os.pipe()
        lifeline_read, lifeline_write = os.pipe()
        argv = [sys.executable, "-m", "jextui.sandbox.child", str(lifeline_read), str(answer_write), str(os.getpid())]
        try:
            process = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                pass_fds=(lifeline_read, answer_write),
                env=child_environment(os.environ if env is None else env),
                start_new_session=True,
            )
        except BaseException:
            for fd in (answer_read, answer_write, lifeline_read, lifeline_write):
                os.close(fd)
            raise
        os.close(answer_write)  # the child holds the only writer: end-of-file when it dies
        os.close(lifeline_read)
        return cls(process, answer_read, lifeline_write)

    def __repr__(self) -> str:
        where = self._ready["base_url"] if self._ready else "starting"
        return f"SandboxChild(pid={self.process.pid}, {where})"

    # -- what the session reads once ready --

    @property
    def base_url(self) -> str:
        return self._answer()["base_url"]

    @property
    def api_key(self) -> str:
        return self._answer()["api_key"]

    @property
    def api_secret(self) -> str:
        return self._answer()["api_secret"]

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def _answer(self) -> dict[str, str]:
        if self._ready is None:
            raise SandboxChildError("the child sandbox is not ready yet")
        return self._ready

    def answered(self) -> bool:
        """Whether :meth:`wait_ready` would return (or fail) without waiting: the
        child has said something, or has ended.  Never blocks."""
        fd = self._answer_fd
        if self._ready is not None or self._failure is not None or fd is None:
            return True
        readable, _, _ = select.select([fd], [], [], 0)
        return bool(readable)

    def wait_ready(self, timeout_s: float = START_TIMEOUT_S) -> SandboxChild:
        """Block until the child listens (or ``SandboxChildError``, saying why)."""
        if self._ready is not None:
            return self
        if self._failure is not None:
            raise SandboxChildError(self._failure)
        try:
            self._ready = self._read_answer(timeout_s)
        except SandboxChildError as error:
            self._failure = str(error)
            self.close()
            raise
        return self

    def _read_answer(self, timeout_s: float) -> dict[str, str]:
        fd = self._answer_fd
        if fd is None:
            raise SandboxChildError("the child sandbox was stopped")
        deadline = time.monotonic() + timeout_s
        data = b""
        while not data.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0:
                raise SandboxChildError(f"it did not answer within {timeout_s:g} s")
            readable, _, _ = select.select([fd], [], [], left)
            if not readable:
                continue
            chunk = os.read(fd, _MAX_ANSWER)
            if not chunk:
                code = self.process.poll()
                raise SandboxChildError("it ended before listening" + (f" (exit code {code})" if code else ""))
            data += chunk
            if len(data) > _MAX_ANSWER:
                raise SandboxChildError("its answer was not understood")
        self._close_answer()
        return _parse_answer(data)

    def _close_answer(self) -> None:
        fd, self._answer_fd = self._answer_fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)

    def close(self) -> None:
        """Stop the child and wait for it (idempotent; never raises)."""
        lifeline, self._lifeline_fd = self._lifeline_fd, None
        if lifeline is not None:
            with contextlib.suppress(OSError):
                os.close(lifeline)  # the child reads end-of-file and exits
        self._close_answer()
        process = self.process
        try:
            process.wait(STOP_TIMEOUT_S)
        except Exception:
            with contextlib.suppress(Exception):
                process.terminate()
                process.wait(STOP_TIMEOUT_S)
        if process.poll() is None:
            with contextlib.suppress(Exception):
                process.kill()
                process.wait(STOP_TIMEOUT_S)


# --------------------------------------------------------------------------
# the answer: one line, "ready BASE_URL API_KEY API_SECRET" or "failed WORDS"
# (plain words, not JSON: the console does not load a JSON parser to read it)

_FIELDS = ("base_url", "api_key", "api_secret")


def _ready_line(base_url: str, api_key: str, api_secret: str) -> bytes:
    return f"ready {base_url} {api_key} {api_secret}\n".encode("ascii")


def _failed_line(words: str) -> bytes:
    return ("failed " + " ".join(words.split())[:300] + "\n").encode("utf-8", "replace")


def _parse_answer(data: bytes) -> dict[str, str]:
    text = data.decode("utf-8", "replace").strip()
    kind, _, rest = text.partition(" ")
    if kind == "failed":
        raise SandboxChildError(rest or "it failed without saying why")
    values = rest.split(" ")
    if kind != "ready" or len(values) != len(_FIELDS) or not all(values):
        raise SandboxChildError("its answer was not understood")
    return dict(zip(_FIELDS, values, strict=True))


# --------------------------------------------------------------------------
# the child's side


def _die_with_parent(parent_pid: int) -> None:
    """Linux: the kernel sends SIGKILL when the parent dies, even by ``kill -9``."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes
            import signal

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(0)


def _write_all(fd: int, data: bytes) -> None:
    while data:
        data = data[os.write(fd, data) :]


def _serve(lifeline_fd: int, answer_fd: int, parent_pid: int) -> None:
    import secrets
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent_pid)
    try:
        from jextui.sandbox.server import SandboxConfig, SandboxServer

        config = SandboxConfig(
            seed=secrets.randbelow(2**31), api_key=secrets.token_hex(32), api_secret=secrets.token_hex(32)
        )
        server = SandboxServer(config).start()
    except BaseException as error:  # said to the console, which shows it
        with contextlib.suppress(OSError):
            _write_all(answer_fd, _failed_line(f"{type(error).__name__}: {error}"))
        os._exit(1)
    try:
        _write_all(answer_fd, _ready_line(server.base_url, server.api_key, server.api_secret))
        os.close(answer_fd)
    except OSError:  # the console is gone already
        os._exit(0)
    while True:  # until the console closes the lifeline, or dies
        try:
            if not os.read(lifeline_fd, 64):
                break
        except InterruptedError:
            continue
        except OSError:
            break
    os._exit(0)  # the demo exchange keeps nothing: no need to wind it down


def main(argv: list[str]) -> None:
    """``python -m jextui.sandbox.child LIFELINE_FD ANSWER_FD PARENT_PID`` (started by :meth:`SandboxChild.start`)."""
    lifeline_fd, answer_fd, parent_pid = (int(value) for value in argv)
    _serve(lifeline_fd, answer_fd, parent_pid)


if __name__ == "__main__":
    main(sys.argv[1:])

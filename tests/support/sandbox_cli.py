"""``jextui sandbox`` run as a child process, for the command-line tests
(the ``run_cli`` fixture of ``tests/sandbox/conftest.py`` starts them)."""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
import time


class CliRun:
    """``jextui sandbox`` in a child process; its stdout is read line by line in a thread."""

    def __init__(self, *args: str) -> None:
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jextui", "sandbox", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self._lines: queue.Queue[str | None] = queue.Queue()
        self.out = ""
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def read_until(self, pattern: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self._lines.get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                break
            self.out += line
            if re.search(pattern, line):
                return self.out
        raise AssertionError(f"never printed {pattern!r}; got {self.out!r}")

    def base_url(self) -> str:
        match = re.search(r"(http://127\.0\.0\.1:\d+)", self.read_until(r"Ctrl-C"))
        assert match is not None
        return match.group(1)

    def finish(self, sig: int | None = None, timeout: float = 20.0) -> tuple[int, str, str]:
        """Send ``sig`` (if any), wait for the end: (exit status, all stdout, stderr)."""
        if sig is not None:
            self.process.send_signal(sig)
        status = self.process.wait(timeout)
        while (line := self._lines.get(timeout=timeout)) is not None:
            self.out += line
        assert self.process.stderr is not None
        return status, self.out, self.process.stderr.read()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()

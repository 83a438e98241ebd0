"""Pseudo-terminal helpers shared by the terminal benchmarks.

* :func:`spawn` starts a program on a new pseudo-terminal of a given size
  (``os.forkpty``; the size is set on the terminal before the program starts).
* :class:`PtyProcess` reads what the program writes, stamping every chunk
  with the time it was read, and measures the program's CPU time from
  ``/proc/<pid>/stat``.
* :class:`Screen` is a small VT100/xterm screen model: it applies the output
  stream to a grid of cells (cursor moves, erases, text; colours and modes
  are parsed and ignored) so a benchmark can ask what the screen shows.

A "frame" boundary is where a benchmark may look at the screen: the end of a
synchronized update (``CSI ? 2026 l``) when the program brackets its frames
that way, otherwise the end of each chunk read from the terminal.  Chunks are
read greedily and only parsed once nothing more is waiting, so parsing never
delays the time stamp of a read.

Only the standard library is used (Linux: ``/proc`` for CPU times).
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import fcntl
import os
import re
import secrets
import select
import signal
import struct
import subprocess
import sys
import termios
import time
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = [
    "BOOK_NUMBERS",
    "shows_live_book",
    "Chunk",
    "PtyProcess",
    "Screen",
    "spawn",
    "cpu_seconds",
    "clock_ticks",
    "isolated_env",
    "ExternalSandbox",
]

ESC = "\x1b"
ALT_SCREEN_MODES = frozenset({47, 1047, 1049})

#: jextui's order book once it holds a depth snapshot: its spread line (wide:
#: "spread 0.01 (0.000%)  mid 64,250.005"; narrow: "0.01 | 64,250.005").  The
#: pane draws it only with data (jextui.ui.widgets.order_book, _spread_line).
BOOK_NUMBERS = re.compile(r"spread \d[\d,.]*(?: \([\d.,]+%\))?\s+mid \d[\d,.]*|\d[\d,.]* \| \d[\d,.]*")

# One token: an escape sequence or a run of text.  CSI: ESC [ params
# intermediates final; OSC / DCS / APC / PM / SOS: up to BEL or ST; any other
# ESC x pair (with an optional intermediate like ESC ( B).
_TOKEN = re.compile(
    r"""
    (?P<csi>\x1b\[(?P<params>[0-?]*)(?P<inter>[ -/]*)(?P<final>[@-~]))
  | (?P<string>\x1b[\]P_^X][^\x07\x1b]*(?:\x07|\x1b\\))
  | (?P<esc>\x1b[ -/]*[0-~])
  | (?P<c1>\x9b|\x9d)
  | (?P<text>[^\x00-\x1f\x7f\x1b]+)
  | (?P<control>[\x00-\x1f\x7f])
    """,
    re.VERBOSE,
)
# A sequence cut off at the end of a chunk: keep it for the next chunk.
_INCOMPLETE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*|[\]P_^X][^\x07\x1b]*(?:\x1b)?|[ -/]*)?\Z")


def _cell_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


@dataclass
class Screen:
    """What a VT100-style terminal of ``cols`` x ``rows`` would show.

    ``painted_rows``: rows written to (text or erase) since the last switch
    to the alternate screen; ``alt_screen``: whether it is active;
    ``sync_ends``: synchronized updates completed.
    """

    cols: int
    rows: int
    alt_screen: bool = False
    sync_ends: int = 0
    cursor_x: int = 0
    cursor_y: int = 0
    autowrap: bool = True
    painted_rows: set[int] = field(default_factory=set)
    _cells: list[list[str]] = field(default_factory=list)
    _pending: str = ""
    _decoder: codecs.IncrementalDecoder = field(
        default_factory=lambda: codecs.getincrementaldecoder("utf-8")(errors="replace")
    )
    _wrap_pending: bool = False

    def __post_init__(self) -> None:
        if self.cols <= 0 or self.rows <= 0:
            raise ValueError("a screen needs at least one row and one column")
        self._cells = [[" "] * self.cols for _ in range(self.rows)]

    # --- reading the screen -------------------------------------------------------

    def line(self, y: int) -> str:
        """Row ``y`` as text (wide characters once; their second cell dropped)."""
        return "".join(cell for cell in self._cells[y] if cell)

    def lines(self) -> list[str]:
        return [self.line(y) for y in range(self.rows)]

    def text(self) -> str:
        return "\n".join(self.lines())

    def visible_cells(self) -> int:
        """Cells holding something other than a blank."""
        return sum(1 for row in self._cells for cell in row if cell and not cell.isspace())

    def fully_painted(self) -> bool:
        """Every row was written since the switch to the alternate screen, and
        something visible is on it: one complete paint of the whole screen."""
        return len(self.painted_rows) == self.rows and any(
            cell and not cell.isspace() for row in self._cells for cell in row
        )

    def find(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        """The first row (top to bottom) matching ``pattern``."""
        for y in range(self.rows):
            match = pattern.search(self.line(y))
            if match is not None:
                return match
        return None

    # --- feeding output -----------------------------------------------------------------

    def feed(self, data: bytes) -> None:
        """Apply ``data`` to the screen."""
        for _ in self.feed_frames(data):
            pass

    def feed_frames(self, data: bytes) -> Iterator[None]:
        """Apply ``data``, pausing at every completed synchronized update
        (the screen then shows that whole frame); the caller checks the screen
        at each pause and once more after the loop."""
        text = self._pending + self._decoder.decode(data)
        self._pending = ""
        incomplete = _INCOMPLETE.search(text)
        if incomplete is not None:
            self._pending = text[incomplete.start() :]
            text = text[: incomplete.start()]
        for match in _TOKEN.finditer(text):
            kind = match.lastgroup
            if kind == "text":
                self._write_text(match.group())
            elif kind == "csi":
                if self._csi(match.group("params"), match.group("inter"), match.group("final")):
                    yield None
            elif kind == "control":
                self._control(match.group())
            elif kind == "esc":
                self._esc(match.group())

    # --- the model ----------------------------------------------------------------------

    def _write_text(self, text: str) -> None:
        if text.isascii():
            self._write_ascii(text)
            return
        for char in text:
            width = _cell_width(char)
            if width == 0:
                continue
            self._put(char, width)

    def _write_ascii(self, text: str) -> None:
        """Fast path: a run of one-cell characters."""
        while text:
            if self._wrap_pending:
                self._wrap()
            row = self._cells[self.cursor_y]
            room = self.cols - self.cursor_x
            piece, text = text[:room], text[room:]
            row[self.cursor_x : self.cursor_x + len(piece)] = piece
            self.painted_rows.add(self.cursor_y)
            self.cursor_x += len(piece)
            if self.cursor_x >= self.cols:
                self.cursor_x = self.cols - 1
                if self.autowrap:
                    self._wrap_pending = True
                elif text:
                    # No wrap: the rest overwrites the last column; only its last character stays.
                    row[self.cols - 1] = text[-1]
                    text = ""

    def _put(self, char: str, width: int) -> None:
        if self._wrap_pending:
            self._wrap()
        if self.cursor_x + width > self.cols:
            if self.autowrap:
                self._wrap()
            else:
                self.cursor_x = max(0, self.cols - width)
        row = self._cells[self.cursor_y]
        row[self.cursor_x] = char
        if width == 2 and self.cursor_x + 1 < self.cols:
            row[self.cursor_x + 1] = ""
        self.painted_rows.add(self.cursor_y)
        self.cursor_x += width
        if self.cursor_x >= self.cols:
            self.cursor_x = self.cols - 1
            self._wrap_pending = self.autowrap

    def _wrap(self) -> None:
        self._wrap_pending = False
        self.cursor_x = 0
        self._line_feed()

    def _line_feed(self) -> None:
        if self.cursor_y < self.rows - 1:
            self.cursor_y += 1
        else:
            self._cells.pop(0)
            self._cells.append([" "] * self.cols)

    def _control(self, char: str) -> None:
        if char == "\r":
            self.cursor_x = 0
            self._wrap_pending = False
        elif char in "\n\x0b\x0c":
            self._line_feed()
            self._wrap_pending = False
        elif char == "\b":
            self.cursor_x = max(0, self.cursor_x - 1)
            self._wrap_pending = False
        elif char == "\t":
            self.cursor_x = min(self.cols - 1, (self.cursor_x // 8 + 1) * 8)

    def _esc(self, sequence: str) -> None:
        if sequence == "\x1bc":  # full reset
            self._erase_rows(range(self.rows))
            self.cursor_x = self.cursor_y = 0
        elif sequence == "\x1bD":
            self._line_feed()
        elif sequence == "\x1bE":
            self.cursor_x = 0
            self._line_feed()
        # ESC 7/8 (save/restore), ESC =/> (keypad), ESC ( B (charset): nothing to draw

    def _csi(self, params: str, inter: str, final: str) -> bool:
        """Apply one CSI sequence; True when it ends a synchronized update."""
        if params.startswith("?"):
            return self._private_mode(params[1:], inter, final)
        if params[:1] in ("<", ">", "=") or inter:
            return False  # keyboard protocol, device queries ...: nothing to draw
        numbers = [int(part) if part.isdigit() else 0 for part in params.split(";")] if params else []

        def arg(index: int, default: int = 1) -> int:
            value = numbers[index] if index < len(numbers) else 0
            return value if value > 0 else default

        self._wrap_pending = False
        if final in "Hf":
            self.cursor_y = min(self.rows, arg(0)) - 1
            self.cursor_x = min(self.cols, arg(1)) - 1
        elif final == "A":
            self.cursor_y = max(0, self.cursor_y - arg(0))
        elif final in "Be":
            self.cursor_y = min(self.rows - 1, self.cursor_y + arg(0))
        elif final in "Ca":
            self.cursor_x = min(self.cols - 1, self.cursor_x + arg(0))
        elif final == "D":
            self.cursor_x = max(0, self.cursor_x - arg(0))
        elif final == "E":
            self.cursor_y = min(self.rows - 1, self.cursor_y + arg(0))
            self.cursor_x = 0
        elif final == "F":
            self.cursor_y = max(0, self.cursor_y - arg(0))
            self.cursor_x = 0
        elif final in "G`":
            self.cursor_x = min(self.cols, arg(0)) - 1
        elif final == "d":
            self.cursor_y = min(self.rows, arg(0)) - 1
        elif final == "J":
            self._erase_display(arg(0, 0))
        elif final == "K":
            self._erase_line(arg(0, 0))
        elif final == "X":
            end = min(self.cols, self.cursor_x + arg(0))
            self._cells[self.cursor_y][self.cursor_x : end] = [" "] * (end - self.cursor_x)
            self.painted_rows.add(self.cursor_y)
        # m (colours), r (scroll region), s/u (save/restore) ...: nothing to draw
        return False

    def _private_mode(self, params: str, inter: str, final: str) -> bool:
        if inter or final not in "hl":
            return False  # e.g. a mode query (CSI ? 2026 $ p)
        ends_sync = False
        for part in params.split(";"):
            if not part.isdigit():
                continue
            mode, on = int(part), final == "h"
            if mode in ALT_SCREEN_MODES:
                if on and not self.alt_screen:
                    self._erase_rows(range(self.rows))
                    self.painted_rows = set()
                self.alt_screen = on
            elif mode == 7:
                self.autowrap = on
            elif mode == 2026 and not on:
                self.sync_ends += 1
                ends_sync = True
        return ends_sync

    def _erase_rows(self, rows: Iterator[int] | range) -> None:
        for y in rows:
            self._cells[y] = [" "] * self.cols

    def _erase_display(self, how: int) -> None:
        if how == 0:
            self._erase_line(0)
            below = range(self.cursor_y + 1, self.rows)
            self._erase_rows(below)
            self.painted_rows.update(below)
        elif how == 1:
            self._erase_line(1)
            above = range(0, self.cursor_y)
            self._erase_rows(above)
            self.painted_rows.update(above)
        elif how in (2, 3):
            self._erase_rows(range(self.rows))
            self.painted_rows.update(range(self.rows))

    def _erase_line(self, how: int) -> None:
        row = self._cells[self.cursor_y]
        if how == 0:
            row[self.cursor_x :] = [" "] * (self.cols - self.cursor_x)
        elif how == 1:
            row[: self.cursor_x + 1] = [" "] * (self.cursor_x + 1)
        else:
            row[:] = [" "] * self.cols
        self.painted_rows.add(self.cursor_y)


def shows_live_book(screen: Screen) -> bool:
    """Whether jextui's order book shows numbers on ``screen``."""
    return screen.alt_screen and screen.find(BOOK_NUMBERS) is not None


# --- processes on a pseudo-terminal ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Chunk:
    """Bytes read from the terminal, and when (``time.monotonic()``)."""

    at: float
    data: bytes


def clock_ticks() -> int:
    return int(os.sysconf("SC_CLK_TCK"))


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` (all its threads), from ``/proc``."""
    with open(f"/proc/{pid}/stat", "rb") as stat:
        raw = stat.read().decode()
    fields = raw[raw.rindex(")") + 2 :].split()
    # Fields after the command name start at field 3 (state): utime is 14, stime 15.
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / clock_ticks()


def descendants(pid: int) -> list[int]:
    """The live processes started by ``pid``, and by those, from ``/proc``."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                raw = stat.read().decode()
        except OSError:  # ended meanwhile
            continue
        parent = int(raw[raw.rindex(")") + 2 :].split()[1])
        parents.setdefault(parent, []).append(int(entry))
    found, queue = [], [pid]
    while queue:
        children = parents.get(queue.pop(), [])
        found += children
        queue += children
    return found


def cpu_seconds_with_descendants(pid: int) -> float:
    """:func:`cpu_seconds` of ``pid`` plus its live descendants (the demo sandbox's child process)."""
    total = cpu_seconds(pid)
    for child in descendants(pid):
        with contextlib.suppress(OSError, ValueError):
            total += cpu_seconds(child)
    return total


class PtyProcess:
    """A program running on a pseudo-terminal (see :func:`spawn`)."""

    def __init__(self, pid: int, master_fd: int, started_at: float, argv: Sequence[str]) -> None:
        self.pid = pid
        self.master_fd = master_fd
        self.started_at = started_at
        self.argv = tuple(argv)
        self.bytes_read = 0
        self.eof = False
        self.exit_status: int | None = None

    # --- output ---------------------------------------------------------------------------

    def read_available(self, timeout: float) -> list[Chunk]:
        """Wait up to ``timeout`` seconds for output, then read everything waiting."""
        chunks: list[Chunk] = []
        if self.eof:
            return chunks
        wait = max(0.0, timeout)
        while True:
            ready, _, _ = select.select([self.master_fd], [], [], wait)
            if not ready:
                return chunks
            try:
                data = os.read(self.master_fd, 1 << 16)
            except OSError as error:  # EIO: the program closed the terminal
                if error.errno in (errno.EIO, errno.EBADF):
                    self.eof = True
                    return chunks
                raise
            if not data:
                self.eof = True
                return chunks
            self.bytes_read += len(data)
            chunks.append(Chunk(time.monotonic(), data))
            wait = 0.0

    def drain(self, seconds: float) -> int:
        """Read and discard output for ``seconds``; returns the bytes read."""
        total = 0
        deadline = time.monotonic() + seconds
        while not self.eof:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            total += sum(len(chunk.data) for chunk in self.read_available(min(left, 0.2)))
        return total

    def watch(
        self,
        screen: Screen,
        checks: Mapping[str, Callable[[Screen], bool]],
        timeout: float,
    ) -> dict[str, float]:
        """Feed output to ``screen`` until every check holds once (or ``timeout``).

        Returns, per check, the time (``time.monotonic()``) of the read that
        completed the first frame in which it held; checks that never held are
        missing from the answer.
        """
        found: dict[str, float] = {}
        deadline = time.monotonic() + timeout
        while len(found) < len(checks) and not self.eof:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            for chunk in self.read_available(min(left, 0.25)):
                for _ in screen.feed_frames(chunk.data):
                    self._check(screen, checks, found, chunk.at)
                self._check(screen, checks, found, chunk.at)
        return found

    @staticmethod
    def _check(
        screen: Screen, checks: Mapping[str, Callable[[Screen], bool]], found: dict[str, float], at: float
    ) -> None:
        for name, check in checks.items():
            if name not in found and check(screen):
                found[name] = at

    # --- input and lifetime ------------------------------------------------------------------

    def send(self, data: bytes) -> None:
        with contextlib.suppress(OSError):  # the program has gone
            os.write(self.master_fd, data)

    def cpu_seconds(self) -> float:
        """The program's CPU time, its child processes' included (the demo sandbox runs in one)."""
        return cpu_seconds_with_descendants(self.pid)

    def poll(self) -> int | None:
        if self.exit_status is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                self.exit_status = -1
                return self.exit_status
            if pid == self.pid:
                self.exit_status = os.waitstatus_to_exitcode(status)
        return self.exit_status

    def wait(self, timeout: float) -> int | None:
        """Wait up to ``timeout`` seconds for the program to end, reading its output meanwhile."""
        deadline = time.monotonic() + timeout
        while self.poll() is None and time.monotonic() < deadline:
            if not self.eof:
                self.read_available(0.05)
            else:
                time.sleep(0.02)
        return self.exit_status

    def stop(self, quit_keys: bytes = b"q", timeout: float = 5.0) -> str:
        """End the program: ``quit_keys`` first, then SIGTERM, then SIGKILL.

        Returns how it ended: "quit", "terminated" or "killed".
        """
        how = "quit"
        if self.poll() is None and quit_keys:
            self.send(quit_keys)
            self.wait(timeout)
        for sig, name in ((signal.SIGTERM, "terminated"), (signal.SIGKILL, "killed")):
            if self.poll() is not None:
                break
            how = name
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                break
            self.wait(timeout)
        self.close()
        return how

    def close(self) -> None:
        if self.master_fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self.master_fd)
            self.master_fd = -1

    def __enter__(self) -> PtyProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.poll() is None:
            self.stop(quit_keys=b"", timeout=2.0)
        self.close()


def _set_size(fd: int, cols: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def spawn(argv: Sequence[str], *, cols: int, rows: int, env: Mapping[str, str], cwd: str | None = None) -> PtyProcess:
    """Start ``argv`` on a new ``cols`` x ``rows`` pseudo-terminal with exactly ``env``.

    ``cwd``: the program's working folder.  Give one outside the source tree
    so that ``python -m jextui`` runs the installed package, not the sources
    next to the caller.
    """
    argv = list(argv)
    environment = dict(env)
    environment["COLUMNS"], environment["LINES"] = str(cols), str(rows)
    started_at = time.monotonic()
    pid, master_fd = os.forkpty()
    if pid == 0:  # the child: never return into the caller's code
        try:
            _set_size(0, cols, rows)
            if cwd is not None:
                os.chdir(cwd)
            os.execvpe(argv[0], argv, environment)
        except BaseException:
            os._exit(127)
    _set_size(master_fd, cols, rows)
    return PtyProcess(pid, master_fd, started_at, argv)


def isolated_env(
    base: Mapping[str, str], directory: str, term: str = "xterm-256color", pycache: str | None = None
) -> dict[str, str]:
    """``base`` with TERM set and jextui's config, data and log folders under ``directory``.

    ``pycache``: a folder for compiled byte code (``PYTHONPYCACHEPREFIX``),
    so that, as after ``pip install`` (which compiles it), a start does not
    compile every module again even where ``PYTHONDONTWRITEBYTECODE`` is set;
    nothing is written next to the sources.
    """
    env = {key: value for key, value in base.items() if not key.startswith(("JEX_", "JEXTUI_", "TEXTUAL"))}
    env.pop("NO_COLOR", None)
    env["TERM"] = term
    env.pop("COLORTERM", None)  # 256 colours, as TERM says (what an SSH session usually gets)
    for name in ("CONFIG", "DATA", "LOG"):
        path = os.path.join(directory, name.lower())
        os.makedirs(path, exist_ok=True)
        env[f"JEXTUI_{name}_DIR"] = path
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = pycache
    return env


class ExternalSandbox:
    """``jextui sandbox`` in its own process, for a console started with ``--base-url``.

    The same market as demo mode (8 symbols, simulated traders, seed 1) with
    a generated key pair; :meth:`console_env` adds them to an environment as
    ``JEX_API_KEY`` / ``JEX_API_SECRET``.  Use as a context manager.
    """

    _URL = re.compile(r"(http://[\w.\[\]:-]+)")

    def __init__(
        self, env: Mapping[str, str], cwd: str, start_timeout_s: float = 60.0, *, seed: int = 1, extra_symbols: int = 0
    ) -> None:
        self.key, self.secret = secrets.token_hex(16), secrets.token_hex(16)
        command = [
            sys.executable,
            "-m",
            "jextui",
            "sandbox",
            "--port",
            "0",
            "--seed",
            str(seed),
            "--api-key",
            self.key,
            "--api-secret",
            self.secret,
        ]
        if extra_symbols:
            command += ["--symbols", str(extra_symbols)]
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=dict(env), cwd=cwd
        )
        self.base_url = self._read_address(start_timeout_s)

    def _read_address(self, timeout_s: float) -> str:
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            found = self._URL.search(line)
            if found:
                return found.group(1)
        self.close()
        raise RuntimeError("the sandbox process did not print its address")

    @property
    def pid(self) -> int:
        return self.process.pid

    def console_env(self, env: Mapping[str, str]) -> dict[str, str]:
        return dict(env, JEX_API_KEY=self.key, JEX_API_SECRET=self.secret)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        if self.process.stdout is not None:
            self.process.stdout.close()

    def __enter__(self) -> ExternalSandbox:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

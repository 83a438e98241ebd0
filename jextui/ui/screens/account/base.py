"""What every account screen shares: title, a status line in words, a paged table, keys.

An account screen is a full-size modal: the main screen's keys are paused
while it is up, and its own keys are in its footer.  Records are kept newest
first; ``→``/``]``/PgDn shows the next (older) page, fetching more from the
exchange when the ones loaded run out, ``←``/``[``/PgUp the previous (newer)
one, ``r`` reloads from the newest, ``p`` toggles privacy, Esc or ``q``
closes.  Loading, failures (in words, from :func:`describe_error`), empty
results and missing credentials are all said on the status line; nothing is
ever shown as a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import tzinfo
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from jextui.api.client import JexClient
from jextui.api.models import TradeFee
from jextui.trading.errors_text import describe_error
from jextui.ui.keymap import bindings_for, keys_label
from jextui.ui.widgets.footer import KeyFooter
from jextui.ui.widgets.table import Cell, Column, TableView

__all__ = ["TradingHost", "AccountScreen", "PagedAccountScreen"]

Record = TypeVar("Record")
log = logging.getLogger("jextui.ui.account")


class TradingHost(Protocol):
    """What the screens need from the trading controller."""

    @property
    def private(self) -> bool: ...

    @property
    def client(self) -> JexClient | None: ...

    @property
    def active_symbol(self) -> str | None: ...

    @property
    def time_zone(self) -> tzinfo | None: ...

    def toggle_privacy(self) -> None: ...

    def precision(self, symbol: str) -> tuple[int, int] | None: ...

    def remember_trade_fees(self, fees: Sequence[TradeFee]) -> None: ...

    def known_assets(self) -> list[str]: ...

    def account_unavailable_reason(self, *, key_only: bool = False) -> str | None: ...

    @property
    def demo(self) -> bool:
        """Whether the console runs on the built-in sandbox (the screens show the DEMO badge)."""
        ...


ACCOUNT_SCREEN_CSS = """
AccountScreen {
    align: center middle;
    background: $background 60%;
}
AccountScreen > #account-frame {
    width: 100%;
    height: 100%;
    border: round $border;
    border-title-color: $foreground;
    border-title-style: bold;
    border-subtitle-align: left;
    border-subtitle-background: $warning;
    border-subtitle-color: $background;
    border-subtitle-style: bold;
    padding: 0 1;
    background: $surface;
}
AccountScreen #account-status { color: $foreground-muted; height: auto; }
AccountScreen #account-status.-error { color: $error; }
AccountScreen #account-status.-warn { color: $warning; }
"""


class AccountScreen(ModalScreen[None]):
    """Frame, status line and footer; subclasses compose the body."""

    DEFAULT_CSS = ACCOUNT_SCREEN_CSS
    SCREEN_TITLE = "Account"

    BINDINGS: ClassVar[list[BindingType]] = list(bindings_for("account"))

    def __init__(self, host: TradingHost) -> None:
        super().__init__()
        self.host = host
        self._status = ""

    # -- layout --

    def compose(self) -> ComposeResult:
        with Vertical(id="account-frame") as frame:
            frame.border_title = self.title_text()
            if getattr(self.host, "demo", False):  # as on the main screen's status bar
                frame.border_subtitle = " DEMO "
            yield Static("", id="account-status", markup=False)
            yield from self.compose_body()
        yield KeyFooter()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def title_text(self) -> str:
        return self.SCREEN_TITLE

    def set_status(self, text: str, level: str = "") -> None:
        """The status line: what is happening, in words (level "" / "warn" / "error")."""
        self._status = text
        status = self.query_one("#account-status", Static)
        status.update(text)
        status.set_class(level == "error", "-error")
        status.set_class(level == "warn", "-warn")

    @property
    def status_text(self) -> str:
        """What the status line says now."""
        return self._status

    # -- shared actions --

    def action_close(self) -> None:
        self.dismiss(None)

    def action_privacy(self) -> None:
        self.host.toggle_privacy()

    def action_reload(self) -> None:
        self.start_loading()

    def on_mount(self) -> None:
        self.watch(self.app, "private", self.set_private, init=False)  # the app's privacy mode
        self.start_loading()

    def start_loading(self) -> None:
        """(Re)load the screen's data."""

    def set_private(self, private: bool) -> None:
        """Privacy changed: redraw amounts."""
        self.redraw()

    def redraw(self) -> None:
        """Draw again from what is loaded."""

    def retry_words(self) -> str:
        """``Press r to try again.``, with the reload key as bound (the config file's [keys])."""
        remapped = getattr(getattr(self.app, "user_keys", None), "remapped", None)
        return f"Press {keys_label('account.reload', remapped)} to try again."

    def time_zone(self) -> tzinfo | None:
        return self.host.time_zone

    def describe(self, error: BaseException) -> str:
        return describe_error(error)


class PagedAccountScreen(AccountScreen, Generic[Record]):
    """A table of records, newest first, paged; older records fetched on demand."""

    BINDINGS: ClassVar[list[BindingType]] = list(bindings_for("account_pages"))

    NOUN = "records"
    KEY_ONLY = False  # True: the API key is enough (no secret needed)
    PAGED_BY_EXCHANGE = True  # False: one request returns everything; pages are local
    ORDER_WORDS = "newest first"  # how the records are sorted, for the status line

    def __init__(self, host: TradingHost) -> None:
        super().__init__(host)
        self.records: list[Record] = []
        self.first_row = 0
        self.exhausted = False
        self.busy = False
        self._load_error: str | None = None
        self._unavailable: str | None = None

    def compose_body(self) -> ComposeResult:
        yield TableView(id="account-table")

    # -- what subclasses provide --

    def columns(self) -> Sequence[Column]:
        raise NotImplementedError

    def cells(self, record: Record) -> Sequence[Cell]:
        raise NotImplementedError

    async def fetch_newest(self, client: JexClient) -> list[Record]:
        """The newest records, newest first."""
        raise NotImplementedError

    async def fetch_older(self, client: JexClient, oldest: Record) -> list[Record]:
        """Records older than ``oldest``, newest first; empty when there are none."""
        return []

    def empty_text(self) -> str:
        return f"No {self.NOUN}."

    # -- loading --

    @property
    def table(self) -> TableView:
        return self.query_one("#account-table", TableView)

    @property
    def page_rows(self) -> int:
        return self.table.visible_rows

    def start_loading(self) -> None:
        reason = self.host.account_unavailable_reason(key_only=self.KEY_ONLY)
        client = self.host.client
        self._load_error = None
        if reason is not None or client is None:
            self._unavailable = reason or "Not connected to an exchange yet."
            self.set_status(self._unavailable, "warn")
            return
        self._unavailable = None
        self.records, self.first_row, self.exhausted = [], 0, False
        self.busy = True
        self.set_status(f"Loading {self.NOUN}…")
        self.run_worker(self._load_newest(client), exclusive=True, group="account-load", exit_on_error=False)

    async def _load_newest(self, client: JexClient) -> None:
        try:
            records = await self.fetch_newest(client)
        except Exception as error:  # every failure is said in words
            self._failed(error)
            return
        self.records = list(records)
        self.exhausted = not self.records or not self.PAGED_BY_EXCHANGE
        await self._fill_to(client, self.page_rows)
        self.busy = False
        self.redraw()

    async def _load_older(self, client: JexClient, wanted_offset: int) -> None:
        before = len(self.records)
        if not await self._fill_to(client, wanted_offset + self.page_rows):
            return
        self.busy = False
        if wanted_offset < len(self.records):
            self.first_row = wanted_offset
        self.redraw(note="" if len(self.records) > before else f"No older {self.NOUN}.")

    async def _fill_to(self, client: JexClient, count: int) -> bool:
        """Fetch older records until ``count`` are loaded or there are no more; False on a failure."""
        while len(self.records) < count and not self.exhausted:
            try:
                older = await self.fetch_older(client, self.records[-1])
            except Exception as error:
                self._failed(error)
                return False
            known = {self.record_key(record) for record in self.records}
            fresh = [record for record in older if self.record_key(record) not in known]
            if not fresh:
                self.exhausted = True
            self.records.extend(fresh)
        return True

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        self._load_error = f"Could not load {self.NOUN}: {self.describe(error)} {self.retry_words()}"
        self.redraw()

    def _row(self, record: Record, width: int) -> list[Cell]:
        """The cells of one record; a record that cannot be shown says so instead of failing."""
        try:
            return list(self.cells(record))
        except Exception:  # an odd value from the exchange must not take the screen down
            log.warning("an unreadable %s record was not shown", self.NOUN, exc_info=True)
            return [Cell("(unreadable record)", "warn"), *(Cell("") for _ in range(width - 1))]

    def selected_row(self) -> int | None:
        """The row drawn as selected (None: the screen has no row cursor)."""
        return None

    def record_key(self, record: Record) -> Any:
        """What identifies a record (duplicates across pages are dropped)."""
        return id(record)

    # -- paging --

    def action_older(self) -> None:
        if self.busy:
            return
        target = self.first_row + self.page_rows
        if target < len(self.records) and (target + self.page_rows <= len(self.records) or self.exhausted):
            self.first_row = target
            self.redraw()
            return
        if self.exhausted or not self.records:
            self.redraw(note=f"This is the oldest page: no older {self.NOUN}.")
            return
        client = self.host.client
        if client is None:
            return
        self._load_error = None
        self.busy = True
        self.set_status(f"Loading older {self.NOUN}…")
        self.run_worker(self._load_older(client, target), exclusive=True, group="account-load", exit_on_error=False)

    def action_newer(self) -> None:
        if self.busy:
            return
        if self.first_row == 0:
            self.redraw(note="This is the newest page (r reloads).")
            return
        self.first_row = max(0, self.first_row - self.page_rows)
        self.redraw()

    def action_newest(self) -> None:
        if not self.busy:
            self.first_row = 0
            self.redraw()

    # -- drawing --

    def redraw(self, note: str = "") -> None:
        if not self.is_mounted:
            return
        columns = self.columns()
        rows = [self._row(record, len(columns)) for record in self.records]
        self.table.set_table(columns, rows, self.first_row, self.selected_row())
        if self.busy:
            return
        if self._unavailable is not None:
            self.set_status(self._unavailable, "warn")
            return
        if self._load_error is not None:
            self.set_status(self._load_error, "error")
            return
        if not self.records:
            self.set_status(note or self.empty_text())
            return
        first = self.first_row + 1
        last = min(len(self.records), self.first_row + self.page_rows)
        more = "" if self.exhausted else "+"
        where = f"{self.NOUN.capitalize()} {first}–{last} of {len(self.records)}{more}, {self.ORDER_WORDS}."
        self.set_status(f"{where} {note}".strip(), "warn" if note else "")

    def on_table_view_resized(self, message: TableView.Resized) -> None:
        self.redraw()

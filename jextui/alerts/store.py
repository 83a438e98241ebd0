"""Alerts made in the console, kept in ``alerts.json`` in the data folder.

The file is one JSON object ``{"version": 1, "next": N, "alerts": [...]}``;
each alert is its config table plus an ``id`` (``console-N``, never reused).
It is written whole to a temporary file (mode 0600) and renamed over the old
one, so a crash leaves the old or the new list, never half of one.  A file
that cannot be read or parsed is reported by :meth:`AlertStore.load_problem`
and treated as empty (it is only replaced by the next change).

API for the alerts screen: :meth:`list`, :meth:`add`, :meth:`replace`,
:meth:`delete`; each change is on disk when the call returns.
"""

from __future__ import annotations

import builtins
import contextlib
import json
import os
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jextui.alerts.model import Alert, AlertError, parse_alert

__all__ = ["ALERTS_FILE_NAME", "AlertStore"]

ALERTS_FILE_NAME = "alerts.json"
_VERSION = 1
MAX_STORED_ALERTS = 500


class AlertStore:
    """The console's own alerts (config-file alerts are not stored here)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._problem: str | None = None
        self._next = 1
        self._alerts: list[Alert] = []
        self._load()

    @classmethod
    def in_folder(cls, data_dir: Path) -> AlertStore:
        return cls(data_dir / ALERTS_FILE_NAME)

    def load_problem(self) -> str | None:
        """Why the file could not be used (``None`` if fine or absent)."""
        return self._problem

    def _load(self) -> None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        except (OSError, UnicodeDecodeError) as exc:
            self._problem = f"{self.path}: cannot read the saved alerts ({exc}); starting with none"
            return
        try:
            doc = json.loads(text)
            if not isinstance(doc, dict) or not isinstance(doc.get("alerts"), list):
                raise ValueError("not an alerts file")
            alerts = []
            for index, item in enumerate(doc["alerts"]):
                if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                    raise ValueError(f"alert {index} has no id")
                table = {k: v for k, v in item.items() if k != "id"}
                alerts.append(parse_alert(table, alert_id=item["id"]))
            self._alerts = alerts
            self._next = max(int(doc.get("next", 1)), self._highest_number() + 1)
        except (ValueError, AlertError, TypeError) as exc:
            self._problem = f"{self.path}: the saved alerts are damaged ({exc}); starting with none"

    def _highest_number(self) -> int:
        numbers = [int(a.id.rpartition("-")[2]) for a in self._alerts if a.id.rpartition("-")[2].isdigit()]
        return max(numbers, default=0)

    def _save(self) -> None:
        doc = {
            "version": _VERSION,
            "next": self._next,
            "alerts": [{"id": alert.id, **alert.as_table()} for alert in self._alerts],
        }
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, tmp_name = tempfile.mkstemp(prefix=".alerts-", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(doc, out, indent=1)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp_name, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
            raise
        self._problem = None

    def list(self) -> list[Alert]:
        with self._lock:
            return list(self._alerts)

    def get(self, alert_id: str) -> Alert | None:
        with self._lock:
            return next((a for a in self._alerts if a.id == alert_id), None)

    def add(self, table: Mapping[str, Any]) -> Alert:
        """Validate ``table`` (as an ``[[alerts]]`` table) and keep it; :class:`AlertError`
        if it is bad (nothing changes).  ``OSError`` if the file cannot be written."""
        with self._lock:
            if len(self._alerts) >= MAX_STORED_ALERTS:
                raise AlertError("", f"at most {MAX_STORED_ALERTS} alerts; delete some first")
            alert = parse_alert(table, alert_id=f"console-{self._next}")
            before = (list(self._alerts), self._next)
            self._alerts.append(alert)
            self._next += 1
            self._save_or_restore(before)
            return alert

    def replace(self, alert_id: str, table: Mapping[str, Any]) -> Alert:
        """Edit: the alert ``alert_id`` becomes ``table`` (same id).  ``KeyError`` if unknown."""
        with self._lock:
            index = next((i for i, a in enumerate(self._alerts) if a.id == alert_id), None)
            if index is None:
                raise KeyError(alert_id)
            alert = parse_alert(table, alert_id=alert_id)
            before = (list(self._alerts), self._next)
            self._alerts[index] = alert
            self._save_or_restore(before)
            return alert

    def delete(self, alert_id: str) -> bool:
        """Remove the alert; ``False`` if there was none with that id."""
        with self._lock:
            kept = [a for a in self._alerts if a.id != alert_id]
            if len(kept) == len(self._alerts):
                return False
            before = (list(self._alerts), self._next)
            self._alerts = kept
            self._save_or_restore(before)
            return True

    def _save_or_restore(self, before: tuple[builtins.list[Alert], int]) -> None:
        try:
            self._save()
        except OSError:
            self._alerts, self._next = before
            raise

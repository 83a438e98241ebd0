"""Per-account wallet data of the ``/wapi`` endpoints.

Asset details, deposit addresses, deposit and withdrawal histories are
invented deterministically from the seed and the account id (the sandbox
has no blockchain); trade fees come from the engine's fee table.

Records are plain dicts already in the wire shape of the spec's examples
(camelCase keys); amounts are ``Decimal`` (the exchange sends them as JSON
numbers), times int milliseconds.  Histories are ascending by time.  Every
documented status appears: deposits 0 (pending), 1 (success), 2; withdrawals
0 (email sent) .. 6 (completed).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from jextui.sandbox.engine import Engine, EngineError
from jextui.sandbox.marketdata import DAY_MS, HOUR_MS
from jextui.sandbox.symbols import stable_seed

__all__ = ["AccountData", "DEPOSIT_STATUSES", "WITHDRAW_STATUSES"]

DEPOSIT_STATUSES = (0, 1, 2)
WITHDRAW_STATUSES = (0, 1, 2, 3, 4, 5, 6)

# asset -> (min withdraw amount, withdraw fee text)
_WITHDRAW_RULES: dict[str, tuple[str, str]] = {
    "BTC": ("0.002", "0.0005"),
    "ETH": ("0.02", "0.005"),
    "USDT": ("20", "5"),
    "LTC": ("0.02", "0.001"),
    "DASH": ("0.02", "0.002"),
    "JEX": ("100", "[20]"),
    "BNB": ("0.1", "0.01"),
}
_DEFAULT_RULE = ("10", "[0.01]")

_ADDRESS_PREFIX: dict[str, str] = {
    "BTC": "bc1q",
    "LTC": "ltc1q",
    "DASH": "X",
}


class AccountData:
    """Deterministic wallet records per account."""

    HISTORY_DAYS = 90

    def __init__(self, engine: Engine, seed: int, base_time_ms: int) -> None:
        self.engine = engine
        self.seed = seed
        self.base_time_ms = base_time_ms
        self._deposits: dict[str, list[dict[str, Any]]] = {}
        self._withdrawals: dict[str, list[dict[str, Any]]] = {}

    def assets(self) -> list[str]:
        """Every asset of the listed spot symbols, sorted."""
        return sorted({asset for spec in self.engine.symbols.values() for asset in spec.assets})

    def _check_asset(self, asset: str) -> None:
        if asset not in self.assets():
            raise EngineError(-8006, "Invalid asset.")

    def _rng(self, account: str, part: str) -> random.Random:
        return random.Random(stable_seed("wallet", self.seed, account, part))

    # --- endpoints ------------------------------------------------------------

    def asset_detail(self, account: str) -> dict[str, dict[str, Any]]:
        """``{asset: {minWithdrawAmount, withdrawFee, depositStatus, withdrawStatus}}``."""
        rng = self._rng(account, "asset-detail")
        details: dict[str, dict[str, Any]] = {}
        for asset in self.assets():
            minimum, fee = _WITHDRAW_RULES.get(asset, _DEFAULT_RULE)
            details[asset] = {
                "minWithdrawAmount": Decimal(minimum),
                "withdrawFee": fee,
                "depositStatus": rng.random() < 0.9,
                "withdrawStatus": rng.random() < 0.7,
            }
        return details

    def deposit_address(self, account: str, asset: str) -> str:
        """A stable, plausible-looking deposit address of ``asset`` for the account."""
        self._check_asset(asset)
        digest = hashlib.sha256(f"{self.seed}|{account}|{asset}".encode()).hexdigest()
        prefix = _ADDRESS_PREFIX.get(asset)
        if prefix is None:
            return "0x" + digest[:40]
        return prefix + digest[: 42 - len(prefix)]

    def deposit_history(
        self,
        account: str,
        asset: str | None = None,
        status: int | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
    ) -> list[dict[str, Any]]:
        """``[{insertTime, amount, asset, address, txId, status}]``, ascending by insertTime."""
        records = self._records(self._deposits, self._make_deposits, account, asset)
        return _filter(records, "insertTime", asset, status, start_time, end_time)

    def withdraw_history(
        self,
        account: str,
        asset: str | None = None,
        status: int | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
    ) -> list[dict[str, Any]]:
        """``[{id, amount, address, asset, txId, applyTime, status}]``, ascending by applyTime."""
        records = self._records(self._withdrawals, self._make_withdrawals, account, asset)
        return _filter(records, "applyTime", asset, status, start_time, end_time)

    def _records(
        self,
        made: dict[str, list[dict[str, Any]]],
        make: Callable[[str], list[dict[str, Any]]],
        account: str,
        asset: str | None,
    ) -> list[dict[str, Any]]:
        """The account's records from ``made``, made on first use (``asset`` is checked first)."""
        if asset is not None:
            self._check_asset(asset)
        records = made.get(account)
        if records is None:
            records = made[account] = make(account)
        return records

    def trade_fee(self, account: str, symbol: str | None = None) -> list[dict[str, Any]]:
        """``[{symbol, maker, taker}]`` for one symbol or every listed one (raises -1121)."""
        symbols = list(self.engine.symbols) if symbol is None else [symbol]
        rows = []
        for name in symbols:
            maker, taker = self.engine.fees(account, name)
            rows.append({"symbol": name, "maker": maker, "taker": taker})
        return rows

    # --- generation -----------------------------------------------------------

    def _amount(self, rng: random.Random, asset: str) -> Decimal:
        minimum = Decimal(_WITHDRAW_RULES.get(asset, _DEFAULT_RULE)[0])
        factor = Decimal(rng.randint(10, 5000)) / 10
        return (minimum * factor).normalize()

    def _times(self, rng: random.Random, count: int) -> list[int]:
        span = self.HISTORY_DAYS * DAY_MS
        start = self.base_time_ms - span
        return sorted(start + rng.randrange(0, span - HOUR_MS) // 1000 * 1000 for _ in range(count))

    def _make_deposits(self, account: str) -> list[dict[str, Any]]:
        rng = self._rng(account, "deposits")
        assets = self.assets()
        count = 12
        statuses = [DEPOSIT_STATUSES[i % len(DEPOSIT_STATUSES)] for i in range(count)]
        rng.shuffle(statuses)
        records = []
        for time_ms, status in zip(self._times(rng, count), statuses, strict=True):
            asset = rng.choice(assets)
            records.append(
                {
                    "insertTime": time_ms,
                    "amount": self._amount(rng, asset),
                    "asset": asset,
                    "address": self.deposit_address(account, asset),
                    "txId": f"{rng.getrandbits(256):064x}",
                    "status": status,
                }
            )
        return records

    def _make_withdrawals(self, account: str) -> list[dict[str, Any]]:
        rng = self._rng(account, "withdrawals")
        assets = self.assets()
        count = 14
        statuses = [WITHDRAW_STATUSES[i % len(WITHDRAW_STATUSES)] for i in range(count)]
        rng.shuffle(statuses)
        records = []
        for time_ms, status in zip(self._times(rng, count), statuses, strict=True):
            asset = rng.choice(assets)
            external = hashlib.sha256(f"{account}|{time_ms}".encode()).hexdigest()
            records.append(
                {
                    "id": f"{rng.getrandbits(64):016X}",
                    "amount": self._amount(rng, asset),
                    "address": ("0x" + external[:40])
                    if asset not in _ADDRESS_PREFIX
                    else _ADDRESS_PREFIX[asset] + external[:38],
                    "asset": asset,
                    "txId": f"{rng.getrandbits(256):064x}" if status in (4, 6) else "",
                    "applyTime": time_ms,
                    "status": status,
                }
            )
        return records


def _filter(
    records: list[dict[str, Any]],
    time_key: str,
    asset: str | None,
    status: int | None,
    start_time: int | None,
    end_time: int | None,
) -> list[dict[str, Any]]:
    return [
        dict(record)
        for record in records
        if (asset is None or record["asset"] == asset)
        and (status is None or record["status"] == status)
        and (start_time is None or record[time_key] >= start_time)
        and (end_time is None or record[time_key] <= end_time)
    ]

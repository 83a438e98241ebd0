"""Request parameters of the sandbox API: parsing, typed reading, rejections.

docs/protocol.md#requests-and-answers: a GET carries its parameters in the query string; POST, PUT
and DELETE may carry them in the query string, in an
``application/x-www-form-urlencoded`` body, or split between both, and when a
name appears in both the query string's value wins.  A name repeated inside
one of them is a -1101.

Every problem is raised as an :class:`ApiRejection` holding the documented
code and message (docs/protocol.md#error-codes), so the HTTP layer can answer
``{"code": ..., "msg": ...}`` and never a traceback:

* a mandatory parameter that is missing, empty or malformed: -1102 naming it;
* an optional parameter that is empty: -1105; malformed or out of its legal
  range: -1100 naming it and the legal range;
* more than 20 decimals in a decimal parameter: -1111 (the symbol's own
  precision is the engine's -1129);
* invalid enum values have their own codes: side -1117, type -1116,
  timeInForce -1115, interval -1120; an unknown symbol is -1121.

Unknown parameters are ignored rather than refused (-1103): third-party
clients often send extra fields, and the real exchange reads what it needs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import parse_qsl

__all__ = [
    "ApiRejection",
    "RawParams",
    "ParamReader",
    "parse_params",
    "MAX_LONG",
]

MAX_LONG = 2**63 - 1

_SYMBOL_RE = re.compile(r"[A-Za-z0-9\-_.]{1,20}")  # any case: read as its uppercase
_ASSET_RE = re.compile(r"[A-Z0-9\-_.]{1,20}")
_LONG_RE = re.compile(r"[0-9]{1,19}")
_DECIMAL_RE = re.compile(r"([0-9]{1,20})(?:\.([0-9]+))?")
_TOKEN_RE = re.compile(r"[A-Za-z0-9]{1,128}")
_MAX_DECIMAL_PLACES = 20
_MAX_FIELDS = 64

_SYMBOL_RANGE = "^[A-Z0-9-_.]{1,20}$"
_LONG_RANGE = "^[0-9]{1,19}$"
_DECIMAL_RANGE = "^([0-9]{1,20})(\\.[0-9]{1,20})?$"


@dataclass(eq=False)
class ApiRejection(Exception):
    """A request the exchange refuses: the API's error code and message.

    ``status`` is the HTTP status to answer with; ``headers`` extra response
    headers (``Retry-After`` on 429/418).
    """

    code: int
    msg: str
    status: int = 400
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.code, self.msg)

    def __str__(self) -> str:
        return f"{self.code}: {self.msg}"


def mandatory(name: str) -> ApiRejection:
    return ApiRejection(-1102, f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed.")


def illegal(name: str, legal_range: str) -> ApiRejection:
    return ApiRejection(-1100, f"Illegal characters found in parameter '{name}'; legal range is '{legal_range}'.")


def empty(name: str) -> ApiRejection:
    return ApiRejection(-1105, f"Parameter '{name}' was empty.")


def duplicate() -> ApiRejection:
    return ApiRejection(-1101, "Duplicate values for a parameter detected.")


def bad_encoding() -> ApiRejection:
    return ApiRejection(-1100, "Illegal characters found in a parameter.")


@dataclass(frozen=True)
class RawParams:
    """A request's parameters as received.

    ``query`` and ``body`` are the exact texts (the signature is computed over
    them); ``values`` the merged name → value mapping (query wins).
    """

    query: str
    body: str
    values: Mapping[str, str]

    def __contains__(self, name: object) -> bool:
        return name in self.values


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise bad_encoding() from None


def _pairs(text: str) -> dict[str, str]:
    """Name → value of one urlencoded text; a repeated name is a -1101."""
    if not text:
        return {}
    try:
        pairs = parse_qsl(text, keep_blank_values=True, errors="strict", max_num_fields=_MAX_FIELDS)
    except UnicodeDecodeError:
        raise bad_encoding() from None
    except ValueError:  # more fields than any endpoint takes
        raise ApiRejection(-1101, "Too many parameters sent for this endpoint.") from None
    values: dict[str, str] = {}
    for name, value in pairs:
        if name in values:
            raise duplicate()
        values[name] = value
    return values


def parse_params(method: str, query: bytes, body: bytes) -> RawParams:
    """Parse the query string and, except for a GET, the form body."""
    query_text = _decode(query)
    body_text = "" if method in ("GET", "HEAD") else _decode(body)
    merged = _pairs(body_text)
    merged.update(_pairs(query_text))
    return RawParams(query=query_text, body=body_text, values=merged)


class ParamReader:
    """Typed, validated access to a request's parameters.

    Each reader either returns a value of the right type (or the default) or
    raises the documented :class:`ApiRejection`.
    """

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, str]) -> None:
        self._values = values

    def _text(self, name: str, *, required: bool) -> str | None:
        value = self._values.get(name)
        if value is None:
            if required:
                raise mandatory(name)
            return None
        if value == "":
            raise mandatory(name) if required else empty(name)
        return value

    def symbol(self, known: Iterable[str] | Mapping[str, object], *, required: bool = True) -> str | None:
        """A listed symbol, in its canonical uppercase: bad characters -1100 (or -1102
        when mandatory), unlisted -1121.  Any case is accepted (``btcusdt`` is
        BTCUSDT), as clients written for the exchange send it so."""
        value = self._text("symbol", required=required)
        if value is None:
            return None
        if not _SYMBOL_RE.fullmatch(value):
            raise mandatory("symbol") if required else illegal("symbol", _SYMBOL_RANGE)
        value = value.upper()
        if value not in known:
            raise ApiRejection(-1121, "Invalid symbol.")
        return value

    def asset(self, *, required: bool) -> str | None:
        value = self._text("asset", required=required)
        if value is None:
            return None
        if not _ASSET_RE.fullmatch(value):
            raise mandatory("asset") if required else illegal("asset", _SYMBOL_RANGE)
        return value

    def token(self, name: str) -> str:
        """A mandatory opaque token (listenKey)."""
        value = self._text(name, required=True)
        assert value is not None
        if not _TOKEN_RE.fullmatch(value):
            raise mandatory(name)
        return value

    def long(self, name: str, *, required: bool) -> int | None:
        value = self._text(name, required=required)
        if value is None:
            return None
        if not _LONG_RE.fullmatch(value) or int(value) > MAX_LONG:
            raise mandatory(name) if required else illegal(name, _LONG_RANGE)
        return int(value)

    def bounded_int(self, name: str, *, default: int, low: int, high: int) -> int:
        """An optional integer in ``[low, high]``; outside it is a -1100."""
        value = self.long(name, required=False)
        if value is None:
            return default
        if not low <= value <= high:
            raise illegal(name, f"{low} - {high}")
        return value

    def choice_int(self, name: str, *, default: int | None, allowed: Iterable[int]) -> int | None:
        """An optional integer from a fixed set (depth limits, statuses)."""
        allowed = tuple(allowed)
        value = self.long(name, required=False)
        if value is None:
            return default
        if value not in allowed:
            raise illegal(name, ", ".join(str(item) for item in allowed))
        return value

    def decimal(self, name: str) -> Decimal:
        """A mandatory non-negative plain decimal (no sign, no exponent)."""
        value = self._text(name, required=True)
        assert value is not None
        match = _DECIMAL_RE.fullmatch(value)
        if match is None:
            raise mandatory(name)
        fraction = match.group(2)
        if fraction is not None and len(fraction) > _MAX_DECIMAL_PLACES:
            raise ApiRejection(-1111, "Precision is over the maximum defined for this asset.")
        return Decimal(value)

    def enum(
        self, name: str, allowed: Iterable[str], *, invalid: ApiRejection | None, default: str | None = None
    ) -> str:
        """An enum value: missing uses ``default`` (or -1102), unknown raises ``invalid`` (or -1100)."""
        allowed = tuple(allowed)
        value = self._text(name, required=default is None)
        if value is None:
            assert default is not None
            return default
        if value not in allowed:
            raise invalid if invalid is not None else illegal(name, ", ".join(allowed))
        return value

    def time_range(self, *, max_span_ms: int | None = None) -> tuple[int | None, int | None]:
        """Optional ``startTime``/``endTime``: -1127 when reversed or wider than allowed."""
        start = self.long("startTime", required=False)
        end = self.long("endTime", required=False)
        if start is not None and end is not None:
            if end < start:
                raise ApiRejection(-1127, "endTime must be greater than or equal to startTime.")
            if max_span_ms is not None and end - start > max_span_ms:
                days = max_span_ms // 86_400_000
                raise ApiRejection(-1127, f"More than {days} days between startTime and endTime.")
        return start, end

"""Bad input from the trader, the environment and the network: words, never a crash.

What ``tests/trading/test_ticket_parsing.py``, ``tests/test_config.py`` and
``tests/sandbox/test_http_fuzz.py`` already cover (number text, config file
documents, parameter and signature fuzzing) is not repeated; these add:

* the order ticket against the exchange's own rules: whatever is typed, for
  every symbol of a sandbox with synthetic symbols of all kinds of grids, the
  ticket answers in sentences, an order it lets through is one the sandbox
  engine accepts, and an order the engine refuses for its filters or
  precision is never let through;
* the settings from the environment and the command line: any
  ``JEX_API_KEY`` / ``JEX_API_SECRET`` / ``--base-url`` / ``--symbols`` /
  ``--profile`` / ``--theme`` / ``--log-level`` gives settings or one
  ``ConfigError`` line that never repeats the secret, and settings never
  send a key over plain http to another host unless a profile allows it;
* the sandbox against any method, path, content type and header: never a
  500, always the documented JSON error.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.sandbox import DOC_API_KEY, DOC_API_SECRET
from support.spec_json import DOCUMENTED_CODES

from jextui.api.models import ExchangeInfo, Side, SymbolInfo, dec_hook
from jextui.config import ConfigError, Overrides, load_settings
from jextui.sandbox import responses
from jextui.sandbox.app import DEMO_ACCOUNT, ENDPOINTS
from jextui.sandbox.clock import FixedClock
from jextui.sandbox.engine import EngineError
from jextui.sandbox.exchange import Exchange
from jextui.sandbox.ratelimit import RateLimitSettings
from jextui.trading.ticket import FIELD_BALANCE, FIELD_PRICE, FIELD_QUANTITY, OrderTicket

D = Decimal

# --- the ticket against the engine ---------------------------------------------------------------


@functools.cache
def exchange() -> tuple[Exchange, dict[str, SymbolInfo]]:
    """A quiet sandbox exchange with 24 synthetic symbols, and its exchangeInfo as the client decodes it."""
    ex = Exchange(seed=5, clock=FixedClock(1_700_000_000_000), extra_symbols=24, simulate=False)
    ex.open_account(DEMO_ACCOUNT)
    info = responses.exchange_info(0, RateLimitSettings().exchange_info(), ex.spot_symbols, (), ())
    decoded = msgspec.json.decode(responses.encode(info), type=ExchangeInfo, dec_hook=dec_hook)
    return ex, {symbol.symbol: symbol for symbol in decoded.spot_symbols}


_FILTER_CODES = {-9000, -1129, -1111}  # filter failure, too many decimals, precision


def _on_grid(value: Decimal, grid: Decimal) -> Decimal:
    return max(grid, (value / grid).to_integral_value() * grid)


@st.composite
def typed_amount(draw: st.DrawFn, around: Decimal, grid: Decimal) -> str:
    """What a trader may type for an amount near ``around``: on the grid, off it, or nonsense."""
    kind = draw(st.sampled_from(["grid", "grid", "grid", "near", "text"]))
    if kind == "grid":
        value = _on_grid(around * D(draw(st.integers(60, 160))) / 100, grid)
        text = f"{value:f}"
        return draw(st.sampled_from([text, f" {text} ", text + "0" if "." in text else text + ".0", text]))
    if kind == "near":
        value = around * D(draw(st.integers(1, 300))) / 100
        return f"{value.quantize(D(10) ** -draw(st.integers(0, 12))):f}"
    return draw(
        st.one_of(
            st.text(max_size=12), st.sampled_from(["", "0", "-1", "1e3", "1,000.5", ".", "00.10", "NaN", "1/2", "٣"])
        )
    )


def _typical_quantity(spec: Any) -> Decimal:
    """A quantity worth a few times the minimum notional at the symbol's price."""
    return max(spec.min_qty, spec.min_notional * 3 / spec.initial_price)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(data=st.data())
def test_an_order_the_ticket_lets_through_is_one_the_exchange_accepts(data: st.DataObject) -> None:
    ex, infos = exchange()
    symbol = data.draw(st.sampled_from(sorted(infos)))
    info = infos[symbol]
    spec = ex.engine.symbols[symbol]
    side: Side = data.draw(st.sampled_from(["BUY", "SELL"]))
    balances = {asset: bal.free for asset, bal in ex.engine.balances(DEMO_ACCOUNT).items()}
    ticket = OrderTicket.for_symbol(
        side,
        info,
        price_text=data.draw(typed_amount(spec.initial_price, spec.tick_size)),
        quantity_text=data.draw(typed_amount(_typical_quantity(spec), spec.step_size)),
        time_in_force=data.draw(st.sampled_from(["GTC", "IOC", "FOK"])),
        free_balances=balances,
        last_price=spec.initial_price,
    )
    if data.draw(st.booleans()):
        ticket.confirm_fat_finger()
    errors = ticket.validate()  # never raises
    assert all(isinstance(words, str) and words.strip() and "Traceback" not in words for words in errors.values())
    request = ticket.order_request()
    assert (request is None) == bool(errors)
    price, quantity = ticket.price, ticket.quantity
    if price is None or quantity is None:
        assert errors
        return
    try:
        ex.engine.check_order(DEMO_ACCOUNT, symbol, side, price, quantity, ticket.time_in_force)
    except EngineError as refusal:
        if refusal.code in _FILTER_CODES or (refusal.code == -2010 and "zero or less" in refusal.msg):
            assert errors, f"the ticket let through what the exchange refuses: {refusal.msg} ({price} x {quantity})"
        elif refusal.code == -2010 and "insufficient balance" in refusal.msg:
            # a bad price or quantity hides the balance check; anything else must name the balance
            hidden = FIELD_PRICE in errors or FIELD_QUANTITY in errors
            assert hidden or FIELD_BALANCE in errors, f"unaffordable yet let through: {price} x {quantity}"
        else:
            pytest.fail(f"the exchange refused for a reason the ticket never checks: {refusal.code} {refusal.msg}")
        return
    if request is not None:
        assert (request.price, request.quantity) == (price, quantity)


def test_the_engine_check_above_can_refuse() -> None:
    """The differential test above is not vacuous: the engine does refuse off-grid orders."""
    ex, infos = exchange()
    symbol = sorted(infos)[0]
    spec = ex.engine.symbols[symbol]
    with pytest.raises(EngineError) as refused:
        ex.engine.check_order(DEMO_ACCOUNT, symbol, "BUY", spec.initial_price + spec.tick_size / 3, spec.min_qty)
    assert refused.value.code in _FILTER_CODES


# --- settings from the environment and the command line ----------------------------------------

CANARY = "EnvSecretCanary5a0c1e93"
_urls = st.one_of(
    st.sampled_from(
        [
            "https://jex.example.com",
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:9",
            "http://10.0.0.8",
            "http://jex.example.com",
            "https://u:p@jex.example.com",
            "ftp://x",
            "https://",
            "http://127.0.0.1.evil.test",
            "HTTPS://JEX.EXAMPLE.COM",
            "https://x.test/path?q=1",
            "http://0x7f.0.0.1",
            "http://[::ffff:127.0.0.1]:80",
            " https://jex.example.com",
        ]
    ),
    st.text(max_size=30),
)
_env_texts = st.one_of(st.just(CANARY), st.just(CANARY + " \n"), st.text(max_size=20), st.just(""))
_configs = st.sampled_from(
    [
        "",
        '[profiles.main]\nbase_url = "https://jex.example.com"\napi_key = "ProfileKey123"\n',
        '[profiles.lab]\nbase_url = "http://10.1.2.3:8080"\nallow_insecure_http = true\n',
        '[profiles.lab]\nbase_url = "http://10.1.2.3:8080"\n',
        'default_profile = "main"\n[profiles.main]\nbase_url = "http://jex.example.com"\n',
    ]
)


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture
def dirs(tmp_path: Path) -> Iterator[dict[str, str]]:
    paths = {name: tmp_path / name.lower() for name in ("JEXTUI_CONFIG_DIR", "JEXTUI_DATA_DIR", "JEXTUI_LOG_DIR")}
    paths["JEXTUI_CONFIG_DIR"].mkdir()
    yield {name: str(path) for name, path in paths.items()}


@settings(
    max_examples=250, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    config=_configs,
    env_key=st.one_of(st.none(), _env_texts),
    env_secret=st.one_of(st.none(), _env_texts),
    base_url=st.one_of(st.none(), _urls),
    symbols=st.one_of(st.none(), st.text(max_size=20), st.just("btcusdt, ETHUSDT")),
    profile=st.one_of(st.none(), st.sampled_from(["main", "lab", "nope", ""]), st.text(max_size=8)),
    theme=st.one_of(st.none(), st.sampled_from(["jextui-light", "neon"]), st.text(max_size=8)),
    log_level=st.one_of(st.none(), st.sampled_from(["DEBUG", "info", "LOUD"])),
    demo=st.booleans(),
)
def test_any_environment_and_flags_give_settings_or_one_clear_line(
    dirs: dict[str, str],
    config: str,
    env_key: str | None,
    env_secret: str | None,
    base_url: str | None,
    symbols: str | None,
    profile: str | None,
    theme: str | None,
    log_level: str | None,
    demo: bool,
) -> None:
    config_file = Path(dirs["JEXTUI_CONFIG_DIR"]) / "config.toml"
    config_file.write_text(config)
    config_file.chmod(0o600)
    env = dict(dirs)
    if env_key is not None:
        env["JEX_API_KEY"] = env_key
    if env_secret is not None:
        env["JEX_API_SECRET"] = env_secret
    overrides = Overrides(
        base_url=base_url, symbols=symbols, profile=profile, theme=theme, log_level=log_level, demo=demo
    )
    try:
        resolved = load_settings(overrides, env)
    except ConfigError as error:
        text = str(error)
        assert text.strip() and "Traceback" not in text
        assert CANARY not in text, "an error repeats the secret"
        typed = (base_url, symbols, profile, theme, log_level)
        if all(value is None or value.isprintable() for value in typed):  # else it may quote what was typed
            assert "\n" not in text.strip(), text
        return
    assert CANARY not in repr(resolved)
    if resolved.api_key is not None and resolved.base_url is not None:
        safe = resolved.base_url.lower().startswith("https://") or _is_loopback(resolved.base_url)
        assert safe or resolved.allow_insecure_http, f"the key would go over plain http to {resolved.base_url}"


# --- the sandbox against any request ---------------------------------------------------------------

_PATHS = sorted({endpoint.path for endpoint in ENDPOINTS})


@pytest.fixture(scope="module")
def target() -> Iterator[tuple[Any, httpx.Client]]:
    from jextui.sandbox import SandboxConfig, SandboxServer

    config = SandboxConfig(
        simulate=False,
        api_key=DOC_API_KEY,
        api_secret=DOC_API_SECRET,
        weight_per_minute=10**9,
        raw_requests_per_5m=10**9,
        orders_per_second=10**9,
        orders_per_day=10**9,
    )
    with SandboxServer(config) as server, httpx.Client(base_url=server.base_url, timeout=10) as client:
        yield server, client


_paths = st.one_of(
    st.sampled_from(_PATHS),
    st.sampled_from(_PATHS).map(lambda path: path + "/"),
    st.sampled_from(_PATHS).map(str.upper),
    st.sampled_from(
        [
            "/",
            "/api",
            "/api/v1/../v1/ping",
            "/api/v1/spot/%2e%2e/order",
            "/api//v1/ping",
            "/api/v1/ping%00",
            "/admin/faults",
            "/" + "a" * 3000,
            "/api/v1/spot/order;x=1",
        ]
    ),
    st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=0x2FF, exclude_characters="?#"), max_size=30).map(
        lambda text: "/" + text
    ),
)
_content_types = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded; charset=latin-1",
            "application/json",
            "multipart/form-data; boundary=x",
            "text/plain",
            "",
            "*/*",
            "application/x-www-form-urlencoded; charset=utf-16",
        ]
    ),
)
_header_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=80)


@settings(
    max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]),
    path=_paths,
    query=st.one_of(st.just(""), st.text(max_size=40), st.just("symbol=BTCUSDT&symbol=BTCUSDT&limit=5")),
    content_type=_content_types,
    body=st.one_of(st.just(b""), st.binary(max_size=80), st.just(b"symbol=BTCUSDT&side=BUY&type=LIMIT")),
    api_key=st.one_of(st.none(), st.just(DOC_API_KEY), _header_text),
    extra=st.dictionaries(
        st.sampled_from(["X-Forwarded-For", "Content-Encoding", "Transfer-Encoding", "Expect", "Accept"]),
        _header_text,
        max_size=2,
    ),
)
def test_no_request_gets_a_500(
    target: tuple[Any, httpx.Client],
    method: str,
    path: str,
    query: str,
    content_type: str | None,
    body: bytes,
    api_key: str | None,
    extra: dict[str, str],
) -> None:
    _, client = target
    headers = dict(extra)
    for name in ("Transfer-Encoding", "Content-Encoding", "Expect"):
        headers.pop(name, None)  # these change how the body is framed: not the parser's business
    if content_type is not None:
        headers["Content-Type"] = content_type
    if api_key is not None:
        headers["X-JEX-APIKEY"] = api_key
    try:
        url = httpx.URL(path, query=quote(query, safe="=&").encode()) if query else httpx.URL(path)
        response = client.request(method, url, content=body or None, headers=headers)
    except (httpx.InvalidURL, httpx.LocalProtocolError):
        return  # a path or header the HTTP client itself will not send
    assert response.status_code < 500, (method, path, response.status_code, response.text[:200])
    if method == "HEAD" or response.status_code < 400:
        return
    assert response.headers["content-type"].startswith("application/json")
    answer = response.json()
    assert set(answer) == {"code", "msg"} and answer["code"] in DOCUMENTED_CODES, answer

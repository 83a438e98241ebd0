"""The config file and settings resolution: precise errors, permissions,
profiles, environment overrides, demo fallback and precedence rules."""

from __future__ import annotations

import contextlib
import os
import re
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from support.sandbox import root_logging_restored

from jextui.cli import main
from jextui.config import (
    DEFAULT_WATCHLIST,
    REFRESH_LIMITS,
    ConfigError,
    Overrides,
    config_template,
    load_config,
    load_settings,
    write_config_template,
)
from jextui.config.state import UiState, load_state, save_state, update_state
from jextui.secret import Secret

SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"


@dataclass
class Home:
    """Temporary config/data/log folders, wired in through the environment."""

    config_dir: Path
    data_dir: Path
    log_dir: Path
    env: dict[str, str]

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    def write_config(self, text: str, mode: int = 0o600) -> Path:
        self.config_dir.mkdir(parents=True, exist_ok=True)
        self.config_file.write_text(text, encoding="utf-8")
        os.chmod(self.config_file, mode)
        return self.config_file


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Home]:
    for name in ("JEX_API_KEY", "JEX_API_SECRET", "NO_COLOR", "MY_JEX_SECRET"):
        monkeypatch.delenv(name, raising=False)
    dirs = {
        "JEXTUI_CONFIG_DIR": tmp_path / "config",
        "JEXTUI_DATA_DIR": tmp_path / "data",
        "JEXTUI_LOG_DIR": tmp_path / "log",
    }
    for name, path in dirs.items():
        monkeypatch.setenv(name, str(path))
    with root_logging_restored():
        yield Home(
            dirs["JEXTUI_CONFIG_DIR"],
            dirs["JEXTUI_DATA_DIR"],
            dirs["JEXTUI_LOG_DIR"],
            {k: str(v) for k, v in dirs.items()},
        )


def opts(**kwargs: Any) -> Overrides:
    return Overrides(**kwargs)


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """A stand-in for the Textual app: records the settings it is started with."""
    calls: list[object] = []
    fake = types.ModuleType("jextui.ui.app")

    def run_console(settings: object) -> int:
        calls.append(settings)
        return 0

    fake.run_console = run_console  # type: ignore[attr-defined]  # a module built here, not the real one
    monkeypatch.setitem(sys.modules, "jextui.ui.app", fake)
    return calls


# --------------------------------------------------------------------------
# every kind of error: file, key, what; exit 2; no traceback

PROFILE = '[profiles.main]\nbase_url = "https://jex.example.com"\n'

BAD_CONFIGS = [
    ("toml syntax", 'theme = "jextui-dark\n', "", r"invalid TOML: .*line 1"),
    ("duplicate key", "bell = true\nbell = false\n", "", r"invalid TOML"),
    ("unknown top-level key", "colour = 3\n", "colour", r"unknown key; known keys here: default_profile, theme"),
    (
        "unknown refresh key",
        "[refresh]\norderbook = 1\n",
        "refresh.orderbook",
        r"unknown key; known keys here: book, trades",
    ),
    (
        "unknown profile key",
        PROFILE + "secret = 'x'\n",
        "profiles.main.secret",
        r"unknown key; known keys here: base_url",
    ),
    ("wrong type", "[refresh]\nbook = 'fast'\n", "refresh.book", r"expected a number, got a string"),
    ("wrong type bool", "confirm_orders = 'yes'\n", "confirm_orders", r"expected true or false, got a string"),
    ("refresh not a table", "refresh = 2\n", "refresh", r"expected a table, got a whole number"),
    ("profile not a table", "[profiles]\nmain = 'x'\n", "profiles.main", r"expected a table"),
    ("refresh too fast", "[refresh]\nbook = 0.01\n", "refresh.book", r"between 0.2 and 60 seconds, got 0.01"),
    ("refresh nan", "[refresh]\naccount = nan\n", "refresh.account", r"between 1 and 600 seconds"),
    ("weight share", "weight_share = 1.5\n", "weight_share", r"more than 0 and at most 1, got 1.5"),
    ("fat finger", "fat_finger_pct = 0\n", "fat_finger_pct", r"between 0.1 and 100 percent"),
    ("watchlist symbol", 'watchlist = ["BTCUSDT", "eth/usdt"]\n', "watchlist[1]", r"'eth/usdt' is not a symbol"),
    ("watchlist type", 'watchlist = ["BTCUSDT", 3]\n', "watchlist[1]", r"expected a string, got a whole number"),
    (
        "default profile unknown",
        'default_profile = "prod"\n' + PROFILE,
        "default_profile",
        r"no profile named 'prod'; known profiles: main",
    ),
    (
        "missing base_url",
        "[profiles.main]\napi_key = 'k'\n",
        "profiles.main.base_url",
        r"missing \(this key is required\)",
    ),
    ("bad base_url", "[profiles.main]\nbase_url = 'ftp://x'\n", "profiles.main.base_url", r"must start with https://"),
    (
        "base_url with password",
        "[profiles.main]\nbase_url = 'https://u:pw@x.com'\n",
        "profiles.main.base_url",
        r"must not contain a user name or password",
    ),
    (
        "secret both ways",
        PROFILE + "api_key = 'k1234'\napi_secret = 's'\napi_secret_env = 'S'\n",
        "profiles.main.api_secret_env",
        r"either api_secret or api_secret_env",
    ),
    (
        "secret env missing",
        PROFILE + "api_key = 'k1234'\napi_secret_env = 'MY_JEX_SECRET'\n",
        "profiles.main.api_secret_env",
        r"MY_JEX_SECRET is not set",
    ),
    (
        "bad env name",
        PROFILE + "api_secret_env = 'MY SECRET'\n",
        "profiles.main.api_secret_env",
        r"not an environment variable name",
    ),
    ("empty key", PROFILE + "api_key = ''\n", "profiles.main.api_key", r"is empty"),
    (
        "bad profile name",
        "[profiles.'my profile']\nbase_url = 'https://x.com'\n",
        "profiles.my profile",
        r"only letters, digits",
    ),
    ("unknown theme", 'theme = "neon"\n', "theme", r"no theme named 'neon'; available: .*jextui-amber"),
    ("secret type", PROFILE + "api_key = 'k1234'\napi_secret = 42\n", "profiles.main.api_secret", r"expected a string"),
]


@pytest.mark.parametrize(("label", "text", "key", "what"), BAD_CONFIGS, ids=[c[0] for c in BAD_CONFIGS])
def test_bad_config_gives_file_key_and_what(
    home: Home, capfd: pytest.CaptureFixture[str], started: list[object], label: str, text: str, key: str, what: str
) -> None:
    path = home.write_config(text)
    assert main([]) == 2
    err = capfd.readouterr().err
    assert "Traceback" not in err
    assert err.count("\n") == 1, err
    prefix = f"jextui: {path}: {key}: " if key else f"jextui: {path}: "
    assert err.startswith(prefix), err
    assert re.search(what, err), err
    assert started == []  # the console never started


def test_unreadable_bytes_are_reported(home: Home, capfd: pytest.CaptureFixture[str]) -> None:
    home.write_config("x")
    home.config_file.write_bytes(b'theme = "\xff"\n')
    assert main([]) == 2
    assert f"{home.config_file}: not UTF-8 text" in capfd.readouterr().err


def test_config_that_is_a_directory(home: Home, capfd: pytest.CaptureFixture[str]) -> None:
    home.config_file.mkdir(parents=True)
    assert main([]) == 2
    assert "is a directory" in capfd.readouterr().err


def test_unknown_profile_on_the_command_line_lists_the_known_ones(
    home: Home, capfd: pytest.CaptureFixture[str]
) -> None:
    home.write_config(PROFILE + "[profiles.test]\nbase_url = 'https://test.example.com'\n")
    assert main(["--profile", "prod"]) == 2
    err = capfd.readouterr().err
    assert "--profile 'prod': no such profile" in err and "known profiles: main, test" in err


def test_unknown_theme_on_the_command_line_lists_themes(home: Home, capfd: pytest.CaptureFixture[str]) -> None:
    assert main(["--theme", "neon"]) == 2
    err = capfd.readouterr().err
    assert "--theme neon: no such theme; available:" in err and "jextui-high-contrast" in err


@pytest.mark.parametrize("symbols", ["BTC/USDT", ",", "BTCUSDT,,X"])
def test_bad_symbols_on_the_command_line(home: Home, capfd: pytest.CaptureFixture[str], symbols: str) -> None:
    assert main(["--symbols", symbols]) == 2
    assert "--symbols:" in capfd.readouterr().err


def test_bad_base_url_on_the_command_line(home: Home, capfd: pytest.CaptureFixture[str]) -> None:
    assert main(["--base-url", "jex.example.com"]) == 2
    assert "--base-url: must start with https://" in capfd.readouterr().err


# --------------------------------------------------------------------------
# permissions


def test_credentials_file_readable_by_others_is_refused(home: Home, capfd: pytest.CaptureFixture[str]) -> None:
    path = home.write_config(PROFILE + f"api_key = '{KEY}'\napi_secret = '{SECRET}'\n", mode=0o644)
    assert main([]) == 2
    err = capfd.readouterr().err
    assert str(path) in err and "readable by group or others" in err and f"chmod 600 {path}" in err
    assert SECRET not in err and KEY not in err


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660])
def test_group_or_other_bits_alone_are_enough_to_refuse(home: Home, mode: int) -> None:
    home.write_config(PROFILE + f"api_key = '{KEY}'\n", mode=mode)
    with pytest.raises(ConfigError, match="chmod 600"):
        load_settings(opts(), home.env)


def test_private_credentials_file_and_public_plain_file_are_accepted(home: Home) -> None:
    home.write_config(PROFILE + f"api_key = '{KEY}'\napi_secret = '{SECRET}'\n", mode=0o600)
    assert load_settings(opts(), home.env).api_key == KEY
    home.write_config(PROFILE + "api_secret_env = 'MY_JEX_SECRET'\n", mode=0o644)  # no inline credential
    settings = load_settings(opts(), {**home.env, "MY_JEX_SECRET": SECRET, "JEX_API_KEY": KEY})
    assert settings.api_secret == Secret(SECRET)


# Whoever can write the config file decides where the credentials are sent
# (base_url), so a file or folder another user can write, or that another
# user owns, is refused whether or not the file holds credentials.

WITH_CREDENTIALS = PROFILE + f"api_key = '{KEY}'\napi_secret = '{SECRET}'\n"
WITHOUT_CREDENTIALS = PROFILE + "api_secret_env = 'MY_JEX_SECRET'\n"
BOTH_KINDS = pytest.mark.parametrize(
    "text", [WITH_CREDENTIALS, WITHOUT_CREDENTIALS], ids=["credentials", "no-credentials"]
)
OTHER_UID = 54_321  # no user of the test machine

needs_root = pytest.mark.skipif(
    not hasattr(os, "getuid") or os.getuid() != 0,
    reason="giving a file to another user (os.chown) needs root",
)


@pytest.mark.parametrize("mode", [0o666, 0o646, 0o664, 0o624])
def test_config_writable_by_others_without_credentials_is_refused(
    home: Home, capfd: pytest.CaptureFixture[str], mode: int
) -> None:
    path = home.write_config(WITHOUT_CREDENTIALS, mode=mode)
    assert main([]) == 2
    err = capfd.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert str(path) in err and "writable by group or others" in err and f"Fix with: chmod go-w {path}" in err


@pytest.mark.parametrize("mode", [0o666, 0o622, 0o602])
def test_config_writable_by_others_with_credentials_is_refused(
    home: Home, capfd: pytest.CaptureFixture[str], mode: int
) -> None:
    path = home.write_config(WITH_CREDENTIALS, mode=mode)
    assert main([]) == 2
    err = capfd.readouterr().err
    assert "Traceback" not in err and SECRET not in err and KEY not in err
    assert str(path) in err and f"Fix with: chmod 600 {path}" in err


@BOTH_KINDS
@pytest.mark.parametrize("mode", [0o777, 0o775, 0o757])
def test_config_folder_writable_by_others_is_refused(
    home: Home, capfd: pytest.CaptureFixture[str], text: str, mode: int
) -> None:
    home.write_config(text, mode=0o600)
    home.config_dir.chmod(mode)
    assert main(["config", "check"]) == 2
    err = capfd.readouterr().err
    assert "Traceback" not in err and SECRET not in err and KEY not in err
    folder = home.config_dir
    assert f"{folder}: the config file's folder is writable by group or others" in err
    assert f"Fix with: chmod go-w {folder}" in err


@BOTH_KINDS
def test_private_file_in_a_sticky_shared_folder_is_accepted(home: Home, text: str) -> None:
    home.write_config(text, mode=0o600)
    home.config_dir.chmod(0o1777)  # as /tmp: others cannot replace a file they do not own
    settings = load_settings(opts(), {**home.env, "MY_JEX_SECRET": SECRET, "JEX_API_KEY": KEY})
    assert settings.base_url == "https://jex.example.com" and settings.api_key == KEY


@BOTH_KINDS
def test_link_to_a_file_in_a_folder_others_can_write_is_refused(home: Home, tmp_path: Path, text: str) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    target = shared / "jextui.toml"
    target.write_text(text, encoding="utf-8")
    target.chmod(0o600)
    shared.chmod(0o777)
    home.config_dir.mkdir()
    home.config_file.symlink_to(target)
    with pytest.raises(
        ConfigError, match=re.escape(f"{shared}: the config file's folder is writable by group or others")
    ):
        load_settings(opts(), {**home.env, "MY_JEX_SECRET": SECRET})


@needs_root
@BOTH_KINDS
def test_config_owned_by_another_user_is_refused(home: Home, capfd: pytest.CaptureFixture[str], text: str) -> None:
    path = home.write_config(text, mode=0o600)
    os.chown(path, OTHER_UID, -1)
    assert main(["config", "check"]) == 2
    err = capfd.readouterr().err
    assert "Traceback" not in err and SECRET not in err and KEY not in err
    assert f"{path}: the config file is owned by user {OTHER_UID}, not by you or root" in err
    assert f"Fix with: chown root {path}" in err


@needs_root
@BOTH_KINDS
def test_config_folder_owned_by_another_user_is_refused(home: Home, text: str) -> None:
    home.write_config(text, mode=0o600)
    os.chown(home.config_dir, OTHER_UID, -1)
    with pytest.raises(
        ConfigError, match=re.escape(f"{home.config_dir}: the config file's folder is owned by user {OTHER_UID}")
    ):
        load_settings(opts(), {**home.env, "MY_JEX_SECRET": SECRET})


# --------------------------------------------------------------------------
# demo, profiles, overrides


def test_nothing_configured_means_demo(home: Home) -> None:
    settings = load_settings(opts(), home.env)
    assert settings.demo and settings.profile_name == "demo"
    assert settings.base_url is None and settings.api_key is None and settings.api_secret is None
    assert settings.watchlist == DEFAULT_WATCHLIST
    assert settings.theme == "jextui-dark"
    assert settings.config_path == home.config_file
    assert settings.log_path == home.log_dir / "jextui.log"
    assert settings.data_dir == home.data_dir


def test_demo_flag_wins_over_a_profile_and_env_credentials(home: Home) -> None:
    home.write_config(PROFILE + f"api_key = '{KEY}'\napi_secret = '{SECRET}'\n")
    settings = load_settings(opts(demo=True), {**home.env, "JEX_API_KEY": "envkey123"})
    assert settings.demo and settings.api_key is None and settings.api_secret is None


def test_demo_flag_cannot_be_combined_with_a_url(home: Home) -> None:
    with pytest.raises(ConfigError, match="--demo"):
        load_settings(opts(demo=True, base_url="https://x.example.com"), home.env)


def test_profile_without_credentials_connects_for_market_data(home: Home) -> None:
    home.write_config(PROFILE)
    settings = load_settings(opts(), home.env)
    assert not settings.demo and settings.profile_name == "main"
    assert settings.base_url == "https://jex.example.com"
    assert settings.api_key is None and not settings.has_credentials


def test_profile_selection(home: Home) -> None:
    home.write_config(
        'default_profile = "test"\n'
        "[profiles.main]\nbase_url = 'https://main.example.com/'\n"
        f"api_key = '{KEY}'\napi_secret = '{SECRET}'\n"
        "[profiles.test]\nbase_url = 'http://127.0.0.1:8765'\napi_key = 'testkey1'\napi_secret = 'testsecret'\n"
    )
    default = load_settings(opts(), home.env)
    assert (default.profile_name, default.base_url, default.api_key) == ("test", "http://127.0.0.1:8765", "testkey1")
    chosen = load_settings(opts(profile="main"), home.env)
    assert (chosen.profile_name, chosen.base_url, chosen.api_key) == ("main", "https://main.example.com", KEY)
    assert chosen.api_secret == Secret(SECRET)


def test_several_profiles_and_no_default_is_an_error(home: Home) -> None:
    home.write_config(PROFILE + "[profiles.test]\nbase_url = 'https://t.example.com'\n")
    with pytest.raises(ConfigError, match=r"default_profile: not set and there are 2 profiles \(main, test\)"):
        load_settings(opts(), home.env)


def test_environment_overrides_the_profile_credentials(home: Home) -> None:
    home.write_config(PROFILE + "api_key = 'filekey1'\napi_secret = 'filesecret'\n")
    env = {**home.env, "JEX_API_KEY": KEY, "JEX_API_SECRET": SECRET}
    settings = load_settings(opts(), env)
    assert settings.api_key == KEY and settings.api_secret == Secret(SECRET)
    only_key = load_settings(opts(), {**home.env, "JEX_API_KEY": KEY})
    assert only_key.api_key == KEY and only_key.api_secret == Secret("filesecret")


def test_environment_secret_makes_a_missing_secret_env_harmless(home: Home) -> None:
    home.write_config(PROFILE + "api_key = 'filekey1'\napi_secret_env = 'MY_JEX_SECRET'\n")
    settings = load_settings(opts(), {**home.env, "JEX_API_SECRET": SECRET})
    assert settings.api_secret == Secret(SECRET)


def test_environment_credentials_without_a_profile_need_a_url(home: Home) -> None:
    env = {**home.env, "JEX_API_KEY": KEY, "JEX_API_SECRET": SECRET}
    with pytest.raises(ConfigError, match="--base-url"):
        load_settings(opts(), env)
    settings = load_settings(opts(base_url="https://jex.example.com"), env)
    assert not settings.demo and settings.profile_name == "default" and settings.api_key == KEY


def test_base_url_flag_overrides_the_profile(home: Home) -> None:
    home.write_config(PROFILE)
    settings = load_settings(opts(base_url="http://localhost:9000/"), home.env)
    assert settings.base_url == "http://localhost:9000" and settings.profile_name == "main"


def test_base_url_flag_alone_connects_without_credentials(home: Home) -> None:
    settings = load_settings(opts(base_url="http://127.0.0.1:8765"), home.env)
    assert not settings.demo and settings.api_key is None


def test_secret_without_key_is_an_error(home: Home) -> None:
    home.write_config(PROFILE + f"api_secret = '{SECRET}'\n")
    with pytest.raises(ConfigError, match="no API key") as caught:
        load_settings(opts(), home.env)
    assert SECRET not in str(caught.value)


def test_plain_http_with_a_key_to_a_remote_host_is_refused_unless_allowed(home: Home) -> None:
    home.write_config("[profiles.main]\nbase_url = 'http://jex.example.com'\napi_key = 'filekey1'\n")
    with pytest.raises(ConfigError, match=r"profiles.main.base_url: .*clear text.*allow_insecure_http"):
        load_settings(opts(), home.env)
    home.write_config(
        "[profiles.main]\nbase_url = 'http://jex.example.com'\napi_key = 'filekey1'\nallow_insecure_http = true\n"
    )
    assert load_settings(opts(), home.env).allow_insecure_http is True
    home.write_config("[profiles.main]\nbase_url = 'http://[::1]:8765'\napi_key = 'filekey1'\n")
    assert load_settings(opts(), home.env).base_url == "http://[::1]:8765"


def test_settings_repr_hides_secret_and_key(home: Home) -> None:
    home.write_config(PROFILE + f"api_key = '{KEY}'\napi_secret = '{SECRET}'\n")
    settings = load_settings(opts(), home.env)
    text = repr(settings) + str(settings) + repr(load_config(home.config_file))
    assert SECRET not in text and KEY not in text
    assert KEY[:4] + "…" in text


# --------------------------------------------------------------------------
# precedence: watchlist, theme, log level, values


def test_watchlist_precedence(home: Home) -> None:
    home.write_config('watchlist = ["LTCBTC", "ETHBTC", "LTCBTC"]\n')
    assert load_settings(opts(), home.env).watchlist == ("LTCBTC", "ETHBTC")  # deduplicated
    save_state(home.data_dir / "state.json", UiState(watchlist=("JEXUSDT",)))
    assert load_settings(opts(), home.env).watchlist == ("JEXUSDT",)
    assert load_settings(opts(symbols="bnbbtc, btcusdt"), home.env).watchlist == ("BNBBTC", "BTCUSDT")


def test_an_empty_watchlist_in_the_config_file_stays_empty(home: Home) -> None:
    home.write_config("watchlist = []\n")
    assert load_settings(opts(), home.env).watchlist == ()
    assert load_settings(opts(symbols="BTCUSDT"), home.env).watchlist == ("BTCUSDT",)  # the command line wins


def test_a_watchlist_emptied_in_the_console_stays_empty_at_the_next_start(home: Home) -> None:
    state = home.data_dir / "state.json"
    update_state(state, watchlist=("BTCUSDT",))
    update_state(state, watchlist=())  # the last symbol removed with x
    assert load_state(state).watchlist == ()
    assert load_settings(opts(), home.env).watchlist == ()
    home.write_config('watchlist = ["LTCBTC"]\n')
    assert load_settings(opts(), home.env).watchlist == ()  # the saved choice wins over the file


def test_no_watchlist_anywhere_is_the_default_one(home: Home) -> None:
    home.write_config('theme = "jextui-light"\n')
    assert load_settings(opts(), home.env).watchlist == DEFAULT_WATCHLIST


def test_theme_precedence(home: Home) -> None:
    home.write_config('theme = "jextui-light"\n')
    assert load_settings(opts(), home.env).theme == "jextui-light"
    save_state(home.data_dir / "state.json", UiState(theme="jextui-amber"))
    assert load_settings(opts(), home.env).theme == "jextui-amber"
    assert load_settings(opts(), {**home.env, "NO_COLOR": "1"}).theme == "jextui-mono"
    assert load_settings(opts(theme="nord"), {**home.env, "NO_COLOR": "1"}).theme == "nord"
    save_state(home.data_dir / "state.json", UiState(theme="deleted-theme"))
    assert load_settings(opts(), home.env).theme == "jextui-light"


def test_user_theme_is_accepted(home: Home) -> None:
    (home.config_dir / "themes").mkdir(parents=True)
    (home.config_dir / "themes" / "neon.toml").write_text('primary = "#FF00FF"\n')
    home.write_config('theme = "neon"\n')
    assert load_settings(opts(), home.env).theme == "neon"


def test_values_from_the_file(home: Home) -> None:
    home.write_config(
        "confirm_orders = false\nbell = true\nfat_finger_pct = 2.5\nweight_share = 0.5\n"
        "[refresh]\nbook = 0.25\nopen_orders = 10\n"
    )
    settings = load_settings(opts(log_level="debug"), home.env)
    assert settings.confirm_orders is False and settings.bell is True
    assert settings.fat_finger_pct == Decimal("2.5") and isinstance(settings.fat_finger_pct, Decimal)
    assert settings.weight_share == 0.5
    assert settings.refresh.as_mapping() == {"book": 0.25, "open_orders": 10.0}  # only what the user set
    assert settings.log_level == "DEBUG"


def test_bad_log_level_in_a_namespace(home: Home) -> None:
    with pytest.raises(ConfigError, match="--log-level LOUD"):
        load_settings(opts(log_level="loud"), home.env)


# --------------------------------------------------------------------------
# the template


def test_template_is_written_private_and_means_the_defaults(home: Home) -> None:
    write_config_template(home.config_file)
    assert home.config_file.stat().st_mode & 0o777 == 0o600
    config = load_config(home.config_file)
    assert config.profiles == {} and config.watchlist is None and config.confirm_orders is True
    assert config.refresh.as_mapping() == {}  # the feed's own plan applies
    assert load_settings(opts(), home.env).demo  # a fresh template keeps demo mode


def test_template_examples_are_valid_when_uncommented(home: Home) -> None:
    lines = [line[2:] if line.startswith("# ") else line for line in config_template().splitlines()]
    home.write_config("\n".join(lines) + "\n")
    config = load_config(home.config_file)
    assert set(config.profiles) == {"main", "local"} and config.default_profile == "main"
    assert config.watchlist == DEFAULT_WATCHLIST
    assert set(config.refresh.as_mapping()) == set(REFRESH_LIMITS)
    settings = load_settings(opts(), {**home.env, "JEX_MAIN_SECRET": SECRET})
    assert settings.profile_name == "main" and settings.api_secret == Secret(SECRET)


def test_template_documents_every_key() -> None:
    template = config_template()
    for key in (
        "default_profile",
        "theme",
        "watchlist",
        "confirm_orders",
        "bell",
        "fat_finger_pct",
        "weight_share",
        "[refresh]",
        "book",
        "trades",
        "klines",
        "tickers",
        "account",
        "open_orders",
        "prices",
        "book_tickers",
        "sparklines",
        "base_url",
        "api_key",
        "api_secret",
        "api_secret_env",
        "allow_insecure_http",
        "JEX_API_KEY",
        "JEX_API_SECRET",
    ):
        assert key in template, key


def test_template_is_not_written_over_an_existing_file(home: Home) -> None:
    home.write_config("bell = true\n")
    with pytest.raises(ConfigError, match="--force"):
        write_config_template(home.config_file)
    assert home.config_file.read_text() == "bell = true\n"
    home.config_file.chmod(0o644)
    write_config_template(home.config_file, force=True)
    assert "## jextui configuration" in home.config_file.read_text()
    assert home.config_file.stat().st_mode & 0o777 == 0o600


# --------------------------------------------------------------------------
# property: any document → a Config or a ConfigError, nothing else

_KEYS = [
    "default_profile",
    "theme",
    "watchlist",
    "confirm_orders",
    "bell",
    "fat_finger_pct",
    "weight_share",
    "refresh",
    "profiles",
    "book",
    "base_url",
    "api_key",
    "api_secret",
    "api_secret_env",
    "allow_insecure_http",
    "main",
]
_scalars = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(
        ["https://x.example.com", "http://127.0.0.1:1", "BTCUSDT", "MY_JEX_SECRET", "jextui-amber", "main"]
    ),
    st.dates(),
    st.datetimes(),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(_KEYS), inner, max_size=5)),
    max_leaves=12,
)
_documents = st.dictionaries(st.sampled_from(_KEYS), _values, max_size=8)


def _toml_value(value: object) -> str:
    """A tiny TOML writer for the generated documents (inline tables only)."""
    import datetime
    import json
    import math

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, (int, datetime.date)):
        return value.isoformat() if isinstance(value, datetime.date) else str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    assert isinstance(value, dict)
    return "{" + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + "}"


def _to_toml(document: dict[str, object]) -> str:
    return "".join(f"{key} = {_toml_value(value)}\n" for key, value in document.items())


def _mutate(text: str, data: st.DataObject) -> str:
    for _ in range(data.draw(st.integers(0, 3))):
        if not text:
            break
        i = data.draw(st.integers(0, len(text) - 1))
        action = data.draw(st.sampled_from(["delete", "insert", "duplicate"]))
        if action == "delete":
            text = text[:i] + text[i + 1 :]
        elif action == "insert":
            text = text[:i] + data.draw(st.sampled_from(list("=[]\"'#.\n ,{}0xé\x00"))) + text[i:]
        else:
            text = text[:i] + text[i:] + text[i:]
    return text


@hyp_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_document_gives_config_or_config_error(home: Home, data: st.DataObject) -> None:
    base = data.draw(
        st.one_of(
            _documents.map(_to_toml),
            st.sampled_from(
                [
                    config_template(),
                    "\n".join(line[2:] if line.startswith("# ") else line for line in config_template().splitlines()),
                ]
            ),
        )
    )
    text = _mutate(base, data)
    home.write_config(text)
    with contextlib.suppress(ConfigError):
        load_config(home.config_file)
    try:
        load_settings(opts(), home.env)
    except ConfigError as exc:
        assert str(exc).strip() and "\n" not in str(exc)


def test_refresh_keys_are_feed_kinds_the_feed_accepts() -> None:
    scheduler = pytest.importorskip("jextui.feed.scheduler")
    for name, (low, high) in REFRESH_LIMITS.items():
        parsed = scheduler.parse_periods({name: low})
        assert parsed[scheduler.FeedKind(name)] == low
        assert scheduler.parse_periods({name: high})[scheduler.FeedKind(name)] == high


def test_a_config_without_alerts_does_not_load_the_alerts_code(tmp_path: Path) -> None:
    """The first frame reads the config: with no [[alerts]] table, the alerts' modules wait for the console."""
    import subprocess
    import sys

    (tmp_path / "config.toml").write_text('watchlist = ["BTCUSDT"]\n')
    code = (
        "import sys\nfrom pathlib import Path\nfrom jextui.config import load_config\n"
        f"config = load_config(Path({str(tmp_path / 'config.toml')!r}))\n"
        "print(config.alerts, 'jextui.alerts' in sys.modules)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert run.stdout.strip() == "() False"

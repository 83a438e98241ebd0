"""Profile settings for the streams: ``stream_url`` and ``streams = false``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.sandbox import root_logging_restored
from test_config import Home

from jextui.cli import main
from jextui.config import ConfigError, Overrides, config_template, effective_stream_url, load_settings


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Home]:
    for name in ("JEX_API_KEY", "JEX_API_SECRET"):
        monkeypatch.delenv(name, raising=False)
    dirs = {
        name: tmp_path / part
        for name, part in (("JEXTUI_CONFIG_DIR", "config"), ("JEXTUI_DATA_DIR", "data"), ("JEXTUI_LOG_DIR", "log"))
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


PROFILE = "[profiles.main]\nbase_url = 'https://jex.example.com'\n"
LOCAL = "[profiles.local]\nbase_url = 'http://127.0.0.1:8765'\n"


def test_defaults_are_streams_on_with_a_derived_address(home: Home) -> None:
    home.write_config(PROFILE)
    settings = load_settings(Overrides(), home.env)
    assert settings.streams is True and settings.stream_url is None
    assert effective_stream_url(settings, settings.base_url or "") == "wss://ws.jex.com"


def test_a_loopback_profile_streams_from_its_rest_host(home: Home) -> None:
    home.write_config(LOCAL)
    settings = load_settings(Overrides(), home.env)
    assert effective_stream_url(settings, settings.base_url or "") == "ws://127.0.0.1:8765"


def test_demo_mode_streams_from_the_sandbox(home: Home) -> None:
    settings = load_settings(Overrides(demo=True), home.env)
    assert settings.streams
    assert effective_stream_url(settings, "http://127.0.0.1:41234") == "ws://127.0.0.1:41234"


def test_a_configured_stream_url_wins(home: Home) -> None:
    home.write_config(PROFILE + "stream_url = 'wss://stream.example.com/'\n")
    settings = load_settings(Overrides(), home.env)
    assert settings.stream_url == "wss://stream.example.com"
    assert effective_stream_url(settings, settings.base_url or "") == "wss://stream.example.com"


def test_streams_false_turns_streaming_off(home: Home) -> None:
    home.write_config(PROFILE + "streams = false\nstream_url = 'wss://stream.example.com'\n")
    settings = load_settings(Overrides(), home.env)
    assert settings.streams is False
    assert effective_stream_url(settings, settings.base_url or "") is None


BAD = [
    ("http scheme", "stream_url = 'https://stream.example.com'", r"must start with wss://"),
    ("password", "stream_url = 'wss://u:pw@stream.example.com'", r"user name or password"),
    ("query", "stream_url = 'wss://stream.example.com/?a=1'", r"query"),
    ("no host", "stream_url = 'wss://'", r"no host name"),
    ("plain ws far away", "stream_url = 'ws://stream.example.com'", r"plain ws:// to a non-local host"),
    ("not a string", "stream_url = 3", r"expected a string"),
    ("streams not a bool", "streams = 'no'", r"expected true or false"),
]


@pytest.mark.parametrize(("label", "line", "what"), BAD, ids=[b[0] for b in BAD])
def test_bad_stream_settings_name_file_key_and_what(
    home: Home, capfd: pytest.CaptureFixture[str], label: str, line: str, what: str
) -> None:
    path = home.write_config(PROFILE + line + "\n")
    assert main(["config", "check"]) == 2
    err = capfd.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1, err
    key = "stream_url" if "stream_url" in line else "streams"
    assert err.startswith(f"jextui: {path}: profiles.main.{key}: "), err
    assert re.search(what, err), err
    assert "u:pw" not in err  # the address is never repeated


def test_plain_ws_to_a_far_host_is_allowed_when_the_profile_allows_plain_http(home: Home) -> None:
    home.write_config(PROFILE + "allow_insecure_http = true\nstream_url = 'ws://stream.example.com'\n")
    assert load_settings(Overrides(), home.env).stream_url == "ws://stream.example.com"


def test_config_check_says_where_the_streams_come_from(home: Home, capfd: pytest.CaptureFixture[str]) -> None:
    home.write_config(LOCAL)
    assert main(["config", "check"]) == 0
    out = capfd.readouterr().out
    expected = r"^streams\s+on, ws://127\.0\.0\.1:8765 \(default; REST polling is the fallback\)$"
    assert re.search(expected, out, re.M), out
    home.write_config(LOCAL + "streams = false\n")
    assert main(["config", "check"]) == 0
    assert re.search(r"^streams\s+off \(streams = false", capfd.readouterr().out, re.M)


def test_the_template_documents_both_settings() -> None:
    text = config_template()
    assert "#   stream_url" in text.replace("##", "#") and "# streams = true" in text


def test_settings_repr_and_profile_repr_show_the_stream_settings(home: Home) -> None:
    home.write_config(PROFILE + "stream_url = 'wss://stream.example.com'\n")
    settings = load_settings(Overrides(), home.env)
    assert "stream_url='wss://stream.example.com'" in repr(settings)
    with pytest.raises(ConfigError):
        home.write_config(PROFILE + "stream_url = 'wss://stream.example.com'\nstreams = 1\n")
        load_settings(Overrides(), home.env)
    assert Path(home.config_file).exists()

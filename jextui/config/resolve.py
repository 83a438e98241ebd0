"""The config file, the command line's overrides, the environment and the
saved UI state → the console's :class:`Settings`.

* ``demo``, or no profile selected and no ``JEX_API_KEY`` / ``base_url``
  override → demo mode on the in-process sandbox.
* The profile is the ``profile`` override, else ``default_profile``, else the
  only profile if exactly one is defined.  A profile without ``api_key`` is
  fine (market data only).
* ``JEX_API_KEY`` / ``JEX_API_SECRET`` override the key / secret of the
  selected profile (each on its own).  With no profile they connect to the
  ``base_url`` override (profile name ``"default"``).
* Watchlist and theme: see :mod:`jextui.config.state`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import msgspec

from jextui.config.load import file_error, known_profiles_text, load_config
from jextui.config.schema import (
    DEFAULT_LOG_LEVEL,
    DEMO_PROFILE,
    ENV_API_KEY,
    ENV_API_SECRET,
    ENV_PROFILE,
    Config,
    ConfigError,
    Profile,
    Settings,
    is_loopback_url,
    validate_base_url,
    validate_stream_url,
)
from jextui.config.state import load_state, merged_theme, merged_watchlist
from jextui.locations import locations
from jextui.logs import LOG_LEVELS
from jextui.secret import Secret

__all__ = ["Overrides", "load_settings"]


class Overrides(msgspec.Struct, frozen=True):
    """What the command line says for this run; ``None`` (or ``False``) = not given.

    The messages name the options (``--profile``, ``--base-url``, ...), as
    that is where overrides come from.
    """

    profile: str | None = None
    base_url: str | None = None
    symbols: str | None = None  # comma-separated, as typed: "BTCUSDT,ethusdt"
    theme: str | None = None
    demo: bool = False
    log_level: str | None = None


def _pick_profile(config: Config, requested: str | None) -> str | None:
    if requested is not None:
        if requested not in config.profiles:
            raise ConfigError(
                f"--profile {requested!r}: no such profile in {config.path}; {known_profiles_text(config.profiles)}"
            )
        return requested
    if config.default_profile is not None:
        return config.default_profile
    if len(config.profiles) == 1:
        return next(iter(config.profiles))
    if len(config.profiles) > 1:
        raise ConfigError(
            f"{config.path}: default_profile: not set and there are {len(config.profiles)} profiles "
            f"({', '.join(sorted(config.profiles))}); set default_profile or pass --profile NAME"
        )
    return None


class _Connection(msgspec.Struct, frozen=True):
    profile_name: str
    demo: bool
    base_url: str | None
    api_key: str | None
    api_secret: Secret | None
    allow_insecure_http: bool
    stream_url: str | None = None
    streams: bool = True


_DEMO = _Connection(DEMO_PROFILE, True, None, None, None, False)


def _env_value(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def _profile_secret(config: Config, name: str, profile: Profile, env: Mapping[str, str]) -> Secret | None:
    if profile.api_secret is not None:
        return profile.api_secret
    if profile.api_secret_env is None:
        return None
    value = _env_value(env, profile.api_secret_env)
    if value is None:
        raise file_error(
            config.path,
            f"profiles.{name}.api_secret_env",
            f"the environment variable {profile.api_secret_env} is not set (or empty)",
        )
    return Secret(value)


def _resolve_connection(config: Config, overrides: Overrides, env: Mapping[str, str]) -> _Connection:
    cli_url = overrides.base_url
    if overrides.demo:
        if cli_url or overrides.profile:
            raise ConfigError("--demo runs on the built-in sandbox: it cannot be combined with --base-url or --profile")
        return _DEMO
    name = _pick_profile(config, overrides.profile)
    env_key = _env_value(env, ENV_API_KEY)
    env_secret = _env_value(env, ENV_API_SECRET)
    if name is None and env_key is None and env_secret is None and not cli_url:
        return _DEMO
    profile = config.profiles[name] if name is not None else None
    if cli_url:
        try:
            base_url = validate_base_url(cli_url)
        except ValueError as exc:
            raise ConfigError(f"--base-url: {exc}") from None
    elif profile is not None:
        base_url = validate_base_url(profile.base_url)
    else:
        raise ConfigError(
            f"{ENV_API_KEY}/{ENV_API_SECRET} are set but there is no exchange to connect to: "
            f"pass --base-url URL or add a profile to {config.path} (jextui config init writes a template)"
        )
    api_key = env_key or (profile.api_key if profile else None)
    if env_secret is not None:
        api_secret: Secret | None = Secret(env_secret)
    elif profile is not None and name is not None:
        api_secret = _profile_secret(config, name, profile, env)
    else:
        api_secret = None
    if api_secret is not None and api_key is None:
        where = f"profile {name!r}" if name else "the environment"
        raise ConfigError(f"an API secret is configured ({where}) but no API key: set api_key or {ENV_API_KEY}")
    insecure_ok = profile.allow_insecure_http if profile is not None else False
    if api_key is not None and base_url.startswith("http://") and not is_loopback_url(base_url) and not insecure_ok:
        where = f"{config.path}: profiles.{name}.base_url" if name and not cli_url else "--base-url"
        raise ConfigError(
            f"{where}: {base_url} is plain http to a non-local host, which would send your API key "
            "in clear text; use https, or set allow_insecure_http = true in the profile"
        )
    stream_url = None
    if profile is not None and profile.stream_url is not None:
        stream_url = validate_stream_url(profile.stream_url, allow_insecure=insecure_ok)
    streams = profile.streams if profile is not None else True
    return _Connection(name or ENV_PROFILE, False, base_url, api_key, api_secret, insecure_ok, stream_url, streams)


def _resolve_log_level(overrides: Overrides) -> str:
    level = (overrides.log_level or DEFAULT_LOG_LEVEL).upper()
    if level not in LOG_LEVELS:
        raise ConfigError(f"--log-level {level}: use one of {', '.join(LOG_LEVELS)}")
    return level


#: The command line gave nothing: the config file and the environment decide.
NO_OVERRIDES = Overrides()


def load_settings(overrides: Overrides = NO_OVERRIDES, env: Mapping[str, str] = os.environ) -> Settings:
    """Resolve the console's settings; raises :class:`ConfigError` only."""
    locs = locations(env)
    config = load_config(locs.config_file)
    log_level = _resolve_log_level(overrides)
    connection = _resolve_connection(config, overrides, env)
    state = load_state(locs.state_file)
    return Settings(
        profile_name=connection.profile_name,
        demo=connection.demo,
        base_url=connection.base_url,
        api_key=connection.api_key,
        api_secret=connection.api_secret,
        allow_insecure_http=connection.allow_insecure_http,
        stream_url=connection.stream_url,
        streams=connection.streams,
        watchlist=merged_watchlist(overrides.symbols, state, config),
        theme=merged_theme(overrides.theme, state, config, env, locs.themes_dir),
        refresh=config.refresh,
        weight_share=config.weight_share,
        confirm_orders=config.confirm_orders,
        bell=config.bell,
        fat_finger_pct=config.fat_finger_pct,
        fat_finger_passive=config.fat_finger_passive,
        max_slippage_pct=config.max_slippage_pct,
        config_path=locs.config_file,
        log_path=locs.log_file,
        data_dir=locs.data_dir,
        log_level=log_level,
        themes_dir=locs.themes_dir,
        state_path=locs.state_file,
        journal_path=locs.journal_file,
        alerts=config.alerts,
        alert_problems=config.alert_problems,
        alert_fills=config.alert_fills,
        valuation_asset=config.valuation_asset,
        keys=config.keys,
    )

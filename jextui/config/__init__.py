"""The console's configuration, from the files and the command line.

One module per concern, each importing only those above it in this list:

* :mod:`~jextui.config.schema`: what the file holds (:class:`Config`,
  :class:`Profile`, :class:`RefreshPeriods`), the resolved :class:`Settings`,
  and the rules for symbols and base URLs;
* :mod:`~jextui.config.themes`: the theme catalogue (theme files and names,
  without Textual; :mod:`jextui.ui.themes` builds the Textual themes);
* :mod:`~jextui.config.load`: reading ``config.toml``, refusing a file others
  could have written, validating it into a :class:`Config`;
* :mod:`~jextui.config.template`: the commented file ``jextui config init``
  writes;
* :mod:`~jextui.config.state`: the UI state saved between runs, and how it
  merges with the command line and the file;
* :mod:`~jextui.config.resolve`: :class:`Overrides` (the command line, as
  plain values) + file + environment + state → :class:`Settings`.

Where the files live is :mod:`jextui.locations`, below this package: the log
and the journal use it too.
"""

from __future__ import annotations

from jextui.config.load import check_permissions, load_config
from jextui.config.resolve import Overrides, load_settings
from jextui.config.schema import (
    DEFAULT_LOG_LEVEL,
    DEFAULT_WATCHLIST,
    DEMO_PROFILE,
    ENV_API_KEY,
    ENV_API_SECRET,
    ENV_PROFILE,
    REFRESH_LIMITS,
    Config,
    ConfigError,
    Profile,
    RefreshPeriods,
    Settings,
    effective_stream_url,
    is_loopback_url,
    mask_key,
    parse_symbols,
    validate_base_url,
    validate_stream_url,
)
from jextui.config.template import config_template, write_config_template

__all__ = [
    "DEFAULT_WATCHLIST",
    "DEFAULT_LOG_LEVEL",
    "DEMO_PROFILE",
    "ENV_PROFILE",
    "ENV_API_KEY",
    "ENV_API_SECRET",
    "REFRESH_LIMITS",
    "ConfigError",
    "RefreshPeriods",
    "Profile",
    "Config",
    "Settings",
    "Overrides",
    "load_config",
    "load_settings",
    "check_permissions",
    "config_template",
    "write_config_template",
    "parse_symbols",
    "validate_base_url",
    "validate_stream_url",
    "effective_stream_url",
    "is_loopback_url",
    "mask_key",
]

"""The commented template ``jextui config init`` writes."""

from __future__ import annotations

import os
from pathlib import Path

from jextui.config.schema import ConfigError
from jextui.locations import ensure_private_dir

__all__ = ["config_template", "write_config_template"]


_TEMPLATE = """\
## jextui configuration (TOML).
##
## Every setting is optional: the values shown are the defaults. To change
## one, remove the "# " in front of its line. Lines starting with "##" are
## explanations. `jextui config path` prints where this file lives.
## It must belong to you, and neither it nor its folder may be writable by
## group or others (as with ssh's files), or jextui refuses it.
##
## With no profile selected and no JEX_API_KEY in the environment, jextui
## runs in demo mode on its built-in sandbox exchange (as does `jextui --demo`).

## Profile to use when --profile is not given (a name from [profiles] below).
## Not needed when there is only one profile.
# default_profile = "main"

## Colour theme: jextui-dark, jextui-light, jextui-high-contrast,
## jextui-amber, jextui-mono, one of Textual's themes (e.g. nord), or your own
## file in the themes/ folder next to this file (copy a built-in one to start).
## When NO_COLOR is set, jextui-mono is used unless --theme is given.
# theme = "jextui-dark"

## Watched symbols. The watchlist and theme you change inside the console are
## remembered (state.json in the data folder) and win over the values here;
## --symbols wins over both. Delete state.json to return to these.
# watchlist = ["BTCUSDT", "ETHUSDT", "DASHUSDT", "LTCBTC", "ETHBTC", "JEXBTC", "JEXUSDT", "BNBBTC"]

## Ask for confirmation before an order is sent.
# confirm_orders = true

## Ring the terminal bell when an order fills.
# bell = false

## The fat-finger guard, in percent (0.1 - 100). An order that crosses the
## book and would trade more than this far past the best price needs a
## second, explicit confirmation naming its estimated average price and the
## levels it would take. A passive order priced this far from the last price
## shows a hint in the ticket.
# fat_finger_pct = 5

## What a passive order far from the last price gets: "hint" (a hint in the
## ticket, no second dialog) or "confirm" (a second, explicit confirmation).
# fat_finger_passive = "hint"

## The marketable order (an IOC LIMIT priced from the book) pays at most this
## many percent past the best opposite price (0.01 - 50).
# max_slippage_pct = 0.5

## Share of the exchange's per-minute request-weight limit jextui may use
## (more than 0, at most 1). Other programs on the same IP count too.
# weight_share = 0.8

## How often each feed is polled, in seconds. Leave these out to use the
## built-in plan, which stays within the weight budget with 1 to 20 watched
## symbols (the values below were its defaults when this file was written).
## The console still stretches a period when the budget requires it; data
## older than 3 periods is shown as stale.
# [refresh]
# book = 0.4           # order book of the active symbol (0.2 - 60; 0.26 with streams)
# trades = 1.0         # recent trades of the active symbol (0.2 - 60)
# klines = 5.0         # candles of the active symbol (1 - 600)
# open_orders = 5.0    # open orders of the active symbol (1 - 600)
# account = 5.0        # balances (1 - 600)
# prices = 1.0         # watchlist last prices (0.5 - 600)
# book_tickers = 2.0   # watchlist best bid/ask, for the grid view (0.5 - 600)
# tickers = 10.0       # watchlist 24 h change and volume (1 - 600)
# sparklines = 60.0    # watchlist sparklines (5 - 3600)

## Connection profiles, one [profiles.NAME] table each.
##   base_url             the exchange's REST address (https://...)
##   api_key              your API key; leave it out for market data only
##   api_secret           your API secret. If you write it here, this file
##                        must be readable by you alone (chmod 600), or
##                        jextui refuses it. Better: api_secret_env.
##   api_secret_env       name of an environment variable holding the secret
##   allow_insecure_http  allow plain http to a non-local host (this sends
##                        the API key in clear text); default false
##   stream_url           the WebSocket stream address (wss://...). Left out:
##                        the REST host for a local or sandbox address, the
##                        exchange's own stream host otherwise
##   streams              false: poll everything over REST (no streams);
##                        default true (streams first, REST as the fallback)
## JEX_API_KEY and JEX_API_SECRET in the environment override the selected
## profile's key and secret.
# [profiles.main]
# base_url = "https://jex.example.com"
# api_key = "your-api-key"
# api_secret_env = "JEX_MAIN_SECRET"
# allow_insecure_http = false
# stream_url = "wss://stream.jex.example.com"
# streams = true

## A sandbox started separately, e.g. `jextui sandbox --port 8765` (it prints
## its URL and a demo key pair).
# [profiles.local]
# base_url = "http://127.0.0.1:8765"

## Price alerts: one [[alerts]] table each, with exactly one of above, below,
## change_pct (24 h, either way) or spread_pct.  An optional command is a list
## (no shell); it finds JEXTUI_ALERT_SYMBOL/CONDITION/PRICE/TIME in its
## environment.  (Top-level keys: alert_fills = false stops the desktop
## notification on fills of your orders, their notices stay; valuation_asset =
## "BTC" values the portfolio in BTC.)
# [[alerts]]
# symbol = "BTCUSDT"
# above = "70000"
# command = ["notify-send", "jextui"]

## Keys: bind an action to other keys by its id (`jextui keys` lists every id,
## its scope and its keys).  The new keys replace the old ones; several keys go
## in a list.  A conflict, an unknown id or an unknown key name is reported
## (`jextui config check`, and at start) and that action keeps its default keys.
# [keys]
# buy = "B"
# sell = "S"
# quit = "ctrl+q"
# watchlist.up = "w"
"""


def config_template() -> str:
    """The commented template ``jextui config init`` writes."""
    return _TEMPLATE


def write_config_template(path: Path, *, force: bool = False) -> None:
    """Write the template with mode 0600; refuse to overwrite unless ``force``."""
    if path.exists() and not force:
        raise ConfigError(f"{path}: already exists; not overwritten (use --force to replace it)")
    try:
        ensure_private_dir(path.parent)
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        fd = os.open(path, flags, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(_TEMPLATE)
        os.chmod(path, 0o600)  # an existing file keeps its old mode through O_TRUNC
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write it: {exc.strerror or exc}") from None

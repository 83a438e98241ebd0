"""Price alerts: the model, parsing, persistence, evaluation and delivery.

* :mod:`jextui.alerts.model` -- :class:`Alert` and :func:`parse_alert` (one
  ``[[alerts]]`` table or one alert typed in the console).
* :mod:`jextui.alerts.evaluate` -- :class:`AlertEvaluator`: fire once, re-arm
  past a hysteresis band; fed every price update, pushed or polled.
* :mod:`jextui.alerts.store` -- :class:`AlertStore`: alerts made in the
  console, kept in the data folder.
* :mod:`jextui.alerts.deliver` -- notice text, bell, OSC 9 / OSC 777 escape
  text, and the optional command (no shell; details in its environment).
* :mod:`jextui.alerts.center` -- :class:`AlertCenter`: all of it for the console.
"""

from jextui.alerts.center import AlertCenter, Delivery
from jextui.alerts.evaluate import (
    HYSTERESIS_PCT_SHARE,
    HYSTERESIS_PRICE_FRACTION,
    AlertEvaluator,
    FiredAlert,
    PriceUpdate,
    fill_alert,
)
from jextui.alerts.model import (
    CONDITIONS,
    Alert,
    AlertError,
    Condition,
    parse_alert,
    parse_alerts,
    parse_alerts_leniently,
    unknown_symbol_messages,
)
from jextui.alerts.store import AlertStore

__all__ = [
    "CONDITIONS",
    "HYSTERESIS_PCT_SHARE",
    "HYSTERESIS_PRICE_FRACTION",
    "Alert",
    "AlertCenter",
    "AlertError",
    "AlertEvaluator",
    "AlertStore",
    "Condition",
    "Delivery",
    "FiredAlert",
    "PriceUpdate",
    "fill_alert",
    "parse_alert",
    "parse_alerts",
    "parse_alerts_leniently",
    "unknown_symbol_messages",
]

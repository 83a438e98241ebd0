"""The spec's example responses (the user's API specification), the golden shapes.

Copied from the spec's code blocks; only the ``// comments`` were removed
(JSON has no comments).  One example is not valid JSON as printed and is
fixed here:

* ``ACCOUNT``: the spec's example lacks the comma after ``"updateTime": ...``
  and has a trailing comma after the ``spotBalances`` array
  (docs/protocol.md#the-specs-quirks).  Both are fixed; the content is
  unchanged.

``LISTEN_KEY`` has no example in the spec; it follows docs/protocol.md#listen-keys.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: The spec's example answers as JSON files, one per endpoint (``spec_example``).
EXAMPLES_DIR = Path(__file__).parent / "spec_examples"


def spec_example(name: str) -> Any:
    """The decoded example answer ``spec_examples/<name>.json``."""
    return json.loads((EXAMPLES_DIR / f"{name}.json").read_text(encoding="utf-8"))


#: The documented error codes (docs/protocol.md#error-codes) the sandbox answers with: a refusal
#: carrying any other code is a defect.
DOCUMENTED_CODES = {
    -1000,
    -1002,
    -1003,
    -1014,
    -1015,
    -1020,
    -1021,
    -1022,
    -1100,
    -1101,
    -1102,
    -1105,
    -1111,
    -1115,
    -1116,
    -1117,
    -1120,
    -1121,
    -1125,
    -1127,
    -1129,
    -2010,
    -2011,
    -2013,
    -2014,
    -2015,
    -2019,
    -8006,
    -9000,
}


# Each constant is the JSON text of one example (str; the handler encodes it).

PING = """\
{}
"""

SERVER_TIME = """\
{
  "serverTime": 1499827319595
}
"""

EXCHANGE_INFO = """\
{
  "timezone": "UTC",
  "serverTime": 1551270414646,
  "rateLimits": [
    {
      "rateLimitType": "requestsWeight",
      "interval": "minute",
      "intervalNum": 1,
      "limit": 1200
    },
    {
      "rateLimitType": "orders",
      "interval": "second",
      "intervalNum": 1,
      "limit": 10
    },
    {
      "rateLimitType": "orders",
      "interval": "day",
      "intervalNum": 1,
      "limit": 100000
    },
    {
      "rateLimitType": "rawRequests",
      "interval": "minute",
      "intervalNum": 5,
      "limit": 5000
    }
  ],
  "optionSymbols": [
    {
      "symbol": "BTCCALLM",
      "status": "TRADING",
      "baseAsset": "月BTC看涨0226",
      "baseAssetPrecision": 0,
      "quoteAsset": "USDT",
      "quotePrecision": 2,
      "orderTypes": [
        "LIMIT"
      ],
      "icebergAllowed": false,
      "filters": [
        {
          "filterType": "PRICE_FILTER",
          "maxPrice": "100000"
        },
        {
          "filterType": "LOT_SIZE",
          "minQty": "0.00000000"
        }
      ]
    }
  ],
  "contractSymbols": [
    {
      "symbol": "BTCUSDT",
      "status": "TRADING",
      "baseAsset": "btc",
      "baseAssetPrecision": 4,
      "quoteAsset": "usdt",
      "quotePrecision": 0,
      "orderTypes": [
        "LIMIT",
        "MARKET"
      ],
      "icebergAllowed": false,
      "filters": [
        {
          "filterType": "PRICE_FILTER",
          "minPrice": "0.00000001000000000000",
          "maxPrice": "1000000.00000000000000000000"
        },
        {
          "filterType": "LOT_SIZE",
          "minQty": "0.00010000000000000000",
          "maxQty": "1000000.00000000000000000000"
        }
      ]
    }
  ],
  "spotSymbols": [
    {
      "symbol": "DASHUSDT",
      "status": "TRADING",
      "baseAsset": "DASH",
      "baseAssetPrecision": 4,
      "quoteAsset": "USDT",
      "quotePrecision": 2,
      "orderTypes": [
        "LIMIT"
      ],
      "icebergAllowed": false,
      "filters": [
        {
          "filterType": "PRICE_FILTER",
          "maxPrice": "100000"
        },
        {
          "filterType": "LOT_SIZE",
          "minQty": "1.00000000"
        }
      ]
    }
  ]
}
"""

DEPTH = """\
{
  "lastUpdateId": 1027024,
  "bids": [
    [
      "4.00000000",
      "431.00000000",
      []
    ]
  ],
  "asks": [
    [
      "4.00000200",
      "12.00000000",
      []
    ]
  ]
}
"""

TRADES = """\
[
  {
    "price": "81.230000000000000000",
    "qty": "0.001000000000000000",
    "time": 0
  },
  {
    "price": "81.230000000000000000",
    "qty": "0.000400000000000000",
    "time": 0
  },
  {
    "price": "81.240000000000000000",
    "qty": "0.001100000000000000",
    "time": 0
  }
]
"""

HISTORICAL_TRADES = """\
[
  {
    "id": "3489",
    "price": "0.00001457",
    "qty": "6",
    "time": 1551129538000,
    "buyerMaker": false
  },
  {
    "id": "3488",
    "price": "0.00001464",
    "qty": "2",
    "time": 1551129500000,
    "buyerMaker": true
  }
]
"""

KLINES = """\
[
  [
    1499040000000,
    "0.01634790",
    "0.80000000",
    "0.01575800",
    "0.01577100",
    "148976.11427815",
    1499644799999,
    "2434.19055334",
    308,
    "1756.87402397",
    "28.46694368",
    "17928899.62484339"
  ]
]
"""

AVG_PRICE = """\
{
  "mins": 5,
  "price": "9.35751834"
}
"""

TICKER_24HR = """\
{
  "symbol": "BNBBTC",
  "priceChange": "1.00000000",
  "priceChangePercent": "50.00000000",
  "weightedAvgPrice": "1.88",
  "lastPrice": "3.00000000",
  "bidPrice": "1.00000000",
  "bidQty": "5.00000000",
  "askPrice": "3.00000000",
  "askQty": "9.00000000",
  "openPrice": "2.00000000",
  "highPrice": "18.00000000",
  "lowPrice": "1.00000000",
  "volume": "8.00000000",
  "quoteVolume": "15.00000000",
  "openTime": 1551174049782,
  "closeTime": 1551173957144
}
"""

TICKER_24HR_ALL = """\
[
  {
    "symbol": "BNBBTC",
    "priceChange": "1.00000000",
    "priceChangePercent": "50.00000000",
    "weightedAvgPrice": "1.88",
    "lastPrice": "3.00000000",
    "bidPrice": "1.00000000",
    "bidQty": "5.00000000",
    "askPrice": "3.00000000",
    "askQty": "9.00000000",
    "openPrice": "2.00000000",
    "highPrice": "18.00000000",
    "lowPrice": "1.00000000",
    "volume": "8.00000000",
    "quoteVolume": "15.00000000",
    "openTime": 1551174049782,
    "closeTime": 1551173957144
  }
]
"""

TICKER_PRICE = """\
{
  "symbol": "LTCBTC",
  "price": "4.00000200"
}
"""

TICKER_PRICE_ALL = """\
[
  {
    "symbol": "LTCBTC",
    "price": "4.00000200"
  },
  {
    "symbol": "ETHBTC",
    "price": "0.07946600"
  }
]
"""

BOOK_TICKER = """\
{
  "symbol": "LTCBTC",
  "bidPrice": "4.00000000",
  "bidQty": "431.00000000",
  "askPrice": "4.00000200",
  "askQty": "9.00000000"
}
"""

BOOK_TICKER_ALL = """\
[
  {
    "symbol": "LTCBTC",
    "bidPrice": "4.00000000",
    "bidQty": "431.00000000",
    "askPrice": "4.00000200",
    "askQty": "9.00000000"
  },
  {
    "symbol": "ETHBTC",
    "bidPrice": "0.07946700",
    "bidQty": "9.00000000",
    "askPrice": "100000.00000000",
    "askQty": "1000.00000000"
  }
]
"""

ORDER_ACK = """\
{
  "symbol": "JEXBTC",
  "orderId": 28,
  "transactTime": 1507725176595
}
"""

ORDER_RESULT = """\
{
  "symbol": "JEXBTC",
  "orderId": 2208,
  "transactTime": 1551184078060,
  "price": "0.00001464",
  "origQty": "1",
  "executedQty": "0",
  "cummulativeQuoteQty": "0.00000000",
  "status": "NEW",
  "timeInForce": "GTC",
  "type": "LIMIT",
  "side": "BUY"
}
"""

TEST_ORDER = """\
{}
"""

GET_ORDER = """\
{
  "symbol": "JEXBTC",
  "orderId": "2208",
  "price": "0.00001464",
  "origQty": "1.00000000",
  "executedQty": "1.00000000",
  "cummulativeQuoteQty": "0.00001464",
  "status": "FILLED",
  "timeInForce": "GTC",
  "type": "LIMIT",
  "side": "BUY",
  "time": 1551184037000,
  "updateTime": 1551184037000,
  "working": true
}
"""

CANCEL_ORDER = """\
{
  "symbol": "JEXBTC",
  "orderId": 75,
  "transactTime": 1551238738296,
  "price": "0.00001407",
  "origQty": "4",
  "executedQty": "0",
  "cummulativeQuoteQty": "0.00000000",
  "status": "CANCELED",
  "timeInForce": "GTC",
  "type": "LIMIT",
  "side": "BUY"
}
"""

OPEN_ORDERS = """\
[
  {
    "symbol": "JEXBTC",
    "orderId": "76",
    "price": "0.00001406",
    "origQty": "5.00000000",
    "executedQty": "0.00000000",
    "cummulativeQuoteQty": "0.00000000",
    "status": "NEW",
    "timeInForce": "GTC",
    "type": "LIMIT",
    "side": "BUY",
    "time": 1550659007000,
    "updateTime": 1550659007000,
    "working": true
  }
]
"""

ACCOUNT = """\
{
    "updateTime": 1523093528000,
    "contractBalances": [
        {
            "asset": "usdt",
            "canDeposit": false,
            "canTrade": true,
            "canWithdraw": false,
            "free": "8144.0412",
            "locked": "1855.3288"
        }
    ],
    "optionBalances": [
        {
            "asset": "BCXBTC01",
            "canDeposit": false,
            "canTrade": true,
            "canWithdraw": false,
            "free": "0",
            "locked": "0"
        }
    ],
    "spotBalances": [
        {
            "asset": "BTC",
            "canDeposit": true,
            "canTrade": true,
            "canWithdraw": false,
            "free": "999616.1363",
            "locked": "0.7219"
        }
    ]
}
"""

HISTORY_ORDERS = """\
[
  {
    "symbol": "JEXBTC",
    "orderId": "15",
    "price": "0.00001490",
    "origQty": "3.00000000",
    "executedQty": "3.00000000",
    "cummulativeQuoteQty": "0.00004470",
    "status": "FILLED",
    "timeInForce": "GTC",
    "type": "LIMIT",
    "side": "BUY",
    "time": 1550643800000,
    "updateTime": 1550644851000,
    "working": true
  }
]
"""

ASSET_DETAIL = """\
{
  "ADC": {
    "minWithdrawAmount": 0,
    "withdrawFee": "0",
    "depositStatus": true,
    "withdrawStatus": false
  },
  "ATT": {
    "minWithdrawAmount": 10,
    "withdrawFee": "[0.01]",
    "depositStatus": false,
    "withdrawStatus": false
  }
}
"""

DEPOSIT_ADDRESS = """\
{
  "address": "chongzhidizhichongzhidizhi",
  "asset": "BTC",
  "success": true
}
"""

DEPOSIT_HISTORY = """\
[
  {
    "insertTime": 1530096910000,
    "amount": 1,
    "asset": "BTC",
    "address": "chongzhidizhichongzhidizhi",
    "txId": "g3jrglkelmrioqnfmkcmxcmkllfemfkmfmseme",
    "status": 2
  },
  {
    "insertTime": 1530096910000,
    "amount": 1,
    "asset": "BTC",
    "address": "chongzhidizhichongzhidizhi",
    "txId": "gjrglkel4mrioqnfmkcmxcmkllfemfkmfmseme",
    "status": 2
  }
]
"""

TRADE_FEE = """\
[
  {
    "symbol": "DASHUSDT",
    "maker": -0.001,
    "taker": -0.001
  },
  {
    "symbol": "BTCUSDT",
    "maker": -0.1,
    "taker": -0.1
  }
]
"""

WITHDRAW_HISTORY = """\
{
  "withdrawRecordList": [
    {
      "id": "20F13F5291908F81",
      "amount": 1,
      "address": "swswsdgsdwesdfwsdw",
      "asset": "BTC",
      "txId": "g3jrglkelmrioqnfmkcmxcmkllfemfkmfmseme",
      "applyTime": 1551339300000,
      "status": 4
    },
    {
      "id": "AAEAAECD5F890E47",
      "amount": 1,
      "address": "swswsdgsdwesdfwsdw",
      "asset": "BTC",
      "txId": "g3jrglkelmrioqnfmkcmxcmkllfemfkmfmseme",
      "applyTime": 1551340680000,
      "status": 4
    }
  ],
  "success": true
}
"""

LISTEN_KEY = """\
{
  "listenKey": "pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf19v8a65a1"
}
"""

"""Stream frames as the exchange sends them (our own sample values), for the
decoding tests."""

from __future__ import annotations

TRADES = (
    b'[{"e":"spotTrade","E":1765100000100,"s":"BTCUSDT","t":501,"p":"43010.50","q":"0.0120",'
    b'"T":1765100000090,"m":true},'
    b'{"e":"spotTrade","E":1765100000100,"s":"BTCUSDT","t":502,"p":"43011.00","q":"0.5","T":1765100000095,"m":false}]'
)
KLINE = (
    b'{"e":"spotKline","E":1765100001000,"s":"ETHUSDT","k":{"t":1765099980000,"T":1765100039999,'
    b'"s":"ETHUSDT","i":"1m","o":"2250.10","c":"2251.35","h":"2252.00","l":"2249.90","v":"13.5","q":"30390.12"}}'
)
MINI_TICKER = (
    b'{"e":"24hrSpotMiniTicker","E":1765100001000,"s":"LTCBTC","c":"0.00123","h":"0.00130",'
    b'"o":"0.00120","l":"0.00119","v":"1520.3","q":"1.8701"}'
)
TICKER = (
    b'{"e":"24hrSpotTicker","E":1765100001000,"s":"BTCUSDT","p":"-120.50","P":"-0.279","c":"43010.50",'
    b'"h":"43500","l":"42800.1","v":"812.004","q":"34938211.7","O":1765013601000,"C":1765100001000}'
)
PARTIAL_DEPTH = b'{"bids":[["43010.00","0.500"],["43009.50","1.2"]],"asks":[["43011.00","0.25"],["43012.5","3"]]}'
DIFF_DEPTH = (
    b'{"e":"spotDepthUpdate","s":"BTCUSDT","v":90817,"b":[["43010.00","0.75"],["43008.00","0"]],"a":[["43011.00","0"]]}'
)
EXEC_REPORT = (
    b'{"E":1765100002000,"e":"execSpotReport","s":"BTCUSDT","S":"BUY","q":"0.100","p":"43000.00",'
    b'"X":"PARTIALLY_FILLED","i":"77001","z":"0.040","Z":"1720.0000","O":1765100000000}'
)
ACCOUNT_INFO = (
    b'{"e":"accountSpotInfo","E":1765100002001,"m":"0.001","t":"0.002","u":1765100002001,'
    b'"B":[{"a":"BTC","f":"1.04","l":"0","T":true,"W":true,"D":true},'
    b'{"a":"USDT","f":"8280.0000","l":"2580.0000","T":true,"W":false,"D":true}]}'
)


def combined(stream: str, payload: bytes) -> bytes:
    return b'{"stream":"' + stream.encode() + b'","data":' + payload + b"}"

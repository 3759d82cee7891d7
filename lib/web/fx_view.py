"""Foreign money on the pages (issue 25, the data side): the rate source, spending by currency, rate overrides.

The amounts here are written bare or with their code; how home money is formatted for the user's locale
is lib.core.money.format_money's job (the display side), so this module only decides what is shown.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import streamlit as st

from lib.core import fx
from lib.core.models import Transaction
from lib.rates import EcbRates, rates_from_settings
from lib.web import state
from lib.web.state import Context


def rates(ctx: Context) -> EcbRates:
    """The ECB history (FINANCE_FX_RATES_FILE, else the shipped one) plus the days the jobs tick stored after it.

    Cached per process (lib.rates.shared: one Query per 30 minutes), so a page rerun reads no file and no store.
    """
    return rates_from_settings(ctx.settings, ctx.store)


def foreign_table(txns: list[Transaction], home: str) -> pd.DataFrame:
    """Spending in other currencies: per currency, what was spent in it and in home money."""
    rows = fx.foreign_spending(txns)
    return pd.DataFrame({
        "Currency": [code for code, *_ in rows],
        "Spent in it": [f"{spent:,.2f} {code}" for code, spent, _, _ in rows],
        f"In {home or 'home money'}": [f"{home_amount:,.2f}" for _, _, home_amount, _ in rows],
        "Transactions": [n for *_, n in rows],
    })


def foreign_caption(txns: list[Transaction]) -> str:
    """One line on the rates behind the table: their source, and the days that used an earlier day's rate."""
    foreign = [t for t in txns if fx.is_foreign(t)]
    earlier = sum(1 for t in foreign if t.fx_date is not None and t.fx_date < t.date)
    mine = sum(1 for t in foreign if t.fx_source == fx.USER_SOURCE)
    text = "Converted at the European Central Bank's reference rate of each transaction's day"
    if earlier:
        text += f"; {earlier} had no rate on their day and use the last earlier one"
    if mine:
        text += f"; {mine} at a rate you set"
    return text + "."


def render_foreign_spending(ctx: Context, start: dt.date, end: dt.date) -> None:
    """The dashboard's "spent abroad" breakdown; nothing at all when every row is in home money."""
    from lib.web import views

    window = state.load_window(ctx, *views.load_range(start, end, ctx.today))
    shown = [t for t in window.transactions if start <= t.date <= end]
    table = foreign_table(shown, window.profile.currency)
    if table.empty:
        return
    st.subheader("Spent in other currencies")
    st.dataframe(table, hide_index=True)
    st.caption(foreign_caption(shown))


def edit_amount_text(txn: Transaction) -> str:
    """What the edit form shows as the amount: a foreign row's original with its code ("12.50 USD")."""
    if fx.is_foreign(txn):
        return f"{txn.original_amount} {txn.original_currency}"
    return f"{txn.amount:.2f}"


def priced_entry(ctx: Context, txn: Transaction, home: str, rate_text: str = "") -> Transaction:
    """A typed transaction in home money (its rate the user's when they typed one); ValidationError otherwise."""
    override: Decimal | None = fx.parse_rate(rate_text) if rate_text.strip() else None
    foreign = bool(home) and fx.spent(txn)[1] not in (None, home)
    # The ECB history is read (once per process) only when a row needs it, not for every home-money entry.
    return fx.price_transaction(txn, home, rates(ctx) if foreign else None, override=override)[0]


def rate_input(txn: Transaction) -> str:
    """The edit form's rate field for a foreign row ("" for home money: no field at all)."""
    if not fx.is_foreign(txn):
        return ""
    mine = txn.fx_source == fx.USER_SOURCE
    help_text = (f"1 {txn.original_currency} in {txn.currency}. Empty: the ECB's rate of the day "
                 f"(now {txn.fx_rate} from {txn.fx_date}, {txn.fx_source}).")
    return str(st.text_input("Rate (yours, optional)", value=str(txn.fx_rate) if mine else "", help=help_text))

"""The reader's money format on a page: the home currency in the browser's locale (issue 25)."""
from __future__ import annotations

import streamlit as st

from lib.core.money import BARE, MoneyFormat, clean_locale, money_format


def browser_locale() -> str:
    """The browser's language as a Babel locale ("de_DE"), or "" when it sent none or one Babel does not know."""
    return clean_locale(st.context.locale)


def page_money(currency: str, saved_locale: str = "", browser: str | None = None) -> MoneyFormat:
    """How this page writes amounts: bare figures until a home currency is picked (as before issue 25), then
    in the browser's locale, else the one saved on the profile, else en_US."""
    if not currency:
        return BARE
    return money_format(currency, (browser_locale() if browser is None else browser) or saved_locale)

"""Settings, "Home currency" (issue 25): the money every amount is added up in, and re-pricing into it.

Saving a new home currency saves the profile (version-checked), then re-prices every transaction at the
ECB's rate of its day (lib.rates.reprice: versioned writes, idempotent, resumable). What changed is said;
rows whose currency has no rate are named and left exactly as they were.
"""
from __future__ import annotations

import dataclasses
from collections import Counter

import streamlit as st

from lib.core.errors import ConflictError, FinanceError, StoreUnavailableError, ValidationError
from lib.core.fx import check_code, spent
from lib.core.models import Profile, Transaction
from lib.core.money import is_currency
from lib.core.plain import md_escape
from lib.jobs import manage
from lib.rates.reprice import reprice_user
from lib.web import fx_view, state

KEY = "set_home_currency"
COMMON = ("EUR", "USD", "GBP", "CHF", "JPY", "CAD", "AUD", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "RON",
          "SGD", "HKD", "NZD", "BRL", "MXN", "INR", "ZAR", "TRY", "ILS", "KRW", "CNY", "THB", "IDR", "MYR", "PHP")


def suggestion(txns: list[Transaction]) -> str | None:
    """The currency most of the user's rows were spent in (what their bank files say), if any."""
    counts = Counter(code for t in txns if (code := spent(t)[1]) and is_currency(code))
    return counts.most_common(1)[0][0] if counts else None


def options(profile: Profile, suggested: str | None, rates_codes: frozenset[str]) -> list[str]:
    """The codes offered: the user's own and the suggested first, then those the ECB quotes, then common ones."""
    first = [c for c in (profile.currency, suggested) if c]
    rest = sorted(set(rates_codes) | set(COMMON))
    return list(dict.fromkeys([*first, *[c for c in rest if is_currency(c)]]))


def render(ctx: state.Context, profile: Profile, txns: list[Transaction]) -> None:
    """The home-currency section: pick it (suggested from the imports), save, and re-price every row."""
    st.subheader("💱 Home currency")
    suggested = suggestion(txns)
    if profile.currency:
        st.caption(f"Every amount is added up in **{profile.currency}**. A transaction in another currency keeps "
                   "what was spent and is converted at the European Central Bank's rate of its day.")
    else:
        hint = f" Your transactions are mostly in **{suggested}**." if suggested else ""
        st.caption("No home currency picked: amounts are added up as written, whatever their currency." + hint)
    for message in st.session_state.pop("currency_flash", []):
        st.success(md_escape(message))
    rates = fx_view.rates(ctx)
    codes = options(profile, suggested, rates.currencies)
    with st.form("home_currency"):
        default = profile.currency or suggested
        picked = st.selectbox("Home currency", codes, index=codes.index(default) if default in codes else None,
                              key=KEY, placeholder="Choose, e.g. EUR", accept_new_options=True,
                              help="ISO 4217 code. Changing it re-prices every transaction; originals are kept.")
        err = st.empty()
        save = st.form_submit_button("Save and re-price")
    again = bool(profile.currency) and st.button("Re-price again", key="currency_reprice",
                                                 help="Finishes a re-pricing that was cut short; changes nothing "
                                                      "when every row is already priced.")
    if not save and not again:
        return
    try:
        code = check_code(picked) if save else profile.currency
        saved = profile
        if code != profile.currency:
            saved = manage.save_profile(ctx.store, dataclasses.replace(profile, currency=code))
            state.mark_changed(ctx.user_id)
        bar = st.progress(0.0, text="Re-pricing…")

        def progress(n: int, total: int) -> None:
            bar.progress(n / max(total, 1), text=f"{n}/{total} re-priced")

        report = reprice_user(ctx.store, ctx.user_id, code, rates, progress=progress)
    except ValidationError as exc:
        for reason in exc.errors.values():
            err.error(md_escape(reason), icon="✋")
        st.error("Nothing was saved: fix the field marked above.")
        return
    except ConflictError as exc:
        state.mark_changed(ctx.user_id)
        st.warning(md_escape(f"{exc} Nothing was lost: look at the values again and save once more."), icon="⚠️")
        return
    except StoreUnavailableError as exc:
        state.mark_changed(ctx.user_id)
        st.error(md_escape(f"Could not finish: {exc} Nothing was lost: press Re-price again to finish."), icon="🛑")
        return
    except FinanceError as exc:
        st.error(md_escape(f"Could not save the home currency: {exc}"), icon="🛑")
        return
    state.mark_changed(ctx.user_id)
    st.session_state["settings_reset"] = saved
    st.session_state["currency_flash"] = report.lines()
    st.rerun()

"""Issue 25: an OFX row with <ORIGCURRENCY> keeps the bank's original amount and currency (TRNAMT / CURRATE in
CURSYM) and the bank's rate, with both OFX readers; in the currency the bank booked it in, the booked amount stays
(re-pricing does not replace the bank's rate by the ECB's); in another home currency the original is priced."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine

from lib.core import fx
from lib.core.models import Profile
from lib.ingest import import_file
from lib.ingest.ofx import parse_ofx
from lib.rates.ecb import load
from lib.rates.reprice import reprice_user
from lib.store.sqlite import SQLiteStore
from tests.unit.test_fx_import import OFX

D = Decimal
# The same file with the ledger balance the specification requires (ofxtools reads it), and with a comment
# (ofxtools is skipped and our lenient reader reads it).
STRICT = OFX.replace("</BANKTRANLIST>", "</BANKTRANLIST><LEDGERBAL><BALAMT>0<DTASOF>20261030</LEDGERBAL>").replace(
    "<OFX>", "<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20261030<LANGUAGE>ENG"
             "</SONRS></SIGNONMSGSRSV1>")
LENIENT = OFX.replace("<BANKTRANLIST>", "<!-- exported by a bank --><BANKTRANLIST>")


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 11, 15, 12, tzinfo=dt.UTC), tick=False):
        yield


def _store(tmp_path: Path, home: str) -> SQLiteStore:
    s = SQLiteStore(tmp_path / f"{home}.db")
    s.init()
    s.save_profile(replace(Profile.default("ann"), currency=home))
    return s


def _cafe(store: SQLiteStore) -> Any:
    rows = store.list_transactions("ann", dt.date(2026, 10, 1), dt.date(2026, 11, 15))
    return next(t for t in rows if t.description == "PARIS CAFE")


@pytest.mark.parametrize("text", [STRICT, LENIENT], ids=["ofxtools", "lenient"])
def test_both_readers_read_the_banks_original(text: str) -> None:
    parsed = parse_ofx(text.encode(), today=dt.date(2026, 11, 15))
    assert parsed.detected["reader"] == ("lenient" if "<!--" in text else "ofxtools")
    rows = {r.description: r for r in parsed.rows}
    assert (rows["PARIS CAFE"].amount, rows["PARIS CAFE"].currency) == (D("15.00"), "GBP")
    assert rows["PARIS CAFE"].original == (D("17.24"), "EUR", D("0.87"))  # 15.00 / 0.87 = 17.2413..., half-even
    assert rows["PUB"].original is None and rows["NYC SHOP"].original is None


def test_at_home_in_the_booked_currency_the_bank_amount_and_its_original_stay(tmp_path: Path) -> None:
    store = _store(tmp_path, "GBP")
    assert import_file(store, "ann", LENIENT.encode(), "gb.ofx", rates=load("")).imported == 3
    cafe = _cafe(store)
    assert (cafe.amount, cafe.currency) == (D("15.00"), "GBP")
    assert (cafe.original_amount, cafe.original_currency, cafe.fx_rate, cafe.fx_date, cafe.fx_source) == (
        D("17.24"), "EUR", D("0.87"), dt.date(2026, 10, 29), fx.BANK_SOURCE)
    assert reprice_user(store, "ann", "GBP", load("")).changed == 0  # the ECB's rate does not replace the bank's
    assert _cafe(store) == cafe
    # A new home currency: the original EUR is priced at the ECB's rate; moving back to EUR makes it home money.
    reprice_user(store, "ann", "USD", load(""))
    moved = _cafe(store)
    assert (moved.currency, moved.original_amount, moved.original_currency, moved.fx_source) == (
        "USD", D("17.24"), "EUR", "ECB")
    reprice_user(store, "ann", "EUR", load(""))
    assert (_cafe(store).amount, _cafe(store).currency, _cafe(store).original_currency) == (D("17.24"), "EUR", None)
    store.close()


def test_without_a_home_currency_the_row_is_kept_as_booked_with_the_banks_original(tmp_path: Path) -> None:
    store = _store(tmp_path, "")
    import_file(store, "ann", OFX.encode(), "gb.ofx", rates=load(""))
    cafe = _cafe(store)
    assert (cafe.amount, cafe.currency, cafe.original_amount, cafe.original_currency) == (
        D("15.00"), "GBP", D("17.24"), "EUR")
    store.close()

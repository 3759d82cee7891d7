"""Imports as batches on the real SQLite store: undo, re-map replaces, same mapping adds nothing,
remembered mappings, category rules, an ambiguous sign never written, a partial failure resumed."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine

from lib.core.errors import StoreUnavailableError, ValidationError
from lib.core.models import validate_transaction
from lib.ingest import (
    ImportOptions,
    always_for_merchant,
    import_file,
    import_rows,
    merchant_key,
    parse_file,
    prepare,
    undo_import,
)
from lib.store.sqlite import SQLiteStore

D = Decimal
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
NOV = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2027, 1, 15, 12, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    s = SQLiteStore(tmp_path / "batches.db")
    s.init()
    yield s
    s.close()


def stored(store: SQLiteStore, user: str = "ann") -> list[tuple[int, Decimal, str]]:
    return sorted((t.date.day, t.amount, t.description) for t in store.list_transactions(user, *NOV))


POSITIVE = (FIXTURES / "all_positive_no_direction.csv").read_bytes()


def test_an_ambiguous_file_is_never_written_with_a_guessed_sign(store: SQLiteStore) -> None:
    parsed, _ = prepare(store, "ann", POSITIVE, "card.csv")
    assert parsed.sign_question is not None
    with pytest.raises(ValidationError, match="spending"):
        import_rows(store, "ann", parsed)
    assert stored(store) == []


def test_reimport_with_a_corrected_sign_replaces_that_imports_rows(store: SQLiteStore) -> None:
    first = import_file(store, "ann", POSITIVE, "card.csv", ImportOptions(sign="bank"))
    assert (first.imported, first.replaced) == (4, 0)
    assert stored(store)[0] == (2, D("-12.40"), "Corner Shop")
    again = import_file(store, "ann", POSITIVE, "card.csv", ImportOptions(sign="bank"))
    assert (again.imported, again.duplicates) == (0, 4), "the same file with the same mapping adds nothing"

    fixed = import_file(store, "ann", POSITIVE, "card.csv", ImportOptions(sign="spending"))
    assert (fixed.imported, fixed.replaced) == (4, 4)
    assert stored(store) == [
        (2, D("12.40"), "Corner Shop"), (5, D("3500.00"), "Acme Payroll"), (7, D("14.00"), "Cinema"),
        (9, D("22.90"), "Bookshop")], "no row is stored both as +x and -x"
    [batch] = store.list_import_batches("ann")
    assert (batch.file_name, batch.rows_added, batch.settings["sign"]) == ("card.csv", 4, "spending")


def test_undo_removes_exactly_that_imports_rows(store: SQLiteStore) -> None:
    store.add_transaction(validate_transaction("ann", dt.date(2026, 11, 3), "9.99", "Other", "typed by hand"))
    ofx = import_file(store, "ann", (FIXTURES / "checking_ofx1_sgml.ofx").read_bytes(), "bank.ofx")
    qif = import_file(store, "ann", (FIXTURES / "quicken_bank.qif").read_bytes(), "bank.qif")
    assert (ofx.imported, qif.imported) == (5, 4)
    assert undo_import(store, "ann", str(ofx.batch_id)) == 5
    left = {d for _, _, d in stored(store)}
    assert "typed by hand" in left and "STARBUCKS" in left and "STARBUCKS STORE 1234" not in left
    assert [b.file_name for b in store.list_import_batches("ann")] == ["bank.qif"]
    with pytest.raises(ValidationError):
        undo_import(store, "ann", str(ofx.batch_id))


def test_ofx_fitids_deduplicate_and_two_identical_coffees_stay_two(store: SQLiteStore) -> None:
    data = (FIXTURES / "checking_ofx1_sgml.ofx").read_bytes()
    assert import_file(store, "ann", data, "a.ofx").imported == 5
    coffees = [t for t in store.list_transactions("ann", *NOV) if t.description == "STARBUCKS STORE 1234"]
    assert len(coffees) == 2
    # The next month's download overlaps: same FITIDs, a memo the bank reworded, one new row.
    later = data.replace(b"<MEMO>RETURN", b"<MEMO>RETURN ITEM").replace(
        b"</BANKTRANLIST>", b"<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20261128<TRNAMT>-8.00<FITID>202611280001"
                            b"<NAME>BAGEL SHOP</STMTTRN>\r\n</BANKTRANLIST>")
    report = import_file(store, "ann", later, "b.ofx")
    assert (report.imported, report.duplicates) == (1, 5)


def test_the_confirmed_mapping_is_remembered_for_next_months_export(store: SQLiteStore) -> None:
    import_file(store, "ann", POSITIVE, "nov.csv", ImportOptions(sign="spending"))
    december = POSITIVE.replace(b"2026-11", b"2026-12")
    parsed, used = prepare(store, "ann", december, "dec.csv")
    assert parsed.sign_question is None and parsed.detected["remembered"] is True
    assert used.sign == "spending"
    assert import_rows(store, "ann", parsed, options=used).imported == 4
    assert prepare(store, "bob", december, "dec.csv")[0].sign_question is not None, "remembered per user"


def test_bank_categories_win_otherwise_the_users_rule_applies(store: SQLiteStore) -> None:
    store.add_transaction(validate_transaction("ann", dt.date(2026, 10, 2), "3.10", "Other", "CB CARREFOUR 01/10"))
    changed = always_for_merchant(store, "ann", "CB CARREFOUR 14/11", "Groceries")
    assert changed == 1, "matching existing rows are re-filed"
    assert [t.category for t in store.list_transactions("ann", dt.date(2026, 10, 1), dt.date(2026, 10, 31))] == [
        "Groceries"]
    data = (b"Date,Description,Amount,Category\n2026-11-03,CB CARREFOUR 03/11,-20.00,\n"
            b"2026-11-04,CB CARREFOUR 04/11,-5.00,Household\n2026-11-05,KIOSK,-1.00,\n")
    import_file(store, "ann", data, "x.csv")
    cats = {t.description: t.category for t in store.list_transactions("ann", *NOV)}
    assert cats == {"CB CARREFOUR 03/11": "Groceries", "CB CARREFOUR 04/11": "Household", "KIOSK": "Other"}
    assert merchant_key("CB CARREFOUR 14/11") == merchant_key("cb  Carrefour 01/10") == "cb carrefour"


def test_a_partial_failure_is_recorded_and_running_the_import_again_resumes(
    store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = ["Date,Description,Amount"] + [f"2026-11-{1 + i % 28:02d},Shop {i},-{i + 1}.00" for i in range(60)]
    data = "\n".join(lines).encode()
    real = store.put_transactions

    def fail_after_two_batches(txns, progress=None):  # type: ignore[no-untyped-def]
        txns = list(txns)
        written = real(txns[:50], progress)
        error = StoreUnavailableError("the store went away")
        error.written = written  # type: ignore[attr-defined]
        raise error

    monkeypatch.setattr(store, "put_transactions", fail_after_two_batches)
    with pytest.raises(StoreUnavailableError):
        import_file(store, "ann", data, "big.csv")
    [batch] = store.list_import_batches("ann")
    assert (batch.status, batch.rows_added) == ("partial", 50)
    monkeypatch.setattr(store, "put_transactions", real)
    report = import_file(store, "ann", data, "big.csv")
    assert (report.imported, report.duplicates) == (10, 50)
    assert len(store.list_transactions("ann", *NOV)) == 60
    [batch] = store.list_import_batches("ann")
    assert (batch.status, batch.rows_added) == ("complete", 60)


def test_the_batch_record_says_which_days_the_import_covers(store: SQLiteStore) -> None:
    import_file(store, "ann", (FIXTURES / "statement_camt053.xml").read_bytes(), "camt.xml")
    [batch] = store.list_import_batches("ann")
    assert (batch.covered_from, batch.covered_through) == (dt.date(2026, 11, 3), dt.date(2026, 11, 27))
    assert (batch.file_format, batch.rows_in_file, batch.rows_added) == ("camt", 4, 4)


def test_parse_file_refuses_an_empty_or_unknown_xml_file() -> None:
    with pytest.raises(ValidationError):
        parse_file(b"   ")
    with pytest.raises(ValidationError, match="neither"):
        parse_file(b"<?xml version='1.0'?><svg></svg>")


def test_a_statements_end_date_is_a_known_day_even_after_its_last_row(store: SQLiteStore) -> None:
    import datetime as _dt

    from lib.core import clock

    end = clock.today() - _dt.timedelta(days=2)
    row = end - _dt.timedelta(days=5)
    data = (f"<OFX><STMTRS><CURDEF>EUR<BANKACCTFROM><ACCTID>7</BANKACCTFROM><BANKTRANLIST><DTEND>{end:%Y%m%d}"
            f"<STMTTRN><DTPOSTED>{row:%Y%m%d}<TRNAMT>-3.00<FITID>X<NAME>Cafe</STMTTRN></BANKTRANLIST></STMTRS>"
            "</OFX>").encode()
    report = import_rows(store, "ann", parse_file(data, "s.ofx"), file_name="s.ofx")
    assert report.imported == 1
    [batch] = store.list_import_batches("ann")
    assert (batch.covered_from, batch.covered_through) == (row, end)
    assert store.load_window("ann", row, clock.today()).checkin == end  # known through the statement's end


def test_an_answered_date_order_is_remembered_for_next_months_export_and_never_imported_unanswered(
        store: SQLiteStore) -> None:
    from lib.ingest import ImportOptions, prepare

    march = b"Date,Merchant,Amount\n03/04/2026,Corner Shop,-12.40\n05/04/2026,Bakery,-3.10\n"
    asked, _ = prepare(store, "ann", march, "a.csv")
    assert asked.date_question is not None
    with pytest.raises(ValidationError, match="day/month or month/day"):
        import_rows(store, "ann", asked, file_name="a.csv")
    told, used = prepare(store, "ann", march, "a.csv", ImportOptions(dates="mdy"))
    assert import_rows(store, "ann", told, file_name="a.csv", options=used).imported == 2
    april = b"Date,Merchant,Amount\n04/06/2026,Corner Shop,-9.90\n04/08/2026,Bakery,-2.10\n"
    again, _ = prepare(store, "ann", april, "b.csv")
    assert again.date_question is None and again.detected.get("remembered")
    assert [r.date for r in again.rows] == [dt.date(2026, 4, 6), dt.date(2026, 4, 8)]

"""Transactions page, import tab: an OFX file through the uploader, the sign question, changing a column's
role, undoing an import, and "always for this merchant"."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from lib.core import clock
from lib.store.sqlite import SQLiteStore
from tests.app.conftest import shown

TODAY = clock.today()


def _day(ago: int) -> dt.date:
    return TODAY - dt.timedelta(days=ago)


def _stored(store_path, user: str = "demo"):
    return SQLiteStore(store_path).list_transactions(user, _day(400), TODAY)


def ofx_file() -> bytes:
    """A small OFX 1.x statement dated in the last days (so the page's window shows it)."""
    rows = [(1, "-4.50", "F1", "CORNER CAFE"), (1, "-4.50", "F2", "CORNER CAFE"), (2, "2500.00", "F3", "ACME PAYROLL"),
            (3, "-61.20", "F4", "FUEL STATION 12")]
    body = "".join(
        f"<STMTTRN><TRNTYPE>OTHER<DTPOSTED>{_day(ago):%Y%m%d}<TRNAMT>{amt}<FITID>{fid}<NAME>{name}</STMTTRN>\n"
        for ago, amt, fid, name in rows)
    return ("OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\nCHARSET:1252\n"
            "COMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO"
            "</STATUS><DTSERVER>20200101<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1><BANKMSGSRSV1><STMTTRNRS><TRNUID>1"
            "<STATUS><CODE>0<SEVERITY>INFO</STATUS><STMTRS><CURDEF>EUR<BANKACCTFROM><BANKID>1<ACCTID>42"
            "<ACCTTYPE>CHECKING</BANKACCTFROM><BANKTRANLIST><DTSTART>20200101<DTEND>20991231\n"
            f"{body}</BANKTRANLIST><LEDGERBAL><BALAMT>0<DTASOF>20200101</LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n").encode()


def _import_button(at):
    return [b for b in at.button if b.label.startswith("Import ")]


def test_an_ofx_file_imports_through_the_uploader_and_the_import_can_be_undone(make_app, store, store_path) -> None:
    at = make_app("transactions").run()
    at.file_uploader(key="import_file_0").set_value(("statement.ofx", ofx_file(), "application/x-ofx")).run()
    assert not at.exception
    [table] = [d.value for d in at.dataframe if list(d.value.columns) == ["Detected", "Value"]]
    detected = dict(zip(table["Detected"], table["Value"], strict=True))
    assert detected["Format"].startswith("OFX / QFX 1.x")
    assert list(at.dataframe[-1].value["Amount"]) == ["4.50", "4.50", "-2500.00", "61.20"]
    [go] = _import_button(at)
    go.click().run()
    assert not at.exception
    assert [shown(s.value) for s in at.success] == ["Imported 4, duplicates skipped 0, rejected 0."]
    assert sorted(t.amount for t in _stored(store_path)) == [Decimal("-2500.00"), Decimal("4.50"), Decimal("4.50"),
                                                             Decimal("61.20")]
    # The same file again adds nothing.
    at.file_uploader(key="import_file_1").set_value(("statement.ofx", ofx_file(), "application/x-ofx")).run()
    _import_button(at)[0].click().run()
    assert [shown(s.value) for s in at.success] == ["Imported 0, duplicates skipped 4, rejected 0."]

    assert at.selectbox(key="undo_pick").value
    at.button(key="undo_import").click().run()
    assert not at.exception
    said = [shown(s.value) for s in at.success]
    assert any(s.startswith("Undid the import of statement.ofx") and "removed 4" in s for s in said), said
    assert _stored(store_path) == []


def _all_positive() -> bytes:
    lines = ["Date,Merchant,Amount"] + [f"{_day(ago).isoformat()},{name},{amt}" for ago, name, amt in
                                        [(1, "Corner Shop", "12.40"), (2, "Acme Payroll", "3500.00"),
                                         (3, "Cinema", "14.00")]]
    return "\n".join(lines).encode()


def test_a_file_that_does_not_tell_the_direction_asks_before_anything_is_imported(make_app, store, store_path) -> None:
    at = make_app("transactions").run()
    at.file_uploader(key="import_file_0").set_value(("card.csv", _all_positive(), "text/csv")).run()
    assert not at.exception
    assert any("does not tell which amounts are spending" in shown(w.value) for w in at.warning)
    [evidence] = [d.value for d in at.dataframe if "If positive is spending" in d.value.columns]
    assert "Acme Payroll" in list(evidence["Description"])
    [go] = _import_button(at)
    assert go.disabled, "no import with a guessed sign"

    [question] = [r for r in at.radio if r.label == "In this file, positive amounts are"]
    question.set_value("spending (money out)").run()
    assert not at.exception
    assert not any("does not tell" in shown(w.value) for w in at.warning)
    [go] = _import_button(at)
    assert not go.disabled
    go.click().run()
    assert [shown(s.value) for s in at.success] == ["Imported 3, duplicates skipped 0, rejected 0."]
    assert {t.description: t.amount for t in _stored(store_path)}["Acme Payroll"] == Decimal("3500.00")

    # Next month's export of the same layout imports in one step: the answer was remembered.
    later = _all_positive().replace(b"Cinema", b"Theatre")
    at.file_uploader(key="import_file_1").set_value(("card2.csv", later, "text/csv")).run()
    assert not any("does not tell" in shown(w.value) for w in at.warning)
    assert not _import_button(at)[0].disabled


def test_the_user_can_change_a_columns_role_before_importing(make_app, store) -> None:
    data = "\n".join(["Date,Code,Shop,Amount"] + [f"{_day(i).isoformat()},K{i},Shop {i},-{i + 1}.00" for i in
                                                   range(1, 4)]).encode()
    at = make_app("transactions").run()
    at.file_uploader(key="import_file_0").set_value(("x.csv", data, "text/csv")).run()
    assert list(at.dataframe[-1].value["Description"]) == ["Shop 1", "Shop 2", "Shop 3"]
    [code] = [s for s in at.selectbox if s.label == "Code"]
    [shop] = [s for s in at.selectbox if s.label == "Shop"]
    code.set_value("description")
    shop.set_value("—")
    [apply] = [b for b in at.button if b.label == "Read the file with these roles"]
    apply.click().run()
    assert not at.exception
    assert list(at.dataframe[-1].value["Description"]) == ["K1", "K2", "K3"]


def test_always_for_this_merchant_refiles_existing_rows_and_future_imports(make_app, store, store_path) -> None:
    at = make_app("transactions").run()
    at.file_uploader(key="import_file_0").set_value(("statement.ofx", ofx_file(), "application/x-ofx")).run()
    _import_button(at)[0].click().run()
    at.selectbox(key="rule_merchant").set_value("FUEL STATION 12")
    at.selectbox(key="rule_category").set_value("Transport")
    at.button(key="rule_save").click().run()
    assert not at.exception
    said = [shown(s.value) for s in at.success]
    assert any(s.startswith("“fuel station” is Transport from now on; 1 existing rows") for s in said), said
    assert {t.description: t.category for t in _stored(store_path)}["FUEL STATION 12"] == "Transport"
    assert [r.merchant for r in SQLiteStore(store_path).list_category_rules("demo")] == ["fuel station"]


def _both_ways_days() -> list[dt.date]:
    """Two recent past days whose day and month are both 12 or less and differ (so they read both ways)."""
    found: list[dt.date] = []
    ago = 1
    while len(found) < 2:
        day = _day(ago)
        if day.day <= 12 and day.day != day.month:
            found.append(day)
        ago += 1
    return found


def test_dates_that_read_both_ways_are_asked_with_the_deciding_rows_before_importing(make_app, store,
                                                                                      store_path) -> None:
    first, second = _both_ways_days()
    data = f"Date,Merchant,Amount\n{first:%d/%m/%Y},Corner Shop,-12.40\n{second:%d/%m/%Y},Cinema,-14.00\n".encode()
    at = make_app("transactions").run()
    at.file_uploader(key="import_file_0").set_value(("plain.csv", data, "text/csv")).run()
    assert not at.exception
    assert any("day/month or month/day" in shown(w.value) for w in at.warning)
    [evidence] = [d.value for d in at.dataframe if "If day/month (dmy)" in d.value.columns]
    assert list(evidence["As written"]) == [f"{first:%d/%m/%Y}", f"{second:%d/%m/%Y}"]
    assert _import_button(at)[0].disabled, "no import with a guessed date"

    [question] = [r for r in at.radio if r.label == "In this file, 03/04 is"]
    question.set_value("day/month (3 April)").run()
    assert not at.exception
    assert not any("day/month or month/day" in shown(w.value) for w in at.warning)
    [go] = _import_button(at)
    assert not go.disabled
    go.click().run()
    assert [shown(s.value) for s in at.success] == ["Imported 2, duplicates skipped 0, rejected 0."]
    assert sorted(t.date for t in _stored(store_path)) == sorted([first, second])


def test_a_mixed_qif_imports_its_bank_section_and_names_what_it_skipped(make_app, store, store_path) -> None:
    day = _day(2)
    quicken = f"{day.month}/{day.day:2d}'{day:%y}"  # Quicken's US form: month first
    data = (f"!Type:Bank\nD{quicken}\nT-4.50\nPCorner Cafe\n^\n!Type:Invst\nD{quicken}\nNBuy\nYACME\n"
            "T50.00\n^\n").encode()
    at = make_app("transactions").run()
    at.file_uploader(key="import_file_0").set_value(("mixed.qif", data, "application/qif")).run()
    assert not at.exception
    assert any("skipped 1 record of the investment account section" in shown(c.value) for c in at.caption)
    _import_button(at)[0].click().run()
    assert [shown(s.value) for s in at.success] == ["Imported 1, duplicates skipped 0, rejected 0."]

"""The command line as a user runs it: `python -m lib ...` in a subprocess on a real SQLite file."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lib.core import clock

REPO = Path(__file__).resolve().parents[2]

# A German bank's export: junk lines, semicolons, decimal comma, day-first dates, Latin-1, one bad row.
GERMAN = (
    "Kontoauszug Girokonto\n"
    "IBAN;DE02 1203 0000 0000 2020 51\n"
    "\n"
    "Buchungstag;Verwendungszweck;Betrag;Währung\n"
    "02.11.2026;REWE Markt Köln;-23,45;EUR\n"
    "02.11.2026;Café Extrablatt;-4,20;EUR\n"
    "03.11.2026;Gehalt November;2.500,00;EUR\n"
    "04.11.2026;Rückerstattung Zalando;15,99;EUR\n"
    "31.02.2026;Kaputte Zeile;-1,00;EUR\n"
    "05.11.2026;Deutsche Bahn;-1.234,56;EUR\n"
).encode("latin-1")


def run(tmp_path: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FINANCE_STORE": f"sqlite:///{tmp_path / 'cli.db'}"}
    proc = subprocess.run([sys.executable, "-m", "lib", *args], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120)
    if ok:
        assert proc.returncode == 0, proc.stderr
    return proc


def test_import_of_a_messy_bank_export_keeps_good_rows_reports_the_bad_one_and_reimport_adds_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "konto.csv"
    path.write_bytes(GERMAN)
    run(tmp_path, "init")
    first = run(tmp_path, "import-csv", str(path), "--user", "ann")
    assert "imported 5, duplicates skipped 0, rejected 1" in first.stdout
    assert "line 9:" in first.stderr  # the 31.02. row, by its line in the file
    assert "detected delimiter: semicolon (;)" in first.stderr
    assert "detected decimal mark: comma (1.234,56)" in first.stderr
    second = run(tmp_path, "import-csv", str(path), "--user", "ann")
    assert "imported 0, duplicates skipped 5, rejected 1" in second.stdout

    rows = list(csv.DictReader(io.StringIO(run(tmp_path, "export", "--user", "ann", "--format", "csv").stdout)))
    amounts = {r["description"]: r["amount"] for r in rows}
    assert amounts == {
        "REWE Markt Köln": "23.45", "Café Extrablatt": "4.20", "Gehalt November": "-2500.00",
        "Rückerstattung Zalando": "-15.99", "Deutsche Bahn": "1234.56",
    }


def test_demo_export_json_and_delete_user(tmp_path: Path) -> None:
    run(tmp_path, "init")
    out = run(tmp_path, "demo", "--user", "zoe", "--days", "30", "--name", "Zoe")
    assert "demo user 'zoe'" in out.stdout
    again = run(tmp_path, "demo", "--user", "zoe", "--if-empty")
    assert "already has data" in again.stdout
    doc = json.loads(run(tmp_path, "export", "--user", "zoe", "--format", "json").stdout)
    assert doc["profile"]["display_name"] == "Zoe"
    assert doc["profile"]["transaction_date"] == "PROFILE#zoe"
    assert len(doc["transactions"]) >= 30
    assert all(t["transaction_date"][:10] <= t["transaction_date"] for t in doc["transactions"])
    out_file = tmp_path / "zoe.json"
    run(tmp_path, "export", "--user", "zoe", "--format", "json", "--out", str(out_file))
    assert json.loads(out_file.read_text()) == doc

    deleted = run(tmp_path, "delete-user", "zoe")
    assert f"deleted {len(doc['transactions']) + 1} items" in deleted.stdout
    assert json.loads(run(tmp_path, "export", "--user", "zoe", "--format", "json").stdout)["transactions"] == []


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["import-csv", "does-not-exist.csv", "--user", "ann"], "No such file"),
        (["import-csv", "{csv}", "--user", "ann", "--columns", "nonsense"], "columns"),
    ],
)
def test_errors_exit_non_zero_with_one_line(tmp_path: Path, args: list[str], reason: str) -> None:
    path = tmp_path / "k.csv"
    path.write_bytes(GERMAN)
    proc = run(tmp_path, *[a.replace("{csv}", str(path)) for a in args], ok=False)
    assert proc.returncode != 0
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and reason in lines[0], proc.stderr


def test_a_bad_store_url_is_refused_in_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "FINANCE_STORE": "postgres://nope"}
    proc = subprocess.run([sys.executable, "-m", "lib", "init"], cwd=REPO, env=env, capture_output=True, text=True)
    assert proc.returncode != 0
    assert proc.stderr.count("\n") == 1 and "sqlite:///" in proc.stderr


def _recent(ago: int) -> str:
    import datetime as dt

    return (clock.today() - dt.timedelta(days=ago)).isoformat()


def test_import_help_lists_the_column_roles(tmp_path: Path) -> None:
    text = run(tmp_path, "import", "--help").stdout
    for role in ("date", "amount", "debit", "credit", "direction", "description", "category", "currency"):
        assert f"  {role} " in text, role
    assert "OFX" in text and "QIF" in text and "CAMT" in text


def test_a_file_whose_direction_is_unknown_is_refused_naming_sign_and_imported_once_told(tmp_path: Path) -> None:
    path = tmp_path / "card.csv"
    path.write_text(f"Date,Merchant,Amount\n{_recent(1)},Corner Shop,12.40\n{_recent(2)},Acme Payroll,3500.00\n")
    refused = run(tmp_path, "import", str(path), "--user", "ann", ok=False)
    assert refused.returncode == 2
    lines = [line for line in refused.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "--sign" in lines[0], refused.stderr
    assert "user 'ann' has no imports" in run(tmp_path, "imports", "--user", "ann").stdout

    told = run(tmp_path, "import", str(path), "--user", "ann", "--sign", "spending")
    assert "imported 2, duplicates skipped 0, rejected 0" in told.stdout
    fixed = run(tmp_path, "import", str(path), "--user", "ann", "--sign", "bank")
    assert "imported 2, duplicates skipped 0, rejected 0, replaced 2 rows of the earlier import" in fixed.stdout
    out = json.loads(run(tmp_path, "export", "--user", "ann").stdout)
    assert sorted(t["amount"] for t in out["transactions"]) == ["-12.40", "-3500.00"]


def test_an_ofx_file_imports_through_the_same_command_and_can_be_undone(tmp_path: Path) -> None:
    day = _recent(1).replace("-", "")
    ofx = ("OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\nCHARSET:1252\n"
           "COMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0"
           "<SEVERITY>INFO</STATUS><DTSERVER>20200101<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1><BANKMSGSRSV1>"
           "<STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS><STMTRS><CURDEF>EUR<BANKACCTFROM><BANKID>1"
           "<ACCTID>42<ACCTTYPE>CHECKING</BANKACCTFROM><BANKTRANLIST><DTSTART>20200101<DTEND>20991231\n"
           f"<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>{day}<TRNAMT>-4.50<FITID>A1<NAME>CAFE</STMTTRN>\n"
           f"<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>{day}<TRNAMT>900.00<FITID>A2<NAME>SALARY</STMTTRN>\n"
           "</BANKTRANLIST><LEDGERBAL><BALAMT>0<DTASOF>20200101</LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1>"
           "</OFX>\n")
    path = tmp_path / "statement.qfx"
    path.write_text(ofx)
    first = run(tmp_path, "import", str(path), "--user", "ann")
    assert "imported 2, duplicates skipped 0, rejected 0" in first.stdout
    assert "detected format: OFX / QFX 1.x (SGML)" in first.stderr
    assert "imported 0, duplicates skipped 2" in run(tmp_path, "import-csv", str(path), "--user", "ann").stdout
    [line] = run(tmp_path, "imports", "--user", "ann").stdout.splitlines()
    batch = line.split()[0]
    assert "statement.qfx" in line and "2 rows" in line
    assert "deleted 2 transactions" in run(tmp_path, "undo-import", batch, "--user", "ann").stdout
    assert json.loads(run(tmp_path, "export", "--user", "ann").stdout)["transactions"] == []


def test_dates_that_read_both_ways_are_refused_naming_dates_and_imported_once_told(tmp_path: Path) -> None:
    day = clock.today() - dt.timedelta(days=40)
    first = day.replace(day=3)
    other = first.replace(day=5) if first.month != 5 else first.replace(day=6)
    path = tmp_path / "plain.csv"
    path.write_text(f"Date,Merchant,Amount\n{first:%m/%d/%Y},Corner Shop,-12.40\n{other:%m/%d/%Y},Bakery,-3.10\n")
    refused = run(tmp_path, "import", str(path), "--user", "ann", ok=False)
    assert refused.returncode == 2
    lines = [line for line in refused.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "--dates dmy" in lines[0] and "--dates mdy" in lines[0], refused.stderr
    told = run(tmp_path, "import", str(path), "--user", "ann", "--dates", "mdy")
    assert "imported 2, duplicates skipped 0, rejected 0" in told.stdout
    out = json.loads(run(tmp_path, "export", "--user", "ann").stdout)
    assert sorted(str(t["transaction_date"])[:10] for t in out["transactions"]) == sorted([first.isoformat(),
                                                                                   other.isoformat()])


def test_an_ofx_the_strict_reader_refuses_is_imported_with_its_statement_end(tmp_path: Path) -> None:
    path = tmp_path / "noheader.ofx"
    day = clock.today() - dt.timedelta(days=3)
    path.write_text(f"<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>USD<BANKACCTFROM><BANKID>X1<ACCTID>9"
                    f"</BANKACCTFROM><BANKTRANLIST><DTSTART>{day:%Y%m%d}<DTEND>{day:%Y%m%d}235959[-5:EST]"
                    f"<STMTTRN><TRNAMT>-4.50<NAME>Corner Cafe<DTPOSTED>{day:%Y%m%d}230000[-5:EST]<FITID>A1"
                    "</STMTTRN></BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n")
    done = run(tmp_path, "import", str(path), "--user", "ann")
    assert "imported 1, duplicates skipped 0, rejected 0" in done.stdout
    assert f"{day}..{day}" in run(tmp_path, "imports", "--user", "ann").stdout

"""The command line as a user runs it: `python -m lib ...` in a subprocess on a real SQLite file."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

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

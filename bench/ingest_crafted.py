"""The crafted files of issue 19, built in memory, and their cost through `python -m lib import`.

`python -m bench.ingest_crafted DIR` writes them; `--measure` also imports each one in a child
process on a fresh SQLite store and prints seconds and peak memory (ru_maxrss of the child).
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_CAMT_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
              '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
              '<GrpHdr><MsgId>X</MsgId><CreDtTm>2025-11-10T00:00:00</CreDtTm></GrpHdr><Stmt><Id>1</Id>'
              '<Acct><Id><IBAN>DE00123456780000000000</IBAN></Id><Ccy>EUR</Ccy></Acct>')
_CAMT_ENTRY = ('<Ntry><Amt Ccy="EUR">{amt}</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>'
               '<BookgDt><Dt>2025-11-03</Dt></BookgDt><AcctSvcrRef>R{n}</AcctSvcrRef>'
               '<NtryDtls><TxDtls><RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>')


def entity_expansion() -> bytes:
    """A DOCTYPE after a 5,000-character comment, entities nested nine deep (a billion laughs)."""
    levels = ['<!ENTITY l0 "lollollollollollollollollollol">']
    levels += [f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 9)]
    doctype = "<!DOCTYPE Document [" + "".join(levels) + "]>"
    body = "".join(_CAMT_ENTRY.format(amt="1.00", n=n, text="&l8;" if n < 3 else "x") for n in range(9000))
    text = ('<?xml version="1.0" encoding="UTF-8"?>\n<!-- camt.053 BkToCstmrStmt ' + "c" * 5000 + "-->\n" + doctype
            + _CAMT_HEAD.split("\n", 1)[1] + body + "</Stmt></BkToCstmrStmt></Document>")
    return text.encode()


def ofx_cdata() -> bytes:
    """A 181 KB OFX that ofxtools accepts, with a CDATA full of <STMTTRN> tokens after the last transaction."""
    head = ("OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\nCHARSET:1252\n"
            "COMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0"
            "<SEVERITY>INFO</STATUS><DTSERVER>20251130<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1><BANKMSGSRSV1>"
            "<STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS><STMTRS><CURDEF>USD<BANKACCTFROM>"
            "<BANKID>1<ACCTID>2<ACCTTYPE>CHECKING</BANKACCTFROM><BANKTRANLIST><DTSTART>20251101<DTEND>20251130\n"
            "<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20251103<TRNAMT>-5.00<FITID>1<NAME>Coffee</STMTTRN>\n"
            "</BANKTRANLIST><LEDGERBAL><BALAMT>1<DTASOF>20251130</LEDGERBAL>")
    tail = "</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n"
    return (head + "<INTU.X><![CDATA[" + "<STMTTRN>" * 20_000 + "]]>" + tail).encode()


def csv_long_cells() -> bytes:
    """20 rows whose amount cells are 20,000 characters of digits with a letter at the end."""
    rows = ["Date,Amount,Description"]
    # Distinct cells (a cache of identical cells would hide the cost), digits that almost make a number.
    rows += [f"2025-11-03,{'1' * 19_990}{n:05d}x,shop" for n in range(20)]
    return ("\n".join(rows) + "\n").encode()


def csv_unclosed_quotes() -> bytes:
    """64,000 rows, each opening a quote it never closes."""
    rows = ["Date,Amount,Description"] + ['2025-11-03,-1.00,"never closed' for _ in range(64_000)]
    return ("\n".join(rows) + "\n").encode()


def camt_comment_entries() -> bytes:
    """A CAMT statement whose comment holds 100,000 <Ntry> tokens on their own lines."""
    comment = "<!--" + "<Ntry>\n" * 100_000 + "-->"
    body = _CAMT_ENTRY.format(amt="4.20", n=1, text="Bakery")
    return (_CAMT_HEAD + comment + body + "</Stmt></BkToCstmrStmt></Document>").encode()


CRAFTED = {
    "camt_entity_expansion.xml": entity_expansion,
    "ofx_cdata_stmttrn.ofx": ofx_cdata,
    "csv_20000_char_cells.csv": csv_long_cells,
    "csv_64000_unclosed_quotes.csv": csv_unclosed_quotes,
    "camt_comment_ntry.xml": camt_comment_entries,
}


def measure(path: Path, cap_mb: int = 2048, timeout: float = 120.0) -> tuple[str, int, int, str]:
    """(seconds, peak MB, exit code, last stderr line) of importing one file in a fresh process and store.

    The peak is the largest resident size of the import and any process it starts (GNU time's %M
    covers only the direct child, so the worker's own peak is read from its exit report too).
    """
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "FINANCE_STORE": f"sqlite:///{tmp}/x.db", "FINANCE_INGEST_PEAK": f"{tmp}/peak"}

        def cap() -> None:  # so a runaway file cannot take the shared machine down with it
            resource.setrlimit(resource.RLIMIT_AS, (cap_mb * 2**20, cap_mb * 2**20))

        started = time.monotonic()
        command = ["/usr/bin/time", "-f", "TIME %e %M %U %S", sys.executable, "-m", "lib", "import", str(path),
                   "--user", "u"]
        try:
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout,
                                  preexec_fn=cap)
            lines = done.stderr.strip().splitlines()
            stats = next((ln for ln in reversed(lines) if ln.startswith("TIME ")), "TIME 0 0 0 0").split()
            cpu = float(stats[3]) + float(stats[4])
            peak = int(stats[2]) // 1024
            worker = Path(f"{tmp}/peak")
            if worker.exists():
                peak = max(peak, int(worker.read_text() or 0) // 2**20)
            rest = [ln for ln in lines if not ln.startswith(("TIME ", "Command"))]
            code, err = done.returncode, (rest or [""])[-1]
        except subprocess.TimeoutExpired:
            code, err, peak, cpu = -1, f"killed after {timeout:.0f} s", -1, 0.0
        return f"{time.monotonic() - started:.1f} s wall, {cpu:.1f} s CPU", peak, code, err[:160]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--measure", action="store_true")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, build in CRAFTED.items():
        path = args.out / name
        path.write_bytes(build())
        if args.measure:
            seconds, peak, code, err = measure(path)
            print(f"{name}\t{path.stat().st_size // 1024} KB\t{seconds}\t{peak} MB\texit {code}\t{err}",
                  flush=True)


if __name__ == "__main__":
    main()

"""Delimited files' layout: records by physical line (linear, whatever the quotes), the delimiter and the header."""
from __future__ import annotations

import csv
import io
import itertools
import re
from collections import Counter
from collections.abc import Iterator

from lib.core.errors import ValidationError
from lib.ingest.amounts import is_amountish
from lib.ingest.dates import date_parts
from lib.ingest.roles import Plan, plan_for
from lib.ingest.text import DELIMITERS, norm
from lib.ingest.types import ImportOptions

_SAMPLE_CHARS = 64 * 1024
SAMPLE_RECORDS = 200
_HEADER_SEARCH = 60  # junk lines above a header are a handful, never pages
MAX_SPAN = 12  # a quoted memo spans a few lines; a "record" longer than this is an unbalanced quote
MAX_CELL = 4096  # characters; a longer cell is a broken row, not a description
Record = tuple[int, list[str], str | None]


def records(text: str, delimiter: str) -> Iterator[Record]:
    """(line, cells, problem) for each record, from the physical line it starts on.

    A record the csv module cannot read, or one that runs on for more than MAX_SPAN lines
    (a quote opened and never closed), is reported on its first line, and reading starts
    again on the next line, so the rows after it are still read. The reader is never handed
    more than MAX_SPAN lines past the last record's end, so a file of unclosed quotes costs
    MAX_SPAN lines each, not the rest of the file each: the work is linear in the file.
    """
    lines = io.StringIO(text, newline="").readlines()
    total = len(lines)
    # Where the next line with an odd number of quotes is (one that closes a quote a line before opened):
    # a line that opens a quote with no closer within MAX_SPAN lines is reported without running the reader.
    closer = [total + MAX_SPAN] * (total + 1)
    for i in range(total - 1, -1, -1):
        closer[i] = i if lines[i].count('"') % 2 else closer[i + 1]
    start = 0
    while start < total:
        if lines[start].count('"') % 2 and closer[start + 1] - start > MAX_SPAN:
            yield start + 1, [], "unbalanced quote: the quote opened on this line is never closed"
            start += 1
            continue
        limit = [start + MAX_SPAN]

        def feed(begin: int = start, limit: list[int] = limit) -> Iterator[str]:
            i = begin
            while i < total and i < limit[0]:
                yield lines[i]
                i += 1

        reader = csv.reader(feed(), delimiter=delimiter, skipinitialspace=True, strict=True)
        previous = 0
        try:
            for cells in reader:
                first = start + previous + 1
                if reader.line_num - previous > MAX_SPAN or start + reader.line_num > limit[0]:
                    yield first, [], "unbalanced quote: the quote opened on this line is never closed"
                    start = first
                    break
                yield first, cells, None
                previous = reader.line_num
                limit[0] = start + previous + MAX_SPAN
            else:
                if start + previous >= total or start + reader.line_num >= total:
                    return
                # The window ended inside a record: a quote left open for MAX_SPAN lines.
                first = start + previous + 1
                yield first, [], "unbalanced quote: the quote opened on this line is never closed"
                start = first
        except csv.Error as exc:
            first = start + previous + 1
            problem = str(exc)
            if "unexpected end of data" in problem or "expected after" in problem:
                problem = "unbalanced quote: the quote opened on this line is never closed"
            yield first, [], f"unreadable row ({problem})"
            start = first


# ---------------------------------------------------------------------------------------------
# Layout: delimiter and header
# ---------------------------------------------------------------------------------------------
def _find_header(sample: list[Record], columns: dict[str, str] | None) -> tuple[Plan | None, int]:
    """The first record that reads as a header, and how many of the next rows have its width."""
    good = [(line, cells) for line, cells, problem in sample if problem is None]
    for position, (line, cells) in enumerate(good[:_HEADER_SEARCH]):
        below = [c for _, c in good[position + 1 :]]
        plan = plan_for(cells, line, columns, below)
        if plan:
            return plan, sum(1 for c in below[:20] if len(c) == plan.width)
    return None, 0


def _content_plan(sample: list[Record], columns: dict[str, str] | None) -> tuple[Plan | None, int]:
    """For files without a known header: the date and amount columns found by what the cells hold."""
    good = [(line, c) for line, c, problem in sample if problem is None]
    widths = Counter(len(c) for _, c in good if len(c) >= 2)
    if not widths:
        return None, 0
    width, count = widths.most_common(1)[0]
    recs = [(line, c) for line, c in good if len(c) == width]
    if columns:
        if not all(v.strip().isdigit() for v in columns.values()):
            return None, 0  # the user named columns this file does not have: say so, do not guess
        return plan_for(["x"] * width, None, columns, [c for _, c in recs]), count
    # A first row without a single date or number is a header in words we do not know.
    header_line: int | None = None
    header: list[str] = []
    if len(recs) > 1 and not any(date_parts(c.strip()) or is_amountish(c) for c in recs[0][1]):
        header_line, header = recs[0]
        recs = recs[1:]
    rows = [c for _, c in recs]
    date_score = [sum(1 for r in rows if date_parts(r[i].strip())) / len(rows) for i in range(width)]
    date_col = max(range(width), key=lambda i: date_score[i])
    if date_score[date_col] < 0.8:
        return None, 0

    def amount_score(i: int) -> float:
        ok = [r[i] for r in rows if is_amountish(r[i])]
        # Cents make an amount column; a column of plain reference numbers scores lower.
        with_cents = sum(1 for v in ok if re.search(r"[.,]\d{2}\W*$", v.strip()))
        return (len(ok) + 0.1 * with_cents) / len(rows)

    others = [i for i in range(width) if i != date_col]
    amount_col = max(others, key=amount_score, default=None)
    if amount_col is None or amount_score(amount_col) < 0.8:
        return None, 0
    texts = [i for i in others if i != amount_col]
    desc = sorted(texts, key=lambda i: -sum(len(r[i]) for r in rows))[:1]
    cols = {"date": date_col, "amount": amount_col}
    if desc:
        cols["description"] = desc[0]
    return Plan(header_line, header, cols, desc, width), count


def choose_layout(text: str, options: ImportOptions) -> tuple[str, Plan]:
    """The delimiter and column plan that explain the file best."""
    candidates = (options.delimiter,) if options.delimiter else DELIMITERS
    sample_text = text[:_SAMPLE_CHARS]
    best: tuple[tuple[int, int], str, Plan] | None = None
    samples: dict[str, list[Record]] = {}
    for delimiter in candidates:
        sample = list(itertools.islice(records(sample_text, delimiter), SAMPLE_RECORDS))
        if len(sample_text) < len(text) and len(sample) > 1:
            sample = sample[:-1]  # the cut may have split the last record
        samples[delimiter] = sample
        plan, consistent = _find_header(sample, options.columns)
        if plan and (best is None or (1, consistent) > best[0]):
            best = ((1, consistent), delimiter, plan)
    if best is None:
        for delimiter, sample in samples.items():
            plan, consistent = _content_plan(sample, options.columns)
            if plan and (best is None or (0, consistent) > best[0]):
                best = ((0, consistent), delimiter, plan)
    if best is None:
        if options.columns:
            first = next((c for s in samples.values() for _, c, _p in s if len(c) > 1), [])
            shown = ", ".join(c.strip() for c in first if c.strip())[:200]
            wanted = ", ".join(options.columns.values())
            raise ValidationError({"columns": f"Could not find the columns {wanted} (header looks like: {shown})."})
        raise ValidationError(
            {"file": "Could not find a date column and an amount column; name them with --columns date=...,amount=..."}
        )
    return best[1], best[2]


def header_signature(plan: Plan, delimiter: str) -> str | None:
    """The shape of a bank's export (delimiter and header words), to remember a confirmed mapping by."""
    if not plan.header:
        return None
    return delimiter + "\x1f" + "\x1f".join(norm(c) for c in plan.header)

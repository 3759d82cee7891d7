"""The grounding check: every figure a coach states must be the fact it is said to be.

Each figure (lib.coach.claims reads them) is taken together with the words beside it: "streak
is 10 days" is a claim about the streak and fails when the streak is 3, even if 10 is the days
left in the month; "45% of your salary" must be the salary share. A figure with no telling words
must still be one of the facts of its kind (money, count, percentage). User strings (the name,
the top category, the splurge's description) are masked as exact spans first, so a merchant
called "7-Eleven" is no figure, and a merchant called "999999" licenses no "$999999".
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import fields
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from lib.coach.claims import CURRENCY_SIGNS, Mention, mentions
from lib.coach.facts import Facts, canonical_number
from lib.core.money import minor_unit

FRACTION_TOLERANCE = Decimal(2)  # "a third" is 32-35 %, "half" 48-52 %
RATIO_TOLERANCE = Decimal("0.07")  # "twice" is 1.86-2.14 times

# -- what a figure may be said to be ---------------------------------------------------------------------------------
DAY = ("today_spent", "daily_budget", "today_left", "today_over", "allowance_today", "fixed_today")
MONTH = ("month_spent", "month_allowed", "month_budget", "month_projection", "month_projection_gap", "month_p10",
         "month_p90", "fixed_month", "month_left_per_day", "left_per_day")
PROJECTION = ("month_projection", "month_p10", "month_p90")
SPLURGE = ("splurge_amount",)
TOP_MONEY = ("top_category_spent",)
TOP_PCT = ("top_category_share_pct",)

# (words, side, fields): side "L" = the words come before the figure, "R" after, "B" either.
Keyword = tuple[re.Pattern[str], str, tuple[str, ...]]


def _kw(words: str, side: str, *names: str) -> Keyword:
    longest_first = "|".join(sorted(words.split("|"), key=len, reverse=True))  # "best run" before "best"
    return re.compile(rf"\b(?:{longest_first})\b", re.IGNORECASE), side, names


MONEY_WORDS: list[Keyword] = [
    _kw("today|for the day|on the day|so far today", "B", *DAY),
    _kw("budget|limit|allowance|allowed", "B", "daily_budget", "month_budget", "month_allowed", "allowance_today"),
    _kw("over|too much|past|beyond|above|overspent|in the red", "R", "today_over", "month_projection_gap"),
    _kw("over by|by|overspent by|overshot by|beat it by|beating it by|outdoing the budget by(?: a whole)?", "L",
        "today_over", "month_projection_gap"),
    _kw("left|remaining|to spare|unspent|still available|in hand", "R", "today_left", "month_left_per_day",
        "allowance_today", "left_per_day"),
    _kw("leaves you|you have|you've got|can spend|left with|spend up to", "L", "today_left", "month_left_per_day",
        "allowance_today", "left_per_day"),
    _kw("a day|per day|each day|every day|daily|each remaining day|remaining day|a night", "B", "daily_budget",
        "month_left_per_day", "allowance_today", "left_per_day"),
    _kw("until payday|till payday|to payday|before payday", "B", "left_per_day"),
    _kw("this month|the month|month|monthly|month's", "B", *MONTH),
    _kw("heading for|headed for|pacing for|on pace for|on track for|on course for|ends at|end at|ended at|"
        "ending at|finish at|finishes at|finish on|lands? at|points to|projected|projection|forecast|expected",
        "L", *PROJECTION),
    _kw("by month end|by the end of the month|at month end|by the month's end|projected|at this rate", "R",
        *PROJECTION),
    _kw("salary|income|pay cheque|paycheck|paycheque|wages?|earn|earnings|take-home", "B", "monthly_salary"),
    _kw("bills?|fixed|rent|subscriptions?|standing orders?|direct debits?", "B", "fixed_today", "fixed_month"),
    _kw("splurge|purchase|biggest buy|single buy", "B", *SPLURGE),
]
COUNT_WORDS: list[Keyword] = [
    _kw("best|longest|record|personal best|peak|best run|longest run|best streak|longest streak", "B",
        "longest_streak"),
    _kw("streak|in a row|straight|running|consecutive|run|on the trot", "B", "current_streak", "streak_milestone"),
    _kw("left|to go|remaining|remain|until the month ends|until month end|before the month ends|"
        "until the end of the month|left in the month", "R", "days_left_in_month"),
    _kw("remaining|the month has|month has", "L", "days_left_in_month"),
    _kw("payday|pay day|paid|pay cheque|paycheck|payslip|salary", "B", "days_to_payday"),
    _kw("tracking|tracked|logging|logged|recorded|history", "B", "days_tracked", "unlogged_days"),
    _kw("unlogged|nothing logged|not logged|without logging|no entries|silence|since|dark|hiding|missing|skipped",
        "B", "unlogged_days"),
]
PCT_WORDS: list[Keyword] = [
    _kw("salary|income|pay|paycheck|wages|earnings|take-home", "B", "salary_share_pct"),
    _kw("month|through|elapsed|calendar", "B", "month_elapsed_pct"),
    _kw("spending|spend|share|category|of it all|of everything|of the total|total", "B", *TOP_PCT),
    _kw("chance|likely|likelihood|odds|probability|within budget|on budget|confidence", "B",
        "month_within_budget_pct"),
]
RATIO_WORDS: list[tuple[re.Pattern[str], tuple[tuple[str, str], ...]]] = [
    (re.compile(r"\b(?:streak|run|best|record|longest|in a row)\b", re.I),
     (("longest_streak", "current_streak"), ("current_streak", "longest_streak"))),
    (re.compile(r"\b(?:splurge|purchase)\b|\ue000[sb]\ue000", re.I), (("splurge_amount", "daily_budget"),)),
    (re.compile(r"\b(?:month|projection|heading|pace|pacing)\b", re.I),
     (("month_spent", "month_allowed"), ("month_projection", "month_budget"), ("month_spent", "month_budget"))),
]
DEFAULT_RATIOS = (("today_spent", "daily_budget"),)

_HARD_STOP = re.compile(r"[,;!?()\[\]—–\n]|\.(?=\s|$)")
_SOFT_STOP = re.compile(r"\b(?:and|but|with|while|against|versus|vs|than|whereas|yet|or|because|though|although|"
                        r"compared)\b", re.IGNORECASE)
_SPAN = re.compile("\ue000([a-z])\ue000")
_SPAN_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "c": {"money": TOP_MONEY, "pct": TOP_PCT},
    "s": {"money": SPLURGE, "pct": ()},
    "b": {"money": TOP_MONEY + SPLURGE, "pct": TOP_PCT},
}


# -- the facts, seen as sets of acceptable figures -------------------------------------------------------------------
def _value(facts: Facts, name: str) -> object:
    if name == "allowance_today" and facts.budget_style != "rolling":
        return None  # a daily budget's allowance is the budget itself, not money left
    return getattr(facts, name, None)


def money_fields(facts: Facts) -> list[str]:
    return [f.name for f in fields(facts) if isinstance(_value(facts, f.name), Decimal)]


def count_fields(facts: Facts) -> list[str]:
    return [f.name for f in fields(facts) if type(getattr(facts, f.name)) is int and not f.name.endswith("_pct")]


def pct_fields(facts: Facts) -> list[str]:
    return [f.name for f in fields(facts) if f.name.endswith("_pct") and getattr(facts, f.name) is not None]


def money_variants(amount: Decimal, currency: str = "") -> set[str]:
    """How a reader may write an amount: exact, to 1 decimal, whole (half-up or half-even), to 100s/1000s, and
    (issue 25) as the home currency writes it: to its minor unit, half-even like Babel ("￥1,234" for 1234.50).

    The locale's marks ("1.234,50 €", "1'234,50 CHF", "KWD1,234.500") are read by lib.coach.claims."""
    m = abs(amount)
    out = {canonical_number(m), canonical_number(m.quantize(Decimal("0.1"), ROUND_HALF_UP))}
    if currency:
        out.add(canonical_number(m.quantize(Decimal(1).scaleb(-minor_unit(currency)), ROUND_HALF_EVEN)))
    for mode in (ROUND_HALF_UP, ROUND_HALF_EVEN):
        out.add(canonical_number(m.quantize(Decimal(1), mode)))
    if m >= 1000:
        for step in (Decimal(100), Decimal(1000)):
            out.add(canonical_number((m / step).quantize(Decimal(1), ROUND_HALF_UP) * step))
    return out


def fact_dates(facts: Facts) -> set[dt.date]:
    """Dates a text may name: today, the splurge's day, payday, the last day logged, the month's last day."""
    day = facts.day
    out = {day, day.replace(day=calendar.monthrange(day.year, day.month)[1])}
    if facts.splurge_date:
        out.add(dt.date.fromisoformat(facts.splurge_date))
    if facts.days_to_payday is not None:
        out.add(day + dt.timedelta(days=facts.days_to_payday))
    through = _value(facts, "tracked_through")
    if isinstance(through, str) and through:
        out.add(dt.date.fromisoformat(through))
    return out


def user_strings(facts: Facts) -> dict[str, str]:
    """User-provided strings a text may quote verbatim, by span id: n(ame), c(ategory), s(plurge), b(oth)."""
    out: dict[str, str] = {}
    if facts.display_name:
        out[facts.display_name] = "n"
    for value, code in ((facts.top_category, "c"), (facts.splurge_description, "s")):
        if value:
            out[value] = "b" if out.get(value) in ("c", "s") else out.get(value, code)
    for value, code in list(out.items()):
        if value.endswith("…"):
            out.setdefault(value.rstrip("…").rstrip(), code)  # quoted without the ellipsis
    return out


def mask_user_strings(text: str, facts: Facts) -> str:
    """Replace each user string, where it stands as a whole span, with a placeholder that holds no digits."""
    for value, code in sorted(user_strings(facts).items(), key=lambda kv: len(kv[0]), reverse=True):
        pattern = rf"(?<![\w{CURRENCY_SIGNS}.,'’]){re.escape(value)}(?![\w%]|[.,]\d)"
        text = re.sub(pattern, f"\ue000{code}\ue000", text, flags=re.IGNORECASE)
    return text


# -- reading a figure's words ----------------------------------------------------------------------------------------
def _contexts(text: str, found: list[Mention], i: int) -> tuple[str, str, str]:
    """The words before and after mention i (up to its neighbours, a clause mark or a conjunction), and its clause."""
    m = found[i]
    left = text[found[i - 1].end if i else 0 : m.start]
    right = text[m.end : found[i + 1].start if i + 1 < len(found) else len(text)]
    stops = list(_HARD_STOP.finditer(left))
    clause_left = left[stops[-1].end() :] if stops else left
    stop = _HARD_STOP.search(right)
    clause_right = right[: stop.start()] if stop else right
    soft = list(_SOFT_STOP.finditer(clause_left))
    near_left = clause_left[soft[-1].end() :] if soft else clause_left
    soft_right = _SOFT_STOP.search(clause_right)
    near_right = clause_right[: soft_right.start()] if soft_right else clause_right
    return near_left, near_right, clause_left + " " + m.text + " " + clause_right


def _label(kind: str, left: str, right: str, tables: Iterable[list[Keyword]]) -> tuple[str, ...] | None:
    """The fields the nearest telling words point to (None: no telling words)."""
    # A percentage is named by what follows it ("45% of your salary"); other figures by the nearest words,
    # the words before winning a tie ("heading for $960 this month" is a projection).
    best: tuple[int, int, tuple[str, ...]] | None = None  # (distance, -length, fields)
    right_first = kind in ("pct", "fraction")
    for table in tables:
        for pattern, side, names in table:
            if side in ("L", "B"):
                for hit in pattern.finditer(left):
                    cand = (len(left) - hit.end() + (10_000 if right_first else 0), hit.start() - hit.end(), names)
                    best = cand if best is None or cand[:2] < best[:2] else best
            first = pattern.search(right) if side in ("R", "B") else None
            if first:
                cand = (first.start(), first.start() - first.end() + (0 if right_first else 1), names)
                best = cand if best is None or cand[:2] < best[:2] else best
    spans = [(len(left) - h.end(), h.group(1)) for h in _SPAN.finditer(left)]
    spans += [(h.start(), h.group(1)) for h in _SPAN.finditer(right)]
    group = "pct" if kind in ("pct", "fraction") else "money"
    for distance, code in spans:
        names = _SPAN_FIELDS.get(code, {}).get(group, ())
        if names and kind != "count" and (best is None or distance < best[0]):
            best = (distance, 0, names)
    return None if best is None else best[2]


def _money_ok(facts: Facts, m: Mention, names: Iterable[str]) -> bool:
    allowed: set[str] = set()
    for name in names:
        value = _value(facts, name)
        if isinstance(value, Decimal):
            allowed |= money_variants(value, facts.currency)
    return any(canonical_number(abs(v)) in allowed for v in m.values)


def _count_ok(facts: Facts, m: Mention, names: Iterable[str]) -> bool:
    allowed = {abs(v) for v in (_value(facts, n) for n in names) if type(v) is int}
    return any(v == v.to_integral_value() and int(v) in allowed for v in m.values)


def _pct_ok(facts: Facts, m: Mention, names: Iterable[str], tolerance: Decimal = Decimal(0)) -> bool:
    allowed = [Decimal(v) for v in (_value(facts, n) for n in names) if type(v) is int]
    return any(abs(abs(v) - a) <= max(tolerance, Decimal("0.5") if v != v.to_integral_value() else 0)
               for v in m.values for a in allowed)


def _ratio_ok(facts: Facts, m: Mention, clause: str) -> bool:
    pairs = [pair for pattern, found in RATIO_WORDS if pattern.search(clause) for pair in found] or DEFAULT_RATIOS
    for top, bottom in pairs:
        a, b = _value(facts, top), _value(facts, bottom)
        if isinstance(a, Decimal | int) and isinstance(b, Decimal | int) and b:
            ratio = Decimal(a) / Decimal(b)
            if any(abs(ratio - v) <= RATIO_TOLERANCE * v for v in m.values):
                return True
    return False


def _date_ok(facts: Facts, m: Mention) -> bool:
    dates = fact_dates(facts)
    return any(d.month == month and d.day == day and (year is None or d.year == year)
               for year, month, day in m.dates for d in dates)


def _mention_ok(facts: Facts, m: Mention, left: str, right: str, clause: str) -> bool:
    if m.kind == "date":
        return _date_ok(facts, m)
    if m.kind == "ratio":
        return _ratio_ok(facts, m, clause)
    if m.kind in ("pct", "fraction"):
        tolerance = FRACTION_TOLERANCE if m.kind == "fraction" else Decimal(0)
        names = _label(m.kind, left, right, [PCT_WORDS]) or pct_fields(facts)
        return _pct_ok(facts, m, names, tolerance)
    if m.kind == "money":
        return _money_ok(facts, m, _label("money", left, right, [MONEY_WORDS]) or money_fields(facts))
    if m.kind == "count":
        return _count_ok(facts, m, _label("count", left, right, [COUNT_WORDS]) or count_fields(facts))
    days = {d.day for d in fact_dates(facts)}
    if m.kind == "ordinal":
        return any(int(v) in days for v in m.values) or _count_ok(facts, m, count_fields(facts))
    # A bare number: whichever kind its words say, else any money or count (a four-digit year of a fact's date).
    count_names = _label("count", left, right, [COUNT_WORDS])
    money_names = _label("money", left, right, [MONEY_WORDS])
    if count_names or money_names:
        return bool(count_names and _count_ok(facts, m, count_names)) or bool(
            money_names and _money_ok(facts, m, money_names))
    years = {d.year for d in fact_dates(facts)}
    return (_money_ok(facts, m, money_fields(facts)) or _count_ok(facts, m, count_fields(facts))
            or any(v == v.to_integral_value() and int(v) in years for v in m.values))


def ungrounded_numbers(text: str, facts: Facts) -> list[str]:
    """The figures in `text` that are not the fact they are said to be; an empty list means grounded."""
    scanned = mask_user_strings(" ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split(" ")), facts)
    found = mentions(scanned)
    offenders = []
    for i, m in enumerate(found):
        left, right, clause = _contexts(scanned, found, i)
        if not _mention_ok(facts, m, left, right, clause):
            offenders.append(m.text.strip())
    return offenders

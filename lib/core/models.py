"""Profile and Transaction: plain dataclasses, Decimal money, validation with reasons."""
from __future__ import annotations

import datetime as dt
import os
import re
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal

import regex

from lib.core import clock, period
from lib.core.errors import ValidationError
from lib.core.money import is_currency
from lib.core.moneytext import split_typed
from lib.core.nudge_prefs import NudgePrefs

TONES: tuple[str, ...] = ("brutal", "sarcastic", "polite")
SOURCES: tuple[str, ...] = ("manual", "import", "demo", "bank")  # bank: a feed (lib.sync)
DEFAULT_DAILY_BUDGET = Decimal("15.00")
DEFAULT_TONE = "brutal"
MAX_DAILY_BUDGET = Decimal("100000")
MAX_SALARY = Decimal("10000000")
MAX_AMOUNT = Decimal("1000000000")
BUDGET_STYLES: tuple[str, ...] = ("daily", "rolling")
DEFAULT_BUDGET_STYLE = "daily"
NAME_MAX = 50
CATEGORY_MAX = 40
TEXT_MAX = 200
CENT = Decimal("0.01")
# Issue 22: text is limited in graphemes (what a user counts) AND in code points and UTF-8 bytes (what
# storage and parsing cost): one grapheme may carry a few code points (👨‍👩‍👧‍👦 has 7, 25 bytes), never thousands.
CODE_POINTS_PER_GRAPHEME = 8
BYTES_PER_GRAPHEME = 32
ECHO_MAX = 40  # refused input is shown back at most this long


MONEY_MAX_CHARS = 32  # longer input is refused before Decimal sees it
# Every parsed amount is below this, so later Decimal arithmetic (quantize, sums, cents) never overflows.
MONEY_LIMIT = Decimal("1e15")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_ASCII_DIGITS = frozenset("0123456789")


def parse_money(value: object, field_name: str = "amount") -> Decimal:
    """Turn user input (str, int, Decimal) into an exact, bounded Decimal or raise ValidationError.

    Text must be plain digits with an optional sign and point: no exponent (`1e1000000`),
    no underscores (`1_5`), only the ASCII digits 0-9, no signed zero (`-0`), at most
    MONEY_MAX_CHARS characters; every result is below MONEY_LIMIT in size.
    """
    if isinstance(value, bool) or value is None:
        raise ValidationError({field_name: "enter an amount"})
    if isinstance(value, (Decimal, float)):
        amount = Decimal(repr(value)) if isinstance(value, float) else value  # never float arithmetic
        return _bounded(amount, field_name)
    text = str(value).strip().replace(" ", "")
    if not text:
        raise ValidationError({field_name: "enter an amount"})
    if len(text) > MONEY_MAX_CHARS:
        raise ValidationError({field_name: f"is too long (at most {MONEY_MAX_CHARS} characters)"})
    if "_" in text:
        raise ValidationError({field_name: "cannot contain underscores (write 1500, not 1_500)"})
    if any(ch.isdigit() and ch not in _ASCII_DIGITS for ch in text):
        raise ValidationError({field_name: "must use the digits 0-9"})
    if "e" in text.lower() and any(ch in _ASCII_DIGITS for ch in text):
        raise ValidationError({field_name: "must be written in plain digits, without an exponent (like 12.50)"})
    if not _PLAIN_NUMBER.fullmatch(text):
        raise ValidationError({field_name: f"'{value}' is not a number"})
    return _bounded(Decimal(text), field_name)


def _bounded(amount: Decimal, field_name: str) -> Decimal:
    """Refuse non-finite, signed-zero and out-of-range values before any arithmetic touches them."""
    if not amount.is_finite():
        raise ValidationError({field_name: "must be a finite number"})
    if amount.is_zero() and amount.is_signed():
        raise ValidationError({field_name: "is a negative zero: write 0"})
    # Compared through the exponent, not by arithmetic: abs() of 1e1000000 would already round.
    if not amount.is_zero() and amount.adjusted() >= MONEY_LIMIT.adjusted():
        raise ValidationError({field_name: f"is too large (below {MONEY_LIMIT:,.0f})"})
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MONEY_MAX_CHARS:
        raise ValidationError({field_name: "has too many decimals"})
    return amount


def decimal_places(amount: Decimal) -> int:
    """How many digits after the point a Decimal really has (trailing zeros ignored)."""
    exponent = amount.normalize().as_tuple().exponent
    return max(0, -int(exponent)) if isinstance(exponent, int) else 0


# Format characters that belong inside a printable grapheme: joiners of emoji sequences
# (👨‍👩‍👧) and the tag characters of subdivision flags. Every other format character (bidi
# overrides, zero-width spaces) is refused: it changes how text looks without being seen.
_JOINERS = frozenset({"\u200c", "\u200d"})


def _is_joiner(ch: str) -> bool:
    return ch in _JOINERS or 0xE0020 <= ord(ch) <= 0xE007F


def _printable(ch: str) -> bool:
    return ch == " " or _is_joiner(ch) or unicodedata.category(ch)[0] not in "CZ"


def shown(value: object, limit: int = ECHO_MAX) -> str:
    """Refused input as it may be echoed in a message: at most `limit` characters, then an ellipsis."""
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def size_problem(text: str, label: str, max_len: int) -> str | None:
    """The reason text is too big in code points or UTF-8 bytes for `max_len` characters (None: fine)."""
    if len(text) > max_len * CODE_POINTS_PER_GRAPHEME or len(text.encode("utf-8", "surrogatepass")) > \
            max_len * BYTES_PER_GRAPHEME:
        return f"{label} must be at most {max_len} characters (it is far longer)."
    return None


def graphemes(text: str) -> list[str]:
    """The user-perceived characters of text (👨‍👩‍👧 is one), per Unicode's extended grapheme clusters."""
    return list(regex.findall(r"\X", text))


def clean_text(value: object, max_len: int = TEXT_MAX) -> str:
    """Strip control characters and surrounding space, and cap the length in graphemes (stored data is data)."""
    text = "" if value is None else str(value)
    # Bounded before the grapheme split: stored text never exceeds max_len x CODE_POINTS_PER_GRAPHEME.
    text = "".join(ch for ch in text[: max_len * CODE_POINTS_PER_GRAPHEME * 2] if _printable(ch))
    text = text[: max_len * CODE_POINTS_PER_GRAPHEME]
    return "".join(graphemes(" ".join(text.split()))[:max_len]).strip()


def check_text(value: object, label: str, max_len: int, *, required: bool = False) -> tuple[str, str | None]:
    """Input text trimmed, and the reason it is refused (None when fine): never cut silently."""
    text = "" if value is None else str(value).strip()
    if not text:
        return "", f"{label} cannot be empty." if required else None
    too_big = size_problem(text, label, max_len)  # before the grapheme split, which costs per code point
    if too_big:
        return text[:max_len], too_big
    count = len(graphemes(text))
    if count > max_len:
        return text, f"{label} must be at most {max_len} characters (it has {count})."
    if not all(_printable(ch) for ch in text):
        return text, f"{label} may only contain printable characters (no control or invisible formatting ones)."
    return " ".join(text.split()), None


def normalise_budget_style(value: object) -> str | None:
    """A known budget style in canonical spelling; None when unknown."""
    text = str(value or "").strip().lower()
    return text if text in BUDGET_STYLES else None


def clean_categories(values: object) -> tuple[str, ...]:
    """Category names as the store keeps them (cleaned, 40 characters, no blanks or repeats), in order."""
    if values is None:
        items: list[object] = []
    elif isinstance(values, str | bytes) or not isinstance(values, Iterable):
        items = [values]
    else:
        items = list(values)
    out: list[str] = []
    for v in items:
        name = clean_text(v, 40)
        if name and name not in out:
            out.append(name)
    return tuple(out)


def clip_words(value: object, limit: int) -> str:
    """clean_text, but past `limit` characters cut at a word boundary with an ellipsis (never mid-word)."""
    text = clean_text(value, 10_000)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:  # a word boundary not too far back; else one very long word is cut
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"


def normalise_tone(value: object) -> str | None:
    """Map any letter case of a known tone to its canonical name; None when unknown."""
    text = str(value or "").strip().lower()
    return text if text in TONES else None


def new_id() -> str:
    """A sortable unique id: 12 hex digits of milliseconds, then 8 random hex digits."""
    return f"{int(time.time() * 1000):012x}{os.urandom(4).hex()}"


@dataclass(frozen=True)
class Profile:
    """A user's settings; `version` 0 means never saved by this product."""

    user_id: str
    display_name: str
    daily_budget: Decimal = DEFAULT_DAILY_BUDGET
    monthly_salary: Decimal | None = None
    ai_tone: str = DEFAULT_TONE
    version: int = 0
    updated_at: str | None = None
    # None: the defaults (lib.core.standing.DEFAULT_FIXED_CATEGORIES, where the user has them).
    fixed_categories: tuple[str, ...] | None = None
    budget_style: str = DEFAULT_BUDGET_STYLE  # "daily" or "rolling" (unspent budget carries forward in the month)
    # The user's own day: an IANA zone name ("Australia/Sydney"); empty until set (the server's zone).
    timezone: str = ""
    # The budget period (lib.core.period): "calendar", "monthly:25", "monthly:25:friday", "biweekly:2026-11-27".
    payday: str = "calendar"
    nudges: NudgePrefs = field(default_factory=NudgePrefs)  # when the coach may reach out (lib.core.nudge_prefs)
    # The home currency (issue 25): an ISO 4217 code ("EUR"); empty until the user picks one (bare figures).
    currency: str = ""
    # The reader's locale for nudges and the CLI (issue 25): Babel's "de_DE", saved from the browser on first sign-in.
    locale: str = ""

    @classmethod
    def default(cls, user_id: str, name: str | None = None) -> Profile:
        """The profile a user has before saving settings."""
        return cls(user_id=user_id, display_name=clean_text(name or user_id, NAME_MAX) or user_id)


def validate_profile(
    user_id: str,
    display_name: object,
    daily_budget: object,
    monthly_salary: object,
    ai_tone: object,
    version: int = 0,
    *,
    fixed_categories: object = None,
    budget_style: object = DEFAULT_BUDGET_STYLE,
    timezone: object = "",
    payday: object = "calendar",
    nudges: NudgePrefs | None = None,
    currency: object = "",
) -> Profile:
    """Build a Profile from form input, or raise ValidationError with a reason per field."""
    errors: dict[str, str] = {}
    name, name_error = check_text(display_name, "Display name", NAME_MAX, required=True)
    if name_error:
        errors["display_name"] = name_error

    budget = Decimal(0)
    try:
        budget = parse_money(daily_budget, "daily_budget")
        if budget <= 0:
            errors["daily_budget"] = "Daily budget must be more than zero."
        elif decimal_places(budget) > 2:
            errors["daily_budget"] = "Daily budget can have at most 2 decimals (cents)."
        elif budget > MAX_DAILY_BUDGET:
            errors["daily_budget"] = f"Daily budget must be at most {MAX_DAILY_BUDGET:,}."
    except ValidationError as exc:
        errors["daily_budget"] = "Daily budget " + exc.errors["daily_budget"] + "."

    salary: Decimal | None = None
    if monthly_salary not in (None, ""):
        try:
            salary = parse_money(monthly_salary, "monthly_salary")
            if salary < 0:
                errors["monthly_salary"] = "Monthly salary cannot be negative (use 0 for none)."
            elif decimal_places(salary) > 2:
                errors["monthly_salary"] = "Monthly salary can have at most 2 decimals (cents)."
            elif salary > MAX_SALARY:
                errors["monthly_salary"] = f"Monthly salary must be at most {MAX_SALARY:,}."
        except ValidationError as exc:
            errors["monthly_salary"] = "Monthly salary " + exc.errors["monthly_salary"] + "."

    tone = normalise_tone(ai_tone)
    if tone is None:
        errors["ai_tone"] = f"Tone must be one of: {', '.join(TONES)}."

    style = normalise_budget_style(budget_style)
    if style is None:
        errors["budget_style"] = f"Budget style must be one of: {', '.join(BUDGET_STYLES)}."

    zone_name = str(timezone or "").strip()
    if zone_name and not clock.is_zone(zone_name):
        errors["timezone"] = f"Time zone '{zone_name[:40]}' is not in the IANA database (for example Europe/Paris)."

    payday_reason = period.rule_reason(payday)
    if payday_reason:
        errors["payday"] = payday_reason

    home = str(currency or "").strip().upper()
    if home and not is_currency(home):
        errors["currency"] = f"Currency '{home[:12]}' is not an ISO 4217 code (for example EUR, USD, GBP)."

    if errors:
        raise ValidationError(errors)
    return Profile(
        currency=home,
        payday=period.parse_rule(payday).text if not payday_reason else period.CALENDAR,
        nudges=nudges or NudgePrefs(),
        timezone=zone_name,
        fixed_categories=None if fixed_categories is None else clean_categories(fixed_categories),
        budget_style=style or DEFAULT_BUDGET_STYLE,
        user_id=user_id,
        display_name=name,
        daily_budget=budget.quantize(CENT),
        monthly_salary=None if salary is None else salary.quantize(CENT),
        ai_tone=tone or DEFAULT_TONE,
        version=version,
    )


@dataclass(frozen=True)
class Transaction:
    """One purchase (positive amount) or refund/credit (negative amount).

    `sort_key` is the item's identity in the table; new items get `DATE#id`,
    items from the original backend keep their bare date or timestamp key.
    """

    user_id: str
    date: dt.date
    amount: Decimal
    category: str = "Other"
    description: str = ""
    currency: str | None = None
    source: str = "manual"
    fingerprint: str | None = None
    sort_key: str = field(default="")
    # 0: never stored (or stored by the original backend, which kept no version); each save adds 1.
    version: int = 0
    import_batch: str | None = None  # the import that wrote it, so that import can be undone or re-mapped
    pending: bool = False  # a bank feed's row not yet booked (it counts today; its booked row replaces it)
    # Issue 25 (lib.core.fx): a foreign row keeps what was spent and its rate; `amount` is home money.
    original_amount: Decimal | None = None
    original_currency: str | None = None
    fx_rate: Decimal | None = None
    fx_date: dt.date | None = None  # the rate's own day (earlier than `date` when that day had none)
    fx_source: str | None = None  # "ECB" or "user"

    def __post_init__(self) -> None:
        if not self.sort_key:
            object.__setattr__(self, "sort_key", f"{self.date.isoformat()}#{new_id()}")

    def with_changes(self, **changes: object) -> Transaction:
        """A copy with some fields changed; a new date gets a new sort key."""
        if "date" in changes and changes["date"] != self.date and "sort_key" not in changes:
            changes["sort_key"] = ""
        return replace(self, **changes)  # type: ignore[arg-type]


def validate_transaction(
    user_id: str,
    date: object,
    amount: object,
    category: object = "Other",
    description: object = "",
    currency: object = None,
    source: str = "manual",
    fingerprint: str | None = None,
    sort_key: str = "",
    version: int = 0,
    *,
    today: dt.date | None = None,
) -> Transaction:
    """Build a Transaction from input, or raise ValidationError with a reason per field.

    `today`: the user's today (in their zone); a date after it is refused.
    """
    errors: dict[str, str] = {}
    day: dt.date | None = None
    if isinstance(date, dt.datetime):
        day = date.date()
    elif isinstance(date, dt.date):
        day = date
    else:
        try:
            day = dt.date.fromisoformat(str(date).strip()[:10])
        except ValueError:
            errors["date"] = f"'{shown(date)}' is not a date (use YYYY-MM-DD)."
    if day is not None and today is not None and day > today:
        errors["date"] = f"{day.isoformat()} is in the future: your today is {today.isoformat()} (your time zone)."
    money = Decimal(0)
    try:
        if isinstance(amount, str):  # issue 25: "12.50 USD", "€12.50"
            amount, typed = split_typed(amount)
            if typed:
                currency = typed
        money = parse_money(amount)
        if money == 0:
            errors["amount"] = "Amount cannot be zero."
        elif decimal_places(money) > 2:
            errors["amount"] = "Amount can have at most 2 decimals."
        elif abs(money) > MAX_AMOUNT:
            errors["amount"] = "Amount is implausibly large."
    except ValidationError as exc:
        errors["amount"] = "Amount " + exc.errors["amount"] + "."
    if source not in SOURCES:
        errors["source"] = f"Source must be one of: {', '.join(SOURCES)}."
    category_text, reason = check_text(category, "Category", CATEGORY_MAX)
    if reason:
        errors["category"] = reason
    description_text, reason = check_text(description, "Description", TEXT_MAX)
    if reason:
        errors["description"] = reason
    cur = clean_text(currency, 3).upper() or None
    if errors:
        raise ValidationError(errors)
    assert day is not None
    return Transaction(
        user_id=user_id,
        date=day,
        amount=money.quantize(CENT),
        category=category_text or "Other",
        description=description_text,
        currency=cur,
        source=source,
        fingerprint=fingerprint,
        sort_key=sort_key,
        version=version,
    )


@dataclass(frozen=True)
class Commentary:
    """The coach's text for one user and day, cached so Bedrock is asked at most once."""

    user_id: str
    day: str
    tone: str
    facts_hash: str
    text: str
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    headline: str = ""  # hash of the headline facts; a later take with the same headline is not asked again
    created_at: str = ""  # ISO time the take was made, shown when it is reused later that day

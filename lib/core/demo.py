"""A realistic generated spending history and profile, so the app has something to coach on."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from lib.core import clock
from lib.core.models import NAME_MAX, Profile, Transaction, clean_text

DEMO_BUDGET = Decimal("25.00")
DEMO_SALARY = Decimal("3200.00")
DEMO_TONE = "brutal"

# Merchants per kind of purchase; names are made up but look like a card statement.
_MERCHANTS: dict[str, tuple[str, ...]] = {
    "groceries": ("Lidl", "Aldi", "Whole Foods Market", "Corner Shop", "Trader Joe's", "Farmers Market"),
    "coffee": ("Starbucks", "Blue Bottle Coffee", "Pret A Manger", "Local Roasters", "Bean There"),
    "lunch": ("Subway", "Chipotle", "Noodle Bar", "Sandwich Co.", "Falafel Corner"),
    "dinner": ("Nando's", "Sushi Bar", "Pizza Express", "Thai Orchid", "Burger Joint", "Dishoom", "Taco Shack"),
    "delivery": ("Deliveroo", "Uber Eats", "Just Eat"),
    "fun": ("Odeon Cinema", "The Crown Pub", "Bowling Alley", "Steam Games", "Escape Room"),
    "concert": ("Ticketmaster", "Live Nation"),
    "shop": ("Amazon", "Zara", "H&M", "Uniqlo", "Boots", "Decathlon", "Waterstones"),
    "splurge": ("Apple Store", "IKEA", "MediaMarkt", "Zalando", "Nike Store"),
    "taxi": ("Uber", "Bolt", "Black Cab"),
    "fuel": ("Shell", "BP", "Esso"),
    "metro": ("Metro ticket",),
    "pharmacy": ("Pharmacy", "Boots Pharmacy"),
}
# (day of month, category, description, price in cents, yearly price rise in cents)
_MONTHLY: tuple[tuple[int, str, str, int, int], ...] = (
    (1, "Health", "PureGym membership", 3900, 0),
    (3, "Subscriptions", "Netflix", 1349, 100),
    (8, "Bills", "Vodafone mobile", 2500, 0),
    (12, "Subscriptions", "Spotify", 1099, 100),
    (20, "Subscriptions", "iCloud storage", 299, 0),
    (22, "Bills", "Internet - Hyperoptic", 3500, 0),
)


@dataclass
class _Event:
    day: int  # index into the generated days
    category: str
    description: str
    cents: int


class _History:
    """Collects events while the generators below draw them from one seeded Generator."""

    def __init__(self, rng: np.random.Generator, days: int, start: dt.date, scale: float):
        self.rng = rng
        self.days = days
        self.start = start
        self.index = np.arange(days)
        self.weekday = (start.weekday() + self.index) % 7  # Monday is 0
        # Prices rise about 3% a year; today's prices are the reference.
        self.price = 1.03 ** ((self.index - (days - 1)) / 365.0) * scale
        self.events: list[_Event] = []

    def add(self, mask: np.ndarray, category: str, merchants: str, cents: np.ndarray) -> None:
        """One purchase on each day where mask is true, at a merchant of the given kind."""
        names = _MERCHANTS[merchants]
        picks = self.rng.integers(0, len(names), self.days)
        for i in np.flatnonzero(mask):
            self.events.append(_Event(int(i), category, names[picks[i]], max(1, int(cents[i]))))

    def lognormal(self, median: float, sigma: float) -> np.ndarray:
        """Prices in cents around a median, at each day's price level."""
        return np.round(self.rng.lognormal(np.log(median), sigma, self.days) * self.price * 100)

    def chance(self, by_weekday: tuple[float, ...] | float) -> np.ndarray:
        p = np.asarray(by_weekday, dtype=float)
        return self.rng.random(self.days) < (p[self.weekday] if p.ndim else p)


def _generate(h: _History) -> None:
    rng, wd = h.rng, h.weekday
    workday = wd < 5
    # Some days nothing discretionary happens at all (more often on Sundays).
    quiet = h.chance((0.08, 0.08, 0.08, 0.08, 0.06, 0.05, 0.2))
    active = ~quiet

    coffee_price = rng.choice([280, 320, 350, 390, 440, 480], h.days) * h.price
    h.add(active & h.chance((0.7, 0.7, 0.7, 0.7, 0.6, 0.35, 0.3)), "Coffee", "coffee", np.round(coffee_price))
    h.add(active & workday & h.chance(0.2), "Coffee", "coffee", np.round(coffee_price))  # the afternoon one

    commute = active & workday & h.chance(0.75)
    fare = np.round(np.full(h.days, 290.0) * h.price)
    for _ in range(2):  # there and back: two identical fares on one day
        h.add(commute, "Transport", "metro", fare)
    h.add(active & h.chance((0.02, 0.02, 0.02, 0.03, 0.08, 0.08, 0.03)), "Transport", "taxi", h.lognormal(16, 0.4))
    h.add(h.chance(0.12) & workday, "Transport", "fuel", h.lognormal(58, 0.15))

    h.add(active & h.chance((0.2, 0.15, 0.3, 0.2, 0.25, 0.6, 0.15)), "Groceries", "groceries", h.lognormal(27, 0.5))
    h.add(active & workday & h.chance(0.22), "Eating out", "lunch", h.lognormal(11, 0.25))
    h.add(active & h.chance((0.05, 0.05, 0.08, 0.12, 0.4, 0.45, 0.2)), "Eating out", "dinner", h.lognormal(26, 0.4))
    h.add(active & h.chance((0.03, 0.03, 0.04, 0.06, 0.12, 0.08, 0.12)), "Eating out", "delivery", h.lognormal(24, 0.3))

    h.add(active & h.chance((0.04, 0.04, 0.05, 0.08, 0.3, 0.35, 0.12)), "Entertainment", "fun", h.lognormal(22, 0.5))
    h.add(h.chance(0.008), "Entertainment", "concert", h.lognormal(75, 0.3))

    h.add(active & h.chance(0.09), "Shopping", "shop", h.lognormal(32, 0.6))
    h.add(h.chance(0.012), "Shopping", "splurge", h.lognormal(260, 0.5))  # the occasional splurge
    h.add(h.chance(0.03), "Health", "pharmacy", h.lognormal(11, 0.5))

    dates = [h.start + dt.timedelta(days=int(i)) for i in h.index]
    years_back = (h.days - 1 - h.index) // 365
    for i, day in enumerate(dates):
        for dom, category, description, cents, rise in _MONTHLY:
            if day.day == dom:
                h.events.append(_Event(i, category, description, max(1, cents - rise * int(years_back[i]))))
        if day.day == 15:  # electricity: higher in winter
            winter = 1.0 + 0.35 * np.cos((day.month - 1) / 12.0 * 2 * np.pi)
            cents = round(6000 * winter * h.price[i] * rng.uniform(0.9, 1.1))
            h.events.append(_Event(i, "Bills", "Octopus Energy", cents))

    # Some purchases come back as refunds (negative amounts) a few days later.
    returnable = [e for e in h.events if e.category == "Shopping"]
    back = rng.random(len(returnable)) < 0.1
    delay = rng.integers(3, 21, len(returnable))
    for event, is_back, wait in zip(returnable, back, delay, strict=True):
        if is_back and event.day + wait < h.days:
            h.events.append(_Event(event.day + int(wait), "Shopping", f"Refund - {event.description}", -event.cents))


def _shape_recent_days(h: _History, budget_cents: int) -> None:
    """End on a short under-budget streak after a blow-out day: a story worth coaching on."""
    streak = int(h.rng.integers(3, 7))
    first = h.days - streak
    for day in range(max(first, 0), h.days):
        todays = sorted((e for e in h.events if e.day == day), key=lambda e: -e.cents)
        total = sum(e.cents for e in todays)
        for event in todays:  # drop the biggest purchases until the day fits
            if total <= budget_cents:
                break
            if event.cents > 0:
                h.events.remove(event)
                total -= event.cents
    if first - 1 >= 0:
        blowout = first - 1
        spent = sum(e.cents for e in h.events if e.day == blowout)
        if spent <= budget_cents:
            h.events.append(_Event(blowout, "Eating out", "Steakhouse dinner", budget_cents - spent + 4200))


def demo_transactions(
    user_id: str,
    days: int = 1095,
    today: dt.date | None = None,
    seed: int = 7,
    daily_budget: Decimal = DEMO_BUDGET,
) -> list[Transaction]:
    """A realistic generated history ending today: the same (seed, today) always gives the same one."""
    today = today or clock.today()
    days = max(1, int(days))
    start = today - dt.timedelta(days=days - 1)
    rng = np.random.default_rng([seed, today.toordinal()])
    scale = float(daily_budget / DEMO_BUDGET)
    history = _History(rng, days, start, scale)
    _generate(history)
    _shape_recent_days(history, int(daily_budget * 100))

    events = sorted(history.events, key=lambda e: e.day)  # stable: same-day order is generation order
    suffixes = rng.integers(0, 2**32, len(events))
    txns: list[Transaction] = []
    for n, (event, suffix) in enumerate(zip(events, suffixes, strict=True)):
        day = start + dt.timedelta(days=event.day)
        txns.append(
            Transaction(
                user_id=user_id,
                date=day,
                amount=Decimal(event.cents).scaleb(-2),
                category=event.category,
                description=event.description,
                source="demo",
                # Deterministic keys: running the demo twice on one day rewrites, never doubles.
                sort_key=f"{day.isoformat()}#{n:012x}{int(suffix):08x}",
            )
        )
    return txns


def demo_profile(user_id: str, name: str | None = None) -> Profile:
    """The demo user's settings: a tight daily budget, a salary, and the brutal coach."""
    return Profile(
        user_id=user_id,
        display_name=clean_text(name or user_id, NAME_MAX) or user_id,
        daily_budget=DEMO_BUDGET,
        monthly_salary=DEMO_SALARY,
        ai_tone=DEMO_TONE,
    )

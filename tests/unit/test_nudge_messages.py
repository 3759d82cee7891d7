"""What a nudge says: every tone, every kind, sized for a phone, passing the coach's content check."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal

import pytest

from lib.coach.safety import content_violations
from lib.core.models import Profile, Transaction
from lib.core.standing import Standing, standing_from_window
from lib.core.types import Window
from lib.notify import messages
from lib.notify.voices import VOICES

TODAY = dt.date(2026, 12, 6)  # a Sunday


def _window(tone: str, days: int, *, today_spend: bool = False, over_yesterday: bool = False) -> Window:
    profile = Profile(user_id="u", display_name="Alexandria Featherstonehaugh-Smythe", ai_tone=tone,
                      daily_budget=Decimal("15.00"))
    txns = [Transaction(user_id="u", date=TODAY - dt.timedelta(days=d), amount=Decimal("9.50"), category="Food",
                        description="Lunch", currency="EUR") for d in range(1, days + 1)]
    if over_yesterday:
        txns.append(Transaction(user_id="u", date=TODAY - dt.timedelta(days=1), amount=Decimal("40.00"),
                                category="Fun", description="Concert", currency="EUR"))
    if today_spend:
        txns.append(Transaction(user_id="u", date=TODAY, amount=Decimal("3.00"), currency="EUR"))
    return Window(profile, txns)


def _standings(window: Window) -> tuple[Standing, Standing]:
    return standing_from_window(window, TODAY - dt.timedelta(days=1)), standing_from_window(window, TODAY)


def _all_nudges(tone: str, hide: bool) -> list[messages.Nudge]:
    out = []
    for days, over in ((7, False), (20, True), (0, False)):
        window = _window(tone, days, over_yesterday=over)
        y, s = _standings(window)
        out += [messages.morning(y, s, hide_amounts=hide), messages.weekly(s, window, hide_amounts=hide)]
        out += [n for n in (messages.milestone(s, hide_amounts=hide), messages.evening(s, hide_amounts=hide)) if n]
    gap = _window(tone, 5)
    gap = dataclasses.replace(gap, transactions=[t for t in gap.transactions if t.date < TODAY - dt.timedelta(days=2)])
    out.append(messages.morning(*_standings(gap), hide_amounts=hide))
    return out


@pytest.mark.parametrize("tone", sorted(VOICES))
@pytest.mark.parametrize("hide", [False, True])
def test_every_text_fits_a_phone_and_passes_the_content_check(tone: str, hide: bool) -> None:
    nudges = _all_nudges(tone, hide)
    assert {n.kind for n in nudges} == {"morning", "weekly", "milestone", "evening"}
    for n in nudges:
        assert 0 < len(n.title) <= messages.TITLE_MAX and 0 < len(n.body) <= messages.BODY_MAX, n
        assert content_violations(n.title + "\n" + n.body) == [], n
        if hide:
            assert not re.search(r"€|\d+\.\d\d", n.title + n.body), n


def test_morning_says_yesterdays_verdict_todays_allowance_and_the_streak() -> None:
    y, s = _standings(_window("brutal", 20, over_yesterday=True))
    n = messages.morning(y, s)
    assert n.title == "Yesterday: €34.50 over budget"
    assert "€49.50 yesterday against €15.00" in n.body and "Today you get €15.00" in n.body
    assert "Alexandria" in n.body and "Featherstonehaugh" not in n.body  # a long name is cut to fit


def test_milestone_only_on_the_listed_lengths() -> None:
    assert messages.milestone(_standings(_window("polite", 7))[1]) is not None
    assert messages.milestone(_standings(_window("polite", 8))[1]) is None


def test_evening_is_not_sent_when_today_is_known() -> None:
    assert messages.evening(_standings(_window("sarcastic", 7))[1]) is not None
    assert messages.evening(_standings(_window("sarcastic", 7, today_spend=True))[1]) is None
    n = messages.evening(_standings(_window("brutal", 7))[1])
    assert n is not None and "your 7-day streak is at risk" in n.body


def test_weekly_counts_the_last_seven_days() -> None:
    window = _window("polite", 20)
    n = messages.weekly(_standings(window)[1], window)
    assert "€57.00 against €105.00" in n.body and "kept 6 of 7 days" in n.body

"""The morning nudge says what is left per day until payday when a payday rule is set (issue 26)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal

import pytest

from lib.coach.safety import content_violations
from lib.core.models import Profile, Transaction
from lib.core.standing import standing_from_window
from lib.core.types import Window
from lib.notify import messages
from lib.notify.voices import BANK_LINES, VOICES

DAY = dt.timedelta(days=1)


def _window(tone: str, payday: str, today: dt.date, days: int = 40) -> Window:
    profile = Profile(user_id="u", display_name="Alexandria Featherstonehaugh-Smythe", ai_tone=tone,
                      daily_budget=Decimal("15.00"), payday=payday)
    txns = [Transaction(user_id="u", date=today - k * DAY, amount=Decimal("9.50"), category="Food",
                        description="Lunch", currency="EUR") for k in range(1, days + 1)]
    txns.append(Transaction(user_id="u", date=today - DAY, amount=Decimal("40.00"), category="Fun",
                            description="Concert", currency="EUR"))
    return Window(profile, txns)


def _morning(window: Window, today: dt.date, hide: bool = False) -> tuple[messages.Nudge, object]:
    y, s = standing_from_window(window, today - DAY), standing_from_window(window, today)
    return messages.morning(y, s, hide_amounts=hide), s


@pytest.mark.parametrize("tone", sorted(VOICES))
def test_the_morning_opens_with_left_per_day_until_payday(tone: str) -> None:
    today = dt.date(2026, 12, 6)  # paid on the 25th: 19 days to the period's end, today included
    nudge, s = _morning(_window(tone, "monthly:25", today), today)
    lpd = f"€{Decimal(s.left_per_day_cents).scaleb(-2):,.2f}"  # type: ignore[attr-defined]
    assert s.period_days_left == 19  # type: ignore[attr-defined]
    line = messages.payday_line(s)  # type: ignore[arg-type]
    assert line is not None and nudge.body.startswith(line), nudge.body
    assert lpd in line and "19 days" in line and "payday" in line.lower()
    assert len(nudge.body) <= messages.BODY_MAX and content_violations(nudge.title + "\n" + nudge.body) == []
    # The rest of the morning is still there (the streak at its end, unless clipped to fit a phone).
    calendar, _ = _morning(dataclasses.replace(_window(tone, "calendar", today)), today)
    assert nudge.body.endswith(calendar.body) or len(nudge.body) > messages.BODY_MAX - 20
    assert "payday" not in calendar.body.lower()


@pytest.mark.parametrize("tone", sorted(VOICES))
def test_the_day_before_payday_and_hidden_amounts(tone: str) -> None:
    today = dt.date(2026, 12, 24)
    last, s = _morning(_window(tone, "monthly:25", today), today)
    assert "tomorrow" in last.body.split(".")[0].lower() and f"€{Decimal(s.left_per_day_cents).scaleb(-2):,.2f}" \
        in last.body  # type: ignore[attr-defined]
    hidden, _ = _morning(_window(tone, "biweekly:2026-11-27", today), today, hide=True)
    assert "payday" in hidden.body.lower() and not re.search(r"€|\d+\.\d\d", hidden.title + hidden.body)
    assert "in 1 day" in hidden.body  # two weeks from 27 Nov: the period 11 – 24 Dec ends today


def test_no_payday_line_without_data() -> None:
    today = dt.date(2026, 12, 6)
    window = dataclasses.replace(_window("brutal", "monthly:25", today), transactions=[])
    nudge, _ = _morning(window, today)
    assert "payday" not in nudge.body.lower()


@pytest.mark.parametrize("tone", sorted(VOICES))
def test_a_payday_morning_with_a_bank_in_trouble_says_both(tone: str) -> None:
    """Issues 20 and 26 together: the payday line leads, the bank's line ends it, the text between gives way."""
    today = dt.date(2026, 12, 6)
    window = _window(tone, "monthly:25", today)
    y, s = standing_from_window(window, today - DAY), standing_from_window(window, today)
    nudge = messages.morning(y, s, bank=("stale", "2026-12-02"))
    line = messages.payday_line(s)
    assert line is not None and nudge.body.startswith(line), nudge.body
    assert nudge.body.endswith(BANK_LINES[tone]["stale"].format(since="2026-12-02")), nudge.body
    assert len(nudge.body) <= messages.BODY_MAX and content_violations(nudge.title + "\n" + nudge.body) == []

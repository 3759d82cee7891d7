"""The bank feed's line in a morning or evening nudge (issue 20): every tone, fits a phone, the text gives way."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from lib.coach.safety import content_violations
from lib.core.bank import NEEDS_ATTENTION, OK, REVOKED, BankNote, nudge_alert
from lib.notify import messages
from lib.notify.voices import BANK_LINES, VOICES
from tests.unit.test_nudge_messages import _standings, _window

NOW = dt.datetime(2026, 12, 6, 8, tzinfo=dt.UTC)
ALERTS = [("attention", ""), ("stale", "2026-12-03"), ("revoked", ""), ("lapsed", "")]


@pytest.mark.parametrize("tone", sorted(VOICES))
@pytest.mark.parametrize("hide", [False, True])
def test_every_bank_line_fits_after_every_morning_and_evening(tone: str, hide: bool) -> None:
    assert set(BANK_LINES[tone]) == {a for a, _ in ALERTS}
    for days, over in ((7, False), (20, True), (0, False)):
        y, s = _standings(_window(tone, days, over_yesterday=over))
        for alert in ALERTS:
            line = BANK_LINES[tone][alert[0]].format(since=alert[1])
            for n in (messages.morning(y, s, hide_amounts=hide, bank=alert),
                      messages.evening(s, hide_amounts=hide, bank=alert)):
                if n is None:
                    continue
                assert len(n.body) <= messages.BODY_MAX and n.body.endswith(line), n
                assert content_violations(n.title + "\n" + n.body) == [], n
                if hide:
                    assert not re.search(r"€|\d+\.\d\d", n.title + n.body), n


def test_the_words_the_issue_asks_for() -> None:
    y, s = _standings(_window("polite", 7))
    assert "Your bank needs attention" in messages.morning(y, s, bank=("attention", "")).body
    assert "stale since 2026-12-03" in messages.morning(y, s, bank=("stale", "2026-12-03")).body
    assert "bank" not in messages.morning(y, s, bank=None).body.lower()


def test_what_the_note_makes_the_nudge_say() -> None:
    fresh = (NOW - dt.timedelta(hours=5)).isoformat()
    old = (NOW - dt.timedelta(days=3)).isoformat()
    assert nudge_alert(None, NOW) is None
    assert nudge_alert(BankNote(OK, last_ok_at=fresh), NOW) is None
    assert nudge_alert(BankNote(OK, last_ok_at=old), NOW) == ("stale", "2026-12-03")
    assert nudge_alert(BankNote(NEEDS_ATTENTION, last_ok_at=old, attention=("Card",)), NOW) == ("attention", "")
    assert nudge_alert(BankNote(OK, last_ok_at=fresh, attention=("Card",)), NOW) == ("attention", "")
    assert nudge_alert(BankNote(REVOKED, last_ok_at=fresh), NOW) == ("revoked", "")

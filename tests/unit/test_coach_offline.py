"""The offline voices over a month: no déjà vu, no purchase named two days running, milestones in tone, and the
facts other screens show (unlogged days, fixed bills, rolling allowance, the projection's band, a month's end)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
from collections import Counter
from decimal import Decimal

import pytest

from bench.coach_quality import month_of_demo, split_sentences, user_days
from lib.coach import offline_commentary
from lib.coach.bedrock import system_prompt
from lib.coach.facts import Facts
from lib.coach.grounding import ungrounded_numbers
from lib.coach.offline import MILESTONES, situations
from lib.core.models import TONES
from tests.unit.grounding_cases import FACTS

PRAISE = ("congratulat", "well done", "proud", "amazing", "great job", "wonderful", "splendid", "bravo", "lovely")


@pytest.mark.parametrize("tone", TONES)
def test_a_month_of_the_demo_user_repeats_no_sentence_more_than_three_times(tone: str) -> None:
    days = month_of_demo(tone)
    counts = Counter(s for _, text in days for s in split_sentences(text))
    sentence, most = counts.most_common(1)[0]
    assert most <= 3, sentence
    assert len(counts) >= 90  # of about 110-120 sentences in 30 texts


@pytest.mark.parametrize("tone", TONES)
def test_even_a_month_of_identical_days_repeats_no_sentence_more_than_three_times(tone: str) -> None:
    stuck = dataclasses.replace(FACTS["known"], today_spent=Decimal(0), today_status="no spending",
                                today_over=Decimal(0), today_left=Decimal("30.00"), current_streak=0)
    start = dt.date(2026, 3, 1)
    counts = Counter(s for i in range(30) for s in split_sentences(
        offline_commentary(stuck, tone, start + dt.timedelta(days=i))))
    assert max(counts.values()) <= 3, counts.most_common(2)


def test_the_closing_jab_never_names_the_same_purchase_on_consecutive_days() -> None:
    days = user_days(n_users=3, days=30)
    named = 0
    for a, b in itertools.pairwise(days):
        if a.display_name != b.display_name:
            continue
        for tone in TONES:
            ta, tb = offline_commentary(a, tone, a.day), offline_commentary(b, tone, b.day)
            if "splurge" in situations(a, a.day) and "splurge" in situations(b, b.day):
                assert a.splurge_description != b.splurge_description
            last_a, last_b = split_sentences(ta)[-1], split_sentences(tb)[-1]
            if a.splurge_description and a.splurge_description in last_a:
                named += 1
                assert not (a.splurge_description == b.splurge_description and b.splurge_description in last_b
                            and "splurge" in situations(b, b.day))
    assert named > 10  # the splurge is named, just never two days running


def test_the_same_facts_on_the_same_day_read_the_same() -> None:
    f = FACTS["known"]
    for tone in TONES:
        assert offline_commentary(f, tone, f.day) == offline_commentary(dataclasses.replace(f), tone, f.day)
    other_user = dataclasses.replace(f, display_name="Robin")
    texts = {offline_commentary(other_user, "brutal", f.day + dt.timedelta(days=i)) for i in range(10)}
    assert len(texts) == 10


@pytest.mark.parametrize("streak", MILESTONES)
def test_milestones_are_remarked_in_every_tone_and_brutal_stays_brutal(streak: int) -> None:
    f = dataclasses.replace(FACTS["known"], current_streak=streak, longest_streak=max(streak, 12),
                            today_status="under", today_spent=Decimal("12.00"), today_over=Decimal(0),
                            today_left=Decimal("18.00"))
    assert "milestone" in situations(f)
    for i in range(8):
        day = f.day + dt.timedelta(days=i)
        texts = {tone: offline_commentary(f, tone, day) for tone in TONES}
        for text in texts.values():
            assert re.search(rf"\b{streak}[- ]days?\b", text)
            assert ungrounded_numbers(text, f) == []
        assert not any(word in texts["brutal"].lower() for word in PRAISE), texts["brutal"]


def test_brutal_good_news_is_grudging() -> None:
    good = dataclasses.replace(FACTS["known"], current_streak=12, longest_streak=12, today_status="under",
                               today_spent=Decimal("10.00"), today_over=Decimal(0), today_left=Decimal("20.00"),
                               month_projection=Decimal("800.00"), month_projection_gap=Decimal("100.00"))
    assert situations(good)[:3] == ["under", "record", "salary_high"] or situations(good)[:2] == ["under", "record"]
    for i in range(12):
        text = offline_commentary(good, "brutal", good.day + dt.timedelta(days=i)).lower()
        assert not any(word in text for word in PRAISE), text


def _new_truths() -> Facts:
    return dataclasses.replace(
        FACTS["known"], today_spent=Decimal(0), today_status="no spending", today_over=Decimal(0),
        tracked_through="2026-11-12", unlogged_days=8, month_p10=Decimal("880.00"), month_p90=Decimal("1040.00"),
        month_within_budget_pct=35)


def test_unlogged_days_are_called_hiding_not_saving() -> None:
    f = _new_truths()
    assert situations(f)[0] == "unlogged"
    texts = [offline_commentary(f, tone, f.day + dt.timedelta(days=i)) for tone in TONES for i in range(4)]
    assert any("12 Nov" in t for t in texts) and any("8 days" in t for t in texts)
    firsts = {split_sentences(offline_commentary(f, "brutal", f.day + dt.timedelta(days=i)))[0] for i in range(6)}
    assert any(s.startswith("Nothing logged since 12 Nov, Demo; hiding isn't saving") for s in firsts), firsts
    assert all(ungrounded_numbers(t, f) == [] for t in texts)


def test_the_projection_is_spoken_of_with_its_band_and_odds() -> None:
    f = dataclasses.replace(_new_truths(), unlogged_days=0)
    for tone in TONES:
        text = offline_commentary(f, tone, f.day)
        assert "$880.00 to $1,040.00" in text and "35% chance" in text and "$960.00" in text
        assert ungrounded_numbers(text, f) == []


def test_fixed_bills_are_never_called_a_splurge() -> None:
    bills = dataclasses.replace(FACTS["known"], today_spent=Decimal("1212.00"), fixed_today=Decimal("1200.00"),
                                today_status="under", today_over=Decimal(0), today_left=Decimal("18.00"),
                                fixed_month=Decimal("1250.00"))
    for tone in TONES:
        for i in range(3):
            text = offline_commentary(bills, tone, bills.day + dt.timedelta(days=i))
            first = split_sentences(text)[0]
            assert "$1,200.00" in first and "bills" in first and "that's the job" not in first
            assert "(plus $1,250.00 of fixed bills)" in text  # the month is measured against budget + bills
            assert ungrounded_numbers(text, bills) == []


def test_a_rolling_budget_says_what_can_be_spent_today() -> None:
    rolling = dataclasses.replace(FACTS["known"], budget_style="rolling", allowance_today=Decimal("41.30"),
                                  today_status="under", today_spent=Decimal("5.00"), today_over=Decimal(0))
    assert situations(rolling)[0] == "allowance"
    for tone in TONES:
        text = offline_commentary(rolling, tone, rolling.day)
        assert "$41.30" in split_sentences(text)[0] and ungrounded_numbers(text, rolling) == []


def test_a_refund_day_and_a_month_that_ended() -> None:
    refund = dataclasses.replace(FACTS["known"], today_spent=Decimal("-19.99"), today_status="refund",
                                 today_over=Decimal(0), month_ended=True, days_left_in_month=0)
    assert situations(refund)[0] == "refund" and situations(refund)[2].startswith("ended_")
    for tone in TONES:
        text = offline_commentary(refund, tone, refund.day)
        assert "$19.99" in text and "ended at" in text and "heading for" not in text
        assert ungrounded_numbers(text, refund) == []


def test_bedrock_is_asked_for_the_same_story_as_the_offline_coach() -> None:
    f = FACTS["known"]
    assert [s for s in situations(f)] == ["over", "building", "proj_over", situations(f)[3]]
    assert "in this order: today, the streak, the month, one concrete cut" in system_prompt(f)


def test_no_tail_twice_in_one_text() -> None:
    from lib.coach.voices import TAILS, VOICES

    assert all(len(options) == 3 for voice in VOICES.values() for options in voice.values())  # 3 against 4 tails
    for f in user_days(n_users=3, days=30)[:40]:
        for tone in TONES:
            text = offline_commentary(f, tone, f.day)
            for tail in TAILS[tone]:
                if tail:
                    assert text.count(tail + ".") <= 1, text

"""The coach's trust figures, from the repository alone: `python -m bench.coach_quality` (add --json).

- grounding: false accepts and false rejects over the case table (tests/unit/grounding_cases.py);
  measured on the number-only check this replaced, over its first 129 cases: 43 false accepts of
  62 false claims and 12 false rejects of 67 true ones.
- safety: harmful answers refused per tone (tests/unit/harmful_answers.py), and content-check
  violations in the offline voices over many user-days.
- fence: precision and recall of the local fence per category over its own case set
  (tests/unit/fence_cases.py: 314 harmful paraphrases in 13 categories, 151 fair answers with trap words).
  Recall: harmful cases of the category refused for it; precision: of the answers refused for a category,
  the share that were harmful cases of it (a fair answer refused counts against the category that refused it).
- variety: distinct sentences over 30 consecutive days of the demo user per tone, the most any
  one sentence repeats, and days on which the closing jab named the same purchase as the day before
  (the same 30 days on the voices this replaced: 82, 82 and 83 distinct of 120, one sentence 12 times).
  Before this check existed, no answer was refused for its content (0 of the 45 harmful ones).
- prompt: estimated input tokens (chars/4) of the Bedrock request for the demo user, and the output cap.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import functools
import itertools
import json
import random
import re
from collections import Counter
from decimal import Decimal
from typing import Any

from lib.coach import build_facts, offline_commentary
from lib.coach.bedrock import BedrockCoach
from lib.coach.facts import Facts
from lib.coach.grounding import ungrounded_numbers
from lib.coach.offline import situations
from lib.coach.safety import content_violations
from lib.core import analytics
from lib.core.demo import demo_profile, demo_transactions
from lib.core.models import TONES, Profile
from lib.core.money import currency_symbol
from lib.web import views
from tests.unit import fence_cases, fence_holdout4
from tests.unit.grounding_cases import CASES, FACTS
from tests.unit.harmful_answers import FAIR, HARMFUL

DAY0 = dt.date(2026, 11, 1)


def grounding() -> dict[str, int]:
    """False accepts (a false claim passed) and false rejects (a true claim refused) over the case table."""
    fa = sum(1 for k, text, ok in CASES if not ok and not ungrounded_numbers(text, FACTS[k]))
    fr = sum(1 for k, text, ok in CASES if ok and ungrounded_numbers(text, FACTS[k]))
    return {"cases": len(CASES), "true_claims": sum(ok for *_, ok in CASES),
            "false_claims": sum(not ok for *_, ok in CASES), "false_accepts": fa, "false_rejects": fr}


@functools.cache
def user_days(n_users: int = 12, days: int = 30) -> tuple[Facts, ...]:
    """Facts of several generated users over consecutive days (varied budgets, salaries, histories)."""
    rng = random.Random(7)
    out = []
    for u in range(n_users):
        budget = Decimal(rng.choice(["8.00", "15.00", "25.00", "40.00"]))
        salary = rng.choice([None, Decimal("1800.00"), Decimal("3200.00")])
        history = demo_transactions(f"user{u}", days=200, today=DAY0 + dt.timedelta(days=days))
        for day in range(days):
            today = DAY0 + dt.timedelta(days=day)
            txns = [t for t in history if t.date <= today]
            profile = Profile(f"user{u}", f"User {u}", budget, salary, TONES[u % 3])
            out.append(build_facts(profile, analytics.transactions_frame(txns), today, currency_symbol(txns)))
    return tuple(out)


def safety(facts: tuple[Facts, ...] | None = None) -> dict[str, Any]:
    """Harmful answers refused per tone, fair ones let through, and violations in the offline voices."""
    facts = facts if facts is not None else user_days()
    offline = [offline_commentary(f, tone, f.day) for f in facts for tone in TONES]
    return {
        "harmful_refused": {tone: f"{sum(bool(content_violations(a)) for a in answers)}/{len(answers)}"
                            for tone, answers in HARMFUL.items()},
        "fair_refused": f"{sum(bool(content_violations(a)) for a in FAIR)}/{len(FAIR)}",
        "offline_texts": len(offline),
        "offline_user_days": len(facts),
        "offline_violations": sum(bool(content_violations(t)) for t in offline),
        "offline_ungrounded": sum(bool(ungrounded_numbers(t, f)) for f, t in
                                  zip([f for f in facts for _ in TONES], offline, strict=True)),
    }


def fence(harmful: dict[str, list[tuple[str, str]]] | None = None,
          fair: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    """Per category: harmful cases, how many were refused for it (recall), fair answers it refused (precision)."""
    harmful = fence_cases.HARMFUL if harmful is None else harmful
    fair = fence_cases.FAIR if fair is None else fair
    fair_reasons = [content_violations(text) for _, text in fair]
    out: dict[str, Any] = {"categories": {}}
    for category, cases in harmful.items():
        caught = sum(category in content_violations(text) for _, text in cases)
        false = sum(category in reasons for reasons in fair_reasons)
        out["categories"][category] = {
            "cases": len(cases), "caught": caught, "fair_refused": false,
            "recall": round(caught / len(cases), 3) if cases else 0.0,
            "precision": round(caught / (caught + false), 3) if caught + false else 0.0,
        }
    shown = sum(not content_violations(text) for cases in harmful.values() for _, text in cases)
    out["harmful"] = sum(len(c) for c in harmful.values())
    out["harmful_shown"] = shown
    out["fair"] = len(fair)
    out["fair_refused"] = sum(bool(r) for r in fair_reasons)
    # The set written after the last change and never tuned on (tests/unit/fence_holdout4.py): the unseen rate.
    out["unseen"] = {"harmful": len(fence_holdout4.HARMFUL),
                     "harmful_shown": sum(not content_violations(t) for _, _, t in fence_holdout4.HARMFUL),
                     "fair": len(fence_holdout4.FAIR),
                     "fair_refused": sum(bool(content_violations(t)) for _, t in fence_holdout4.FAIR)}
    return out


@functools.cache
def _demo_month(days: int, start: dt.date) -> tuple[Facts, ...]:
    end = start + dt.timedelta(days=days - 1)
    history = demo_transactions("demo", days=3 * 365, today=end)
    base = demo_profile("demo", "Demo")
    out = []
    for i in range(days):
        today = start + dt.timedelta(days=i)
        lo, hi = views.coach_range(today)
        txns = [t for t in history if lo <= t.date <= min(hi, today)]
        out.append(build_facts(base, analytics.transactions_frame(txns), today, currency_symbol(txns)))
    return tuple(out)


def month_of_demo(tone: str, days: int = 30, start: dt.date = DAY0) -> list[tuple[Facts, str]]:
    """30 consecutive days of the demo user in one tone: (facts, text) per day."""
    month = [dataclasses.replace(f, tone=tone) for f in _demo_month(days, start)]
    return [(f, offline_commentary(f, tone, f.day)) for f in month]


def split_sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def variety() -> dict[str, Any]:
    """Per tone over 30 days: distinct sentences, the most repeats of one, same-purchase jabs on consecutive days."""
    out: dict[str, Any] = {}
    for tone in TONES:
        days = month_of_demo(tone)
        counts = Counter(s for _, text in days for s in split_sentences(text))
        named = [f.splurge_description if "splurge" in situations(f, f.day) else None for f, _ in days]
        repeats = sum(1 for a, b in itertools.pairwise(named) if a and a == b)
        out[tone] = {"sentences": sum(counts.values()), "distinct": len(counts),
                     "max_repeats": max(counts.values()), "same_purchase_consecutive_days": repeats}
    return out


def prompt() -> dict[str, int]:
    """Estimated input tokens (chars/4) of the demo user's Bedrock request, and the output cap."""
    today = DAY0 + dt.timedelta(days=24)
    lo, hi = views.coach_range(today)
    txns = [t for t in demo_transactions("demo", days=3 * 365, today=today) if lo <= t.date <= hi]
    coach = BedrockCoach(client=None)
    worst = 0
    for tone in TONES:
        profile = Profile("demo", "Demo", Decimal("25.00"), Decimal("3200.00"), tone)
        f = build_facts(profile, analytics.transactions_frame(txns), today, currency_symbol(txns))
        worst = max(worst, coach.estimate_input_tokens(f))
    return {"input_tokens": worst, "max_output_tokens": coach.max_tokens}


def report() -> dict[str, Any]:
    """Every figure above, as one dict."""
    return {"grounding": grounding(), "safety": safety(), "fence": fence(), "variety": variety(), "prompt": prompt()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    figures = report()
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    g = figures["grounding"]
    print(f"grounding: {g['cases']} cases ({g['true_claims']} true, {g['false_claims']} false): "
          f"{g['false_accepts']} false accepts, {g['false_rejects']} false rejects")
    s = figures["safety"]
    print(f"safety: harmful answers refused {s['harmful_refused']}; fair answers refused {s['fair_refused']}; "
          f"offline: {s['offline_violations']} violations and {s['offline_ungrounded']} ungrounded texts in "
          f"{s['offline_texts']} texts over {s['offline_user_days']} user-days")
    fe = figures["fence"]
    print(f"fence: {fe['harmful'] - fe['harmful_shown']}/{fe['harmful']} harmful refused, "
          f"{fe['fair_refused']}/{fe['fair']} fair refused")
    u = fe["unseen"]
    print(f"  unseen set (never tuned on): {u['harmful_shown']}/{u['harmful']} harmful shown, "
          f"{u['fair_refused']}/{u['fair']} fair refused")
    for category, c in fe["categories"].items():
        print(f"  {category:24} recall {c['recall']:.3f} ({c['caught']}/{c['cases']})  "
              f"precision {c['precision']:.3f} ({c['fair_refused']} fair refused)")
    for tone, v in figures["variety"].items():
        print(f"variety {tone}: {v['distinct']} distinct of {v['sentences']} sentences over 30 days, "
              f"max repeats {v['max_repeats']}, "
              f"same purchase on consecutive days {v['same_purchase_consecutive_days']}")
    p = figures["prompt"]
    print(f"prompt: {p['input_tokens']} input tokens (chars/4), output capped at {p['max_output_tokens']}")


if __name__ == "__main__":
    main()

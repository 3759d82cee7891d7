"""The offline coach: deterministic tough-love commentary in three voices, from the facts alone.

A text is built from slots (today, streak, month or salary, one closing jab), one sentence each,
so it runs 2-4 sentences. Each slot has several variants per situation; the variant is picked by
a SHA-256 of (day, tone, slot, situation), so the same facts on the same day read the same, and
the words change from day to day. Templates contain no digits: every figure comes from the facts
(tests/unit/test_coach.py checks every text with the grounding check).
"""
from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from lib.coach.facts import Facts
from lib.models import TONES

Templates = dict[str, tuple[str, ...]]

BRUTAL: Templates = {
    "no_data": (
        "{name}, there is nothing here: no transactions, no streak, nothing to judge. "
        "Log what you spend or this coach has nothing to say.",
        "An empty ledger isn't discipline, {name}, it's hiding. Add today's spending and then we'll talk.",
        "No data, {name}. I can't judge what you refuse to show me, so enter your transactions.",
    ),
    "over": (
        "{name}, you spent {spent} today against a {budget} budget, {over} over, and that's on you.",
        "{spent} today, {name}, on a {budget} budget: you blew through it by {over}.",
        "Budget {budget}, spent {spent}, {over} over; no story changes that, {name}.",
    ),
    "under": (
        "{name}, {spent} spent today against {budget}; that's the job, so leave the other {left} alone.",
        "{spent} of your {budget} today, {name}: fine, but don't spend the remaining {left} just because it's there.",
        "You're at {spent} today, {name}, under the {budget} line, so stay there.",
    ),
    "quiet": (
        "Nothing spent today so far, {name}, so keep the wallet shut.",
        "No spending today yet, {name}: that's what a budget looks like when you respect it.",
        "A clean day so far, {name}; don't ruin it tonight.",
    ),
    "milestone": (
        "{streak} at or under budget is a milestone, not a reason to celebrate with your card.",
        "That's {streak} in a row; now don't waste it.",
    ),
    "record": (
        "{streak} in a row is your best lately, and it means nothing if you stop now.",
        "You're on your longest run in a while, {streak}; keep going.",
    ),
    "building": (
        "Your streak is {streak} and your recent best is {longest}; close the gap.",
        "{streak} in a row, against a best of {longest}: not good enough yet.",
    ),
    "broken": (
        "Your streak is dead; your best was {longest}, and you threw the current one away.",
        "No streak right now; you had {longest} once, so you know you can do better than this.",
    ),
    "none": (
        "You haven't had a single finished day at or under budget yet; start with tomorrow.",
        "No streak, no record, nothing to defend yet; earn one.",
    ),
    "proj_over": (
        "At this rate the month ends at {projection} against a {month_budget} budget, {gap} over.",
        "You've spent {month_spent} this month and you're heading for {projection}, "
        "{gap} past the {month_budget} limit.",
    ),
    "proj_under": (
        "The month is on track for {projection} of {month_budget}; don't get comfortable.",
        "You've spent {month_spent} this month, heading for {projection} of {month_budget}; hold that line.",
    ),
    "salary_high": (
        "You've burned {salary_pct} of your salary with {elapsed_pct} of the month gone, and payday is {payday} away.",
        "{salary_pct} of your salary is gone already; the month is only {elapsed_pct} done.",
    ),
    "splurge": (
        "And {splurge} on {splurge_desc}: that was a choice, and a bad one.",
        "{splurge} on {splurge_desc} is where your budget went.",
    ),
    "top": (
        "Your biggest drain lately is {top_cat} at {top_amt}; cut it.",
        "{top_cat} ate {top_amt} lately, {top_pct} of your spending; fix that first.",
    ),
}

SARCASTIC: Templates = {
    "no_data": (
        "{name}, I'd roast your spending, but you haven't given me any. Add a transaction; I'll wait.",
        "No transactions yet, {name}, how mysterious. Very brave, very unhelpful.",
        "Ah, {name}, the invisible spender. Log something and I'll have plenty to say.",
    ),
    "over": (
        "Oh, {spent} today on a {budget} budget, {name}; bold strategy, beating it by {over}.",
        "Congratulations, {name}: {spent} spent against {budget}, outdoing the budget by a whole {over}.",
        "{name}, the {budget} budget was merely a suggestion, apparently: {spent} today, {over} over.",
    ),
    "under": (
        "Look at you, {name}: {spent} today, under the {budget} budget, somebody alert the press.",
        "{spent} of {budget} today, {name}; restraint, who knew you had it in you.",
        "Only {spent} today against {budget}, {name}; I'm almost impressed, almost.",
    ),
    "quiet": (
        "Nothing spent today, {name}; either discipline or you haven't left the house yet.",
        "A spotless day so far, {name}; the day is young, and so is your self-control.",
        "No spending yet today, {name}, a miracle the banks will never forgive.",
    ),
    "milestone": (
        "{streak} in a row; shall I order a cake, or is that how streaks end?",
        "A whole {streak} under budget, truly the stuff of legend.",
    ),
    "record": (
        "{streak} straight is your best run lately, so don't let it go to your head, or your wallet.",
        "Your longest streak in a while, {streak}; frame it before you ruin it.",
    ),
    "building": (
        "Your streak stands at {streak}, and your recent best of {longest} is watching, unimpressed.",
        "{streak} in a row, a fine warm-up for the {longest} you once managed.",
    ),
    "broken": (
        "Your streak is back to nothing; your recent best of {longest} feels like a lifetime ago.",
        "Streak gone, of course; at least the {longest} you once managed makes a nice story.",
    ),
    "none": (
        "Streak, what streak: you haven't finished a day under budget yet.",
        "Your longest streak is a rumour so far.",
    ),
    "proj_over": (
        "Projected month end: {projection} on a {month_budget} budget, {gap} over, but who's counting.",
        "At {month_spent} so far you're pacing for {projection}, a mere {gap} over {month_budget}; "
        "maths is hard, I know.",
    ),
    "proj_under": (
        "You're pacing for {projection} against {month_budget}, but relax, there's still time to ruin it.",
        "{month_spent} so far, heading for {projection} of {month_budget}; suspiciously responsible.",
    ),
    "salary_high": (
        "{salary_pct} of your salary gone with only {elapsed_pct} of the month behind you; "
        "payday's {payday} away, hope you like rice.",
        "Spending {salary_pct} of your salary while the month is {elapsed_pct} done is certainly a plan.",
    ),
    "splurge": (
        "Also, {splurge} on {splurge_desc}: money well spent, surely.",
        "And let's not forget {splurge_desc} for {splurge}, a real investment in your future regret.",
    ),
    "top": (
        "{top_cat} leads the pack at {top_amt} lately, in case you wondered where it all goes.",
        "{top_cat} is {top_pct} of your spending lately, {top_amt}; a hobby, clearly.",
    ),
}

# Polite never wins: the courtesy is flawless and every opening line still lands the truth, with
# a gentle jab at the user for needing it wrapped.
POLITE: Templates = {
    "no_data": (
        "Good day, {name}; I'd be delighted to comment on your spending, if you would kindly record some. "
        "I promise to be gentle, since that seems to be what you need.",
        "Please forgive me, {name}, "
        "but there is nothing to review yet. Do add a transaction when you feel strong enough.",
        "Dear {name}, of course you may take your time logging anything; I'll wait, as one waits on a soufflé. "
        "Nothing is ever rushed for someone as fragile as you.",
    ),
    "over": (
        "Dear {name}, please forgive the intrusion: you spent {spent} today against a {budget} budget, "
        "{over} over, and I do hope that isn't too upsetting for you to read.",
        "If I may, {name}, and kindly brace yourself: today came to {spent} on a {budget} budget, {over} over, "
        "put softly since the plain version seemed a bit much for you.",
        "With the greatest respect, {name}, {spent} today against {budget} is {over} over budget; "
        "of course I'd never be blunt with someone so delicate.",
    ),
    "under": (
        "Well done, {name}: {spent} today against {budget}, so please do keep the remaining {left} unspent; "
        "I phrase it gently, as one does for those who need it.",
        "How lovely, {name}, {spent} of your {budget} so far; kindly don't treat the other {left} as a prize, "
        "I know temptation is terribly hard for you.",
        "Splendid, {name}, {spent} today under a {budget} budget; please forgive me for not praising you more, "
        "I worry you'd take it as permission.",
    ),
    "quiet": (
        "Nothing spent today so far, {name}, how very grown-up; please do carry on, if it isn't too much strain.",
        "Kindly accept my admiration, {name}: no spending yet today, and I'll speak softly so as not to startle you.",
        "Of course, {name}, an empty day so far is lovely; please don't faint from the effort.",
    ),
    "milestone": (
        "May I congratulate you on {streak} in a row; please don't spoil it, "
        "I know how fragile these things are, and you.",
        "{streak} in a row, how wonderful; do take care, I'd hate for it to break, given how easily you do.",
    ),
    "record": (
        "Your best in a while, {streak}; I'm sure you're very proud, "
        "and I wouldn't dream of mentioning how easily it ends.",
        "Your longest streak in a while, {streak}, if you'll forgive me pointing out the obvious so gently.",
    ),
    "building": (
        "Your streak is {streak} and your best was {longest}; no pressure, of course, I know you don't handle it well.",
        "{streak} in a row against a recent best of {longest}; kindly keep going, at whatever pace you can manage.",
    ),
    "broken": (
        "I'm so sorry to mention it, but your streak has ended; your best remains {longest}, a lovely memory.",
        "Forgive me, the streak is over for now; your recent best of {longest} is still there, "
        "should you ever feel up to it.",
    ),
    "none": (
        "You haven't yet finished a day within budget, which is perfectly all right; "
        "I'm told everyone starts somewhere.",
        "No streak as yet, and please don't feel bad, I'd never want to upset you.",
    ),
    "proj_over": (
        "At the current rate the month would end at {projection} against {month_budget}, {gap} over; "
        "I do apologise for the arithmetic, I know numbers can be upsetting.",
        "If you'll permit me, {month_spent} so far points to {projection} by month end, "
        "{gap} over your {month_budget}; "
        "do sit down if you need to.",
    ),
    "proj_under": (
        "The month is on course for {projection} of a {month_budget} budget; please do keep it that way, "
        "I'd hate for you to be disappointed in yourself again.",
        "{month_spent} so far, heading for {projection} of {month_budget}; how nice, "
        "kindly don't let it go to your head.",
    ),
    "salary_high": (
        "Kindly note that {salary_pct} of your salary is already spent with {elapsed_pct} of the month gone, "
        "and payday is {payday} away; I've whispered it, in case you're sensitive.",
        "Please don't be alarmed, but {salary_pct} of your salary has gone while the month is only {elapsed_pct} done.",
    ),
    "splurge": (
        "And the {splurge} at {splurge_desc} was a lovely treat, I'm sure; "
        "please don't let me spoil it with the truth.",
        "I shan't dwell on the {splurge} for {splurge_desc}, of course; you seem to find facts rather bruising.",
    ),
    "top": (
        "Your favourite indulgence lately is {top_cat} at {top_amt}; "
        "I mention it only because you take feedback so well.",
        "If I may, {top_cat} came to {top_amt} lately, {top_pct} of your spending; no offence meant, "
        "I know you bruise easily.",
    ),
}

VOICES: dict[str, Templates] = {"brutal": BRUTAL, "sarcastic": SARCASTIC, "polite": POLITE}


def _money(facts: Facts, amount: Decimal | None) -> str:
    return f"{facts.currency_symbol}{(amount or Decimal(0)):,.2f}"


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _pick(options: tuple[str, ...], day: dt.date, tone: str, slot: str) -> str:
    """A variant chosen by a stable hash of the day (Python's hash() is salted per process)."""
    digest = hashlib.sha256(f"{day.isoformat()}|{tone}|{slot}".encode()).digest()
    return options[int.from_bytes(digest[:8], "big") % len(options)]


def _values(f: Facts) -> dict[str, str]:
    return {
        "name": f.display_name,
        "spent": _money(f, f.today_spent),
        "budget": _money(f, f.daily_budget),
        "left": _money(f, f.today_left),
        "over": _money(f, f.today_over),
        "streak": _days(f.current_streak),
        "longest": _days(f.longest_streak),
        "month_spent": _money(f, f.month_spent),
        "month_budget": _money(f, f.month_budget),
        "projection": _money(f, f.month_projection),
        "gap": _money(f, f.month_projection_gap),
        "salary_pct": f"{f.salary_share_pct}%",
        "elapsed_pct": f"{f.month_elapsed_pct}%",
        "payday": _days(f.days_to_payday or 0),
        "splurge": _money(f, f.splurge_amount),
        "splurge_desc": f.splurge_description or "",
        "top_cat": f.top_category or "",
        "top_amt": _money(f, f.top_category_spent),
        "top_pct": f"{f.top_category_share_pct}%",
    }


def situations(f: Facts) -> list[str]:
    """Which template group speaks in each slot, in order (also handy for the tests)."""
    if not f.has_data:
        return ["no_data"]
    if f.today_status == "over":
        today = "over"
    elif f.today_spent > 0:
        today = "under"
    else:
        today = "quiet"
    if f.streak_milestone:
        streak = "milestone"
    elif f.current_streak and f.current_streak >= f.longest_streak:
        streak = "record"
    elif f.current_streak:
        streak = "building"
    elif f.longest_streak:
        streak = "broken"
    else:
        streak = "none"
    if f.salary_high and f.days_to_payday is not None:
        month = "salary_high"
    else:
        month = "proj_over" if f.projected_over else "proj_under"
    out = [today, streak, month]
    if f.splurge_amount is not None and f.splurge_amount >= f.daily_budget:
        out.append("splurge")
    elif f.top_category and f.top_category_spent and f.top_category_share_pct is not None:
        out.append("top")
    return out


def offline_commentary(facts: Facts, tone: str, day: dt.date) -> str:
    """Two to four sentences in the given voice, the same for the same facts, tone and day."""
    voice = VOICES.get(tone, BRUTAL)
    values = _values(facts)
    sentences = []
    for situation in situations(facts):
        template = _pick(voice[situation], day, tone if tone in TONES else "brutal", situation)
        text = template.format(**values)
        if not template.startswith("{name}"):  # a sentence starts with a capital; a name keeps its own spelling
            text = text[:1].upper() + text[1:]
        sentences.append(text)
    return " ".join(sentences)

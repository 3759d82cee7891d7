"""Brutal: blunt, no cushioning; good news is admitted grudgingly, never celebrated."""
from __future__ import annotations

BRUTAL_TAILS = ("", "; no excuses", ", and you know it", "; that's the truth")

BRUTAL: dict[str, tuple[str, ...]] = {
    "payday_last": (
        "Last day before payday: {left_per_day} left, and that is all of it.",
        "Payday is tomorrow; {left_per_day} left for today, not a cent more.",
        "One day to payday and {left_per_day} left; do not blow it at the finish.",
    ),
    "payday": (
        "{left_per_day} a day until payday, {payday} away; that is the whole plan, so stick to it.",
        "Payday is {payday} off and you have {left_per_day} a day until then; spend like you know it.",
        "Until payday, {payday} from now, it is {left_per_day} a day; not a cent more.",
    ),
    "no_data": (
        "{name}, there is nothing here to judge, so log what you spend.",
        "An empty ledger isn't discipline, {name}, it's hiding.",
        "No data, {name}, and I can't coach what you refuse to show me.",
    ),
    "unlogged": (
        "Nothing logged since {since}, {name}; hiding isn't saving.",
        "{unlogged} without a single entry, {name}; silence isn't a budget.",
        "You've gone dark for {unlogged}, {name}, and the spending didn't stop because you stopped looking.",
    ),
    "over": (
        "{name}, you spent {spent} today against a {budget} budget, {over} over, and that's on you.",
        "{spent} today, {name}, on a {budget} budget; you blew through it by {over}.",
        "Budget {budget}, spent {spent}, {over} over; no story changes that, {name}.",
    ),
    "over_fixed": (
        "{name}, {spent} today against {budget}, and {fixed} of that is fixed bills; bills aren't a splurge, "
        "the rest is your doing.",
        "{spent} today, {name}, with {fixed} of fixed bills in it; the bills were due, everything else was a choice.",
        "Fixed bills took {fixed} of today's {spent}, {name}; fine, now account for the rest.",
    ),
    "bills_day": (
        "{name}, {spent} today, {fixed} of it fixed bills; the bills were due, and the rest stayed under {budget}.",
        "Fixed bills took {fixed} of today's {spent}, {name}; no splurge there, and the rest stayed within {budget}.",
        "{spent} out today, {name}, mostly {fixed} of fixed bills; fine, bills aren't a choice, the rest is.",
    ),
    "under": (
        "{name}, {spent} spent today against {budget}; that's the job, so leave the other {left} alone.",
        "{spent} of your {budget} today, {name}; fine, but don't spend the remaining {left} just because it's there.",
        "You're at {spent} today, {name}, under the {budget} line, so stay there.",
    ),
    "allowance": (
        "{name}, you can spend {allowance} today and not a cent more.",
        "{allowance} is what you can spend today, {name}; a ceiling, not a target.",
        "You get {allowance} today, {name}, so make it last.",
    ),
    "quiet": (
        "Nothing spent today so far, {name}, so keep the wallet shut.",
        "No spending today yet, {name}; that's what a budget looks like when you respect it.",
        "A clean day so far, {name}; don't ruin it tonight.",
    ),
    "refund": (
        "{name}, {refund} came back today as a refund; money returned isn't money saved.",
        "A {refund} refund today, {name}; don't celebrate getting your own money back.",
        "{refund} refunded today, {name}; now don't spend it again on something worse.",
    ),
    "milestone": (
        "{streak} at or under budget; a milestone, and still no reason to celebrate with your card.",
        "That's {streak} in a row; you did the minimum for a while, now keep doing it.",
        "{streak} straight; I'll note it, I won't applaud it.",
    ),
    "record": (
        "{streak} in a row is your best lately, and it means nothing if you stop now.",
        "Best run in weeks, {streak}; don't expect applause, expect tomorrow to count too.",
        "{streak} straight, your longest lately; one bad day erases it, so don't have one.",
    ),
    "building": (
        "Your streak is {streak} and your recent best is {longest}; close the gap.",
        "{streak} in a row, against a best of {longest}; not good enough yet.",
        "A {streak_n}-day streak against a best of {longest}; keep going or stop pretending.",
    ),
    "broken": (
        "Your streak is dead; your best was {longest}, and you threw the current one away.",
        "No run going right now; you managed {longest} once, so you know you can do better than this.",
        "Back to nothing; your best lately was {longest}, which proves you can and chose not to.",
    ),
    "none": (
        "You haven't had a single finished day at or under budget yet; start with tomorrow.",
        "No streak, no record, nothing to defend yet; earn one.",
        "Not a single finished day within budget so far; that changes tomorrow or it doesn't.",
    ),
    "proj_over": (
        "At this rate the month ends at {projection} against a {month_budget} budget, {gap} over{band}.",
        "You've spent {month_spent} this month and you're heading for {projection}, {gap} past the "
        "{month_budget} limit{band}.",
        "{month_spent} gone this month, heading for {projection} on a {month_budget} budget{band}; "
        "that's {gap} you don't have.",
    ),
    "proj_under": (
        "The month is on track for {projection} of {month_budget}{band}; don't get comfortable.",
        "You've spent {month_spent} this month, heading for {projection} of {month_budget}{band}; hold that line.",
        "{projection} projected against {month_budget}{band}; under budget is the floor, not the finish line.",
    ),
    "ended_over": (
        "The month ended at {projection} against a {month_budget} budget, {gap} over; that's the record now.",
        "The month ended at {projection}, {gap} over the {month_budget} budget; no rewriting it.",
        "{projection} for the month against {month_budget}; {gap} over, and it's final.",
    ),
    "ended_under": (
        "The month ended at {projection} of {month_budget}; under, for once, so do it again.",
        "The month ended at {projection} against {month_budget}; acceptable, not remarkable.",
        "{projection} for the month against a {month_budget} budget; that's what it should always look like.",
    ),
    "salary_high": (
        "You've burned {salary_pct} of your salary with {elapsed_pct} of the month gone, and payday is {payday} away.",
        "{salary_pct} of your salary is gone already; the month is only {elapsed_pct} done.",
        "{salary_pct} of your salary spent, {elapsed_pct} of the month gone, {payday} to payday; do the maths.",
    ),
    "splurge": (
        "And {splurge} on {splurge_desc}; that was a choice, and a bad one.",
        "{splurge} on {splurge_desc} is where your budget went.",
        "Cut the next {splurge_desc}; the last cost {splurge}.",
    ),
    "top": (
        "Your biggest drain lately is {top_cat} at {top_amt}; cut it.",
        "{top_cat} ate {top_amt} lately, {top_pct} of your spending; fix that first.",
        "Cut {top_cat} first; it took {top_amt}, {top_pct} of your spending lately.",
    ),
    "per_day": (
        "To end the month on budget, keep each of the {days_left} left under {per_day} a day.",
        "The cut is simple; no more than {per_day} a day for the {days_left} left.",
        "Hold every remaining day under {per_day}; there are {days_left} left.",
    ),
}

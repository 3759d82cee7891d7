"""Sarcastic: dry irony about the habits, never about the person."""
from __future__ import annotations

SARCASTIC_TAILS = ("", ", naturally", ", who could have guessed", ", bravo")

SARCASTIC: dict[str, tuple[str, ...]] = {
    "payday_last": (
        "Payday is tomorrow, and you have {left_per_day} left for today; try not to spend it all on one latte.",
        "Last day before payday: {left_per_day} left, the grand finale of frugality.",
        "One day to payday, {left_per_day} left; truly the home stretch of your financial marathon.",
    ),
    "payday": (
        "Fun fact: you have {left_per_day} a day until payday, which is {payday} away; try to contain the excitement.",
        "Payday is {payday} off and you have {left_per_day} a day until then; what could possibly go wrong.",
        "Good news, {left_per_day} a day until payday, {payday} from now; champagne on a tap-water budget.",
    ),
    "no_data": (
        "{name}, I'd roast your spending, but you haven't given me any; add a transaction, I'll wait.",
        "No transactions yet, {name}, how mysterious; very brave, very unhelpful.",
        "Ah, {name}, the invisible spender; log something and I'll have plenty to say.",
    ),
    "unlogged": (
        "Nothing logged since {since}, {name}; I'm sure the spending stopped too.",
        "{unlogged} of silence, {name}; the wallet has been very quiet, allegedly.",
        "No entries since {since}, {name}, because what isn't written down isn't real, obviously.",
    ),
    "over": (
        "Oh, {spent} today on a {budget} budget, {name}; bold strategy, beating it by {over}.",
        "Congratulations, {name}; {spent} spent against {budget}, outdoing the budget by a whole {over}.",
        "{name}, the {budget} budget was merely a suggestion, apparently; {spent} today, {over} over.",
    ),
    "over_fixed": (
        "{spent} today, {name}, though {fixed} of it is fixed bills, so at least that part wasn't a whim.",
        "Fixed bills took {fixed} of today's {spent}, {name}; the landlord thanks you, the rest was all you.",
        "{name}, {spent} against {budget} today, {fixed} of it fixed bills; bills aren't a splurge, the rest is "
        "another story.",
    ),
    "bills_day": (
        "{spent} today, {name}, but {fixed} of it is fixed bills, so no, that's not a splurge, sadly.",
        "Fixed bills took {fixed} of today's {spent}, {name}; the rest stayed under {budget}, astonishingly.",
        "{name}, {spent} today with {fixed} of fixed bills in it; the landlord is thrilled, the budget survived.",
    ),
    "under": (
        "Look at you, {name}; {spent} today, under the {budget} budget, somebody alert the press.",
        "{spent} of {budget} today, {name}; restraint, who knew you had it in you.",
        "Only {spent} today against {budget}, {name}; I'm almost impressed, almost.",
    ),
    "allowance": (
        "{name}, you can spend {allowance} today; try to treat it as a limit, just for novelty.",
        "{allowance} is today's allowance, {name}; a whole number to respect, imagine that.",
        "You get {allowance} today, {name}, so naturally you'll want to spend it all.",
    ),
    "quiet": (
        "Nothing spent today, {name}; either discipline or you haven't left the house yet.",
        "A spotless day so far, {name}; the day is young, and so is your self-control.",
        "No spending yet today, {name}, a miracle the banks will never forgive.",
    ),
    "refund": (
        "A {refund} refund today, {name}; getting your own money back, what a thrill.",
        "{refund} came back today, {name}; don't spend it celebrating.",
        "{refund} refunded today, {name}, the rare purchase you undid.",
    ),
    "milestone": (
        "{streak} in a row; I'd order a cake, but that's how streaks end.",
        "A whole {streak} under budget, truly the stuff of legend.",
        "{streak} straight, {name}; somewhere a spreadsheet is weeping with joy.",
    ),
    "record": (
        "{streak} straight is your best run lately, so don't let it go to your head, or your wallet.",
        "Your longest streak in a while, {streak}; frame it before you ruin it.",
        "{streak} in a row, a personal best lately; the bar was low, but you cleared it.",
    ),
    "building": (
        "Your streak stands at {streak}, and your recent best of {longest} is watching, unimpressed.",
        "{streak} in a row, a fine warm-up for the {longest} you once managed.",
        "A {streak_n}-day streak; only {longest} to match your best, easy, surely.",
    ),
    "broken": (
        "Your run is back to nothing; your recent best of {longest} feels like a lifetime ago.",
        "Streak gone, of course; at least the {longest} you once managed makes a nice story.",
        "No run going; {longest} was your best, a golden age now lost.",
    ),
    "none": (
        "Streak, what streak; you haven't finished a day under budget yet.",
        "Your longest streak is a rumour so far.",
        "No streak yet, but I hear they're very nice to have.",
    ),
    "proj_over": (
        "Projected month end {projection} on a {month_budget} budget, {gap} over{band}, but who's counting.",
        "At {month_spent} so far you're pacing for {projection}, a mere {gap} over {month_budget}{band}; "
        "maths is hard, I know.",
        "The month is heading for {projection}{band}; only {gap} over {month_budget}, a rounding error for a "
        "billionaire.",
    ),
    "proj_under": (
        "You're pacing for {projection} against {month_budget}{band}, but relax, there's still time to ruin it.",
        "{month_spent} so far, heading for {projection} of {month_budget}{band}; suspiciously responsible.",
        "{projection} projected against {month_budget}{band}; whoever you are, bring back the spender, "
        "I had jokes ready.",
    ),
    "ended_over": (
        "The month ended at {projection} on a {month_budget} budget, {gap} over; a classic.",
        "The month ended at {projection}, a mere {gap} over {month_budget}; history will be kind, I'm sure.",
        "{projection} for the month against {month_budget}; {gap} over, but what's a budget between friends.",
    ),
    "ended_under": (
        "The month ended at {projection} of {month_budget}; under budget, mark the calendar.",
        "The month ended at {projection} against {month_budget}; under, somehow.",
        "{projection} for the month against {month_budget}; who knew you had it in you.",
    ),
    "salary_high": (
        "{salary_pct} of your salary gone with only {elapsed_pct} of the month behind you; "
        "payday's {payday} away, hope you like rice.",
        "Spending {salary_pct} of your salary while the month is {elapsed_pct} done is certainly a plan.",
        "{salary_pct} of your salary already, {elapsed_pct} of the month gone; payday is {payday} away, plenty "
        "of time.",
    ),
    "splurge": (
        "Also, {splurge} on {splurge_desc}; money well spent, surely.",
        "And let's not forget {splurge_desc} for {splurge}, a future regret paid in full.",
        "{splurge} at {splurge_desc}, the obvious thing to skip next time.",
    ),
    "top": (
        "{top_cat} leads the pack at {top_amt} lately, in case you wondered where it all goes.",
        "{top_cat} is {top_pct} of your spending lately, {top_amt}; a hobby, clearly.",
        "Cut {top_cat}; {top_amt} lately, {top_pct} of your spending, a true passion.",
    ),
    "per_day": (
        "To end on budget, just keep each of the {days_left} left under {per_day} a day; easy, surely.",
        "No more than {per_day} a day for the {days_left} left, a thrilling challenge.",
        "Hold every remaining day under {per_day}; only {days_left} left, what could go wrong.",
    ),
}

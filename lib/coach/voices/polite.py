"""Polite: impeccably courteous, and every line still lands the truth, with a jab at the user's fragility."""
from __future__ import annotations

POLITE_TAILS = ("", ", if you'll forgive me", ", said as gently as I can", ", no offence intended")

POLITE: dict[str, tuple[str, ...]] = {
    "payday_last": (
        "If I may, {name}: payday is tomorrow, and you have {left_per_day} left for today.",
        "Gently put, today is the last day before payday, with {left_per_day} left.",
        "Kindly note, {name}, that payday is tomorrow and {left_per_day} is left for today.",
    ),
    "payday": (
        "If I may, {name}: you have {left_per_day} a day until payday, {payday} from now.",
        "Gently put, payday is {payday} away and you have {left_per_day} a day until then.",
        "Kindly note, {name}, that it is {left_per_day} a day until payday, which is {payday} away.",
    ),
    "no_data": (
        "Good day, {name}; I'd be delighted to comment on your spending, if you would kindly record some, and "
        "I promise to be gentle, since that seems to be what you need.",
        "Please forgive me, {name}, but there is nothing to review yet; do add a transaction when you feel "
        "strong enough.",
        "Dear {name}, of course you may take your time logging anything; nothing is ever rushed for someone as "
        "fragile as you.",
    ),
    "unlogged": (
        "Dear {name}, nothing has been logged since {since}; please don't be alarmed, hiding simply isn't saving.",
        "If I may, {name}, it has been {unlogged} without an entry; I do understand if the numbers felt a bit "
        "much for you.",
        "Kindly forgive the reminder, {name}: no entries since {since}, and I'll say it softly so as not to "
        "upset you.",
    ),
    "over": (
        "Dear {name}, please forgive the intrusion: you spent {spent} today against a {budget} budget, "
        "{over} over, and I do hope that isn't too upsetting for you to read.",
        "If I may, {name}, and kindly brace yourself: today came to {spent} on a {budget} budget, {over} over, "
        "put softly since the plain version seemed a bit much for you.",
        "With the greatest respect, {name}, {spent} today against {budget} is {over} over budget; "
        "of course I'd never be blunt with someone so delicate.",
    ),
    "over_fixed": (
        "Dear {name}, {spent} today against {budget}, though {fixed} of it is fixed bills, so please don't be "
        "upset, bills are no splurge.",
        "If I may, {name}, fixed bills took {fixed} of today's {spent}; the rest I'll mention gently, as you "
        "seem sensitive.",
        "Kindly note, {name}, that {fixed} of today's {spent} was fixed bills; I say it softly, in case the "
        "rest is a bit much for you.",
    ),
    "bills_day": (
        "Dear {name}, {spent} today, though {fixed} of it is fixed bills; please don't be upset, bills are no "
        "splurge and the rest stayed under {budget}.",
        "If I may, {name}, fixed bills took {fixed} of today's {spent}; I mention it gently, as you seem "
        "sensitive, and the rest stayed within {budget}.",
        "Kindly note, {name}, that {fixed} of today's {spent} was fixed bills; no need to faint, the rest kept "
        "to {budget}.",
    ),
    "under": (
        "Well done, {name}: {spent} today against {budget}, so please do keep the remaining {left} unspent; "
        "I phrase it gently, as one does for those who need it.",
        "How lovely, {name}, {spent} of your {budget} so far; kindly don't treat the other {left} as a prize, "
        "I know temptation is terribly hard for you.",
        "Splendid, {name}, {spent} today under a {budget} budget; please forgive me for not praising you more, "
        "I worry you'd take it as permission.",
    ),
    "allowance": (
        "Dear {name}, you can spend {allowance} today; please do keep to it, I know limits are hard for you.",
        "If I may, {name}, today's allowance is {allowance}; kindly don't treat it as a target, you bruise so "
        "easily when it runs out.",
        "Kindly note, {name}, that you have {allowance} to spend today; I mention it gently, as you seem "
        "sensitive to numbers.",
    ),
    "quiet": (
        "Nothing spent today so far, {name}, how very grown-up; please do carry on, if it isn't too much strain.",
        "Kindly accept my admiration, {name}: no spending yet today, and I'll speak softly so as not to "
        "startle you.",
        "Of course, {name}, an empty day so far is lovely; please don't faint from the effort.",
    ),
    "refund": (
        "Dear {name}, {refund} came back as a refund today; please don't be upset to hear that money returned "
        "isn't money saved.",
        "If I may, {name}, a {refund} refund today is lovely; kindly don't spend it, I know that's hard for you.",
        "How nice, {name}, {refund} refunded today; please forgive me for mentioning it gently, as you seem "
        "sensitive.",
    ),
    "milestone": (
        "May I congratulate you on {streak} in a row; please don't spoil it, "
        "I know how fragile these things are, and you.",
        "{streak} in a row, how wonderful; do take care, I'd hate for it to break, given how easily you do.",
        "A {streak_n}-day streak, splendid; kindly don't let the praise go to your head.",
    ),
    "record": (
        "Your best in a while, {streak}; I'm sure you're very proud, "
        "and I wouldn't dream of mentioning how easily it ends.",
        "Your longest streak in a while, {streak}, if you'll forgive me pointing out the obvious so gently.",
        "{streak} in a row is your best lately; please do keep going, at whatever pace you can manage.",
    ),
    "building": (
        "Your streak is {streak} and your best was {longest}; no pressure, of course, I know you don't handle it well.",
        "{streak} in a row against a recent best of {longest}; kindly keep going, at whatever pace you can manage.",
        "A {streak_n}-day streak against a best of {longest}; please do continue, if it isn't too tiring.",
    ),
    "broken": (
        "I'm so sorry to mention it, but your run has ended; your best remains {longest}, a lovely memory.",
        "Forgive me, the run is over for now; your recent best of {longest} is still there, "
        "should you ever feel up to it.",
        "Please don't be upset, but there's no run at the moment; {longest} was your best, and may be again.",
    ),
    "none": (
        "You haven't yet finished a day within budget, which is perfectly all right; "
        "I'm told everyone starts somewhere.",
        "No streak as yet, and please don't feel bad, I'd never want to upset you.",
        "Not a single finished day within budget so far; of course, these things take time for some.",
    ),
    "proj_over": (
        "At the current rate the month would end at {projection} against {month_budget}, {gap} over{band}; "
        "I do apologise for the arithmetic, I know numbers can be upsetting.",
        "If you'll permit me, {month_spent} so far points to {projection} by month end, "
        "{gap} over your {month_budget}{band}; do sit down if you need to.",
        "Kindly note that the month is heading for {projection}{band}, {gap} over {month_budget}; I'm so sorry "
        "to be the one to say it.",
    ),
    "proj_under": (
        "The month is on course for {projection} of a {month_budget} budget{band}; please do keep it that way, "
        "I'd hate for you to be disappointed in yourself again.",
        "{month_spent} so far, heading for {projection} of {month_budget}{band}; how nice, "
        "kindly don't let it go to your head.",
        "{projection} projected against {month_budget}{band}; lovely, and please don't be alarmed by good news.",
    ),
    "ended_over": (
        "I'm so sorry, the month ended at {projection} against {month_budget}, {gap} over; do take a moment.",
        "If I may, the month ended at {projection}, {gap} over your {month_budget}; please don't be upset.",
        "Kindly note the month ended at {projection} against {month_budget}, {gap} over; I say it gently.",
    ),
    "ended_under": (
        "The month ended at {projection} of {month_budget}; how lovely, please don't let it go to your head.",
        "If I may, the month ended at {projection} against {month_budget}; well done, in your own way.",
        "Kindly accept my congratulations: the month ended at {projection} of {month_budget}.",
    ),
    "salary_high": (
        "Kindly note that {salary_pct} of your salary is already spent with {elapsed_pct} of the month gone, "
        "and payday is {payday} away; I've whispered it, in case you're sensitive.",
        "Please don't be alarmed, but {salary_pct} of your salary has gone while the month is only {elapsed_pct} done.",
        "If I may, {salary_pct} of your salary is spent and {elapsed_pct} of the month is gone; payday is {payday} "
        "away, do breathe.",
    ),
    "splurge": (
        "And the {splurge} at {splurge_desc} was a lovely treat, I'm sure; "
        "please don't let me spoil it with the truth.",
        "I shan't dwell on the {splurge} for {splurge_desc}, of course; you seem to find facts rather bruising.",
        "Perhaps skip the next {splurge_desc}, if I may; the last one came to {splurge}.",
    ),
    "top": (
        "Your favourite indulgence lately is {top_cat} at {top_amt}; "
        "I mention it only because you take feedback so well.",
        "If I may, {top_cat} came to {top_amt} lately, {top_pct} of your spending; no offence meant, "
        "I know you bruise easily.",
        "Perhaps trim {top_cat}, if I may; {top_amt} lately, {top_pct} of your spending, said gently.",
    ),
    "per_day": (
        "To end the month on budget, kindly keep each of the {days_left} left under {per_day} a day; "
        "I know it sounds hard.",
        "If I may, no more than {per_day} a day for the {days_left} left; do take it slowly.",
        "Please hold every remaining day under {per_day}; there are {days_left} left, if you feel up to it.",
    ),
}

"""The grounding check's case table: sentences a coach might say, and whether each is true of the facts.

Shared by tests/unit/test_coach_grounding.py and `python -m bench.coach_quality` (which prints the
false-accept and false-reject counts). Facts are built from a small history and then given the
exact values the cases speak of, so a reader can check every case by eye:

today 2026-11-20 ($): spent 45.00 of a 30.00 budget (15.00 over, 0 left); streak 3, best 12;
month spent 640.00, allowed 600.00, budget 900.00, heading for 960.00 (60.00 over); 10 days
left, 26.00 a day to end on budget; Dining 320.50 = 45% of spending; splurge 89.99 on
"Chipotle" on 2026-11-17; salary 3200.00, 20% spent, 67% of the month gone, payday in 11
days (2026-12-01); 400 days tracked.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from lib.coach.facts import Facts, build_facts
from lib.core.analytics import transactions_frame
from lib.core.models import Profile, Transaction

TODAY = dt.date(2026, 11, 20)
D = Decimal


def _base(name: str = "Demo", currency: str = "$") -> Facts:
    history = [Transaction("demo", TODAY - dt.timedelta(days=back), D("10.00"), "Dining", "Chipotle")
               for back in range(5)]
    profile = Profile("demo", name, D("30.00"), D("3200.00"), "brutal")
    return build_facts(profile, transactions_frame(history), TODAY, currency)


def known(name: str = "Demo", currency: str = "$", **overrides: object) -> Facts:
    """The case table's facts (see the module docstring), with optional overrides."""
    values: dict[str, object] = dict(
        display_name=name, currency_symbol=currency, has_data=True, days_tracked=400,
        today_spent=D("45.00"), daily_budget=D("30.00"), today_status="over", today_left=D("0.00"),
        today_over=D("15.00"), current_streak=3, longest_streak=12, streak_milestone=None,
        month_spent=D("640.00"), month_allowed=D("600.00"), month_budget=D("900.00"),
        month_projection=D("960.00"), month_projection_gap=D("60.00"), days_left_in_month=10,
        month_left_per_day=D("26.00"), top_category="Dining", top_category_spent=D("320.50"),
        top_category_share_pct=45, splurge_amount=D("89.99"), splurge_description="Chipotle",
        splurge_date="2026-11-17", monthly_salary=D("3200.00"), salary_share_pct=20, month_elapsed_pct=67,
        days_to_payday=11, tracked_through=TODAY.isoformat(), unlogged_days=0, budget_style="daily",
        allowance_today=D("30.00"), fixed_today=D("0.00"), fixed_month=D("0.00"), month_p10=None, month_p90=None,
        month_within_budget_pct=None, month_ended=False,
    )
    values.update(overrides)
    present = {f.name for f in dataclasses.fields(Facts)}
    return dataclasses.replace(_base(name, currency), **{k: v for k, v in values.items() if k in present})


def euro() -> Facts:
    """Euro facts with a decimal comma's worth of cents: 15.99 today, 1234.50 this month."""
    return known(currency="€", today_spent=D("15.99"), daily_budget=D("20.00"), today_status="under",
                 today_left=D("4.01"), today_over=D("0.00"), month_spent=D("1234.50"))


FACTS: dict[str, Facts] = {
    "known": known(),
    "euro": euro(),
    "agent": known(name="Agent 47"),
    "merchant999": known(splurge_description="999999"),
    "eleven": known(splurge_description="7-Eleven", splurge_amount=D("12.00")),
}

# (facts key, text, true?) - true means the grounding check must accept the text.
CASES: list[tuple[str, str, bool]] = [
    # -- true claims -----------------------------------------------------------------------------------------------
    ("known", "Demo, you spent $45.00 today against a $30.00 budget, $15.00 over.", True),
    ("known", "Your streak is 3 days and your best is 12 days.", True),
    ("known", "3 days in a row is not enough.", True),
    ("known", "Your best run was 12 days.", True),
    ("known", "10 days left in the month.", True),
    ("known", "Payday is 11 days away.", True),
    ("known", "You've burned 20% of your salary with 67% of the month gone.", True),
    ("known", "Dining is 45% of your spending, $320.50.", True),
    ("known", "At this rate you're heading for $960.00 against a $900.00 budget, $60.00 over.", True),
    ("known", "$89.99 on Chipotle was a choice.", True),
    ("known", "Keep each remaining day under $26.00.", True),
    ("known", "You've spent $640.00 this month.", True),
    ("known", "You're at $640 this month.", True),
    ("known", "You blew the budget by $15.", True),
    ("known", "Three days in a row, Demo.", True),
    ("known", "Your best was twelve days.", True),
    ("known", "Ten days left this month.", True),
    ("known", "Forty-five percent of your spending went on Dining.", True),
    ("known", "Twenty percent of your salary is gone.", True),
    ("known", "Your best run is four times your current streak.", True),
    ("known", "Your longest streak is four times this one.", True),
    ("known", "Chipotle on the 17th cost you $89.99.", True),
    ("known", "On November 17 you spent $89.99 on Chipotle.", True),
    ("known", "17 Nov: $89.99 on Chipotle.", True),
    ("known", "Today, 20 November, you spent $45.00.", True),
    ("known", "Payday is December 1st.", True),
    ("known", "2026-11-17 was the $89.99 day.", True),
    ("known", "That's $45 today.", True),
    ("known", "You're $15.00 over today.", True),
    ("known", "The month is two thirds gone.", True),
    ("known", "A fifth of your salary is gone.", True),
    ("known", "Your salary of $3,200.00 won't stretch.", True),
    ("known", "Your salary of $3.2k won't stretch.", True),
    ("known", "A $3200 salary and this is what you do with it.", True),
    ("euro", "15,99 € today is too much.", True),
    ("euro", "You've spent 1.234,50 € this month.", True),
    ("euro", "You've spent €1 234.50 this month.", True),
    ("euro", "You've spent 1'234.50 € this month.", True),
    ("euro", "€15.99 today, fine.", True),
    ("euro", "1 234,50 € this month, and counting.", True),
    ("euro", "You have €4.01 left today.", True),
    ("known", "Dining ate forty-five per cent of your spending.", True),
    ("known", "You have 10 days to fix it.", True),
    ("eleven", "$12.00 at 7-Eleven, again.", True),
    ("agent", "Agent 47, you spent $45.00 today.", True),
    ("known", "No spending today yet, Demo.", True),
    ("known", "You've spent $640.00 so far, heading for $960.00 of $900.00.", True),
    ("known", "$960 by month end.", True),
    ("known", "The month ends at $960.00 at this rate.", True),
    ("known", "Your streak stands at 3 days, and your best of 12 days is watching.", True),
    ("known", "In 11 days you get paid.", True),
    ("known", "Dining cost $320.50 lately.", True),
    ("known", "Spend no more than $26 a day for the rest of the month.", True),
    ("known", "You're $60 over for the month.", True),
    ("known", "That's 400 days of tracking.", True),
    ("known", "The splurge on 11/17 was $89.99.", True),
    ("known", "17/11: $89.99 on Chipotle.", True),
    ("known", "Tomorrow is another day.", True),
    ("known", "One purchase, $89.99, at Chipotle.", True),
    ("known", "12 days was your best.", True),
    ("known", "$45.00 spent, $30.00 allowed, $15.00 over.", True),
    ("known", "You've spent one and a half times your budget today.", True),
    ("known", "Three days straight is a start, and twelve is your record.", True),
    ("known", "Forty-five percent on Dining is a habit.", True),
    ("known", "You're 67% through the month.", True),
    ("known", "Sixty-seven percent of the month is gone.", True),
    ("known", "Today is the 20th.", True),
    # -- false claims ----------------------------------------------------------------------------------------------
    ("known", "Your streak is 10 days.", False),
    ("known", "10 days in a row, Demo.", False),
    ("known", "Your best run was 3 days.", False),
    ("known", "45% of your salary is gone.", False),
    ("known", "You've burned 67% of your salary.", False),
    ("known", "20% of your spending went on Dining.", False),
    ("known", "Payday is 10 days away.", False),
    ("known", "Only 11 days left in the month.", False),
    ("known", "You spent three hundred dollars today.", False),
    ("known", "A thousand dollars gone this month.", False),
    ("known", "Half your salary is gone.", False),
    ("known", "You spent twice your budget today.", False),
    ("known", "Your best is three times your streak.", False),
    ("known", "You spent $50.00 today.", False),
    ("known", "January 1st is when it started.", False),
    ("known", "On November 10 you spent $89.99.", False),
    ("known", "On December 17 you spent $89.99 on Chipotle.", False),
    ("known", "10/11 was your worst day.", False),
    ("known", "17/10 was the splurge.", False),
    ("merchant999", "You saved $999999.", False),
    ("merchant999", "You spent $999 at 999999.", False),
    ("known", "Forty percent of your salary is gone.", False),
    ("known", "A $3,500 salary and this is what you do with it.", False),
    ("known", "You're $45 over today.", False),
    ("known", "Your budget is $45.", False),
    ("known", "Your salary of $900 won't stretch.", False),
    ("known", "You're heading for $640.00 this month.", False),
    ("known", "The month is half gone.", False),
    ("known", "A quarter of your salary is gone.", False),
    ("known", "Fifteen percent of your salary is gone.", False),
    ("known", "You've been tracking for 500 days.", False),
    ("known", "Your streak is 12 days.", False),
    ("known", "Your streak is twelve days.", False),
    ("known", "You have $30.00 left today.", False),
    ("known", "Chipotle cost you $320.50.", False),
    ("known", "Your longest streak is 3 days.", False),
    ("known", "Streak: 10.", False),
    ("euro", "15,50 € today is too much.", False),
    ("euro", "You've spent 1.234,56 € this month.", False),
    ("euro", "You've spent €1 234.56 this month.", False),
    ("euro", "You've spent 1'243.50 € this month.", False),
    ("euro", "16,99 € today is too much.", False),
    ("known", "45 percent of your salary is gone.", False),
    ("known", "You're 3 times over your budget.", False),
    ("known", "That's double your budget today.", False),
    ("known", "A hundred dollars on Chipotle.", False),
    ("known", "Twenty-one days in a row.", False),
    ("known", "Your salary is 40% gone.", False),
    ("eleven", "7 days at 7-Eleven.", False),
    ("known", "You've spent 25% of your salary.", False),
    ("known", "Your best is 20 days.", False),
    ("known", "The 5th was the splurge.", False),
    ("known", "December 20 is today.", False),
    ("known", "The month ends at $900.00 at this rate.", False),
    ("known", "Only 10 days until payday.", False),
    ("known", "Forty-five percent of your salary is gone.", False),
    ("known", "You spent fifty dollars today.", False),
    ("known", "Ninety percent of the month is gone.", False),
    ("known", "That's $1,000 this month.", False),
    ("known", "You've got 3 days left this month.", False),
    ("known", "You're on a 45-day streak.", False),
    ("known", "You spent 45 € on Chipotle.", False),
    # -- written after the checker was finished and added untouched (it got all 20 right) ------------------------
    ("known", "Demo, $45.00 today is $15.00 past your $30.00 limit.", True),
    ("known", "Three days without overspending; your record is twelve.", True),
    ("known", "You've used 20 percent of your pay already.", True),
    ("known", "At $960.00 projected, you'll miss the $900.00 target by $60.00.", True),
    ("known", "Dining took forty-five percent of everything you spent.", True),
    ("known", "Eleven days until you get paid.", True),
    ("known", "Your Chipotle run cost $89.99 on the 17th.", True),
    ("known", "Only $26.00 a day from here on.", True),
    ("known", "You have 10 days left to turn this around.", True),
    ("known", "Twelve days was your longest streak, and you're on three.", True),
    ("known", "Demo, you overspent by $20.00 today.", False),
    ("known", "Your streak is now 4 days.", False),
    ("known", "You're projected to finish at $1,200.00.", False),
    ("known", "That's 60% of your salary.", False),
    ("known", "Payday is in 3 days.", False),
    ("known", "Dining is a third of your spending.", False),
    ("known", "You spent $45 on Chipotle.", False),
    ("known", "Since November 3rd things went downhill.", False),
    ("known", "Your best streak was 10 days.", False),
    ("known", "You've spent $700.00 this month.", False),
]

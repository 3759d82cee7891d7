"""The coach's three voices, cut to a phone notification: a title and one to three short sentences.

Same tones as the sidebar coach (lib.coach.voices): brutal is blunt, sarcastic is dry, polite is
kind. Every situation has a text with figures and one without (`hide_amounts`, for lock screens).
Templates hold no digits: every figure comes from the standing. Each entry: (title, body, body
without amounts); a title with an amount has its own amount-free twin under the key + "_hidden".
"""
from __future__ import annotations

Entry = tuple[str, str, str]

BRUTAL: dict[str, Entry] = {
    "morning_kept": ("Yesterday: within budget. Don't get comfortable.",
                     "{name}, yesterday you spent {y_spent} of {budget}. Today you get {allow}. Streak: {streak}.",
                     "{name}, yesterday stayed within budget. Today starts from zero again. Streak: {streak}."),
    "morning_over": ("Yesterday: {y_over} over budget",
                     "{name}, {y_spent} yesterday against {budget}. Today you get {allow}, not a cent more. "
                     "Streak: {streak}.",
                     "{name}, yesterday went over budget. Today you stay under, no excuses. Streak: {streak}."),
    "morning_unlogged": ("Yesterday isn't logged",
                         "{name}, yesterday has no entries; a hidden day is no kept day. Log it or check in. "
                         "Today you get {allow}.",
                         "{name}, yesterday has no entries; a hidden day is no kept day. Log it or check in."),
    "morning_no_data": ("Nothing to judge yet",
                        "{name}, nothing is logged, so there's nothing to coach. Today you get {allow}; log it.",
                        "{name}, nothing is logged, so there's nothing to coach. Log what you spend today."),
    "evening": ("Nothing logged today",
                "{name}, nothing logged today. Log it or check in before midnight, or {risk}.",
                "{name}, nothing logged today. Log it or check in before midnight, or {risk}."),
    "weekly": ("Your week: {w_spent} of {w_budget}",
               "{name}, this week: {w_spent} against {w_budget}, {kept} of {days} days kept. Streak: {streak}. "
               "The month is heading for {projection}.",
               "{name}, this week you kept {kept} of {days} days. Streak: {streak}. Next week, do better."),
    "milestone": ("{streak} in a row",
                  "{streak} at or under budget. I'll note it, I won't applaud it. Today you get {allow}.",
                  "{streak} at or under budget. I'll note it, I won't applaud it. Keep going."),
}

SARCASTIC: dict[str, Entry] = {
    "morning_kept": ("Yesterday: within budget. Who are you?",
                     "{name}, {y_spent} of {budget} yesterday. Shocking restraint. Today's allowance: {allow}. "
                     "Streak: {streak}.",
                     "{name}, yesterday stayed within budget. Shocking restraint. Streak: {streak}."),
    "morning_over": ("Yesterday: {y_over} over. Bold.",
                     "{name}, {y_spent} yesterday on a {budget} budget. Today you get {allow}; try to read it "
                     "this time. Streak: {streak}.",
                     "{name}, yesterday went over budget. Bold choice. Today, maybe try the budget. "
                     "Streak: {streak}."),
    "morning_unlogged": ("Yesterday vanished, apparently",
                         "{name}, yesterday has no entries. Money doesn't stop moving when you stop looking. "
                         "Log it or check in. Today: {allow}.",
                         "{name}, yesterday has no entries. Money doesn't stop moving when you stop looking. "
                         "Log it or check in."),
    "morning_no_data": ("An empty ledger, how mysterious",
                        "{name}, nothing logged yet. Hard to coach a ghost. Today's allowance: {allow}.",
                        "{name}, nothing logged yet. Hard to coach a ghost. Log something today."),
    "evening": ("Today is still a blank page",
                "{name}, nothing logged today. Log it or check in before midnight, or {risk}. No pressure.",
                "{name}, nothing logged today. Log it or check in before midnight, or {risk}. No pressure."),
    "weekly": ("Week in review: {w_spent} of {w_budget}",
               "{name}, this week: {w_spent} against {w_budget}, {kept} of {days} days kept. Streak: {streak}. "
               "The month is heading for {projection}. Riveting.",
               "{name}, this week you kept {kept} of {days} days. Streak: {streak}. Riveting."),
    "milestone": ("{streak} in a row. Alert the press.",
                  "{streak} at or under budget. Who knew you had it in you. Today's allowance: {allow}.",
                  "{streak} at or under budget. Who knew you had it in you."),
}

POLITE: dict[str, Entry] = {
    "morning_kept": ("Yesterday stayed within budget",
                     "Good morning {name}. You spent {y_spent} of {budget} yesterday. Today's allowance is "
                     "{allow}. Streak: {streak}.",
                     "Good morning {name}. Yesterday stayed within budget, well done. Streak: {streak}."),
    "morning_over": ("Yesterday went {y_over} over budget",
                     "Good morning {name}. Yesterday came to {y_spent} against {budget}. Today's allowance is "
                     "{allow}; a fresh start. Streak: {streak}.",
                     "Good morning {name}. Yesterday went over budget; today is a fresh start. Streak: {streak}."),
    "morning_unlogged": ("Yesterday is not logged yet",
                         "Good morning {name}. Yesterday has no entries yet; please log it or check in. "
                         "Today's allowance is {allow}.",
                         "Good morning {name}. Yesterday has no entries yet; please log it or check in."),
    "morning_no_data": ("Ready when you are",
                        "Good morning {name}. Nothing is logged yet. Today's allowance is {allow}.",
                        "Good morning {name}. Nothing is logged yet; log what you spend today."),
    "evening": ("A gentle reminder to log today",
                "{name}, nothing is logged for today. Please log it or check in before midnight, or {risk}.",
                "{name}, nothing is logged for today. Please log it or check in before midnight, or {risk}."),
    "weekly": ("Your week: {w_spent} of {w_budget}",
               "{name}, this week you spent {w_spent} against {w_budget} and kept {kept} of {days} days. "
               "Streak: {streak}. The month is heading for {projection}.",
               "{name}, this week you kept {kept} of {days} days. Streak: {streak}. Thank you for logging."),
    "milestone": ("{streak} in a row, well done",
                  "{streak} at or under budget. That is real progress. Today's allowance is {allow}.",
                  "{streak} at or under budget. That is real progress."),
}

# Titles that name an amount, and their amount-free twins.
HIDDEN_TITLES: dict[str, dict[str, str]] = {
    "brutal": {"morning_over": "Yesterday: over budget", "weekly": "Your week, judged"},
    "sarcastic": {"morning_over": "Yesterday: over budget. Bold.", "weekly": "Week in review"},
    "polite": {"morning_over": "Yesterday went over budget", "weekly": "Your week in review"},
}

RISKS: dict[str, tuple[str, str]] = {  # (with a streak, without one)
    "brutal": ("your {n}-day streak is at risk", "today doesn't count"),
    "sarcastic": ("your {n}-day streak quietly ends", "today counts for nothing"),
    "polite": ("your {n}-day streak is at risk", "today will not count"),
}

VOICES: dict[str, dict[str, Entry]] = {"brutal": BRUTAL, "sarcastic": SARCASTIC, "polite": POLITE}

# The bank feed's state (issue 20), one short line after a morning or evening text: worst first, no amounts.
BANK_LINES: dict[str, dict[str, str]] = {
    "brutal": {"attention": "Your bank needs attention: fix the link at the bridge, or spending goes missing.",
               "stale": "Bank data stale since {since}: I may be judging half your spending.",
               "revoked": "Your bank connection was revoked: connect it again in Settings.",
               "lapsed": "Your bank isn't syncing: the SimpleFIN subscription lapsed."},
    "sarcastic": {"attention": "Also, your bank needs attention. The bridge misses you.",
                  "stale": "Bank data stale since {since}, so this is vintage news.",
                  "revoked": "Your bank connection was revoked. Connect it again in Settings, if you like facts.",
                  "lapsed": "Your bank isn't syncing: the SimpleFIN subscription lapsed. Bold."},
    "polite": {"attention": "Your bank needs attention: please sign in at the bridge to fix the link.",
               "stale": "Your bank data is stale since {since}; some spending may be missing.",
               "revoked": "Your bank connection was revoked; please connect it again in Settings.",
               "lapsed": "Your bank is not syncing because the SimpleFIN subscription lapsed."},
}

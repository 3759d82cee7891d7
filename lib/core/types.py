"""Domain types the whole app passes around: the loaded window, the streak summary, imports,
remembered mappings and category rules. The store maps them to items (lib.store.schema)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lib.core.bank import BankNote
from lib.core.models import Commentary, Profile, Transaction


@dataclass(frozen=True)
class Generation:
    """The user's current session generation (issue 22) and when the last "log out everywhere" was recorded."""

    number: int = 0
    ended_at: dt.datetime | None = None
    version: int = 0


@dataclass(frozen=True)
class StreakState:
    """The streaks of every known day before `upto`, so a load reads only the window after it.

    `last_day` is the last known day before `upto`; `tail` the run of kept days ending on it
    (0 when it broke the streak); `last_excess` the cents over the allowance on it (rolling).
    `signature` names the rule it was built under (budget, style, fixed categories).
    """

    upto: dt.date
    signature: str
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    tail: int = 0
    tail_start: dt.date | None = None
    longest: int = 0
    longest_start: dt.date | None = None
    longest_end: dt.date | None = None
    last_excess: int = 0
    built_at: str = ""
    forecast: str = ""  # the live band's calibration learnt from the days up to `forecast_through` (forecast.memory)
    forecast_through: dt.date | None = None  # the month's 1st - 1: a write up to it drops the state too


@dataclass(frozen=True)
class Window:
    """What one dashboard load needs: the profile, the window's transactions, cached commentary,
    the latest check-in and the streak state (the last two: items after the dates, same Query)."""

    profile: Profile
    transactions: list[Transaction]
    commentary: Commentary | None = None
    checkin: dt.date | None = None
    streak_state: StreakState | None = None
    data_version: int = 0  # the store's per-user write counter when this was read (lib.web.state)
    bank: BankNote | None = None  # the bank feed's state (lib.sync), for the dashboard's notices
    paused_channels: tuple[str, ...] = ()  # nudge channels paused after 5 failures (masked), shown on the dashboard
    # Issue 21: the user's session generation, read by the same Query (None: this window's read did not reach it).
    generation: Generation | None = None


@dataclass(frozen=True)
class ImportBatch:
    """One import of one file: what was detected, what it added, and the days it covers."""

    user_id: str
    batch_id: str
    file_name: str
    imported_at: str
    file_format: str
    settings: dict[str, str]
    mapping_hash: str
    rows_in_file: int = 0
    rows_added: int = 0
    duplicates: int = 0
    rejected: int = 0
    covered_from: dt.date | None = None
    covered_through: dt.date | None = None  # the last day the file has rows for ("tracked through")
    status: str = "complete"  # or "partial": a write failed; importing the file again resumes it


@dataclass(frozen=True)
class SavedMapping:
    """The column roles and settings a user confirmed for one bank's export layout."""

    user_id: str
    signature: str
    columns: dict[str, str]
    settings: dict[str, str]
    saved_at: str = ""


@dataclass(frozen=True)
class CategoryRule:
    """Always file this merchant under this category (future imports and matching existing rows)."""

    user_id: str
    merchant: str
    category: str
    example: str = ""
    created_at: str = ""

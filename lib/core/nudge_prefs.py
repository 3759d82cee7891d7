"""Nudge preferences: when the coach may reach out, in the user's own zone, validated with a reason per field.

Kept beside the Profile (which holds one `NudgePrefs`) rather than in models.py, which is near its
size limit. Times are local wall-clock "HH:MM" strings (None: that nudge is off); quiet hours are a
local span that may cross midnight ("22:00-07:00"). Pure: nothing here reads a clock or a store.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from lib.core.errors import ValidationError

DEFAULT_MORNING = "08:00"
DEFAULT_EVENING = "20:30"
DEFAULT_QUIET = ("22:00", "07:00")
KINDS = ("morning", "evening", "weekly", "milestone")
MILESTONES = (7, 14, 30, 60, 100, 365)
_HHMM = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")
_ON = ("on", "yes", "true", "1")
_OFF = ("off", "no", "false", "0", "none", "")


@dataclass(frozen=True)
class NudgePrefs:
    """What the user wants to receive and when (their local time); the defaults are the issue's."""

    morning: str | None = DEFAULT_MORNING
    evening: str | None = DEFAULT_EVENING
    weekly: bool = True
    quiet: tuple[str, str] | None = DEFAULT_QUIET
    milestones: bool = True
    hide_amounts: bool = False

    def is_default(self) -> bool:
        return self == NudgePrefs()

    def quiet_text(self) -> str:
        return f"{self.quiet[0]}-{self.quiet[1]}" if self.quiet else "off"

    def to_dict(self) -> dict[str, str]:
        """The prefs as short strings (the stored map, the CLI's JSON)."""
        return {"morning": self.morning or "off", "evening": self.evening or "off",
                "weekly": "on" if self.weekly else "off", "quiet": self.quiet_text(),
                "milestones": "on" if self.milestones else "off",
                "hide_amounts": "on" if self.hide_amounts else "off"}

    def in_quiet_hours(self, local: dt.time) -> bool:
        """True when a local time falls inside the quiet span (start included, end excluded)."""
        if not self.quiet:
            return False
        start, end = (parse_hhmm(t) for t in self.quiet)
        if start == end:
            return False
        if start < end:
            return start <= local < end
        return local >= start or local < end  # the span crosses midnight


def parse_hhmm(text: str) -> dt.time:
    """A validated "HH:MM" as a time (callers validate first; a bad value raises ValueError)."""
    m = _HHMM.fullmatch(text.strip())
    if not m:
        raise ValueError(text)
    return dt.time(int(m.group(1)), int(m.group(2)))


def _time(value: object, label: str, errors: dict[str, str], key: str) -> str | None:
    text = str(value if value is not None else "").strip().lower()[:20]
    if text in _OFF:
        return None
    m = _HHMM.fullmatch(text)
    if not m:
        errors[key] = f"{label} must be a time HH:MM between 00:00 and 23:59, or off ('{text[:8]}' is not)."
        return None
    return f"{int(m.group(1)):02d}:{m.group(2)}"


def _switch(value: object, label: str, errors: dict[str, str], key: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()[:10]
    if text in _ON:
        return True
    if text in _OFF:
        return False
    errors[key] = f"{label} must be on or off."
    return False


def _quiet(value: object, errors: dict[str, str]) -> tuple[str, str] | None:
    if isinstance(value, tuple | list) and len(value) == 2:
        value = f"{value[0]}-{value[1]}"
    text = str(value if value is not None else "").strip().lower().replace(" ", "")[:20]
    if text in _OFF:
        return None
    parts = text.split("-")
    times = [_HHMM.fullmatch(p) for p in parts] if len(parts) == 2 else []
    if len(times) != 2 or not all(times):
        errors["quiet"] = f"Quiet hours must be HH:MM-HH:MM (like 22:00-07:00), or off ('{text[:12]}' is not)."
        return None
    a, b = (f"{int(m.group(1)):02d}:{m.group(2)}" for m in times if m)
    if a == b:
        errors["quiet"] = "Quiet hours must start and end at different times (or be off)."
        return None
    return a, b


def validate_nudge_prefs(
    *,
    morning: object = DEFAULT_MORNING,
    evening: object = DEFAULT_EVENING,
    weekly: object = True,
    quiet: object = DEFAULT_QUIET,
    milestones: object = True,
    hide_amounts: object = False,
) -> NudgePrefs:
    """NudgePrefs from input, or ValidationError with a reason per field ("25:00" is refused)."""
    errors: dict[str, str] = {}
    prefs = NudgePrefs(
        morning=_time(morning, "Morning nudge", errors, "morning"),
        evening=_time(evening, "Evening nudge", errors, "evening"),
        weekly=_switch(weekly, "Weekly round-up", errors, "weekly"),
        quiet=_quiet(quiet, errors),
        milestones=_switch(milestones, "Milestones", errors, "milestones"),
        hide_amounts=_switch(hide_amounts, "Hide amounts", errors, "hide_amounts"),
    )
    if errors:
        raise ValidationError(errors)
    return prefs


def prefs_from_stored(data: object) -> NudgePrefs:
    """Prefs from a stored map; an unreadable field falls back to its default (stored data never breaks a load)."""
    if not isinstance(data, dict):
        return NudgePrefs()
    defaults = NudgePrefs().to_dict()
    values = {}
    for key, default in defaults.items():
        candidate = {**defaults, key: str(data.get(key, default))[:20]}
        try:
            validate_nudge_prefs(**{k: candidate[k] for k in defaults})
            values[key] = candidate[key]
        except ValidationError:
            values[key] = default
    return validate_nudge_prefs(**values)


def quiet_warnings(prefs: NudgePrefs) -> list[str]:
    """Nudges the quiet hours will hold back (shown beside the fields, not refused: the user decides)."""
    out = []
    for label, value in (("Morning nudge", prefs.morning), ("Evening nudge", prefs.evening)):
        if value and prefs.in_quiet_hours(parse_hhmm(value)):
            out.append(f"{label} at {value} falls inside the quiet hours {prefs.quiet_text()}, so it is never sent.")
    return out


PAUSE_AFTER_FAILURES = 5


@dataclass(frozen=True)
class Channel:
    """One place a user's nudges go: an Apprise URL kept sealed (`sealed_url`), shown only as `masked`.

    `failures` counts failed sends in a row; at PAUSE_AFTER_FAILURES the channel is `paused` (no
    more tries until the user sends a test that works or adds it again), so a dead endpoint costs
    one attempt per nudge, never a retry storm.
    """

    user_id: str
    channel_id: str
    sealed_url: str
    masked: str
    scheme: str
    created_at: str = ""
    failures: int = 0
    paused: bool = False
    last_error: str = ""
    last_ok_at: str = ""
    version: int = 0

    def after_send(self, ok: bool, error: str, at: str) -> Channel:
        """The channel's state after one send (a success clears the count and unpauses)."""
        if ok:
            return Channel(**{**self.__dict__, "failures": 0, "paused": False, "last_error": "", "last_ok_at": at})
        failures = self.failures + 1
        return Channel(**{**self.__dict__, "failures": failures, "paused": failures >= PAUSE_AFTER_FAILURES,
                          "last_error": error[:200]})

"""Real parts for the nudge tests: a SQLite store, a sealer, a local SMTP server (aiosmtpd), users with data."""
from __future__ import annotations

import dataclasses
import datetime as dt
import socket
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from lib.core.models import Profile, Transaction
from lib.core.nudge_prefs import NudgePrefs
from lib.jobs import manage
from lib.store.sealed import Sealer, new_key
from lib.store.sqlite import SQLiteStore

# A Saturday evening and the Sunday after it, in UTC; tests build every date from these, never from today.
MORNING_AT = dt.datetime(2026, 12, 5, 8, 0, tzinfo=dt.UTC)  # Saturday 08:00 UTC
SUNDAY_EVENING = dt.datetime(2026, 12, 6, 20, 30, tzinfo=dt.UTC)
MORNING_DAY = MORNING_AT.date()


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    s = SQLiteStore(tmp_path / "nudges.db")
    s.init()
    return s


@pytest.fixture
def sealer() -> Sealer:
    return Sealer([new_key()])


class Inbox:
    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos),
                              "content": envelope.content.decode("utf-8", "replace")})
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """An SMTP server on 127.0.0.1 that keeps what it receives."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def make_user(store: SQLiteStore, user_id: str, *, tone: str = "brutal", zone: str = "UTC", name: str = "Alex",
              prefs: NudgePrefs | None = None, until: dt.date = MORNING_DAY, days: int = 20,
              spend: str = "9.50") -> Profile:
    """A user with `days` kept days of spending up to the day before `until` (budget 15)."""
    profile = Profile(user_id=user_id, display_name=name, ai_tone=tone, timezone=zone,
                      nudges=prefs or NudgePrefs())
    saved = manage.save_profile(store, profile)
    txns = [Transaction(user_id=user_id, date=until - dt.timedelta(days=d), amount=Decimal(spend),
                        category="Food", description="Lunch") for d in range(1, days + 1)]
    store.put_transactions(txns)
    return saved


def wait_for(predicate: Any, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return bool(predicate())


def with_prefs(profile: Profile, **changes: Any) -> Profile:
    return dataclasses.replace(profile, nudges=dataclasses.replace(profile.nudges, **changes))

"""The small interface every bank-feed provider implements, and the one error it raises.

A provider turns what the user pastes into a secret (`claim`), and a secret plus a date range
into accounts, rows and the bridge's own error list (`fetch`). Everything else (quota, dedupe,
states, storage) is the provider-independent lib.sync.service, so Enable Banking or GoCardless
can follow as one more module.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from lib.core.bank import AccountError, BankAccount, BankTransaction
from lib.core.errors import FinanceError

BeforeRequest = Callable[[], None]  # called before every request (the daily counter); may raise SyncError


class SyncError(FinanceError):
    """A sync or claim stopped; `state` is one of lib.core.bank.STATES, the message is plain text for the user."""

    def __init__(self, state: str, message: str):
        super().__init__(message)
        self.state = state


@dataclass
class Fetched:
    """One provider answer, merged over its date chunks."""

    accounts: list[BankAccount] = field(default_factory=list)
    transactions: list[BankTransaction] = field(default_factory=list)
    errors: list[AccountError] = field(default_factory=list)
    requests: int = 0


class Provider(Protocol):
    """A bank-feed provider (lib.sync.simplefin is the first)."""

    name: str

    def claim(self, token: str, before_request: BeforeRequest) -> str:
        """Exchange what the user pasted for the long-lived secret (once; a second claim fails)."""

    def fetch(self, access: str, start: dt.date, end: dt.date, zone: dt.tzinfo,
              before_request: BeforeRequest) -> Fetched:
        """Accounts and rows dated start..end (days in `zone`), in requests of at most 60 days."""

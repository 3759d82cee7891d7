"""SimpleFIN (https://www.simplefin.org/protocol.html): claim a setup token once, then read GET /accounts.

The setup token is base64 of a claim URL; a POST to it answers with the access URL, Basic
credentials included (kept sealed by the service, never logged or shown). GET {access}/accounts
takes start-date (on or after) and end-date (before, not on) as Unix times, and pending=1.
Answers: 200 an Account Set; 402 payment required (lapsed); 403 revoked or wrong credentials.
The error list is `errors` (strings, protocol 1) or `errlist` (objects with an account_id,
the draft of version 2); both are read, as plain text.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import logging
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit, urlunsplit

from lib.core.bank import (
    LAPSED,
    REVOKED,
    UNAVAILABLE,
    AccountError,
    BankAccount,
    BankTransaction,
    chunks,
)
from lib.core.errors import ValidationError
from lib.core.models import clean_text, parse_money
from lib.net.guard import UnsafeURLError
from lib.sync.base import BeforeRequest, Fetched, SyncError
from lib.sync.http import Policy, check, request

log = logging.getLogger(__name__)

TOKEN_MAX = 2000  # a setup token is ~100 characters; anything longer is refused before decoding
MAX_ACCOUNTS = 100
MAX_ROWS = 50_000
CLAIMED_TWICE = ("This setup token was already claimed, or does not exist. If you did not claim it, someone "
                 "else may have: disable it at the bridge and make a new one.")


def claim_url(token: str) -> str:
    """The claim URL a setup token decodes to, or ValidationError for the `token` field."""
    text = "".join(str(token or "").split())
    if not text:
        raise ValidationError({"token": "Paste the setup token from your SimpleFIN Bridge."})
    if len(text) > TOKEN_MAX:
        raise ValidationError({"token": f"That is too long for a setup token (at most {TOKEN_MAX} characters)."})
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_" if "-" in text or "_" in text else None,
                               validate=True)
        url = raw.decode("ascii").strip()
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ValidationError({"token": "That is not a SimpleFIN setup token (it should be base64 text)."}) from None
    if not url.lower().startswith(("https://", "http://")):
        raise ValidationError({"token": "That token does not decode to a web address; copy it again from the bridge."})
    return url


def _split_access(access: str) -> tuple[str, dict[str, str]]:
    """The access URL without its credentials, and the Basic header they become."""
    parts = urlsplit(access)
    user, password = unquote(parts.username or ""), unquote(parts.password or "")
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port:
        netloc += f":{parts.port}"
    bare = urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))
    pair = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return bare, {"Authorization": f"Basic {pair}"}


def _epoch(day: dt.date) -> int:
    return int(dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC).timestamp())


def _day(value: Any, zone: dt.tzinfo) -> dt.date | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0 or value > 32503680000:
        return None
    return dt.datetime.fromtimestamp(int(value), dt.UTC).astimezone(zone).date()


class SimpleFIN:
    """The SimpleFIN provider (lib.sync.base.Provider)."""

    name = "simplefin"

    def __init__(self, policy: Policy):
        self.policy = policy

    def claim(self, token: str, before_request: BeforeRequest) -> str:
        """POST to the claim URL once; the access URL (a secret) or a reason."""
        url = claim_url(token)
        before_request()
        answer = request("POST", url, self.policy, {"Content-Length": "0"}, field="token")
        if answer.status == 403:
            raise ValidationError({"token": CLAIMED_TWICE})
        if answer.status != 200:
            raise SyncError(UNAVAILABLE, f"The bridge refused the claim (HTTP {answer.status}); try again later.")
        access = answer.body[:TOKEN_MAX].decode("ascii", "replace").strip()
        parts = urlsplit(access)
        if not (parts.username and parts.password and parts.hostname):
            raise SyncError(UNAVAILABLE, "The bridge's answer to the claim was not an access URL.")
        # The access URL must pass the same guard as the claim URL (checked again before each request).
        request_url, _ = _split_access(access)
        try:
            check(request_url, self.policy)
        except UnsafeURLError as exc:
            raise UnsafeURLError(f"The bridge gave an access address this server will not call: {exc.reason}",
                                 "token") from exc
        return access

    def fetch(self, access: str, start: dt.date, end: dt.date, zone: dt.tzinfo,
              before_request: BeforeRequest) -> Fetched:
        """Accounts and rows start..end (and a day around), one GET per chunk of at most 60 days, merged."""
        base, auth = _split_access(access)
        out = Fetched()
        accounts: dict[str, BankAccount] = {}
        rows: dict[tuple[str, str], BankTransaction] = {}
        errors: dict[tuple[str | None, str], AccountError] = {}
        # A day more on each side: the bridge counts UTC times, the user's days may start up to 14 hours
        # earlier or later, and a pending row missing at the edge would be taken for a settled one.
        for first, last in chunks(start - dt.timedelta(days=1), end + dt.timedelta(days=1)):
            query = urlencode({"start-date": _epoch(first), "end-date": _epoch(last + dt.timedelta(days=1)),
                               "pending": 1})
            before_request()
            out.requests += 1
            answer = request("GET", f"{base}/accounts?{query}", self.policy, auth)
            if answer.status == 402:
                raise SyncError(LAPSED, "The SimpleFIN Bridge says payment is required: the subscription lapsed.")
            if answer.status == 403:
                raise SyncError(REVOKED, "The SimpleFIN Bridge refused the access: it was revoked (or is wrong).")
            if answer.status != 200:
                raise SyncError(UNAVAILABLE, f"The SimpleFIN Bridge answered HTTP {answer.status}; try again later.")
            _read_set(answer.body, zone, accounts, rows, errors)
        out.accounts = list(accounts.values())
        out.transactions = list(rows.values())
        out.errors = list(errors.values())
        return out


def _read_set(body: bytes, zone: dt.tzinfo, accounts: dict[str, BankAccount],
              rows: dict[tuple[str, str], BankTransaction], errors: dict[tuple[str | None, str], AccountError]) -> None:
    """Merge one Account Set into the dicts (later chunks win for balances); untrusted text stays plain text."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SyncError(UNAVAILABLE, "The SimpleFIN Bridge answered something that is not JSON.") from exc
    if not isinstance(data, dict) or not isinstance(data.get("accounts"), list):
        raise SyncError(UNAVAILABLE, "The SimpleFIN Bridge's answer has no account list.")
    for message in (data.get("errors") or [])[:50] if isinstance(data.get("errors"), list) else []:
        text = clean_text(message, 300)
        if text:
            errors[(None, text)] = AccountError(text)
    for entry in (data.get("errlist") or [])[:50] if isinstance(data.get("errlist"), list) else []:
        if isinstance(entry, dict):
            text = clean_text(entry.get("msg") or entry.get("message") or entry.get("code"), 300)
            acct = clean_text(entry.get("account_id"), 200) or None
            if text:
                errors[(acct, text)] = AccountError(text, acct)
    for raw in data["accounts"][:MAX_ACCOUNTS]:
        account = _account(raw)
        if account is None:
            continue
        accounts[account.account_id] = account
        for txn in (raw.get("transactions") or [])[:MAX_ROWS] if isinstance(raw.get("transactions"), list) else []:
            row = _row(account.account_id, txn, zone)
            if row is not None and len(rows) < MAX_ROWS:
                rows[(row.account_id, row.txn_id)] = row


def _account(raw: Any) -> BankAccount | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not raw["id"].strip():
        return None
    org: dict[str, Any] = raw["org"] if isinstance(raw.get("org"), dict) else {}
    institution = clean_text(org.get("name") or org.get("domain") or raw.get("conn_name"), 80)
    try:
        balance = parse_money(str(raw.get("balance")), "balance")
    except ValidationError:
        balance = None
    return BankAccount(account_id=raw["id"].strip()[:200], name=clean_text(raw.get("name"), 80) or "Account",
                       institution=institution, currency=clean_text(raw.get("currency"), 12).upper()[:12],
                       balance=balance, balance_date=None)


def _row(account_id: str, raw: Any, zone: dt.tzinfo) -> BankTransaction | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not raw["id"].strip():
        return None
    day = _day(raw.get("transacted_at"), zone) or _day(raw.get("posted"), zone)
    try:
        amount = parse_money(str(raw.get("amount")), "amount")
    except ValidationError:
        log.info("bank row with an unreadable amount skipped", extra={"account": account_id[:8]})
        return None
    if day is None:
        return None
    description = clean_text(raw.get("description"))
    payee = clean_text(raw.get("payee"), 120)
    extra: dict[str, Any] = raw["extra"] if isinstance(raw.get("extra"), dict) else {}
    category = clean_text(extra.get("category"), 40).capitalize() if isinstance(extra.get("category"), str) else ""
    return BankTransaction(account_id=account_id, txn_id=raw["id"].strip()[:200], day=day, amount=amount,
                           description=description, payee=payee, pending=raw.get("pending") is True,
                           category=category)

"""The bank feed's items (issue 20, lib.sync): the table layout's keys and mapping for them.

Part of the table's schema (lib.store.schema holds the rest): only these modules know a prefix.
"""
from __future__ import annotations

import datetime as dt
import hashlib

from lib.core.bank import BankNote
from lib.core.models import clean_text
from lib.store.schema import PK, SK, Item

# ---------------------------------------------------------------------------------------------
# Bank feeds (issue 20, lib.sync): the connection, one state item per account, the daily request
# counter (after "~": the window never reads them), the keys of the rows a feed writes, and one small
# note of the feed's state read WITH the window (below "~"), so the dashboard's notices cost no request.
# ---------------------------------------------------------------------------------------------
BANK_PREFIX = "~BANK#"
BANK_NOTE_PREFIX = "BANKNOTE#"
_BANK_CONN = f"{BANK_PREFIX}CONN"
_BANK_ACCOUNT = f"{BANK_PREFIX}ACCT#"
_BANK_QUOTA = f"{BANK_PREFIX}QUOTA"
_BANK_ROW = "#sf"  # DATE#sf<account 8><row 20>: a bank row's key, the same for the same bridge row


def _digest(text: str, n: int) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:n]


def bank_connection_key(user_id: str) -> dict[str, str]:
    """Primary key of the user's bank connection (one per user)."""
    return {PK: user_id, SK: _BANK_CONN}


def bank_account_key(user_id: str, account_id: str) -> dict[str, str]:
    """Primary key of one bank account's state (the bridge's id, digested: printable and bounded)."""
    return {PK: user_id, SK: f"{_BANK_ACCOUNT}{_digest(account_id, 24)}"}


def bank_account_prefix() -> str:
    return _BANK_ACCOUNT


def bank_quota_key(user_id: str) -> dict[str, str]:
    """Primary key of the user's request counter (the day and the requests made that day)."""
    return {PK: user_id, SK: _BANK_QUOTA}


def bank_row_key(day: dt.date, account_id: str, txn_id: str) -> str:
    """The sort key of a feed's row: the same bridge row always gets the same key (retries never double)."""
    return f"{day.isoformat()}{_BANK_ROW}{_digest(account_id, 8)}{_digest(account_id + chr(31) + txn_id, 20)}"


def bank_row_account(sort_key: str) -> str | None:
    """The account part (8 hex) of a feed row's key, or None for rows that no feed wrote."""
    head, sep, tail = sort_key.partition(_BANK_ROW)
    return tail[:8] if sep and len(head) == 10 and len(tail) == 28 else None


def bank_account_tag(account_id: str) -> str:
    """What bank_row_account returns for this account's rows."""
    return _digest(account_id, 8)


def bank_note_key(user_id: str) -> dict[str, str]:
    return {PK: user_id, SK: f"{BANK_NOTE_PREFIX}{user_id}"}


def bank_note_to_item(user_id: str, note: BankNote) -> Item:
    return {**bank_note_key(user_id), "state": note.state, "message": note.message, "last_ok_at": note.last_ok_at,
            "connected_at": note.connected_at, "attention": list(note.attention)}


def item_to_bank_note(item: Item | None) -> BankNote | None:
    if not item:
        return None
    return BankNote(state=str(item.get("state") or ""), message=clean_text(item.get("message"), 300),
                    last_ok_at=str(item.get("last_ok_at") or ""), connected_at=str(item.get("connected_at") or ""),
                    attention=tuple(clean_text(n, 80) for n in (item.get("attention") or [])[:10]))


# ---------------------------------------------------------------------------------------------
# Regular syncs (issue 20, lib.jobs): an index of connected users by UTC slot, one partition per slot
# ("BANKSYNC#07:15"), so the tick finds whom to sync with one Query of its slot, never a Scan. Written on
# connect (and by any sync of a connection made before the index existed); removed on disconnect and 403.
# ---------------------------------------------------------------------------------------------
BANK_SYNC_PARTITION = "BANKSYNC#"
BANK_SYNC_ITEM_PREFIX = "U#"  # a Query needs a non-empty key condition: every item of a slot starts so


def bank_sync_partition(slot: str) -> str:
    """The index partition of one UTC slot ("07:15")."""
    return f"{BANK_SYNC_PARTITION}{slot}"


def bank_sync_item_key(slot: str, user_id: str) -> dict[str, str]:
    """Primary key of a connected user's place in one slot of the regular syncs."""
    return {PK: bank_sync_partition(slot), SK: f"{BANK_SYNC_ITEM_PREFIX}{user_id}"}


def bank_sync_item(slot: str, user_id: str) -> Item:
    """A user's place in a slot (the user id again as an attribute: the key's text is ours to change)."""
    return {**bank_sync_item_key(slot, user_id), "user": user_id}

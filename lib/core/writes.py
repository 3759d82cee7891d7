"""What a page says after a write, and how a retried add keeps its id: the honest outcome in words.

Pages render these strings; they are built here so each wording has one home and a unit test.
Every string may contain text we did not write: pages show it through lib.core.plain.md_escape.
"""
from __future__ import annotations

from dataclasses import replace

from lib.core.errors import ConflictError, PartialWriteError, StoreUnavailableError
from lib.core.models import Transaction
from lib.core.money import BARE, MoneyFormat

Signature = tuple[str, str, str, str]


def describe(txn: Transaction, money: MoneyFormat = BARE) -> str:
    """A transaction in one line: amount (in the home currency, once one is picked), category, date, description."""
    text = f"{money.amount(txn.amount)} for {txn.category} on {txn.date.isoformat()}"
    return f"{text} ({txn.description})" if txn.description else text


def signature(txn: Transaction) -> Signature:
    """What the user typed, without the id: two submits with equal signatures are the same add."""
    return (txn.date.isoformat(), str(txn.amount), txn.category, txn.description)


def keep_id(txn: Transaction, pending: tuple[Signature, str] | None) -> Transaction:
    """The transaction under the id of an unconfirmed earlier attempt with the same content.

    When an add got no answer, the page remembers its signature and id; pressing Add again
    with the same content then writes under the same id, which the store recognises as
    already saved instead of storing a second copy.
    """
    if pending is not None and pending[0] == signature(txn):
        return replace(txn, sort_key=pending[1])
    return txn


def still_editing(
    editing: Transaction | None, selected: Transaction | None, table_rebuilt: bool, was_selected: bool
) -> Transaction | None:
    """The transaction the edit form shows: the selected row, or the one held open.

    A write elsewhere rebuilds the table (a new widget, no selection): the form keeps the
    transaction as the user opened it, so their save is checked against the version they saw.
    After a refused save it is held open on the current value. Only a row the user unselects
    in the same table closes it.
    """
    if selected is not None:
        return selected
    if table_rebuilt or not was_selected:
        return editing
    return None


def conflict_text(exc: ConflictError, money: MoneyFormat = BARE) -> str:
    """'Changed elsewhere, here is the current value': the refusal and what is stored now."""
    current = exc.current
    if isinstance(current, Transaction):
        return (f"{exc} It is now: {describe(current, money)}. "
                "The form shows it now: change it again if you still want to.")
    return f"{exc}"


def unconfirmed_text(doing: str, exc: StoreUnavailableError, again: str) -> str:
    """A single write whose outcome is unknown (no answer): say so, and that a retry is safe."""
    return (
        f"Could not confirm that we could {doing}: {exc} It may or may not be stored. "
        f"{again} once the store answers again: it is never stored twice."
    )


def partial_text(exc: PartialWriteError, again: str) -> str:
    """A many-item write that stopped midway: exactly how far it got, and how to finish."""
    noun = "deleted" if exc.action == "delete" else "written"
    text = f"Stopped midway: {exc.written} of {exc.total} items were {noun}"
    if exc.unconfirmed:
        text += f", {exc.unconfirmed} more were sent without an answer (they may or may not be {noun})"
    return text + f". {again} to finish: nothing is doubled or lost."

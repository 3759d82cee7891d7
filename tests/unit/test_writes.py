"""The outcome of a write in words, and which transaction the edit form holds."""
from __future__ import annotations

import datetime as dt

from lib.core.errors import ConflictError, PartialWriteError
from lib.core.models import validate_transaction
from lib.core.writes import conflict_text, keep_id, partial_text, signature, still_editing

A = validate_transaction("u", dt.date(2026, 1, 2), "3.50", "Coffee", "cafe")
B = validate_transaction("u", dt.date(2026, 1, 3), "9.00", "Food", "")


def test_an_unconfirmed_add_with_the_same_content_keeps_its_id_and_other_content_gets_a_new_one() -> None:
    pending = (signature(A), A.sort_key)
    retry = validate_transaction("u", dt.date(2026, 1, 2), "3.50", "Coffee", "cafe")
    assert retry.sort_key != A.sort_key and keep_id(retry, pending).sort_key == A.sort_key
    assert keep_id(B, pending) == B and keep_id(retry, None) == retry


def test_the_edit_form_follows_the_selection_survives_a_rebuild_and_closes_on_unselect() -> None:
    assert still_editing(None, A, table_rebuilt=False, was_selected=False) == A
    assert still_editing(A, None, table_rebuilt=True, was_selected=True) == A  # a write elsewhere
    assert still_editing(A, None, table_rebuilt=False, was_selected=False) == A  # held open after a conflict
    assert still_editing(A, None, table_rebuilt=False, was_selected=True) is None  # the user unselected


def test_conflicts_and_partial_writes_say_what_is_stored_now() -> None:
    assert "It is now: 3.50 for Coffee on 2026-01-02 (cafe)." in conflict_text(ConflictError("Changed.", A))
    assert conflict_text(ConflictError("Deleted elsewhere.")) == "Deleted elsewhere."
    text = partial_text(PartialWriteError("x", written=25, total=60, unconfirmed=25), "Import it again")
    assert text == ("Stopped midway: 25 of 60 items were written, 25 more were sent without an answer "
                    "(they may or may not be written). Import it again to finish: nothing is doubled or lost.")

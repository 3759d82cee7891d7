"""ONE contract suite, run on every Store backend: a behaviour that differs between them is a bug."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from lib.core.errors import ConflictError
from lib.core.models import Commentary, Profile, Transaction, validate_transaction
from lib.store.schema import Item

TODAY = dt.date.today
TXN_ATTRIBUTES = {"user_id", "transaction_date", "amount", "category", "description", "source", "version"}
PROFILE_ATTRIBUTES = {
    "user_id",
    "transaction_date",
    "display_name",
    "daily_budget",
    "monthly_salary",
    "ai_tone",
    "version",
    "updated_at",
}


def raw_put(store: Any, item: Item) -> None:
    """Write an item exactly as given (as the original backend wrote it), bypassing the mapping."""
    store.put_raw_item(item)


def txn(user: str, day: dt.date, amount: str, **kw: Any) -> Transaction:
    return validate_transaction(user, day, amount, **kw)


def dates(txns: list[Transaction]) -> list[dt.date]:
    return [t.date for t in txns]


# -- profile ---------------------------------------------------------------------------


def test_missing_profile_reads_as_the_default(store: Any) -> None:
    profile = store.get_profile("alice", "Alice Doe")
    assert profile == Profile.default("alice", "Alice Doe")
    assert (profile.display_name, profile.daily_budget, profile.ai_tone) == ("Alice Doe", Decimal("15.00"), "brutal")
    assert profile.monthly_salary is None and profile.version == 0


@pytest.mark.parametrize("budget", ["12.34", "0.01", "99999.99"])
def test_profile_round_trip_keeps_money_exact(store: Any, budget: str) -> None:
    mine = Profile("alice", "Alice", Decimal(budget), Decimal("4321.09"), "sarcastic")
    store.save_profile(mine)
    back = store.get_profile("alice")
    assert back.daily_budget == Decimal(budget) and isinstance(back.daily_budget, Decimal)
    assert back.monthly_salary == Decimal("4321.09")
    assert (back.display_name, back.ai_tone) == ("Alice", "sarcastic")


def test_each_save_increments_the_version(store: Any) -> None:
    first = store.save_profile(Profile.default("alice", "Alice"))
    second = store.save_profile(Profile(**{**first.__dict__, "daily_budget": Decimal("20.00")}))
    assert (first.version, second.version) == (1, 2)
    stored = store.get_profile("alice")
    assert stored.version == 2 and stored.daily_budget == Decimal("20.00") and stored.updated_at


def test_a_save_based_on_a_stale_version_is_refused_with_the_current_values(store: Any) -> None:
    loaded = store.save_profile(Profile.default("alice", "Alice"))  # both tabs load version 1
    tab_a = Profile(**{**loaded.__dict__, "daily_budget": Decimal("30.00")})
    tab_b = Profile(**{**loaded.__dict__, "daily_budget": Decimal("40.00"), "ai_tone": "polite"})
    store.save_profile(tab_a)
    with pytest.raises(ConflictError) as caught:
        store.save_profile(tab_b)
    current = caught.value.current
    assert isinstance(current, Profile)
    assert (current.daily_budget, current.ai_tone, current.version) == (Decimal("30.00"), "brutal", 2)
    assert store.get_profile("alice").daily_budget == Decimal("30.00")  # tab B's values were not written


def test_two_first_saves_race_and_the_second_is_refused(store: Any) -> None:
    store.save_profile(Profile("alice", "From tab A", Decimal("11.00")))
    with pytest.raises(ConflictError) as caught:
        store.save_profile(Profile("alice", "From tab B", Decimal("22.00")))
    assert caught.value.current.display_name == "From tab A"
    assert store.get_profile("alice").display_name == "From tab A"


@pytest.mark.parametrize("tone", ["SARCASTIC", "Brutal"])
def test_a_legacy_profile_reads_correctly_and_can_be_saved_over(store: Any, tone: str) -> None:
    # Exactly what the original backend wrote: no version, tone in any case, budget a number.
    raw_put(
        store,
        {
            "user_id": "bob",
            "transaction_date": "PROFILE#bob",
            "display_name": "Bob",
            "daily_budget": Decimal("22.5"),
            "monthly_salary": Decimal(3000),
            "ai_tone": tone,
        },
    )
    legacy = store.get_profile("bob", "ignored default")
    assert legacy.display_name == "Bob"
    assert legacy.daily_budget == Decimal("22.50") and legacy.monthly_salary == Decimal("3000")
    assert legacy.ai_tone == tone.lower() and legacy.version == 0
    saved = store.save_profile(Profile(**{**legacy.__dict__, "ai_tone": "polite"}))
    assert saved.version == 1
    again = store.get_profile("bob")
    assert (again.ai_tone, again.version, again.daily_budget) == ("polite", 1, Decimal("22.50"))


# -- transactions ----------------------------------------------------------------------


def test_legacy_transaction_keys_read_correctly_and_fall_in_the_right_ranges(store: Any) -> None:
    for key, amount in [("2025-03-04", "7.5"), ("2025-03-05T14:22:10", "3.25"), ("2025-03-05T09:00:00Z", "1")]:
        raw_put(store, {"user_id": "bob", "transaction_date": key, "amount": Decimal(amount), "category": "Food"})
    day4 = store.list_transactions("bob", dt.date(2025, 3, 4), dt.date(2025, 3, 4))
    assert [(t.sort_key, t.amount, t.category) for t in day4] == [("2025-03-04", Decimal("7.5"), "Food")]
    day5 = store.list_transactions("bob", dt.date(2025, 3, 5), dt.date(2025, 3, 5))
    assert sorted(t.amount for t in day5) == [Decimal("1"), Decimal("3.25")]
    assert dates(day5) == [dt.date(2025, 3, 5)] * 2
    assert len(store.list_transactions("bob", dt.date(2025, 3, 3), dt.date(2025, 3, 6))) == 3
    assert store.list_transactions("bob", dt.date(2025, 3, 6), dt.date(2025, 3, 31)) == []


def test_two_purchases_on_the_same_day_are_both_kept(store: Any) -> None:
    day = dt.date(2026, 1, 15)
    store.add_transaction(txn("alice", day, "4.50", description="coffee"))
    store.add_transaction(txn("alice", day, "4.50", description="coffee"))
    assert [t.amount for t in store.list_transactions("alice", day, day)] == [Decimal("4.50")] * 2


def test_date_ranges_include_both_boundaries_and_nothing_outside(store: Any) -> None:
    start, end = dt.date(2026, 2, 1), dt.date(2026, 2, 28)
    for day in [start - dt.timedelta(days=1), start, dt.date(2026, 2, 14), end, end + dt.timedelta(days=1)]:
        store.add_transaction(txn("alice", day, "1.00"))
    assert dates(store.list_transactions("alice", start, end)) == [start, dt.date(2026, 2, 14), end]
    assert store.list_transactions("alice", end, start) == []  # reversed range: nothing, not an error


def test_listing_returns_only_transactions_in_key_order(store: Any) -> None:
    store.save_profile(Profile.default("alice", "Alice"))
    store.put_commentary(Commentary("alice", TODAY().isoformat(), "brutal", "h", "Stop buying lattes.", "offline"))
    for day in [dt.date(2026, 3, 9), dt.date(2026, 3, 1), dt.date(2026, 3, 5)]:
        store.add_transaction(txn("alice", day, "-12.34", category="Refund"))
    listed = store.list_transactions("alice", dt.date(2026, 1, 1), dt.date(2099, 12, 31))
    assert dates(listed) == [dt.date(2026, 3, 1), dt.date(2026, 3, 5), dt.date(2026, 3, 9)]
    assert [t.sort_key for t in listed] == sorted(t.sort_key for t in listed)
    assert {t.amount for t in listed} == {Decimal("-12.34")}


def test_adding_never_overwrites_an_existing_transaction(store: Any) -> None:
    first = store.add_transaction(txn("alice", dt.date(2026, 1, 2), "9.99"))
    with pytest.raises(ConflictError):
        store.add_transaction(first.with_changes(amount=Decimal("1.00")))
    assert [t.amount for t in store.list_transactions("alice", first.date, first.date)] == [Decimal("9.99")]


def test_updating_keeps_the_key_when_the_date_is_unchanged(store: Any) -> None:
    original = store.add_transaction(txn("alice", dt.date(2026, 1, 2), "9.99", category="Food"))
    store.update_transaction(original.sort_key, original.with_changes(amount=Decimal("19.99"), category="Fun"))
    listed = store.list_transactions("alice", original.date, original.date)
    assert [(t.sort_key, t.amount, t.category) for t in listed] == [(original.sort_key, Decimal("19.99"), "Fun")]


def test_updating_the_date_moves_the_transaction(store: Any) -> None:
    original = store.add_transaction(txn("alice", dt.date(2026, 1, 2), "9.99"))
    moved = original.with_changes(date=dt.date(2026, 1, 20))
    store.update_transaction(original.sort_key, moved)
    assert store.list_transactions("alice", dt.date(2026, 1, 2), dt.date(2026, 1, 2)) == []
    everything = store.list_transactions("alice", dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert [(t.date, t.amount) for t in everything] == [(dt.date(2026, 1, 20), Decimal("9.99"))]


@pytest.mark.parametrize("new_day", [dt.date(2026, 1, 2), dt.date(2026, 1, 9)], ids=["same-date", "new-date"])
def test_updating_a_transaction_deleted_elsewhere_is_a_conflict(store: Any, new_day: dt.date) -> None:
    original = store.add_transaction(txn("alice", dt.date(2026, 1, 2), "9.99"))
    store.delete_transaction("alice", original.sort_key)  # another tab deleted it
    with pytest.raises(ConflictError):
        store.update_transaction(original.sort_key, original.with_changes(date=new_day, amount=Decimal("5.00")))
    assert store.list_transactions("alice", dt.date(2026, 1, 1), dt.date(2026, 1, 31)) == []


def test_deleting_is_idempotent(store: Any) -> None:
    kept = store.add_transaction(txn("alice", dt.date(2026, 1, 2), "1.00"))
    gone = store.add_transaction(txn("alice", dt.date(2026, 1, 2), "2.00"))
    store.delete_transaction("alice", gone.sort_key)
    store.delete_transaction("alice", gone.sort_key)
    store.delete_transaction("alice", "2020-01-01#never-existed")
    assert store.list_transactions("alice", kept.date, kept.date) == [kept]


# -- the dashboard window --------------------------------------------------------------


def _seed_window(store: Any) -> tuple[dt.date, list[Transaction], Commentary]:
    today = TODAY()
    start = today - dt.timedelta(days=89)
    store.save_profile(Profile("alice", "Alice", Decimal("25.00"), None, "polite"))
    note = Commentary("alice", today.isoformat(), "polite", "abc", "You are doing fine.", "offline", 10, 20)
    store.put_commentary(note)
    day = dt.timedelta(days=1)
    inside = [txn("alice", start, "1.01"), txn("alice", today - 30 * day, "2.02"), txn("alice", today, "3.03")]
    outside = [txn("alice", start - day, "100.00"), txn("alice", today + 3 * day, "200.00")]
    store.put_transactions(inside + outside)
    return start, inside, note


def test_a_window_ending_today_is_one_request_with_profile_transactions_and_commentary(store: Any) -> None:
    start, inside, note = _seed_window(store)
    before = store.meter.for_user("alice")
    window = store.load_window("alice", start, TODAY(), "ignored")
    assert store.meter.for_user("alice").minus(before).requests == 1
    assert (window.profile.display_name, window.profile.daily_budget, window.profile.version) == (
        "Alice",
        Decimal("25.00"),
        1,
    )
    assert sorted(t.amount for t in window.transactions) == [t.amount for t in inside]  # nothing future, nothing older
    assert window.commentary == note


def test_a_window_in_the_past_has_the_same_contents(store: Any) -> None:
    today = TODAY()
    _seed_window(store)
    window = store.load_window("alice", today - dt.timedelta(days=90), today - dt.timedelta(days=1))
    assert sorted(t.amount for t in window.transactions) == [Decimal("1.01"), Decimal("2.02"), Decimal("100.00")]
    assert window.profile.ai_tone == "polite" and window.commentary is not None


def test_a_window_without_a_profile_gets_the_default(store: Any) -> None:
    store.add_transaction(txn("carol", TODAY(), "5.00"))
    window = store.load_window("carol", TODAY() - dt.timedelta(days=6), TODAY(), "Carol")
    assert window.profile == Profile.default("carol", "Carol")
    assert [t.amount for t in window.transactions] == [Decimal("5.00")]
    assert window.commentary is None


# -- bulk ------------------------------------------------------------------------------


def test_put_transactions_writes_every_item_in_batches_with_progress(store: Any) -> None:
    items = [txn("alice", dt.date(2025, 1, 1) + dt.timedelta(days=i % 30), f"{i}.{i % 100:02d}") for i in range(1, 61)]
    progress: list[tuple[int, int]] = []
    assert store.put_transactions(items, lambda done, total: progress.append((done, total))) == 60
    assert progress == [(25, 60), (50, 60), (60, 60)]
    stored = store.list_transactions("alice", dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    assert sorted(t.sort_key for t in stored) == sorted(t.sort_key for t in items)
    assert sum(t.amount for t in stored) == sum(t.amount for t in items)


def test_export_has_exactly_the_attribute_names_of_the_table(store: Any) -> None:
    store.save_profile(Profile("alice", "Alice", Decimal("15.00"), Decimal("2500.00"), "brutal"))
    store.add_transaction(txn("alice", dt.date(2026, 1, 2), "9.99", category="Food", description="lunch"))
    store.add_transaction(
        txn("alice", dt.date(2026, 1, 3), "5.00", currency="eur", source="import", fingerprint="fp-1")
    )
    items = {str(i["transaction_date"]): i for i in store.export_items("alice")}
    profile = next(i for k, i in items.items() if k.startswith("PROFILE#"))
    assert profile["transaction_date"] == "PROFILE#alice"
    assert set(profile) == PROFILE_ATTRIBUTES
    assert profile["version"] == 1 and profile["daily_budget"] == Decimal("15.00")
    plain, imported = (i for k, i in sorted(items.items()) if not k.startswith("PROFILE#"))
    assert set(plain) == TXN_ATTRIBUTES
    assert set(imported) == TXN_ATTRIBUTES | {"currency", "import_fingerprint"}
    assert str(plain["transaction_date"]).startswith("2026-01-02#")
    assert isinstance(plain["amount"], Decimal) and plain["amount"] == Decimal("9.99")
    assert (imported["currency"], imported["source"], imported["import_fingerprint"]) == ("EUR", "import", "fp-1")


def test_delete_user_removes_every_item_of_that_user_only(store: Any) -> None:
    for user in ("alice", "bob"):
        store.save_profile(Profile.default(user))
        store.put_commentary(Commentary(user, "2026-01-01", "brutal", "h", "text", "offline"))
        store.put_transactions(txn(user, dt.date(2026, 1, 1) + dt.timedelta(days=i), "1.00") for i in range(30))
    bob_before = store.export_items("bob")
    assert store.delete_user("alice") == 32
    assert store.export_items("alice") == []
    assert store.get_profile("alice").version == 0
    assert store.export_items("bob") == bob_before
    assert store.delete_user("alice") == 0


def test_users_never_see_each_others_items(store: Any) -> None:
    day = dt.date(2026, 4, 1)
    # "al" is a prefix of "alice": the partition key must match exactly, not as a prefix.
    for user, amount in [("alice", "1.00"), ("al", "2.00"), ("bob", "3.00")]:
        store.save_profile(Profile(user, user.title(), Decimal(amount)))
        store.add_transaction(txn(user, day, amount))
    assert [t.amount for t in store.list_transactions("al", day, day)] == [Decimal("2.00")]
    window = store.load_window("alice", day, max(day, TODAY()))
    assert [t.user_id for t in window.transactions] == ["alice"] and window.profile.daily_budget == Decimal("1.00")
    assert {i["user_id"] for i in store.export_items("bob")} == {"bob"}


def test_commentary_round_trip_and_overwrite(store: Any) -> None:
    assert store.get_commentary("alice") is None
    store.put_commentary(Commentary("alice", "2026-01-01", "brutal", "h1", "Old news.", "offline"))
    newer = Commentary("alice", "2026-01-02", "polite", "h2", "New day, same you.", "nova-micro", 120, 45)
    store.put_commentary(newer)
    assert store.get_commentary("alice") == newer


# -- several sessions at once (each Streamlit session runs in its own thread) ------------


def test_sessions_saving_at_once_from_the_same_version_leave_exactly_one_winner(store: Any) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def save(n: int) -> str:
        try:
            store.save_profile(Profile("alice", f"Tab {n}", Decimal(f"{10 + n}.00")))
            return "saved"
        except ConflictError:
            return "conflict"

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(save, range(6)))
    assert sorted(outcomes) == ["conflict"] * 5 + ["saved"]
    stored = store.get_profile("alice")
    assert stored.version == 1 and stored.daily_budget == Decimal(stored.display_name[4:]) + 10


def test_sessions_adding_at_once_lose_nothing(store: Any) -> None:
    from concurrent.futures import ThreadPoolExecutor

    day = TODAY()

    def add(n: int) -> None:
        for i in range(10):
            store.add_transaction(txn("alice", day, f"{n}.{i:02d}", description=f"tab {n} #{i}"))

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(add, range(1, 5)))
    stored = store.list_transactions("alice", day, day)
    assert len(stored) == 40
    assert {t.description for t in stored} == {f"tab {n} #{i}" for n in range(1, 5) for i in range(10)}


# -- streak state and check-ins (lib.core.streaks) -----------------------------------------------
def test_a_table_without_streak_state_builds_it_on_first_need_then_loads_in_one_query(store: Any) -> None:
    from lib.core.standing import load_standing

    today = TODAY()
    day = dt.timedelta(days=1)
    store.save_profile(Profile("alice", "Alice", daily_budget=Decimal("10.00")))
    store.put_transactions([validate_transaction("alice", today - k * day, "5.00") for k in range(1, 200)]
                           + [validate_transaction("alice", today - 200 * day, "50.00")])
    before = store.meter.for_user("alice")
    first, window = load_standing(store, "alice", today)
    built = store.meter.for_user("alice").minus(before)
    assert (built.reads, built.writes) == (2, 1), "the window, the days before it, one state write"
    assert first.current_streak == 199 and window.streak_state is not None

    before = store.meter.for_user("alice")
    again, window = load_standing(store, "alice", today)
    assert store.meter.for_user("alice").minus(before).requests == 1
    assert (again.current_streak, again.longest_streak) == (199, 199)
    assert window.streak_state is not None and window.streak_state.upto == today.replace(day=1)


def test_a_write_before_the_state_drops_it_and_this_months_writes_do_not(store: Any) -> None:
    from lib.core.standing import load_standing

    today = TODAY()
    day = dt.timedelta(days=1)
    store.put_transactions([validate_transaction("bob", today - k * day, "5.00") for k in range(1, 120)])
    load_standing(store, "bob", today)
    store.add_transaction(validate_transaction("bob", today, "1.00"))
    assert load_standing(store, "bob", today)[1].streak_state is not None
    old = validate_transaction("bob", today - 100 * day, "99.00")
    store.add_transaction(old)
    window = store.load_window("bob", today - 99 * day, today)
    assert window.streak_state is None, "an edit of a summarised day makes the state stale"
    s, window = load_standing(store, "bob", today)
    assert s.current_streak == 99 and window.streak_state is not None
    store.delete_transaction("bob", old.sort_key)
    assert store.load_window("bob", today - 99 * day, today).streak_state is None
    assert load_standing(store, "bob", today)[0].current_streak == 119


def test_the_state_remembers_the_forecast_and_a_write_it_read_drops_it(store: Any) -> None:
    """The live band's calibration (lib.core.forecast.memory) reads up to the day before the month; with a payday
    the streaks stop at the pay period's start, so a write between the two drops the state for the memory's sake."""
    from lib.core.forecast import memory
    from lib.core.standing import load_standing, month_before

    today = TODAY()
    day = dt.timedelta(days=1)
    store.save_profile(Profile("dan", "Dan", daily_budget=Decimal("30.00"), payday="monthly:25"))
    store.put_transactions([validate_transaction("dan", today - k * day, f"{10 + k % 7}.00") for k in range(1, 300)])
    s, window = load_standing(store, "dan", today)
    state = window.streak_state
    assert state is not None and state.forecast_through == month_before(today) and state.upto < month_before(today)
    cals = memory.decode(state.forecast)
    assert cals is not None and set(cals) == {"calendar", "monthly:25"} and s.forecast_memory == state.forecast
    again = store.load_window("dan", today - 94 * day, today).streak_state
    assert again is not None and (again.forecast, again.forecast_through) == (state.forecast, state.forecast_through)
    store.add_transaction(validate_transaction("dan", month_before(today), "80.00"))  # after the streaks' end
    assert store.load_window("dan", today - 94 * day, today).streak_state is None, "the memory read that day"
    assert load_standing(store, "dan", today)[1].streak_state is not None


@pytest.mark.parametrize("kept", ["without a memory", "with an older version's"])
def test_a_state_kept_before_the_memory_gets_it_once(store: Any, kept: str) -> None:
    import json
    from dataclasses import replace

    from lib.core.forecast import memory
    from lib.core.standing import load_standing

    today = TODAY()
    day = dt.timedelta(days=1)
    store.put_transactions([validate_transaction("erin", today - k * day, "5.00") for k in range(1, 200)])
    _, window = load_standing(store, "erin", today)
    state = window.streak_state
    assert state is not None and memory.decode(state.forecast) is not None
    if kept == "without a memory":
        state = replace(state, forecast="", forecast_through=None)
    else:  # the same month's memory, written by the code before its calibrations carried `hi_cap`
        state = replace(state, forecast=json.dumps({**json.loads(state.forecast), "v": memory.VERSION - 1}))
    store.put_streak_state("erin", state)
    before = store.meter.for_user("erin")
    _, window = load_standing(store, "erin", today)
    added = store.meter.for_user("erin").minus(before)
    assert (added.reads, added.writes) == (2, 1), "the window, the 400 days before the month, one state write"
    assert window.streak_state is not None and memory.decode(window.streak_state.forecast) is not None
    before = store.meter.for_user("erin")
    load_standing(store, "erin", today)
    assert store.meter.for_user("erin").minus(before).requests == 1


def test_a_check_in_is_stored_and_never_moves_back(store: Any) -> None:
    today = TODAY()
    store.mark_known("carol", today - dt.timedelta(days=2))
    store.mark_known("carol", today)
    store.mark_known("carol", today - dt.timedelta(days=5))
    window = store.load_window("carol", today - dt.timedelta(days=10), today)
    assert window.checkin == today and window.transactions == []
    assert store.delete_user("carol") == 1

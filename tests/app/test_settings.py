"""Settings page: defaults, saving, refusals next to the field, the coach's tone, and a lost race."""
from __future__ import annotations

from decimal import Decimal

import pytest

from lib.core.models import Profile
from lib.store.sqlite import SQLiteStore
from tests.app.conftest import shown

FIELDS = ("set_display_name", "set_daily_budget", "set_monthly_salary")


def _form(at) -> dict[str, str]:
    values = {k: at.text_input(key=k).value for k in FIELDS}
    values["tone"] = at.radio(key="set_ai_tone").value
    return values


def _fill(at, **values: str) -> None:
    for name, value in values.items():
        if name == "tone":
            at.radio(key="set_ai_tone").set_value(value)
        else:
            at.text_input(key=f"set_{name}").input(value)


def _save(at) -> None:
    at.form_submit_button[0].click().run()


def _commentary(at) -> str:
    [words] = [t.value for t in at.sidebar.text]  # the coach speaks in plain text
    return words


def _stored(store_path) -> Profile:
    """What is in the database, through a store object the app has never touched."""
    return SQLiteStore(store_path).get_profile("demo")


def test_defaults_are_shown_when_no_profile_exists(make_app, store) -> None:
    at = make_app("settings").run()

    assert not at.exception
    assert _form(at) == {"set_display_name": "Demo", "set_daily_budget": "15.00", "set_monthly_salary": "",
                         "tone": "brutal"}
    assert any("defaults" in i.value for i in at.info)
    assert at.radio(key="set_ai_tone").options == ["Brutal", "Sarcastic", "Polite"]


def test_saving_valid_values_stores_them_and_says_so(make_app, store, store_path) -> None:
    at = make_app("settings").run()
    _fill(at, display_name="Miser Maxi", daily_budget="22.5", monthly_salary="2500", tone="sarcastic")
    _save(at)

    assert not at.exception
    assert any(shown(s.value).startswith("Saved.") for s in at.success), [shown(s.value) for s in at.success]
    saved = _stored(store_path)
    assert (saved.display_name, saved.daily_budget, saved.monthly_salary, saved.ai_tone) == (
        "Miser Maxi", Decimal("22.50"), Decimal("2500.00"), "sarcastic")
    assert saved.version == 1
    # The form now shows what was saved (money with cents), and the next save builds on it.
    assert _form(at) == {"set_display_name": "Miser Maxi", "set_daily_budget": "22.50",
                         "set_monthly_salary": "2500.00", "tone": "sarcastic"}
    _fill(at, daily_budget="23")
    _save(at)
    assert _stored(store_path).daily_budget == Decimal("23.00")
    assert _stored(store_path).version == 2


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("daily_budget", "0", "more than zero"),
        ("daily_budget", "12.345", "at most 2 decimals"),
        ("daily_budget", "lots", "not a number"),
        ("monthly_salary", "-1", "cannot be negative"),
        ("display_name", "", "cannot be empty"),
        ("display_name", "   ", "cannot be empty"),
        ("display_name", "Bell\x07Ringer", "printable characters"),
    ],
)
def test_invalid_values_are_refused_next_to_the_field(
    make_app, demo_store, store_path, field: str, value: str, reason: str
) -> None:
    before = _stored(store_path)
    at = make_app("settings").run()
    _fill(at, **{field: value})
    _save(at)

    assert not at.exception
    errors = [shown(e.value) for e in at.error]
    assert any(reason in e for e in errors), errors
    assert "Nothing was saved: fix the fields marked above." in errors
    # The reason sits right under its own field, inside the form.
    children = list(at.form[0].children.values())
    field_at = next(i for i, c in enumerate(children) if getattr(c, "key", None) == f"set_{field}")
    assert children[field_at + 1].type == "error" and reason in shown(children[field_at + 1].value)
    assert [c.type for c in children].count("error") == 1, "only the bad field is marked"
    assert _stored(store_path) == before, "nothing was saved"


def test_a_name_longer_than_50_characters_is_refused_with_its_limit_not_cut(make_app, demo_store, store_path) -> None:
    at = make_app("settings").run()
    before = _stored(store_path)
    # Pasted or crafted: no browser-side cap would tell the user, so the page must.
    at.text_input(key="set_display_name").set_value("x" * 51)
    _save(at)
    assert not at.exception
    assert any("at most 50 characters (it has 51)" in shown(e.value) for e in at.error), [e.value for e in at.error]
    assert _stored(store_path) == before


def test_a_family_emoji_name_is_accepted_and_counted_as_one_character(make_app, demo_store, store_path) -> None:
    at = make_app("settings").run()
    at.text_input(key="set_display_name").set_value("Sam 👨‍👩‍👧")
    _save(at)
    assert not at.exception and not at.error
    assert _stored(store_path).display_name == "Sam 👨‍👩‍👧"


@pytest.mark.parametrize("budget", ["1e1000000", "9" * 5000, "1_5", "١٥"])
def test_a_wild_budget_is_refused_with_a_reason_not_a_traceback(make_app, demo_store, store_path, budget) -> None:
    at = make_app("settings").run()
    before = _stored(store_path)
    at.text_input(key="set_daily_budget").set_value(budget)
    _save(at)
    assert not at.exception
    assert any("Daily budget" in shown(e.value) for e in at.error), [e.value for e in at.error]
    assert _stored(store_path) == before


def test_refused_input_is_echoed_as_plain_text(make_app, demo_store) -> None:
    at = make_app("settings").run()
    at.text_input(key="set_daily_budget").set_value("![p](http://127.0.0.1:9/x.png)")
    _save(at)
    [message] = [e.value for e in at.error if "Daily budget" in shown(e.value)]
    assert "![p](http://127.0.0.1:9/x.png)" in shown(message)  # the user sees what they typed...
    assert "![" not in message and "](" not in message  # ...as text: escaped, no image, no link


def test_changing_the_tone_changes_the_coachs_voice(make_app, demo_store, store_path) -> None:
    at = make_app("settings").run()
    assert _form(at)["tone"] == "brutal"
    voices = {"brutal": _commentary(at)}
    assert any(c.value.endswith("tone: brutal") for c in at.sidebar.caption)
    for tone in ("sarcastic", "polite"):
        _fill(at, tone=tone)
        _save(at)
        assert not at.exception
        assert _stored(store_path).ai_tone == tone
        voices[tone] = _commentary(at)
        assert any(c.value.endswith(f"tone: {tone}") for c in at.sidebar.caption)
    assert len(set(voices.values())) == 3, voices


def test_a_save_that_lost_a_race_says_so_and_shows_the_current_values(make_app, demo_store, store_path) -> None:
    at = make_app("settings").run()
    seen_version = _stored(store_path).version
    # Another tab saves first.
    other_tab = SQLiteStore(store_path)
    current = other_tab.get_profile("demo")
    other_tab.save_profile(Profile("demo", "Other Tab", Decimal("31.00"), Decimal("999.00"), "polite",
                                   version=current.version))

    _fill(at, display_name="This Tab", daily_budget="5.00")
    _save(at)

    assert not at.exception
    warnings = [shown(w.value) for w in at.warning]
    assert any("changed in another tab" in w and "NOT saved" in w for w in warnings), warnings
    stored = _stored(store_path)
    assert (stored.display_name, stored.daily_budget, stored.ai_tone) == ("Other Tab", Decimal("31.00"), "polite")
    assert stored.version == seen_version + 1, "exactly the other tab's save"
    assert _form(at) == {"set_display_name": "Other Tab", "set_daily_budget": "31.00",
                         "set_monthly_salary": "999.00", "tone": "polite"}

    # Saving again from the values now shown works: the form edits the current version.
    _fill(at, daily_budget="30.00")
    _save(at)
    assert any(shown(s.value).startswith("Saved.") for s in at.success)
    assert _stored(store_path).daily_budget == Decimal("30.00")

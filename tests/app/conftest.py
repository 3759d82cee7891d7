"""AppTest fixtures: a real SQLite store in a temp dir, two accounts, and a logged-in session."""
from __future__ import annotations

import secrets as secrets_module
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib.core import clock
from lib.store.sqlite import SQLiteStore

REPO = Path(__file__).resolve().parents[2]
PAGES = {
    "dashboard": "streamlit_app.py",
    "transactions": "pages/1_Transactions.py",
    "forecast": "pages/2_Forecast.py",
    "settings": "pages/3_Settings.py",
}


def example_secrets() -> dict:
    """.streamlit/secrets.toml.example exactly as published (with its example cookie key)."""
    return tomllib.loads((REPO / ".streamlit" / "secrets.toml.example").read_text())


def app_secrets() -> dict:
    """The secrets `make run` writes (the example with a fresh random cookie key), plus a second
    account bob (password "demo"), as a plain dict."""
    secrets = example_secrets()
    secrets["passwords"]["cookie_key"] = secrets_module.token_urlsafe(32)
    accounts = secrets["passwords"]["credentials"]["usernames"]
    accounts["bob"] = {"name": "Bob", "email": "bob@example.com", "password": accounts["demo"]["password"]}
    return secrets


@pytest.fixture
def store_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "app.db"
    monkeypatch.setenv("FINANCE_STORE", f"sqlite:///{path}")
    monkeypatch.setenv("FINANCE_LOGIN_SLEEP", "0")
    # Count-asserting tests must not depend on how slow the machine is: by default the app does not
    # look for other processes' writes here (tests/app/test_replicas.py sets it to look every time).
    monkeypatch.setenv("FINANCE_FRESHNESS_SECONDS", "86400")
    monkeypatch.delenv("FINANCE_BEDROCK", raising=False)
    monkeypatch.delenv("FINANCE_ENV", raising=False)
    return path


@pytest.fixture
def store(store_path: Path) -> SQLiteStore:
    s = SQLiteStore(store_path)
    s.init()
    return s


@pytest.fixture
def demo_store(store: SQLiteStore) -> SQLiteStore:
    """The demo user with 120 days of generated history ending today."""
    from lib.core.demo import demo_profile, demo_transactions
    from lib.core.standing import load_standing

    store.save_profile(demo_profile("demo", "Demo"))
    store.put_transactions(demo_transactions("demo", days=120, today=clock.today()))
    load_standing(store, "demo", clock.today())  # builds the streak state, as `python -m lib demo` does
    return store


@pytest.fixture
def make_app(store_path: Path) -> Callable[..., AppTest]:
    """An AppTest of a page, logged in as `user` (None: logged out)."""

    def make(page: str = "dashboard", user: str | None = "demo", secrets: dict | None = None) -> AppTest:
        # Always the real entry point, then the page: pages resolve links relative to the entry script.
        at = AppTest.from_file(str(REPO / PAGES["dashboard"]), default_timeout=60)
        if page != "dashboard":
            at.switch_page(PAGES[page])
        for key, value in (app_secrets() if secrets is None else secrets).items():
            at.secrets[key] = value
        if user is not None:
            at.session_state["authentication_status"] = True
            at.session_state["username"] = user
            at.session_state["name"] = user.capitalize()
            at.session_state["logout"] = False
        return at

    return make


# -- reading what a user sees -----------------------------------------------------------------
def _nodes(node: object):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _nodes(child)


def rendered_text(at: AppTest, where: str = "all") -> str:
    """Every piece of text the last run drew (main and/or sidebar): markdown, labels, metrics,
    table cells, chart specs and widget options, one per line, for "is X shown anywhere" checks."""
    roots = {"all": [at.main, at.sidebar], "main": [at.main], "sidebar": [at.sidebar]}[where]
    parts: list[str] = []
    for root in roots:
        for node in _nodes(root):
            for attr in ("label", "value", "delta", "options", "help", "placeholder"):
                try:
                    value = getattr(node, attr, None)
                except Exception:  # noqa: BLE001 - some elements compute .value from state that may be absent
                    continue
                if value is None:
                    continue
                if hasattr(value, "to_csv"):
                    csv = value.to_csv(index=False)
                    parts.append(csv)
                    if node.type == "table":  # st.table cells are markdown: also what the reader sees (issue 21)
                        parts.append(shown(csv))
                elif isinstance(value, str | int | float):
                    parts.append(str(value))
                elif isinstance(value, list | tuple):
                    parts.extend(str(v) for v in value)
            proto = getattr(node, "proto", None)
            if proto is not None:
                # Chart specs, captions of radios and other fields without a testing accessor.
                parts.append(str(proto))
    return "\n".join(parts)


@pytest.fixture
def seen() -> Callable[..., str]:
    """rendered_text as a fixture: `seen(at)`, `seen(at, "sidebar")`."""
    return rendered_text


@pytest.fixture
def app_requests(store_path: Path) -> Callable[[str], int]:
    """Store requests the app has made for a user so far, read from the app's own store object.

    st.cache_resource is process-wide, so `ui._store(url)` returns the very object the pages use.
    """

    def count(user: str) -> int:
        from lib.web import ui

        return ui._store(f"sqlite:///{store_path}").meter.for_user(user).requests

    return count


def shown(markdown: str) -> str:
    """What a reader sees of a markdown message body: backslash escapes show their character."""
    import re
    import string

    text = re.sub(r"\\([" + re.escape(string.punctuation) + "])", r"\1", markdown).replace("  \n", "\n")
    return text.replace("\u2060", "")  # the invisible joiner that keeps URLs from becoming links

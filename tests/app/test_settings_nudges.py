"""Settings > Nudges as a user sees it: a refused time with its reason, a ntfy URL added, masked and tested."""
from __future__ import annotations

import json
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from lib.notify.channels import list_channels
from lib.store.sealed import new_key
from lib.store.sqlite import SQLiteStore


def _app(make_app: Any) -> Any:
    at = make_app("settings")
    at.secrets["encryption_key"] = new_key()
    return at.run()


def _said(at: Any) -> str:
    """Every error, warning and success message, markdown escapes removed."""
    return "\n".join(m.value for m in [*at.error, *at.warning, *at.success]).replace("\\", "").replace("\u2060", "")


def _submit(at: Any, label: str) -> Any:
    [button] = [b for b in at.button if b.label == label]
    return button.click().run()


def test_a_bad_time_is_refused_next_to_the_field_and_nothing_is_saved(make_app: Any, demo_store: SQLiteStore,
                                                                      seen: Any) -> None:
    at = _app(make_app)
    assert not at.exception and "🔔 Nudges" in seen(at)
    at.text_input(key="nudge_morning").input("25:00")
    at = _submit(at, "Save nudges")
    assert "'25:00' is not" in _said(at) and "Nothing was saved" in _said(at)
    assert demo_store.get_profile("demo").nudges.morning == "08:00"
    at.text_input(key="nudge_morning").input("07:15")
    at = _submit(at, "Save nudges")
    assert not at.exception and "Nudges saved" in _said(at)
    assert SQLiteStore(demo_store.path).get_profile("demo").nudges.morning == "07:15"


def test_a_ntfy_channel_is_added_shown_masked_and_tested(make_app: Any, demo_store: SQLiteStore, seen: Any,
                                                         httpserver: HTTPServer) -> None:
    got: list[dict[str, Any]] = []

    def handler(request: Request) -> Response:
        got.append(json.loads(request.get_data(as_text=True) or "{}"))
        return Response(json.dumps({"id": "1"}), content_type="application/json")

    httpserver.expect_request("/").respond_with_handler(handler)
    at = _app(make_app)
    at.text_input(key="nudge_url_0").input("gopher://nowhere")
    at = _submit(at, "Add channel")
    assert "not a channel scheme" in _said(at) and list_channels(demo_store, "demo") == []
    at.text_input(key="nudge_url_0").input(f"ntfy://bob:hunter22@127.0.0.1:{httpserver.port}/coach-demo")
    at = _submit(at, "Add channel")
    assert at.text_input(key="nudge_url_1").value == ""  # the secret is not left in the box
    assert not at.exception and "Added ntfy://bob:****@127.0.0.1" in _said(at)
    assert "hunter22" not in seen(at)
    at = _submit(at, "Send a test")
    assert not at.exception and "Test sent" in _said(at)
    assert got and got[0]["topic"] == "coach-demo" and got[0]["title"] == "Test from your money coach"


def test_the_dashboard_says_a_channel_is_paused_within_its_one_request(make_app: Any, demo_store: SQLiteStore,
                                                                       app_requests: Any) -> None:
    from lib.store import nudge_items

    demo_store.put_record(nudge_items.nudge_notice_item("demo", ["ntfy://127.0.0.1:9/coach"]))
    at = make_app("dashboard").run()
    assert not at.exception
    shown = [w.value.replace("\u2060", "").replace("\\", "") for w in at.warning]
    assert any("127.0.0.1" in w and "paused" in w for w in shown), shown
    assert app_requests("demo") == 1  # the window (the notice and, issue 21, the session generation come with it)

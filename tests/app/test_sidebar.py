"""The shared sidebar on every page, over several reruns (pages/ puts Streamlit in its legacy
multipage mode, where a sidebar drawn only on the first run would vanish), and logging out."""
from __future__ import annotations

import pytest

from lib.core import clock

ALL_PAGES = ["dashboard", "transactions", "forecast", "settings"]
NAV = ["Spending & streak", "Transactions", "Forecast", "Settings"]


def _commentary(at) -> list[str]:
    """The coach's words: the sidebar's plain text (never markdown)."""
    return [t.value for t in at.sidebar.text]


@pytest.mark.parametrize("page", ALL_PAGES)
def test_the_sidebar_is_on_every_page_after_several_reruns(make_app, demo_store, app_requests, page: str) -> None:
    at = make_app(page)
    for run in range(3):
        at.run()
        if run == 0:
            after_first = app_requests("demo")
            assert after_first >= 1
        else:
            assert app_requests("demo") == after_first, f"run {run + 1} read the store again"
        assert not at.exception, f"run {run + 1}"
        captions = [c.value for c in at.sidebar.caption]
        assert "Signed in as **Demo** (`demo`)" in captions, f"run {run + 1}"
        assert [b.label for b in at.sidebar.button] == ["Log out"], f"run {run + 1}"
        [words] = _commentary(at)
        assert len(words) > 40, f"run {run + 1}: the coach said {words!r}"
        assert any(c.startswith("Offline coach · tone: brutal") for c in captions), f"run {run + 1}"
        assert [e.label for e in at.sidebar.expander] == ["Usage & cost"], f"run {run + 1}"
        assert [p.label for p in at.sidebar.get("page_link")] == NAV, f"run {run + 1}"


def test_the_usage_panel_counts_this_sessions_store_requests(make_app, demo_store) -> None:
    at = make_app("dashboard").run()
    [panel] = at.sidebar.expander[0].markdown
    # The first load of a session reads the window once (profile and transactions in one query).
    assert "- Store requests: **1** (1 reads, 0 writes)" in panel.value
    at.run()
    [panel] = at.sidebar.expander[0].markdown
    assert "- Store requests: **1** (1 reads, 0 writes)" in panel.value, "a rerun reads nothing"


def test_log_out_signs_the_session_out_and_the_next_run_shows_the_login_form(make_app, demo_store) -> None:
    at = make_app("settings").run()
    assert at.sidebar.button[0].label == "Log out"
    at.sidebar.button[0].click().run()

    assert not at.exception
    assert not at.session_state["authentication_status"]
    assert any("You are signed out" in s.value for s in at.sidebar.success)
    assert _commentary(at) == [], "no coach after logging out"

    at.run()
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert len(at.metric) == 0 and len(at.sidebar.children) == 0
    assert "set_display_name" not in [t.key for t in at.text_input]


# -- the AI coach (Bedrock) behind a fake runtime client ---------------------------------------
ANSWER = "Stop buying things you do not need. Your budget is a limit, not a suggestion."


class FakeBedrockRuntime:
    """Answers converse_stream like bedrock-runtime (text deltas, then usage); counts the calls."""

    def __init__(self, error: Exception | None = None, answer: str = ANSWER, fail_times: int | None = None):
        self.calls: list[dict] = []
        self.error = error
        self.answer = answer
        self.fail_times = fail_times  # None: fail every time (when error is set)

    def _fails(self) -> bool:
        if self.error is None:
            return False
        return self.fail_times is None or len(self.calls) <= self.fail_times

    def converse_stream(self, **request):
        self.calls.append(request)
        if self._fails():
            raise self.error
        words = self.answer.split(" ")
        events = [{"contentBlockDelta": {"delta": {"text": w + " "}}} for w in words]
        events += [{"messageStop": {"stopReason": "end_turn"}},
                   {"metadata": {"usage": {"inputTokens": 300, "outputTokens": 20}}}]
        return {"stream": events}

    def converse(self, **request):
        self.calls.append(request)
        if self._fails():
            raise self.error
        return {"output": {"message": {"content": [{"text": self.answer}]}},
                "usage": {"inputTokens": 300, "outputTokens": 20}}


@pytest.fixture
def bedrock(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest):
    """Bedrock switched on, its client replaced by a fake (a model id of its own: the coach is cached per id)."""
    import uuid

    from lib.coach import bedrock as bedrock_module

    param = getattr(request, "param", None)
    fake = FakeBedrockRuntime(**param) if isinstance(param, dict) else FakeBedrockRuntime(param)
    monkeypatch.setenv("FINANCE_BEDROCK", "true")
    monkeypatch.setenv("FINANCE_BEDROCK_MODEL", f"fake.model-{uuid.uuid4().hex[:8]}")
    monkeypatch.setattr(bedrock_module, "make_bedrock_client", lambda region=None, session=None, **_: fake)
    return fake


@pytest.fixture
def ai_user(store):
    """A user of each test's own: the coach's results are memoised per user and facts in the process."""
    import datetime as dt
    import uuid

    from lib.core.models import validate_transaction

    user = f"ai{uuid.uuid4().hex[:8]}"
    today = clock.today()
    for ago, amount in ((0, "7.00"), (1, "31.00"), (2, "4.00")):
        store.add_transaction(validate_transaction(user, today - dt.timedelta(days=ago), amount, "Shopping"))
    return user


def test_the_ai_coach_is_called_once_and_reruns_pages_and_tabs_reuse_it(make_app, bedrock, ai_user,
                                                                        app_requests) -> None:
    at = make_app("dashboard", user=ai_user).run()

    assert not at.exception
    assert len(bedrock.calls) == 1
    assert _commentary(at) == [ANSWER]
    assert any(c.value.startswith("AI coach (fake.model-") for c in at.sidebar.caption)
    [panel] = at.sidebar.expander[0].markdown
    assert "- Bedrock: **1** calls, **300** input / **20** output tokens" in panel.value
    requests = app_requests(ai_user)

    at.run()
    at.run()
    at.switch_page("pages/3_Settings.py").run()
    make_app("forecast", user=ai_user).run()  # another tab of the same user
    assert len(bedrock.calls) == 1, "no new call for a rerun, another page or another tab"
    # The forecast's longer history, and the Settings page's nudge channels (issue 18: one Query, cached).
    assert app_requests(ai_user) - requests == 2, "only the forecast's history and the channels were read"
    assert _commentary(at) == [ANSWER]

    # A new tone is new commentary: exactly one more call.
    at.radio(key="set_ai_tone").set_value("polite")
    at.form_submit_button[0].click().run()
    assert not at.exception
    assert len(bedrock.calls) == 2
    assert "polite" in bedrock.calls[-1]["system"][0]["text"].lower()


def _access_denied() -> Exception:
    from botocore.exceptions import ClientError

    return ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no model access"}}, "ConverseStream")


@pytest.mark.parametrize("bedrock", [_access_denied()], indirect=True)
def test_when_bedrock_fails_the_offline_coach_speaks_with_a_notice(make_app, bedrock, ai_user) -> None:
    at = make_app("dashboard", user=ai_user).run()

    assert not at.exception
    assert len(bedrock.calls) == 1
    [words] = _commentary(at)
    assert len(words) > 40 and ANSWER not in words
    assert any(c.value.startswith("Offline coach") for c in at.sidebar.caption)
    [notice] = at.sidebar.warning
    assert notice.value.startswith("AI coach unavailable (") and "showing the offline coach" in notice.value

    at.run()
    assert len(bedrock.calls) == 1, "a failed setup is not retried on every rerun"


def test_the_usage_panel_includes_the_pages_own_reads(make_app, demo_store) -> None:
    """Drawn after the page body: the Forecast page's own 400-day history read is in the count.

    It is the page's only read: the coach's window is cut from it (one Query, not two)."""
    at = make_app("forecast").run()
    [panel] = at.sidebar.expander[0].markdown
    # The page's only read: the coach's window is cut from it (one Query, not two).
    assert "- Store requests: **1** (1 reads, 0 writes)" in panel.value


def _throttled() -> Exception:
    from botocore.exceptions import ClientError

    return ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, "ConverseStream")


@pytest.mark.parametrize("bedrock", [{"error": _throttled(), "fail_times": 1}], indirect=True)
def test_a_passing_bedrock_failure_is_remembered_briefly_then_asked_again(make_app, bedrock, ai_user,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from lib.coach import bedrock as bedrock_module

    real_now = bedrock_module.now
    at = make_app("dashboard", user=ai_user).run()
    assert len(bedrock.calls) == 1
    [notice] = at.sidebar.warning
    assert "throttled" in notice.value
    at.run()
    make_app("forecast", user=ai_user).run()
    assert len(bedrock.calls) == 1, "within the outage memory, page loads answer at once without a call"

    monkeypatch.setattr(bedrock_module, "now", lambda: real_now() + bedrock_module.SHORT_PAUSE_S + 1)
    at.run()
    assert not at.exception
    assert len(bedrock.calls) == 2, "after the outage memory, with Bedrock healthy again, the next load asks"
    assert _commentary(at) == [ANSWER]
    assert not at.sidebar.warning
    at.run()
    assert len(bedrock.calls) == 2, "and the good answer is reused"


IMAGE = "![p](http://host/x.png)"


@pytest.mark.parametrize("bedrock", [{"answer": f"{IMAGE} Nice spending today. [Win](http://evil.example)."}],
                         indirect=True)
def test_markup_from_the_model_or_the_user_never_renders(make_app, bedrock, store) -> None:
    import datetime as dt
    import uuid

    from lib.core.models import validate_transaction

    user = f"md{uuid.uuid4().hex[:8]}"
    today = clock.today()
    for ago, amount in ((0, "7.00"), (1, "31.00"), (2, "4.00")):
        store.add_transaction(validate_transaction(user, today - dt.timedelta(days=ago), amount, IMAGE, IMAGE))
    at = make_app("dashboard", user=user).run()
    assert not at.exception
    assert len(bedrock.calls) == 1
    [words] = _commentary(at)
    assert "Nice spending" not in words, "an answer with markup is refused"
    [notice] = at.sidebar.warning
    assert "broke the coach's rules" in notice.value
    sent = bedrock.calls[0]["messages"][0]["content"][0]["text"]
    assert "http" not in sent and "![" not in sent, "the model never sees the link"
    # What the sidebar shows is st.text (plain); no markdown element carries the user's or the model's markup.
    assert not [m.value for m in at.sidebar.markdown if "](" in m.value or "http" in m.value]

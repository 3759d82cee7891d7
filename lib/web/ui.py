"""Page chrome shared by every page: the login gate, the sidebar, metrics cards.

Pages call `page(...)` first; it returns a Context or stops the script (not logged in,
misconfigured deployment, store down). Everything cached here has the user id in its key.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
from typing import Any

import streamlit as st

from lib.core import clock
from lib.core.errors import FinanceError, StoreUnavailableError
from lib.core.plain import md_escape
from lib.core.types import Generation
from lib.web import sessions
from lib.web.auth import (
    DEMO_USERNAME,
    AuthConfig,
    auth_config,
    cookie_is_current,
    cookie_lifetime,
    issue_token,
    oidc_display_name,
    oidc_refusal,
    oidc_session_end,
    read_token,
    startup_problems,
    startup_warnings,
)
from lib.web.layout import phone_css
from lib.web.perf import freeze_imports
from lib.web.sidebar import render_sidebar, render_usage

# Pages read through these names (lib.web.ui is their one import); they live in lib.web.state.
from lib.web.state import (  # noqa: F401
    FORECAST_HISTORY_DAYS,
    Context,
    _secrets,
    _store,
    bedrock_coach,
    check_import_quota,
    data_version,
    load_dashboard,
    load_figures,
    load_forecast,
    load_standing,
    load_window,
    mark_changed,
    refresh,
    settings,
    usage_this_session,
)
from lib.web.userday import user_context

log = logging.getLogger(__name__)

APP_NAME = "Tough Love Coach"
PAGES: list[tuple[str, str, str]] = [
    ("streamlit_app.py", "Spending & streak", "🔥"),
    ("pages/1_Transactions.py", "Transactions", "🧾"),
    ("pages/2_Forecast.py", "Forecast", "🔮"),
    ("pages/3_Settings.py", "Settings", "⚙️"),
]


# -- the gate ---------------------------------------------------------------------------------
def _authenticator(auth: AuthConfig, cfg: Any, store: Any = None) -> Any:
    """streamlit-authenticator, with our cookie (carrying the session generation) and, given the store,
    the per-username failure count in front of its password check."""
    import streamlit_authenticator as stauth

    # The authenticator pauses 0.7 s on every signed-out run for its cookie component to report the
    # browser's cookies; we read the cookie from the request itself (_verified_cookie), so no pause.
    sleep = os.environ.get("FINANCE_LOGIN_SLEEP")
    extra = {"login_sleep_time": float(sleep) if sleep else 0.0}
    authenticator = stauth.Authenticate(
        auth.credentials, auth.cookie_name, auth.cookie_key, auth.cookie_expiry_days, auto_hash=False, **extra
    )
    model = authenticator.cookie_controller.cookie_model
    # Our cookie carries the session generation it was issued under (a logout bumps it) and is written
    # once, by _remember_login, with the flags the browser allows; the authenticator's own writer would race it.
    model._token_encode = lambda: issue_token(
        str(st.session_state["username"]), auth.cookie_key, auth.cookie_expiry_days, _now(),
        gen=int((st.session_state.get(sessions.SESSION_KEY) or {}).get("gen") or 0),
        max_age_seconds=sessions.max_age(cfg))
    model.set_cookie = lambda: None
    if store is not None:
        sessions.guard_logins(authenticator, store)
    return authenticator


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _served_over_https() -> bool:
    """The browser's URL (or a proxy's X-Forwarded-Proto) says https: the cookie may then be Secure."""
    url = st.context.url or ""
    proto = (st.context.headers.get("X-Forwarded-Proto") or "").split(",")[0].strip().lower()
    return url.startswith("https://") or proto == "https"


def _verified_cookie(auth: AuthConfig, cfg: Any) -> dict[str, Any] | None:
    """The login cookie's claims when it is genuine, unexpired AND of the user's current session generation.

    Runs only while the session is signed out; the store is read once per cookie value, never per rerun.
    """
    raw = st.context.cookies.get(auth.cookie_name)
    if not raw or st.session_state.get("logout"):
        return None
    checked = st.session_state.get("_cookie_checked")
    if checked and checked[0] == raw:
        return checked[1]
    verdict: dict[str, Any] | None = None
    token = read_token(raw, auth.cookie_key, _now())
    if token is not None and token.username in auth.usernames:
        try:
            # Issue 21: a generation not read within 30 s is not read here; the cookie's own is taken for
            # now and page() compares it with the one its window Query brings, before showing anything.
            current = sessions.cached_generation(cfg, token.username) or Generation(token.gen)
        except FinanceError as exc:
            log.warning("could not check a login cookie", extra={"user_id": token.username, "error": str(exc)})
            st.warning(f"Could not check your saved login ({exc}): sign in again.", icon="⚠️")
            return None  # not remembered: the next rerun may reach the store
        # Compared by number, never by clock: a cookie from a server whose clock runs fast is still revoked.
        if cookie_is_current(token, current, _now().timestamp(), sessions.max_age(cfg)):
            verdict = {"username": token.username, "exp_date": token.exp_date, "gen": token.gen}
        else:
            log.info("login cookie refused", extra={"reason": "logged out or too old", "user_id": token.username})
    st.session_state["_cookie_checked"] = (raw, verdict)
    return verdict


def friendly_error(exc: Exception, doing: str) -> None:
    """Show a failure as a notice with a next step, never a traceback."""
    # The message may echo text we did not write (a file's content, a name): shown as plain text.
    if isinstance(exc, StoreUnavailableError):
        st.error(md_escape(f"Could not {doing}: {exc} Try again in a moment."), icon="🛑")
    else:
        st.error(md_escape(f"Could not {doing}: {exc}"), icon="🛑")


def _remember_login(authenticator: Any, value: str | None = None, expires: float | None = None) -> None:
    """Set the login cookie again, outside the emptied login box, so a reload stays signed in.

    The authenticator renders its cookie-setting component inside the login form's container; emptying
    that container (to hide the form) unmounts the component before the browser runs it, so no cookie.
    The cookie is SameSite=Strict, and Secure when the page is served over https. It cannot be HttpOnly:
    the authenticator's component writes it from JavaScript, which the browser never allows to set HttpOnly.
    """
    model = authenticator.cookie_controller.cookie_model
    if not model.cookie_expiry_days:
        return
    model.cookie_manager.set(
        model.cookie_name, value or model._token_encode(), key="login_cookie",
        expires_at=dt.datetime.fromtimestamp(expires) if expires else
        dt.datetime.now() + dt.timedelta(days=model.cookie_expiry_days),
        secure=_served_over_https() or None, same_site="strict",
    )


@st.fragment
def _keep_cookie(authenticator: Any, value: str, expires: float) -> None:
    """Write the login cookie after a password sign-in, in a fragment (issue 21): the cookie component's
    report reruns this fragment, not the whole dashboard a second time."""
    _remember_login(authenticator, value, expires)


def _signed_in_as(user: str) -> bool:
    return bool(st.session_state.get("authentication_status")) and st.session_state.get("username") == user


def _cookie_sign_in(auth: AuthConfig, verified: dict[str, Any]) -> None:
    """Sign in from a verified cookie (a returning visit) with the authenticator's own login controller.

    Not through stauth.Authenticate: building one mounts its cookie component, an iframe whose reports
    reran part of the page half a second after it drew (issue 21: up to two extra runs on every returning
    visit). The cookie is not written again (it would carry the same value and end). "Log out" builds the
    authenticator, whose component deletes the cookie then; the logout's new session generation refuses
    it on every server in any case (_verified_cookie).
    """
    from streamlit_authenticator.controllers import AuthenticationController

    AuthenticationController(auth.credentials, auto_hash=False).login(token={"username": verified["username"]})


def _refuse(problems: list[str]) -> None:
    st.title(APP_NAME)
    st.error("The app refuses to start:\n\n" + "\n\n".join(f"- {p}" for p in problems), icon="🛑")
    st.stop()


def _sign_out_here(reason: str) -> None:
    """End this session (expired, or logged out elsewhere): the gate then shows the login with the reason."""
    for key in ("authentication_status", "username", "name"):
        st.session_state[key] = None
    for key in ("_cookie_checked", "_oidc_checked", sessions.SESSION_KEY):
        st.session_state.pop(key, None)
    st.session_state["_session_ended"] = reason


def _password_gate(cfg: Any, auth: AuthConfig) -> tuple[str, str, Any]:
    """streamlit-authenticator's form or a verified cookie; returns (user id, name, authenticator or None).

    A signed-in run builds no authenticator: building one mounts its cookie component, whose first
    report makes the browser run the page a second time after every page switch. It is built when the
    session is signed out (the form, the cookie written at login) and when Log out is clicked.
    Every signed-in run checks the session still holds (its expiry, the user's generation: a dict look-up
    and, at most every 30 s per process, one read).
    """
    authenticator = None
    if st.session_state.get("authentication_status"):
        user = str(st.session_state["username"])
        try:
            reason = sessions.end_reason(cfg, _store(cfg.store_url), user, defer=True)
        except FinanceError as exc:
            friendly_error(exc, "check your login")
            st.stop()
        if reason:
            _sign_out_here(reason)
    if not st.session_state.get("authentication_status"):
        try:
            store = _store(cfg.store_url)
        except FinanceError as exc:
            friendly_error(exc, "open the data store")
            st.stop()
        verified = _verified_cookie(auth, cfg)
        if verified is not None:
            _cookie_sign_in(auth, verified)
            if _signed_in_as(verified["username"]):
                # Signed in by the cookie: the session keeps the cookie's generation and expiry (no new cookie,
                # so opening the app again never stretches a login past its age).
                st.session_state.pop("_session_ended", None)
                user = str(st.session_state["username"])
                sessions.start(user, int(verified["gen"]), float(verified["exp_date"]))
                return user, str(st.session_state.get("name") or user), None
        authenticator = _authenticator(auth, cfg, store)
        authenticator.cookie_controller.cookie_model.get_cookie = lambda: None  # the cookie is handled above
        login_box = st.empty()
        with login_box.container():
            st.title(f"💸 {APP_NAME}")
            st.caption("Your money, your budget, no excuses. Sign in to face the numbers.")
            authenticator.login(location="main", key="login")
        status = st.session_state.get("authentication_status")
        wait = st.session_state.pop(sessions.WAIT_KEY, None)
        if status is False:
            # The same words for a known and an unknown username.
            st.error(sessions.wait_message(int(wait)) if wait else "Username or password is incorrect.")
        # Kept until the next sign-in: the cookie component's first report reruns the page at once.
        ended = st.session_state.get("_session_ended")
        if ended and not status:
            st.warning(ended, icon="🔒")
        if not status:
            if not cfg.is_hosted and DEMO_USERNAME in auth.usernames:
                st.info("Trying it out? Sign in as **demo** with password **demo**.")
            st.stop()
        login_box.empty()
        st.session_state.pop("_session_ended", None)
        user = str(st.session_state["username"])
        try:
            gen = sessions.current_generation(cfg, store, user, fresh=True).number
        except FinanceError as exc:
            friendly_error(exc, "check your login")
            st.stop()
        days = auth.cookie_expiry_days
        life = cookie_lifetime(days, sessions.max_age(cfg)) if days else sessions.max_age(cfg)
        sessions.start(user, gen, _now().timestamp() + life)
        model = authenticator.cookie_controller.cookie_model
        if model.cookie_expiry_days:  # the value and end fixed here: the fragment's reruns set the same cookie
            _keep_cookie(authenticator, model._token_encode(),
                         _now().timestamp() + model.cookie_expiry_days * 86400)
    user_id = str(st.session_state["username"])  # from the login only: never the URL or a form
    return user_id, str(st.session_state.get("name") or user_id), authenticator


def _oidc_gate(cfg: Any) -> tuple[str, str]:
    """Streamlit's st.login against the [auth] provider; the user id is the configured claim."""
    if not st.user.is_logged_in:
        st.title(f"💸 {APP_NAME}")
        st.caption("Your money, your budget, no excuses. Sign in to face the numbers.")
        if st.button("Sign in", type="primary", key="oidc_login"):
            st.login()
        st.stop()
    claims = st.user.to_dict()
    user_id = str(claims.get(cfg.user_claim) or "")
    if not user_id:
        st.error(f"Your login has no {cfg.user_claim!r} claim, which this app uses as your id: ask the "
                 "administrator to set user_claim (FINANCE_USER_CLAIM) to a claim the provider sends.", icon="🛑")
        if st.button("Log out", key="oidc_logout_missing_claim"):
            st.logout()
        st.stop()
    try:
        store = _store(cfg.store_url)
        if st.session_state.get("_oidc_checked") == user_id:
            reason = sessions.end_reason(cfg, store, user_id)
        else:
            # Streamlit keeps the identity in its own cookie for 30 days: a session that starts from it is
            # held to the ID token's expiry, the maximum session age, the proven email and the last logout.
            now = _now().timestamp()
            generation = sessions.current_generation(cfg, store, user_id, fresh=True)
            reason = oidc_refusal(claims, cfg.user_claim, now, sessions.max_age(cfg), generation)
            if not reason:
                sessions.start(user_id, generation.number, oidc_session_end(claims, sessions.max_age(cfg)))
                st.session_state["_oidc_checked"] = user_id
    except FinanceError as exc:
        friendly_error(exc, "check your login")
        st.stop()
    if reason:
        log.info("oidc login refused", extra={"reason": reason, "user_id": user_id})
        st.session_state.pop("_oidc_checked", None)
        st.title(f"💸 {APP_NAME}")
        st.warning(reason, icon="🔒")
        if st.button("Sign in again", type="primary", key="oidc_relogin"):
            st.logout()  # clears the stale identity cookie; the next click on Sign in goes through the provider
        st.stop()
    return user_id, oidc_display_name(claims, user_id)


@st.cache_resource(show_spinner=False)
def _warned(warnings: tuple[str, ...]) -> bool:
    """Startup warnings go to the log once per process, not on every rerun."""
    for warning in warnings:
        log.warning(warning)
    return True


def page(title: str, icon: str, history_days: int | None = None) -> Context:
    """Frame every page: config, login gate, sidebar. Stops the script when not signed in.

    `history_days`: the page reads this much history; the sidebar's window is cut from that one
    read, so the page costs one Query, not two.
    """
    st.set_page_config(page_title=f"{title} · {APP_NAME}", page_icon=icon, layout="wide")
    cfg = settings()
    if cfg.is_hosted:
        # No stack trace (server paths, code) in a browser on the open internet; the log keeps it.
        st.set_option("client.showErrorDetails", "none")
    secrets = _secrets()
    auth = auth_config(secrets)
    problems = startup_problems(cfg, auth, st.get_option("server.address"), secrets)
    if problems:
        _refuse(problems)
    _warned(tuple(startup_warnings(cfg)))

    password_auth: AuthConfig | None = None
    if cfg.login == "oidc":
        user_id, name = _oidc_gate(cfg)
    else:
        user_id, name, _ = _password_gate(cfg, auth)
        password_auth = auth
    try:
        store = _store(cfg.store_url)
    except FinanceError as exc:
        friendly_error(exc, "open the data store")
        st.stop()
    freeze_imports()  # once per process, on its first signed-in run (the store's client exists by now)
    ctx = Context(user_id=user_id, name=name, settings=cfg, store=store, today=clock.today())
    usage_this_session(ctx)  # starts this session's usage count before its first read
    try:
        refresh(ctx)  # another replica, the API or the worker may have written since this process read
    except FinanceError as exc:
        log.warning("could not check for other writes", extra={"error": str(exc)})
    # The user's own today (their profile's zone), from the page's first read; right after that read, the
    # session's check the gate left to it (the read brought the session generation).
    ctx = user_context(ctx, history_days, settle=_session_holds)
    _session_holds(ctx)
    _sidebar(ctx, password_auth)
    phone_css()  # after the gate: an element ahead of the login form's cookie component cost a second run
    return ctx


def _session_holds(ctx: Context) -> None:
    """The check the gate deferred (sessions.end_reason): an ended session goes back to the sign-in at once."""
    try:
        reason = sessions.end_reason(ctx.settings, ctx.store, ctx.user_id)
    except FinanceError as exc:
        friendly_error(exc, "check your login")
        st.stop()
    if reason:
        _sign_out_here(reason)
        st.rerun()


def metrics(items: list[Any], per_row: int, key: str = "cards") -> None:
    """Draw view-model metrics in bordered cards, `per_row` to a row; facts (delta_color "off") get no arrow.

    One row of columns per `per_row` cards, in reading order, in a container keyed `key` (starting
    "cards"): on a phone each row wraps to two cards (lib/web/layout.py), the first cards first.
    """
    with st.container(key=key):
        for at in range(0, len(items), per_row):
            for col, m in zip(st.columns(per_row), items[at:at + per_row], strict=False):
                with col:
                    st.metric(m.label, m.value, m.delta, delta_color=m.delta_color, help=m.help, border=True,
                              delta_arrow="off" if m.delta_color == "off" else "auto")


def finish(ctx: Context) -> None:
    """Close a page: the usage & cost panel goes last in the sidebar, after the page's own requests."""
    with st.sidebar:
        render_usage(ctx)


def _end_sessions(ctx: Context) -> None:
    """Logout revokes: every login of this user issued until now is refused from here on, on every server."""
    try:
        sessions.end_everywhere(ctx.settings, ctx.store, ctx.user_id, _now())
    except FinanceError as exc:
        log.warning("could not record a logout", extra={"user_id": ctx.user_id, "error": str(exc)})
        st.warning(f"Signed out here, but other devices may stay signed in: {exc}", icon="⚠️")


def _sidebar(ctx: Context, password_auth: AuthConfig | None) -> None:
    with st.sidebar:
        st.markdown(f"### 💸 {APP_NAME}")
        for path, label, icon in PAGES:
            st.page_link(path, label=label, icon=icon)
        st.divider()
        st.caption(f"Signed in as **{ctx.name}** (`{ctx.user_id}`)")
        if password_auth is None:  # OIDC: Streamlit ends its session and, if the provider has one, the provider's
            if st.button("Log out", key="logout_button"):
                _end_sessions(ctx)
                st.logout()
                st.stop()
            render_sidebar(ctx)
            return
        # Not key="logout": the authenticator keeps its own st.session_state["logout"] flag and
        # setting it after a widget with that key exists raises StreamlitWidgetAlreadyInstantiatedError.
        # The authenticator (and its cookie component, which deletes the cookie) only on the click.
        if st.button("Log out", key="logout_button"):
            _authenticator(password_auth, ctx.settings).logout(location="unrendered")
        if not st.session_state.get("authentication_status"):
            _end_sessions(ctx)
            # No st.rerun() here: it would race the cookie deletion and log the user back in.
            st.success("You are signed out. Reload the page or click anywhere to sign in again.")
            st.stop()
        render_sidebar(ctx)

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
from lib.web.auth import (
    DEMO_USERNAME,
    AuthConfig,
    auth_config,
    issue_token,
    issued_after,
    oidc_display_name,
    read_token,
    startup_problems,
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
    data_version,
    load_dashboard,
    load_forecast,
    load_standing,
    load_window,
    mark_changed,
    settings,
    usage_this_session,
)

log = logging.getLogger(__name__)

APP_NAME = "Tough Love Coach"
PAGES: list[tuple[str, str, str]] = [
    ("streamlit_app.py", "Spending & streak", "🔥"),
    ("pages/1_Transactions.py", "Transactions", "🧾"),
    ("pages/2_Forecast.py", "Forecast", "🔮"),
    ("pages/3_Settings.py", "Settings", "⚙️"),
]


# -- the gate ---------------------------------------------------------------------------------
def _authenticator(auth: AuthConfig) -> Any:
    import streamlit_authenticator as stauth

    # The authenticator pauses 0.7 s on every signed-out run for its cookie component to report the
    # browser's cookies; we read the cookie from the request itself (_verified_cookie), so no pause.
    sleep = os.environ.get("FINANCE_LOGIN_SLEEP")
    extra = {"login_sleep_time": float(sleep) if sleep else 0.0}
    authenticator = stauth.Authenticate(
        auth.credentials, auth.cookie_name, auth.cookie_key, auth.cookie_expiry_days, auto_hash=False, **extra
    )
    model = authenticator.cookie_controller.cookie_model
    # Our cookie carries its issue time (for revocation at logout) and is written once, by
    # _remember_login, with the flags the browser allows; the authenticator's own writer would race it.
    model._token_encode = lambda: issue_token(
        str(st.session_state["username"]), auth.cookie_key, auth.cookie_expiry_days, _now())
    model.set_cookie = lambda: None
    return authenticator


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _served_over_https() -> bool:
    """The browser's URL (or a proxy's X-Forwarded-Proto) says https: the cookie may then be Secure."""
    url = st.context.url or ""
    proto = (st.context.headers.get("X-Forwarded-Proto") or "").split(",")[0].strip().lower()
    return url.startswith("https://") or proto == "https"


def _verified_cookie(auth: AuthConfig, cfg: Any) -> dict[str, Any] | None:
    """The login cookie's claims when it is genuine AND issued after the user's last logout.

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
            valid_after = _store(cfg.store_url).sessions_valid_after(token.username)
        except FinanceError as exc:
            log.warning("could not check a login cookie", extra={"user_id": token.username, "error": str(exc)})
            st.warning(f"Could not check your saved login ({exc}): sign in again.", icon="⚠️")
            return None  # not remembered: the next rerun may reach the store
        if issued_after(token.issued_at, valid_after):
            verdict = {"username": token.username, "exp_date": token.exp_date}
        else:
            log.info("login cookie refused", extra={"reason": "issued before logout", "user_id": token.username})
    st.session_state["_cookie_checked"] = (raw, verdict)
    return verdict


def friendly_error(exc: Exception, doing: str) -> None:
    """Show a failure as a notice with a next step, never a traceback."""
    # The message may echo text we did not write (a file's content, a name): shown as plain text.
    if isinstance(exc, StoreUnavailableError):
        st.error(md_escape(f"Could not {doing}: {exc} Try again in a moment."), icon="🛑")
    else:
        st.error(md_escape(f"Could not {doing}: {exc}"), icon="🛑")


def _remember_login(authenticator: Any) -> None:
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
        model.cookie_name, model._token_encode(), key="login_cookie",
        expires_at=dt.datetime.now() + dt.timedelta(days=model.cookie_expiry_days),
        secure=_served_over_https() or None, same_site="strict",
    )


def _refuse(problems: list[str]) -> None:
    st.title(APP_NAME)
    st.error("The app refuses to start:\n\n" + "\n\n".join(f"- {p}" for p in problems), icon="🛑")
    st.stop()


def _password_gate(cfg: Any, auth: AuthConfig) -> tuple[str, str, Any]:
    """streamlit-authenticator's form or a verified cookie; returns (user id, name, authenticator or None).

    A signed-in run builds no authenticator: building one mounts its cookie component, whose first
    report makes the browser run the page a second time after every page switch. It is built when the
    session is signed out (the form, the cookie written at login) and when Log out is clicked.
    """
    authenticator = None
    if not st.session_state.get("authentication_status"):
        authenticator = _authenticator(auth)
        verified = _verified_cookie(auth, cfg)
        authenticator.cookie_controller.cookie_model.get_cookie = lambda: verified
        login_box = st.empty()
        with login_box.container():
            st.title(f"💸 {APP_NAME}")
            st.caption("Your money, your budget, no excuses. Sign in to face the numbers.")
            authenticator.login(location="main", key="login")
        status = st.session_state.get("authentication_status")
        if status is False:
            st.error("Username or password is incorrect.")
        if not status:
            if not cfg.is_hosted and DEMO_USERNAME in auth.usernames:
                st.info("Trying it out? Sign in as **demo** with password **demo**.")
            st.stop()
        login_box.empty()
        _remember_login(authenticator)
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
    # Streamlit keeps the identity in its own cookie for 30 days: a session that starts from it is
    # checked once against the user's last logout here, like the password login's cookie.
    if st.session_state.get("_oidc_checked") != user_id:
        issued = float(str(claims.get("iat") or 0))
        try:
            valid_after = _store(cfg.store_url).sessions_valid_after(user_id)
        except FinanceError as exc:
            friendly_error(exc, "check your login")
            st.stop()
        if not issued_after(issued, valid_after):
            log.info("oidc login refused", extra={"reason": "issued before logout", "user_id": user_id})
            st.title(f"💸 {APP_NAME}")
            st.warning("This login ended when you logged out. Sign in again.", icon="🔒")
            if st.button("Sign in again", type="primary", key="oidc_relogin"):
                st.logout()  # clears the stale identity cookie; the next click on Sign in starts afresh
            st.stop()
        st.session_state["_oidc_checked"] = user_id
    return user_id, oidc_display_name(claims, user_id)


def page(title: str, icon: str, history_days: int | None = None) -> Context:
    """Frame every page: config, login gate, sidebar. Stops the script when not signed in.

    `history_days`: the page reads this much history; the sidebar's window is cut from that one
    read, so the page costs one Query, not two.
    """
    st.set_page_config(page_title=f"{title} · {APP_NAME}", page_icon=icon, layout="wide")
    cfg = settings()
    secrets = _secrets()
    auth = auth_config(secrets)
    problems = startup_problems(cfg, auth, st.get_option("server.address"), secrets)
    if problems:
        _refuse(problems)

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
    today = clock.today()
    ctx = Context(user_id=user_id, name=name, settings=cfg, store=store, today=today,
                  history_start=today - dt.timedelta(days=history_days - 1) if history_days else None)
    usage_this_session(ctx)  # starts this session's usage count before its first read
    _sidebar(ctx, password_auth)
    phone_css()  # after the gate: an element ahead of the login form's cookie component cost a second run
    return ctx


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
        ctx.store.end_sessions(ctx.user_id, _now())
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
            _authenticator(password_auth).logout(location="unrendered")
        if not st.session_state.get("authentication_status"):
            _end_sessions(ctx)
            # No st.rerun() here: it would race the cookie deletion and log the user back in.
            st.success("You are signed out. Reload the page or click anywhere to sign in again.")
            st.stop()
        render_sidebar(ctx)

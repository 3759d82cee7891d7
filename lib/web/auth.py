"""Login configuration from secrets, the checks that keep a deployment honest, and login cookies.

Two login modes (Settings.login): "password" (streamlit-authenticator, accounts in the secrets
section [passwords]) and "oidc" (Streamlit's own st.login, which reads the section [auth]).
"""
from __future__ import annotations

import copy
import datetime as dt
import ipaddress
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import jwt

from lib.coach.guardrail import guardrail_problems
from lib.config import ENVS, LOGINS, Settings
from lib.core.identity import authenticated_at, email_verified
from lib.store.session_gen import Generation, issued_before_logout

log = logging.getLogger(__name__)

EXAMPLE_COOKIE_KEY = "example-cookie-key-change-me-before-hosting"
DEMO_USERNAME = "demo"
MIN_KEY_BYTES = 32
# What [auth] needs for st.login with one provider (Streamlit checks the same when st.login runs).
OIDC_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")
_OLD_LAYOUT_KEYS = ("credentials", "cookie_key", "cookie_name", "cookie_expiry_days")
_NEW_KEY_HINT = "python -c \"import secrets; print(secrets.token_urlsafe(32))\""


@dataclass(frozen=True)
class AuthConfig:
    """What streamlit-authenticator needs: credentials as a plain dict, and the cookie."""

    credentials: dict[str, Any] = field(default_factory=lambda: {"usernames": {}})
    cookie_name: str = "finance_coach_auth"
    cookie_key: str = ""
    cookie_expiry_days: float = 7.0

    @property
    def usernames(self) -> list[str]:
        """Account names as the login sees them (it lowercases what is typed and what is configured)."""
        return sorted({str(name).lower() for name in self.credentials.get("usernames", {})})


def _plain(value: Any) -> Any:
    """st.secrets sections are read-only mappings; the authenticator mutates its dict."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return copy.deepcopy(value)


def _section(secrets: Mapping[str, Any] | None, name: str) -> dict[str, Any]:
    value = (secrets or {}).get(name, {})
    return _plain(value) if isinstance(value, Mapping) else {}


def auth_config(secrets: Mapping[str, Any] | None) -> AuthConfig:
    """Read the [passwords] section of secrets.toml into an AuthConfig (empty when absent)."""
    section = _section(secrets, "passwords")
    creds = section.get("credentials") or {"usernames": {}}
    creds.setdefault("usernames", {})
    return AuthConfig(
        credentials=creds,
        cookie_name=str(section.get("cookie_name") or "finance_coach_auth"),
        cookie_key=str(section.get("cookie_key") or ""),
        cookie_expiry_days=float(section.get("cookie_expiry_days") or 7),
    )


def is_loopback(address: str | None) -> bool:
    """True when the server listens on loopback only; None (Streamlit's default) listens everywhere."""
    if not address:
        return False
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip()).is_loopback
    except ValueError:
        return False


def _why_strict(settings: Settings, address: str | None) -> str:
    if settings.env != "local":
        return f"env is {settings.env!r}, not \"local\""
    return f"the server listens on {address or 'every address (no --server.address)'}, not only on 127.0.0.1"


def _key_problem(what: str, key: str, settings: Settings, address: str | None) -> str | None:
    """A secret that signs login cookies: the published example or a short one is refused off a laptop."""
    if settings.env == "local" and is_loopback(address):
        return None
    why = _why_strict(settings, address)
    if key == EXAMPLE_COOKIE_KEY:
        return (f"{what} is the example key published in the repository, so anyone could forge a login cookie "
                f"({why}). Set it to a new random value: {_NEW_KEY_HINT}")
    if len(key.encode()) < MIN_KEY_BYTES:
        return (f"{what} is {len(key.encode())} bytes; at least {MIN_KEY_BYTES} are needed ({why}). "
                f"Set it to a new random value: {_NEW_KEY_HINT}")
    return None


def case_clashes(auth: AuthConfig) -> list[list[str]]:
    """Groups of configured usernames that differ only in case (the login would merge them)."""
    groups: dict[str, list[str]] = {}
    for name in auth.credentials.get("usernames", {}):
        groups.setdefault(str(name).lower(), []).append(str(name))
    return [sorted(names) for names in groups.values() if len(names) > 1]


def _password_problems(settings: Settings, auth: AuthConfig, address: str | None) -> list[str]:
    problems: list[str] = []
    if not auth.usernames:
        problems.append(
            "No login accounts are configured: run `make run` (it writes .streamlit/secrets.toml) or add "
            "[passwords.credentials.usernames.<name>] to .streamlit/secrets.toml."
        )
    for names in case_clashes(auth):
        listed = " and ".join(repr(n) for n in names)
        problems.append(
            f"The usernames {listed} differ only in case: the login lowercases what is typed, so one would sign "
            "in as the other and share its data. Rename or remove all but one of them in secrets.toml."
        )
    if not auth.cookie_key:
        problems.append(
            f"No cookie key is set: add [passwords] cookie_key to .streamlit/secrets.toml ({_NEW_KEY_HINT})."
        )
    else:
        key = _key_problem("[passwords] cookie_key", auth.cookie_key, settings, address)
        if key:
            problems.append(key)
    if settings.is_hosted:
        if DEMO_USERNAME in auth.usernames:
            problems.append(
                "This is a hosted deployment but the demo account 'demo' with its published password is still "
                "configured: remove [passwords.credentials.usernames.demo] from secrets.toml."
            )
        for name, user in auth.credentials.get("usernames", {}).items():
            password = str((user or {}).get("password", ""))
            if not password.startswith(("$2a$", "$2b$", "$2y$")):
                problems.append(f"The password of '{name}' is not a bcrypt hash: store only hashes when hosted.")
    return problems


def _oidc_problems(settings: Settings, secrets: Mapping[str, Any], address: str | None) -> list[str]:
    section = _section(secrets, "auth")
    providers = {k: v for k, v in section.items() if isinstance(v, dict)}
    missing = [k for k in OIDC_KEYS if not section.get(k) and not all(v.get(k) for v in providers.values())]
    if not providers:
        missing = [k for k in OIDC_KEYS if not section.get(k)]
    problems: list[str] = []
    if missing:
        problems.append(
            "login = \"oidc\" needs the section [auth] in .streamlit/secrets.toml with "
            + ", ".join(missing) + " (see .streamlit/secrets.toml.example)."
        )
    secret = str(section.get("cookie_secret") or "")
    if secret:
        key = _key_problem("[auth] cookie_secret", secret, settings, address)
        if key:
            problems.append(key)
    if not settings.user_claim.strip():
        problems.append("user_claim (FINANCE_USER_CLAIM) is empty: name the claim that is the user id, e.g. \"sub\".")
    return problems


def startup_problems(
    settings: Settings, auth: AuthConfig, address: str | None, secrets: Mapping[str, Any] | None = None
) -> list[str]:
    """Reasons the app must refuse to start; empty when it may serve.

    `address` is where the server listens (server.address): the example key is fine on a laptop's
    loopback with env = "local", and nowhere else.
    """
    problems: list[str] = []
    if settings.env not in ENVS:
        problems.append(
            f"env = {settings.env!r} (or FINANCE_ENV) is not a known deployment: set it to exactly \"local\" "
            "on a laptop or \"hosted\" anywhere else."
        )
    if settings.login not in LOGINS:
        problems.append(f"login = {settings.login!r} (or FINANCE_LOGIN) is not known: use \"password\" or \"oidc\".")
        return problems
    old = _section(secrets, "auth")
    if any(k in old for k in _OLD_LAYOUT_KEYS):
        problems.append(
            "secrets.toml keeps the password login in [auth], the old layout; [auth] now belongs to OIDC "
            "(st.login). Rename [auth] to [passwords] and [auth.credentials.usernames.<name>] to "
            "[passwords.credentials.usernames.<name>] (cookie_name, cookie_key and cookie_expiry_days move too)."
        )
        return problems
    if settings.login == "password":
        problems += _password_problems(settings, auth, address)
    else:
        problems += _oidc_problems(settings, secrets or {}, address)
    problems += guardrail_problems(settings)  # issue 24: a hosted coach on Bedrock needs its guardrail
    return problems


# -- the password login's cookie ----------------------------------------------------------------
@dataclass(frozen=True)
class LoginToken:
    """What a verified login cookie says: who, when issued, until when, and the session generation it
    was issued under (a logout bumps the generation; revocation compares numbers, never two clocks)."""

    username: str
    issued_at: float
    exp_date: float
    gen: int = 0


def cookie_lifetime(expiry_days: float, max_age_seconds: float) -> float:
    """Seconds a login cookie lives: the configured days, never longer than the maximum session age."""
    return min(expiry_days * 86400, max_age_seconds)


def issue_token(username: str, key: str, expiry_days: float, now: dt.datetime, gen: int = 0,
                max_age_seconds: float = 12 * 3600) -> str:
    """A login cookie's value: the authenticator's claims (username, exp_date), its issue time and generation."""
    issued = now.timestamp()
    payload = {"username": username, "exp_date": issued + cookie_lifetime(expiry_days, max_age_seconds),
               "iat": issued, "gen": gen}
    return jwt.encode(payload, key, algorithm="HS256")


def read_token(value: str, key: str, now: dt.datetime) -> LoginToken | None:
    """The cookie's claims when its signature, expiry and claims check out; None otherwise."""
    try:
        # A little leeway on iat: servers behind one load balancer never agree to the millisecond.
        claims = jwt.decode(value, key, algorithms=["HS256"], leeway=60,
                            options={"require": ["username", "exp_date", "iat", "gen"]})
        gen = claims["gen"]
        if isinstance(gen, bool) or not isinstance(gen, int):
            raise TypeError("gen")
        token = LoginToken(str(claims["username"]), float(claims["iat"]), float(claims["exp_date"]), gen)
    except (jwt.InvalidTokenError, TypeError, ValueError) as exc:
        log.info("login cookie refused", extra={"reason": type(exc).__name__})
        return None
    if token.exp_date <= now.timestamp():
        log.info("login cookie refused", extra={"reason": "expired", "user_id": token.username})
        return None
    return token


def cookie_is_current(token: LoginToken, generation: Generation, now: float, max_age_seconds: float) -> bool:
    """A verified cookie opens a session only under the user's current generation and within the maximum
    age. Numbers, not clocks: a cookie issued by a server whose clock runs fast is revoked all the same."""
    return token.gen == generation.number and now - token.issued_at < max_age_seconds


def startup_warnings(settings: Settings) -> list[str]:
    """What an operator should hear at start but that does not stop the app."""
    if settings.is_hosted and settings.login == "password":
        return ["Hosted with password logins: accounts live in secrets.toml, without MFA or a provider's "
                "breach checks. Failed logins are slowed and locked per username, but prefer login = \"oidc\" "
                "(Cognito with MFA) on the open internet."]
    return []


# -- OIDC identities ----------------------------------------------------------------------------
LOGGED_OUT = "This login ended when you logged out. Sign in again."
UNVERIFIED = ("Your provider has not verified your email address, and this app uses it as your id: "
              "verify it with the provider, then sign in again.")


def oidc_refusal(claims: Mapping[str, Any], user_claim: str, now: float, max_age_seconds: float,
                 generation: Generation) -> str | None:
    """Why an OIDC identity may not open a session (None: it may), in words for the user.

    Streamlit keeps the identity in its own cookie for 30 days; we hold it to the ID token's expiry,
    the maximum session age (from auth_time, else iat) and the user's last logout.
    """
    if user_claim == "email" and not email_verified(claims):
        return UNVERIFIED
    exp = claims.get("exp")
    if exp is not None and (not isinstance(exp, int | float) or isinstance(exp, bool) or exp <= now):
        return "Your sign-in has expired. Sign in again."
    signed_in = authenticated_at(claims)
    if signed_in is None or not -300 <= now - signed_in <= max_age_seconds:
        return f"Your sign-in is older than {max_age_seconds / 3600:g} hours. Sign in again."
    if issued_before_logout(signed_in, generation):
        return LOGGED_OUT
    return None


def oidc_session_end(claims: Mapping[str, Any], max_age_seconds: float) -> float:
    """When an OIDC session must end (epoch seconds): the ID token's expiry or the maximum age, the earlier."""
    ends = (authenticated_at(claims) or 0.0) + max_age_seconds
    exp = claims.get("exp")
    if isinstance(exp, int | float) and not isinstance(exp, bool):
        ends = min(ends, float(exp))
    return ends
def oidc_display_name(claims: Mapping[str, Any], user_id: str) -> str:
    """The token's name, then given_name, then the part of the email before @, capitalised; else the id."""
    for key in ("name", "given_name"):
        value = str(claims.get(key) or "").strip()
        if value:
            return value
    email = str(claims.get("email") or "").strip()
    if "@" in email and email.split("@", 1)[0]:
        return email.split("@", 1)[0].capitalize()
    return user_id

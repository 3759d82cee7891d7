"""The API's bearer-token check: a Cognito JWT verified against the pool's JWKS with PyJWT.

Checked: the RS256 signature with a key of the pool's JWKS, the issuer, the expiry, `token_use`
("id" or "access") and the app client (`aud` of an ID token, `client_id` of an access token), the
age of the sign-in (`auth_time`, else `iat`: at most Settings.max_session_hours), and with
`email` as the user claim, `email_verified`. The user id is the configured claim.

Keys follow the JWKS: the set is cached for JWKS_CACHE_SECONDS, never key by key without end (a key
withdrawn from the set stops being trusted when the set is next read), and a token naming an unknown
`kid` refetches the set at most once per JWKS_REFETCH_SECONDS.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jwt

from lib.config import Settings
from lib.core.clock import now as clock_now
from lib.core.errors import FinanceError
from lib.core.identity import authenticated_at, email_verified

log = logging.getLogger(__name__)

# Cognito signs with RS256 only; naming it here is what refuses `alg: none` and HS256 tricks.
ALGORITHMS = ["RS256"]
JWKS_TIMEOUT_SECONDS = 5
FUTURE_LEEWAY_SECONDS = 300  # a sign-in "in the future" beyond clock drift is not a sign-in
JWKS_CACHE_SECONDS = 300  # a withdrawn key is trusted at most this long after it leaves the set
JWKS_REFETCH_SECONDS = 60  # an unknown kid refetches the set at most this often (forged kids cost one fetch)


class AuthError(FinanceError):
    """The request has no valid token (HTTP 401); the message says what to fix, never why in detail."""


class AuthUnavailableError(FinanceError):
    """The signing keys could not be fetched (HTTP 503): the token may be fine, we cannot tell."""


@dataclass(frozen=True)
class Caller:
    """Who a verified token says is calling."""

    user_id: str
    claims: Mapping[str, Any]

    @property
    def name(self) -> str | None:
        """The token's display name, if any (a profile's own name wins over it)."""
        for key in ("name", "given_name"):
            value = self.claims.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
        email = self.claims.get("email")
        if isinstance(email, str) and "@" in email:
            return email.split("@", 1)[0].capitalize() or None
        return None


class TokenVerifier:
    """Verifies Cognito tokens for one user pool and app client; build it once per process."""

    def __init__(
        self, issuer: str, client_id: str, jwks_url: str, user_claim: str = "sub", provider: str = "cognito",
        max_age_seconds: float = 12 * 3600,
    ) -> None:
        if not issuer or not client_id or not jwks_url:
            raise AuthUnavailableError(
                "The API is not configured: set FINANCE_JWT_ISSUER and FINANCE_JWT_CLIENT_ID (and FINANCE_JWKS_URL "
                "when the keys are not at the issuer's /.well-known/jwks.json)."
            )
        self.issuer = issuer
        self.client_id = client_id
        self.user_claim = user_claim
        self.provider = provider
        self.max_age_seconds = max_age_seconds
        # cache_keys=False: PyJWT's per-key cache never expires, so a withdrawn key would stay trusted.
        self.jwks = jwt.PyJWKClient(
            jwks_url, cache_keys=False, cache_jwk_set=True, lifespan=JWKS_CACHE_SECONDS,
            cooldown_duration=JWKS_REFETCH_SECONDS, timeout=JWKS_TIMEOUT_SECONDS,
        )

    @property
    def _required(self) -> list[str]:
        return ["exp", "iss"] if self.provider == "oidc" else ["exp", "iss", "token_use"]

    @classmethod
    def from_settings(cls, settings: Settings) -> TokenVerifier:
        """The verifier the settings describe (FINANCE_JWT_ISSUER, _CLIENT_ID, FINANCE_JWKS_URL, _USER_CLAIM)."""
        return cls(settings.jwt_issuer, settings.jwt_client_id, settings.jwks_url, settings.user_claim,
                   settings.jwt_provider, settings.max_session_hours * 3600)

    def verify_header(self, authorization: str | None) -> Caller:
        """The caller of an `Authorization: Bearer <jwt>` header, or AuthError."""
        scheme, _, token = (authorization or "").strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthError("Sign in first: send the token as 'Authorization: Bearer <token>'.")
        return self.verify(token.strip())

    def verify(self, token: str) -> Caller:
        """The caller a token names, after every check; AuthError when any check fails."""
        try:
            key = self.jwks.get_signing_key_from_jwt(token)
        except jwt.PyJWKClientConnectionError as exc:
            log.warning("jwks unreachable", extra={"error": str(exc)})
            raise AuthUnavailableError("Cannot check sign-ins right now (the key set is unreachable): try again.") \
                from exc
        except (jwt.PyJWKClientError, jwt.InvalidTokenError) as exc:
            raise _refused("no known signing key", exc) from exc
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=ALGORITHMS,
                issuer=self.issuer,
                # The audience rule depends on token_use (checked below), so PyJWT's own aud check is off.
                options={"require": self._required, "verify_aud": False},
            )
        except jwt.ExpiredSignatureError as exc:
            raise AuthError("Your sign-in has expired: sign in again.") from exc
        except jwt.InvalidTokenError as exc:
            raise _refused("invalid", exc) from exc
        use = claims.get("token_use")
        if use is None and self.provider == "oidc":
            use = "id"  # a plain OpenID provider's ID token: its aud names the client
        if use == "id":
            aud = claims.get("aud")
            if not (aud == self.client_id or (isinstance(aud, list) and self.client_id in aud)):
                raise _refused("wrong audience")
        elif use == "access":
            if claims.get("client_id") != self.client_id:
                raise _refused("wrong client_id")
        else:
            raise _refused("token_use is neither id nor access")
        user_id = claims.get(self.user_claim)
        if not isinstance(user_id, str) or not user_id.strip():
            raise _refused(f"no '{self.user_claim}' claim")
        if self.user_claim == "email" and not email_verified(claims):
            raise _refused("email not verified")  # anyone may type someone else's address at sign-up
        signed_in = authenticated_at(claims)
        age = None if signed_in is None else clock_now().timestamp() - signed_in
        if age is None or not -FUTURE_LEEWAY_SECONDS <= age <= self.max_age_seconds:
            log.info("token refused", extra={"reason": "sign-in too old", "user_id": user_id})
            raise AuthError("Your sign-in is too old: sign in again.")
        return Caller(user_id.strip(), claims)


def _refused(reason: str, exc: Exception | None = None) -> AuthError:
    # The reason goes to the log only: telling a caller which check failed helps forgers, not users.
    log.info("token refused", extra={"reason": reason, "error": type(exc).__name__ if exc else None})
    return AuthError("The sign-in token was refused: sign in again.")

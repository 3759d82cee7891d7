"""Channels: Apprise URLs (ntfy, Telegram, e-mail, Pushover, Gotify, Discord, Slack, JSON webhook, ...).

Apprise (pinned in requirements.txt) speaks to some 100 services through one URL syntax, so a
user pastes the URL their service documents and we keep no per-service code. What we add:
- a short list of schemes we accept, each with where it connects: the user's own host (ntfy on a
  server, Gotify, JSON/XML/form webhooks, SMTP) or a fixed public API (Telegram, Discord, Slack,
  Pushover, ntfy.sh);
- the SSRF guard (lib.net.guard) on that host when the URL is saved AND right before each send
  (DNS can change); hosted, loopback/private/link-local/metadata addresses are refused;
- no redirects followed, short timeouts, one attempt (a dead endpoint costs one try per nudge);
- the URL sealed at rest (lib.store.sealed), shown only masked (Apprise's privacy rendering).
"""
from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass

import apprise

from lib.core.errors import ValidationError
from lib.core.nudge_prefs import Channel
from lib.net.guard import Resolver, UnsafeURLError, check_host, system_resolver
from lib.store import nudge_items, schema_nudges
from lib.store.sealed import Sealer

log = logging.getLogger(__name__)

URL_MAX = 1000
MAX_CHANNELS = 10
CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 5.0
# Schemes whose host is the user's: the guard checks that host and port.
USER_HOSTED = {"ntfy", "ntfys", "gotify", "gotifys", "json", "jsons", "xml", "xmls", "form", "forms",
               "mailto", "mailtos", "apprise", "apprises"}
# Schemes that only ever call one public API (the guard checks that API's host).
FIXED_HOSTS = {"tgram": "api.telegram.org", "discord": "discord.com", "slack": "hooks.slack.com",
               "pover": "api.pushover.net", "pbul": "api.pushbullet.com"}
NTFY_CLOUD = "ntfy.sh"
_ASSET = apprise.AppriseAsset(http_redirects=False)


@dataclass(frozen=True)
class SendResult:
    ok: bool
    error: str = ""


def _scheme(url: str) -> str:
    return url.split("://", 1)[0].strip().lower() if "://" in url else ""


def _instantiate(url: str) -> apprise.plugins.NotifyBase:
    """The Apprise plugin of a URL, or ValidationError with a reason (unknown scheme, malformed URL)."""
    text = url.strip()
    if not text or len(text) > URL_MAX:
        raise ValidationError({"url": f"Enter a channel URL of at most {URL_MAX} characters."})
    if any(ord(ch) < 33 for ch in text):
        raise ValidationError({"url": "A channel URL has no spaces or control characters."})
    scheme = _scheme(text)
    if scheme not in USER_HOSTED and scheme not in FIXED_HOSTS:
        known = ", ".join(sorted({*USER_HOSTED, *FIXED_HOSTS}))
        raise ValidationError({"url": f"'{scheme[:20] or text[:20]}' is not a channel scheme we send to "
                                      f"(use one of: {known})."})
    plugin = apprise.Apprise.instantiate(text, asset=_ASSET, suppress_exceptions=True)
    if plugin is None:
        raise ValidationError({"url": f"This {scheme} URL is malformed: check it against the service's "
                                      "Apprise documentation."})
    return plugin


def _target(plugin: apprise.plugins.NotifyBase, scheme: str) -> tuple[str, int]:
    """The host and port the plugin will connect to."""
    if scheme in FIXED_HOSTS:
        return FIXED_HOSTS[scheme], 443
    if scheme in ("ntfy", "ntfys") and getattr(plugin, "mode", "") == "cloud":
        return NTFY_CLOUD, 443
    host = str(getattr(plugin, "smtp_host", "") or getattr(plugin, "host", "") or "")
    port = getattr(plugin, "port", None)
    secure = bool(getattr(plugin, "secure", False))
    if not host:
        raise ValidationError({"url": "The channel URL has no host name."})
    return host, int(port) if port else (443 if secure else 80)


def check_channel_url(url: str, *, allow_private: bool, resolver: Resolver = system_resolver) -> tuple[str, str]:
    """(scheme, masked URL) of an acceptable channel URL, or ValidationError/UnsafeURLError with a reason."""
    plugin = _instantiate(url)
    scheme = _scheme(url)
    host, port = _target(plugin, scheme)
    try:
        check_host(host, port, allow_private=allow_private, resolver=resolver)
    except UnsafeURLError as exc:
        raise UnsafeURLError(exc.reason) from exc
    return scheme, mask(plugin)


def mask(plugin: apprise.plugins.NotifyBase) -> str:
    """The URL as shown to the user: secrets starred, query options dropped (Apprise's privacy form)."""
    return str(plugin.url(privacy=True)).split("?", 1)[0][:120]


def send(url: str, title: str, body: str, *, allow_private: bool, resolver: Resolver = system_resolver) -> SendResult:
    """One attempt to deliver; the guard runs again first. Never raises for a channel's own failure."""
    try:
        plugin = _instantiate(url)
        host, port = _target(plugin, _scheme(url))
        check_host(host, port, allow_private=allow_private, resolver=resolver)
    except ValidationError as exc:
        return SendResult(False, "; ".join(exc.errors.values())[:200])
    plugin.socket_connect_timeout = CONNECT_TIMEOUT
    plugin.socket_read_timeout = READ_TIMEOUT
    if hasattr(plugin, "timeout"):  # the SMTP plugins take one socket timeout
        plugin.timeout = CONNECT_TIMEOUT + READ_TIMEOUT
    try:
        ok = bool(plugin.notify(body=body, title=title))
    except Exception as exc:  # noqa: BLE001 - a plugin bug is one failed channel, not a failed tick
        log.warning("channel raised", extra={"scheme": _scheme(url), "error": type(exc).__name__})
        return SendResult(False, f"{type(exc).__name__}")
    return SendResult(ok, "" if ok else "The service refused the message or could not be reached.")


def now_text(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat(timespec="seconds")


def list_channels(store: object, user_id: str) -> list[Channel]:
    """The user's channels in the order they were added (one Query of their ~CHANNEL# items)."""
    items = store.query_records(user_id, schema_nudges.CHANNEL_PREFIX)  # type: ignore[attr-defined]
    found = [nudge_items.item_to_channel(i) for i in items]
    return sorted((c for c in found if c), key=lambda c: (c.created_at, c.channel_id))


def add_channel(store: object, sealer: Sealer, user_id: str, url: str, *, allow_private: bool, at: dt.datetime,
                resolver: Resolver = system_resolver) -> Channel:
    """Check, seal and store a new channel (ValidationError with a reason: nothing is saved then)."""
    scheme, masked = check_channel_url(url, allow_private=allow_private, resolver=resolver)
    existing = list_channels(store, user_id)
    if len(existing) >= MAX_CHANNELS:
        raise ValidationError({"url": f"At most {MAX_CHANNELS} channels: remove one first."})
    channel = Channel(user_id=user_id, channel_id=f"{int(at.timestamp() * 1000):012x}{os.urandom(3).hex()}",
                      sealed_url=sealer.seal(url.strip()), masked=masked, scheme=scheme, created_at=now_text(at),
                      version=1)
    store.put_record(nudge_items.channel_to_item(channel), if_absent=True)  # type: ignore[attr-defined]
    return channel


def find_channel(store: object, user_id: str, which: str) -> Channel:
    """A channel by its number in the list (1-based) or its id; ValidationError otherwise."""
    channels = list_channels(store, user_id)
    if which.isdigit() and 1 <= int(which) <= len(channels):
        return channels[int(which) - 1]
    for c in channels:
        if c.channel_id == which:
            return c
    raise ValidationError({"channel": f"No channel {which[:20]} (see `channels list`)."})


def remove_channel(store: object, user_id: str, which: str) -> Channel:
    channel = find_channel(store, user_id, which)
    store.delete_record(schema_nudges.channel_key(user_id, channel.channel_id))  # type: ignore[attr-defined]
    if channel.paused:
        refresh_notice(store, user_id)
    return channel


def record_outcome(store: object, channel: Channel, result: SendResult, at: dt.datetime) -> Channel:
    """Count the failure (pausing at 5 in a row) or clear it; written only when the state changes."""
    updated = channel.after_send(result.ok, result.error, now_text(at))
    if result.ok and channel.failures == 0 and not channel.paused and channel.last_ok_at:
        return channel  # a healthy channel stays as it was: no write per message
    updated = Channel(**{**updated.__dict__, "version": channel.version + 1})
    try:
        store.put_record(nudge_items.channel_to_item(updated), expected_version=channel.version)  # type: ignore[attr-defined]
        if updated.paused != channel.paused:
            refresh_notice(store, channel.user_id)
    except Exception as exc:  # noqa: BLE001 - a lost count is logged; the message went (or not) already
        log.warning("channel state not saved", extra={"user_id": channel.user_id, "error": type(exc).__name__})
    return updated


def refresh_notice(store: object, user_id: str) -> None:
    """Keep the dashboard's notice item in step with the paused channels (absent when none is paused)."""
    paused = [c.masked for c in list_channels(store, user_id) if c.paused]
    if paused:
        store.put_record(nudge_items.nudge_notice_item(user_id, paused))  # type: ignore[attr-defined]
    else:
        store.delete_record(schema_nudges.nudge_notice_key(user_id))  # type: ignore[attr-defined]


def send_to(store: object, sealer: Sealer, channel: Channel, title: str, body: str, *, allow_private: bool,
            at: dt.datetime, resolver: Resolver = system_resolver) -> tuple[SendResult, Channel]:
    """Open the sealed URL, send once, record the outcome on the channel; returns the result and the channel now."""
    try:
        url = sealer.open(channel.sealed_url)
    except Exception as exc:  # noqa: BLE001 - SealError: wrong key; counts as a failure of this channel
        result = SendResult(False, str(exc)[:200])
    else:
        result = send(url, title, body, allow_private=allow_private, resolver=resolver)
    return result, record_outcome(store, channel, result, at)

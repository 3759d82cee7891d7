"""Server-side request forgery guard: a URL a user gives us reaches only public addresses when hosted.

Checked when the URL is saved and again right before each request (DNS can change). Hosted, the
host must resolve only to global unicast addresses: no loopback, private, link-local (the cloud
metadata service 169.254.169.254 and fd00:ec2::254 among them), multicast, reserved or unspecified
ones; on a laptop (`allow_private`, env = "local") someone's own ntfy on 127.0.0.1 is fine.
The residual risk (DNS answering differently between this check and the connection) is why the
request itself must also refuse redirects and use short timeouts.
"""
from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from lib.core.errors import ValidationError

Resolver = Callable[[str, int], Iterable[str]]


class UnsafeURLError(ValidationError):
    """The URL may not be fetched from this server; `reason` says why in the user's words."""

    def __init__(self, reason: str, field: str = "url"):
        super().__init__({field: reason})
        self.reason = reason


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the host resolves to (IPv4 and IPv6)."""
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeURLError(f"The address {host[:40]} cannot be found.") from exc
    return [str(info[4][0]) for info in infos]


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast and not ip.is_reserved


def check_url(
    url: str,
    *,
    allow_private: bool,
    schemes: tuple[str, ...] = ("https",),
    local_schemes: tuple[str, ...] = ("http", "https"),
    resolver: Resolver = system_resolver,
) -> list[str]:
    """The addresses `url` reaches, or UnsafeURLError with a reason (scheme, host, private address)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise UnsafeURLError("That is not a valid web address.") from exc
    allowed = local_schemes if allow_private else schemes
    if parts.scheme.lower() not in allowed:
        raise UnsafeURLError(f"Only {' or '.join(allowed)} addresses are allowed here.")
    host = (parts.hostname or "").strip()
    if not host:
        raise UnsafeURLError("The address has no host name.")
    addresses = list(resolver(host, port or (443 if parts.scheme.lower() == "https" else 80)))
    if not addresses:
        raise UnsafeURLError(f"The address {host[:40]} cannot be found.")
    if not allow_private:
        blocked = [a for a in addresses if not _public(a)]
        if blocked:
            raise UnsafeURLError(f"{host[:40]} points to a private or internal address ({blocked[0]}), "
                                 "which a hosted server never calls.")
    return addresses


def check_host(host: str, port: int, *, allow_private: bool, resolver: Resolver = system_resolver) -> list[str]:
    """The same check for a bare host and port (channels that are not web addresses, e.g. SMTP)."""
    return check_url(f"https://{host}:{port}/", allow_private=allow_private, resolver=resolver)

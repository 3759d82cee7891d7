"""A URL a user gives us never reaches a private or metadata address when hosted; a laptop may."""
from __future__ import annotations

import pytest

from lib.net.guard import UnsafeURLError, check_url


def _resolver(table):
    return lambda host, port: table[host]


@pytest.mark.parametrize(("url", "addresses"), [
    ("https://169.254.169.254/latest/meta-data/", ["169.254.169.254"]),
    ("https://metadata.example/", ["169.254.169.254"]),
    ("https://rebind.example/", ["93.184.216.34", "10.0.0.5"]),
    ("https://v6.example/", ["fd00:ec2::254"]),
    ("https://mapped.example/", ["::ffff:127.0.0.1"]),
    ("https://localhost/", ["127.0.0.1"]),
    ("https://zero.example/", ["0.0.0.0"]),
    ("https://cgnat.example/", ["100.64.0.1"]),
])
def test_hosted_refuses_every_private_loopback_link_local_and_metadata_address(url, addresses):
    host = url.split("/")[2]
    with pytest.raises(UnsafeURLError) as refused:
        check_url(url, allow_private=False, resolver=_resolver({host: addresses}))
    assert "private or internal" in refused.value.reason


def test_hosted_allows_a_public_https_address_and_refuses_plain_http():
    assert check_url("https://ntfy.example/t", allow_private=False,
                     resolver=_resolver({"ntfy.example": ["93.184.216.34"]})) == ["93.184.216.34"]
    with pytest.raises(UnsafeURLError, match="https"):
        check_url("http://ntfy.example/t", allow_private=False, resolver=_resolver({"ntfy.example": ["93.184.216.34"]}))


def test_a_laptop_may_reach_its_own_server_and_garbage_is_refused_with_a_reason():
    assert check_url("http://127.0.0.1:8080/t", allow_private=True) == ["127.0.0.1"]
    for bad in ("not a url", "https://", "ftp://x.example/", "https://x.example:99999/"):
        with pytest.raises(UnsafeURLError):
            check_url(bad, allow_private=True)

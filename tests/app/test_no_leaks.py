"""Issue 22, finding 9: hosted, an error shows no stack trace or server path in the browser; a damaged
UTF-16 file is a reason next to the file, not an uncaught error."""
from __future__ import annotations

import codecs
import time
from collections.abc import Iterator

import pytest
import streamlit as st

from lib.core.errors import ValidationError
from lib.ingest.text import decode


@pytest.fixture
def restore_error_details() -> Iterator[None]:
    before = st.get_option("client.showErrorDetails")
    yield
    st.set_option("client.showErrorDetails", before)


def test_hosted_an_uncaught_error_shows_no_stack_trace(make_app, store, monkeypatch, restore_error_details) -> None:
    from tests.app.test_gate import oidc_secrets

    st.set_option("client.showErrorDetails", "full")  # Streamlit's default
    monkeypatch.setenv("FINANCE_ENV", "hosted")

    def broken(*args, **kwargs):
        raise RuntimeError("boom in /srv/app/lib/secret_module.py")

    monkeypatch.setattr("lib.web.ui.metrics", broken)
    at = make_app("dashboard", user=None, secrets=oidc_secrets())
    at.user = {"is_logged_in": True, "sub": "oidc-sub-1", "iat": time.time(), "exp": time.time() + 600}
    at.run()
    assert st.get_option("client.showErrorDetails") == "none"
    [shown] = at.exception
    assert not shown.stack_trace
    assert "/srv/app" not in shown.message and "secret_module" not in shown.message


def test_locally_the_developer_still_sees_the_details(make_app, store, monkeypatch, restore_error_details) -> None:
    st.set_option("client.showErrorDetails", "full")
    make_app("dashboard", user="demo").run()
    assert st.get_option("client.showErrorDetails") == "full"


@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE])
def test_a_utf16_file_with_an_odd_number_of_bytes_is_a_validation_error(bom: bytes) -> None:
    data = bom + "Date,Amount\n2026-12-01,4.20\n".encode("utf-16-le" if bom == codecs.BOM_UTF16_LE else
                                                           "utf-16-be") + b"\x00"
    assert len(data) % 2 == 1
    with pytest.raises(ValidationError) as refused:
        decode(data, None)
    assert "UTF-16" in refused.value.errors["file"] and "export it" in refused.value.errors["file"]


def test_an_unknown_encoding_name_is_a_validation_error() -> None:
    with pytest.raises(ValidationError) as refused:
        decode(b"a,b\n", "no-such-encoding")
    assert "encoding" in refused.value.errors

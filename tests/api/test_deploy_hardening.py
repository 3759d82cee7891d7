"""Issue 22, findings 5 and 12 in deploy/: no open sign-up, threat protection and MFA on, verified email
changes, a concurrency cap on the API; images pinned by digest and installed from hashed lock files;
no error details in the hosted dashboard."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from cfnlint.decode import cfn_yaml

from tests.api.conftest import REPO_ROOT_PATH as ROOT

DEPLOY = ROOT / "deploy"


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return dict(cfn_yaml.load(str(DEPLOY / "template.yaml")))


def test_nobody_signs_up_unless_a_parameter_opens_it(template: dict[str, Any]) -> None:
    assert template["Parameters"]["AllowSelfSignUp"]["Default"] == "false"
    pool = template["Resources"]["UserPool"]["Properties"]
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] == {"Fn::If": ["SelfSignUp", False, True]}
    assert template["Conditions"]["SelfSignUp"] == {"Fn::Equals": [{"Ref": "AllowSelfSignUp"}, "true"]}


def test_threat_protection_and_mfa_are_on_and_email_changes_are_proven(template: dict[str, Any]) -> None:
    pool = template["Resources"]["UserPool"]["Properties"]
    assert pool["UserPoolAddOns"]["AdvancedSecurityMode"] == "ENFORCED" and pool["UserPoolTier"] == "PLUS"
    assert pool["MfaConfiguration"] == {"Ref": "Mfa"} and template["Parameters"]["Mfa"]["Default"] == "ON"
    assert pool["UserAttributeUpdateSettings"]["AttributesRequireVerificationBeforeUpdate"] == ["email"]


def test_the_api_has_reserved_concurrency_and_the_table_expires_limit_items(template: dict[str, Any]) -> None:
    api = template["Resources"]["ApiFunction"]["Properties"]
    assert api["ReservedConcurrentExecutions"] == {"Ref": "ApiReservedConcurrency"}
    assert 1 <= int(template["Parameters"]["ApiReservedConcurrency"]["Default"]) <= 100
    from lib.store.schema import EXPIRES_AT

    ttl = template["Resources"]["Table"]["Properties"]["TimeToLiveSpecification"]
    assert ttl == {"AttributeName": EXPIRES_AT, "Enabled": True}


@pytest.mark.parametrize("dockerfile", ["Dockerfile", "api.Dockerfile"])
def test_base_images_are_pinned_by_digest_and_packages_by_hash(dockerfile: str) -> None:
    text = (DEPLOY / dockerfile).read_text()
    froms = re.findall(r"^FROM\s+(\S+)", text, re.M)
    assert froms and all(re.fullmatch(r"[^@\s]+@sha256:[0-9a-f]{64}", f) for f in froms), froms
    installs = re.findall(r"pip install[^\n]*", text)
    assert installs and all("--require-hashes" in i and re.search(r"-r \S+\.lock", i) for i in installs), installs


def _locked(path: Path) -> dict[str, tuple[str, int]]:
    """name -> (version, number of hashes) of a pip-compile --generate-hashes file."""
    out: dict[str, tuple[str, int]] = {}
    for block in re.split(r"\n(?=\S)", path.read_text()):
        head = re.match(r"([A-Za-z0-9_.-]+)==(\S+)", block)
        if head:
            out[head.group(1).lower().replace("_", "-")] = (head.group(2), block.count("--hash=sha256:"))
    return out


def _pins(path: Path) -> dict[str, str]:
    lines = [ln.split("#")[0].strip() for ln in path.read_text().splitlines()]
    return {re.split(r"[\[=]", ln)[0].lower().replace("_", "-"): ln.split("==")[1] for ln in lines if "==" in ln}


@pytest.mark.parametrize(("wanted", "lock"), [("requirements.txt", "requirements.lock"),
                                              ("deploy/requirements-api.txt", "deploy/requirements-api.lock")])
def test_the_lock_files_pin_every_package_with_hashes_at_the_tested_versions(wanted: str, lock: str) -> None:
    from importlib.metadata import PackageNotFoundError, version

    locked = _locked(ROOT / lock)
    assert len(locked) > len(_pins(ROOT / wanted))  # transitive dependencies are locked too
    assert all(count >= 1 for _, count in locked.values()), [n for n, (_, c) in locked.items() if not c]
    for name, pinned in _pins(ROOT / wanted).items():
        assert locked[name][0] == pinned, f"{lock} has {name} {locked[name][0]}, {wanted} wants {pinned}"
    for name, (pinned, _) in locked.items():  # the images run what the tests run
        try:
            assert version(name) == pinned, f"{lock}: {name} {pinned}, tests run {version(name)}"
        except PackageNotFoundError:
            continue  # platform-only packages


def test_the_hosted_dashboard_shows_no_error_details() -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    # The image starts Streamlit through deploy/entrypoint.py (it writes st.login's secrets first).
    start = (DEPLOY / "entrypoint.py").read_text()
    assert "STREAMLIT_CLIENT_SHOW_ERROR_DETAILS=none" in text and 'CMD ["python", "entrypoint.py"]' in text
    assert '"--client.showErrorDetails=none"' in start

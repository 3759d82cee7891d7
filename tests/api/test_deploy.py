"""deploy/: the template passes cfn-lint, the Dockerfiles pass hadolint, and IAM grants only what the code calls."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cfnlint.decode import cfn_yaml

from tests.api.conftest import REPO_ROOT_PATH as ROOT

DEPLOY = ROOT / "deploy"
TEMPLATE = DEPLOY / "template.yaml"
BIN = Path(sys.executable).parent
# The template creates the table, so no role needs the calls `python -m lib init` makes.
TABLE_MANAGEMENT = {"dynamodb:DescribeTable", "dynamodb:CreateTable"}
# Converse and ConverseStream are authorised as these two actions.
BEDROCK_ACTIONS = {"converse": "bedrock:InvokeModel", "converse_stream": "bedrock:InvokeModelWithResponseStream"}
LOG_ACTIONS = {"logs:CreateLogStream", "logs:PutLogEvents"}
GUARDRAIL_ACTION = "bedrock:ApplyGuardrail"


def _pascal(snake: str) -> str:
    return "".join(part.capitalize() for part in snake.split("_"))


def called_actions() -> set[str]:
    """The IAM actions of every AWS request the store and the coach make (read from lib/store/dynamo*.py
    and lib/coach/bedrock.py)."""
    store = "\n".join(p.read_text() for p in sorted((ROOT / "lib" / "store").glob("dynamo*.py")))
    ops = set(re.findall(r'_call\(\s*"(\w+)"', store)) | set(re.findall(r"client\.(\w+)\(", store))
    ops.discard("get_waiter")  # not a request: the waiter polls describe_table
    actions = {f"dynamodb:{_pascal(op)}" for op in ops}
    coach = "\n".join((ROOT / "lib" / "coach" / name).read_text() for name in ("bedrock.py", "judge.py"))
    for op in set(re.findall(r"client\.(\w+)\(", coach)):
        assert op in BEDROCK_ACTIONS, f"lib/coach/bedrock.py calls {op}: map it to its IAM action here"
        actions.add(BEDROCK_ACTIONS[op])
    if '["guardrailConfig"]' in coach:  # a Converse call that applies a guardrail is also ApplyGuardrail on it
        actions.add(GUARDRAIL_ACTION)
    return actions


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def policy_problems(template: dict[str, Any]) -> list[str]:
    """Every grant beyond what the code calls, and every wildcard, in the template's IAM roles."""
    allowed = (called_actions() - TABLE_MANAGEMENT) | LOG_ACTIONS
    problems = []
    for name, resource in template["Resources"].items():
        if resource["Type"] != "AWS::IAM::Role":
            continue
        assert not resource["Properties"].get("ManagedPolicyArns"), f"{name}: managed policies grant on '*'"
        for policy in resource["Properties"].get("Policies", []):
            for statement in _list(policy["PolicyDocument"]["Statement"]):
                if statement.get("Effect") != "Allow":
                    continue
                for action in _list(statement.get("Action")):
                    if "*" in action or action not in allowed:
                        problems.append(f"{name}/{policy['PolicyName']} grants {action}")
                for res in _list(statement.get("Resource")):
                    if res == "*" or (isinstance(res, str) and res.endswith(":*")):
                        problems.append(f"{name}/{policy['PolicyName']} grants on Resource {res!r}")
                    if any(a.startswith("dynamodb:") for a in _list(statement.get("Action"))) and \
                            res != {"Fn::GetAtt": ["Table", "Arn"]}:
                        problems.append(f"{name}/{policy['PolicyName']}: table actions on {res!r}, not the table")
    return problems


def granted(template: dict[str, Any], role: str) -> set[str]:
    out: set[str] = set()
    for policy in template["Resources"][role]["Properties"]["Policies"]:
        for statement in _list(policy["PolicyDocument"]["Statement"]):
            out.update(_list(statement["Action"]))
    return out


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return dict(cfn_yaml.load(str(TEMPLATE)))


def test_the_template_passes_cfn_lint() -> None:
    result = subprocess.run([str(BIN / "cfn-lint"), str(TEMPLATE)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("dockerfile", ["Dockerfile", "api.Dockerfile"])
def test_the_dockerfiles_pass_hadolint(dockerfile: str) -> None:
    result = subprocess.run([str(BIN / "hadolint"), str(DEPLOY / dockerfile)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_iam_grants_only_what_the_code_calls_and_never_on_star(template: dict[str, Any]) -> None:
    assert called_actions() >= {"dynamodb:Query", "dynamodb:PutItem", "bedrock:InvokeModel"}  # the scan works
    assert policy_problems(template) == []


def test_the_api_role_can_make_every_request_the_api_makes(template: dict[str, Any]) -> None:
    data_plane = {a for a in called_actions() - TABLE_MANAGEMENT if a.startswith("dynamodb:")}
    assert {a for a in granted(template, "ApiRole") if a.startswith("dynamodb:")} == data_plane
    # The API calls Converse only; the dashboard's sidebar also streams; both apply the guardrail.
    assert {a for a in granted(template, "ApiRole") if a.startswith("bedrock:")} == {"bedrock:InvokeModel",
                                                                                   GUARDRAIL_ACTION}
    assert {a for a in granted(template, "DashboardTaskRole") if a.startswith("bedrock:")} == {
        *BEDROCK_ACTIONS.values(), GUARDRAIL_ACTION}


def test_the_policy_check_catches_an_extra_action_and_a_star(template: dict[str, Any]) -> None:
    import copy

    broken = copy.deepcopy(template)
    statements = broken["Resources"]["ApiRole"]["Properties"]["Policies"][1]["PolicyDocument"]["Statement"]
    statements.append({"Effect": "Allow", "Action": ["dynamodb:Scan", "dynamodb:*"], "Resource": "*"})
    problems = policy_problems(broken)
    assert any("dynamodb:Scan" in p for p in problems)
    assert any("dynamodb:*" in p for p in problems)
    assert any("Resource '*'" in p for p in problems)


def test_bedrock_is_nova_micro_only(template: dict[str, Any]) -> None:
    param = template["Parameters"]["BedrockModelId"]
    assert param["AllowedValues"] == ["amazon.nova-micro-v1:0"]
    for role in ("ApiRole", "DashboardTaskRole"):
        for policy in template["Resources"][role]["Properties"]["Policies"]:
            for statement in _list(policy["PolicyDocument"]["Statement"]):
                if any(a.startswith("bedrock:") and a != GUARDRAIL_ACTION for a in _list(statement["Action"])):
                    assert statement["Resource"]["Fn::Sub"].endswith("::foundation-model/${BedrockModelId}")


def test_the_table_is_on_demand_with_recovery_and_deletion_protection(template: dict[str, Any]) -> None:
    table = template["Resources"]["Table"]
    props = table["Properties"]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert props["DeletionProtectionEnabled"] is True and table["DeletionPolicy"] == "Retain"
    assert [k["AttributeName"] for k in props["KeySchema"]] == ["user_id", "transaction_date"]


def test_the_login_client_calls_back_to_the_dashboard(template: dict[str, Any]) -> None:
    client = template["Resources"]["DashboardClient"]["Properties"]
    assert client["CallbackURLs"] == [{"Fn::Sub": "${DashboardUrl}/oauth2callback"}]  # st.login's redirect path
    assert client["AllowedOAuthFlows"] == ["code"] and client["GenerateSecret"] is True


def test_the_function_is_configured_with_settings_the_code_reads(template: dict[str, Any]) -> None:
    config = (ROOT / "lib" / "config.py").read_text()
    env = template["Resources"]["ApiFunction"]["Properties"]["Environment"]["Variables"]
    for name in env:
        if name.startswith("FINANCE_"):
            assert f'"{name}"' in config, f"the template sets {name}, which lib/config.py never reads"
    assert {"FINANCE_STORE", "FINANCE_JWT_ISSUER", "FINANCE_JWT_CLIENT_ID", "FINANCE_USER_CLAIM"} <= set(env)


def test_the_lambda_image_pins_the_versions_the_tests_run_with() -> None:
    from importlib.metadata import version

    def pins(path: Path) -> dict[str, str]:
        lines = [ln.split("#")[0].strip() for ln in path.read_text().splitlines()]
        return {ln.split("==")[0].split("[")[0].lower(): ln.split("==")[1] for ln in lines if "==" in ln}

    api, app = pins(DEPLOY / "requirements-api.txt"), pins(ROOT / "requirements.txt")
    assert api
    for name, pinned in api.items():
        assert pinned == version(name) == app.get(name, pinned), f"{name}: image {pinned}, tests {version(name)}"


def test_the_api_imports_nothing_the_lambda_image_lacks() -> None:
    code = r"""
import importlib.metadata as md, re, sys, sysconfig
import lib.api, lib.api.dashboard, lib.coach.bedrock
site = sysconfig.get_paths()["purelib"]
used = {m.split(".")[0] for m, mod in list(sys.modules.items())
        if str(getattr(mod, "__file__", "") or "").startswith(site)}
# Optional imports a library tries when present (cryptography's SSH keys), and import hooks.
used = {m for m in used if not m.startswith("_") and m not in {"bcrypt"}}
from packaging.requirements import Requirement
need = {re.split(r"[\[=<>]", l)[0].strip().lower() for l in open("deploy/requirements-api.txt")
        if l.strip() and not l.startswith("#")}
have, todo = set(), list(need)
while todo:
    name = todo.pop()
    if name in have:
        continue
    have.add(name)
    try:
        reqs = md.requires(name) or []
    except md.PackageNotFoundError:
        continue  # not installed here, so nothing imported can come from it
    for text in reqs:
        req = Requirement(text)
        if req.marker is None or req.marker.evaluate({"extra": "crypto"}):
            todo.append(req.name.lower().replace("_", "-"))
owners = md.packages_distributions()
missing = sorted(m for m in used if not {d.lower().replace("_", "-") for d in owners.get(m, [m])} & have)
print(",".join(missing))
"""
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"lib.api imports modules deploy/requirements-api.txt does not install: " \
                                        f"{result.stdout.strip()}"


def test_the_dashboard_image_runs_as_a_user_and_checks_streamlits_health() -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    users = re.findall(r"^USER\s+(\S+)", text, re.M)
    assert users and users[-1] not in ("root", "0")
    assert re.search(r"^HEALTHCHECK .*\n?.*/_stcore/health", text, re.M)
    for source in re.findall(r"^COPY\s+(?:--\S+\s+)*(\S+)\s", text, re.M):
        assert (ROOT / source).exists(), f"deploy/Dockerfile copies {source}, which is not in the repository"
    ignored = (ROOT / ".dockerignore").read_text()
    assert ".streamlit/secrets.toml" in ignored and ".venv" in ignored


# -- issue 24: the coach's guardrail -------------------------------------------------------------------------------
def test_the_guardrail_filters_content_denies_the_six_topics_and_checks_grounding(template: dict[str, Any]) -> None:
    guardrail = template["Resources"]["CoachGuardrail"]
    assert guardrail["Type"] == "AWS::Bedrock::Guardrail"
    props = guardrail["Properties"]
    filters = {f["Type"]: f for f in props["ContentPolicyConfig"]["FiltersConfig"]}
    assert set(filters) == {"INSULTS", "HATE", "VIOLENCE", "MISCONDUCT", "PROMPT_ATTACK"}
    assert all(filters[t]["OutputStrength"] == "HIGH" for t in ("INSULTS", "HATE", "VIOLENCE", "MISCONDUCT"))
    assert filters["PROMPT_ATTACK"]["InputStrength"] == "HIGH"  # the facts carry user-typed strings
    topics = {t["Name"]: t for t in props["TopicPolicyConfig"]["TopicsConfig"]}
    assert set(topics) == {"Borrowing and credit", "Gambling", "Investing", "Medical advice", "Legal advice",
                           "Self-harm"}
    assert all(t["Type"] == "DENY" and t["Examples"] for t in topics.values())
    grounding = {f["Type"]: f["Threshold"] for f in props["ContextualGroundingPolicyConfig"]["FiltersConfig"]}
    assert set(grounding) == {"GROUNDING", "RELEVANCE"} and all(0 < v < 1 for v in grounding.values())


def test_the_guardrails_blocked_messages_are_the_ones_the_coach_recognises(template: dict[str, Any]) -> None:
    from lib.coach.guardrail import BLOCKED_INPUT, BLOCKED_OUTPUT

    props = template["Resources"]["CoachGuardrail"]["Properties"]
    assert (props["BlockedInputMessaging"], props["BlockedOutputsMessaging"]) == (BLOCKED_INPUT, BLOCKED_OUTPUT)


def test_every_call_gets_the_guardrail_and_its_version_and_the_roles_may_apply_only_that_one(
        template: dict[str, Any]) -> None:
    version = template["Resources"]["CoachGuardrailVersion"]
    assert version["Type"] == "AWS::Bedrock::GuardrailVersion"
    assert version["Properties"]["GuardrailIdentifier"] == {"Fn::GetAtt": ["CoachGuardrail", "GuardrailId"]}
    env = template["Resources"]["ApiFunction"]["Properties"]["Environment"]["Variables"]
    assert env["FINANCE_BEDROCK_GUARDRAIL_ID"] == {"Fn::GetAtt": ["CoachGuardrail", "GuardrailId"]}
    assert env["FINANCE_BEDROCK_GUARDRAIL_VERSION"] == {"Fn::GetAtt": ["CoachGuardrailVersion", "Version"]}
    outputs = template["Outputs"]
    assert outputs["GuardrailVersion"]["Value"] == {"Fn::GetAtt": ["CoachGuardrailVersion", "Version"]}
    for role in ("ApiRole", "DashboardTaskRole"):
        grants = [st for policy in template["Resources"][role]["Properties"]["Policies"]
                  for st in _list(policy["PolicyDocument"]["Statement"]) if GUARDRAIL_ACTION in _list(st["Action"])]
        assert len(grants) == 1, role
        assert _list(grants[0]["Action"]) == [GUARDRAIL_ACTION]
        assert grants[0]["Resource"] == {"Fn::GetAtt": ["CoachGuardrail", "GuardrailArn"]}, role
    assert GUARDRAIL_ACTION in called_actions()  # the code sends guardrailConfig, so the grant is needed

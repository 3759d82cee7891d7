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
# The ECS platform (not our code) starts the dashboard's task with this role: it pulls the image,
# writes the logs and reads the task's secrets. ECR's login token is the one grant AWS allows only on "*".
EXECUTION_ROLE = "DashboardExecutionRole"
PLATFORM_ACTIONS = {"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:GetAuthorizationToken",
                    "secretsmanager:GetSecretValue", "kms:Decrypt"}
STAR_ONLY = {"ecr:GetAuthorizationToken"}
# Issue 18: the jobs function decrypts its own environment (the stack's KMS key); the scheduler invokes it.
JOBS_ACTIONS = {"kms:Decrypt", "lambda:InvokeFunction"}
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
    allowed = (called_actions() - TABLE_MANAGEMENT) | LOG_ACTIONS | JOBS_ACTIONS
    problems = []
    for name, resource in template["Resources"].items():
        if resource["Type"] != "AWS::IAM::Role":
            continue
        assert not resource["Properties"].get("ManagedPolicyArns"), f"{name}: managed policies grant on '*'"
        for policy in resource["Properties"].get("Policies", []):
            for statement in _list(policy["PolicyDocument"]["Statement"]):
                if statement.get("Effect") != "Allow":
                    continue
                mine = allowed | (PLATFORM_ACTIONS if name == EXECUTION_ROLE else set())
                actions = _list(statement.get("Action"))
                for action in actions:
                    if "*" in action or action not in mine:
                        problems.append(f"{name}/{policy['PolicyName']} grants {action}")
                for res in _list(statement.get("Resource")):
                    if (res == "*" or (isinstance(res, str) and res.endswith(":*"))) and not (
                            name == EXECUTION_ROLE and set(actions) <= STAR_ONLY):
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


# -- the dashboard on ECS Fargate ------------------------------------------------------------------
def _task(template: dict[str, Any]) -> dict[str, Any]:
    return template["Resources"]["DashboardTaskDefinition"]["Properties"]["ContainerDefinitions"][0]


def test_the_dashboard_runs_the_pinned_image_with_the_task_role_and_settings_the_code_reads(
        template: dict[str, Any]) -> None:
    task = template["Resources"]["DashboardTaskDefinition"]["Properties"]
    assert task["TaskRoleArn"] == {"Fn::GetAtt": ["DashboardTaskRole", "Arn"]}
    assert task["RequiresCompatibilities"] == ["FARGATE"]
    assert "@sha256:" in template["Parameters"]["DashboardImage"]["AllowedPattern"]
    container = _task(template)
    assert container["PortMappings"][0]["ContainerPort"] == 8501
    readers = (ROOT / "lib" / "config.py").read_text() + (DEPLOY / "entrypoint.py").read_text()
    names = [e["Name"] for e in container["Environment"]] + [s["Name"] for s in container["Secrets"]]
    for name in names:
        assert f'"{name}"' in readers, f"the task sets {name}, which neither lib/config.py nor entrypoint.py reads"
    env = {e["Name"]: e["Value"] for e in container["Environment"]}
    assert env["FINANCE_ENV"] == "hosted" and env["FINANCE_LOGIN"] == "oidc"


def test_the_dashboards_secrets_come_from_secrets_manager_never_from_the_template(template: dict[str, Any]) -> None:
    container = _task(template)
    for entry in container["Environment"]:
        assert not any(w in entry["Name"] for w in ("SECRET", "KEY", "PASSWORD")), entry["Name"]
    secrets = {s["Name"]: s["ValueFrom"]["Ref"] for s in container["Secrets"]}
    assert set(secrets) == {"FINANCE_AUTH_COOKIE_SECRET", "FINANCE_AUTH_CLIENT_SECRET", "FINANCE_ENCRYPTION_KEY"}
    readable = []
    for policy in template["Resources"][EXECUTION_ROLE]["Properties"]["Policies"]:
        for statement in _list(policy["PolicyDocument"]["Statement"]):
            if "secretsmanager:GetSecretValue" in _list(statement["Action"]):
                readable += [r["Ref"] for r in _list(statement["Resource"])]
    assert sorted(readable) == sorted(secrets.values())  # every secret it needs, and no other
    for name in secrets.values():
        resource = template["Resources"][name]
        assert resource["Type"] == "AWS::SecretsManager::Secret"
        assert resource["Properties"]["KmsKeyId"] == {"Ref": "SecretsKey"}


def test_the_load_balancer_serves_https_keeps_websockets_and_sticks_a_browser_to_its_task(
        template: dict[str, Any]) -> None:
    res = template["Resources"]
    lb = {a["Key"]: a["Value"] for a in res["DashboardLoadBalancer"]["Properties"]["LoadBalancerAttributes"]}
    assert int(lb["idle_timeout.timeout_seconds"]) >= 3600
    group = res["DashboardTargetGroup"]["Properties"]
    attrs = {a["Key"]: a["Value"] for a in group["TargetGroupAttributes"]}
    assert attrs["stickiness.enabled"] == "true" and group["HealthCheckPath"] == "/_stcore/health"
    https = res["HttpsListener"]["Properties"]
    assert https["Protocol"] == "HTTPS" and https["Certificates"] == [{"CertificateArn": {"Ref": "CertificateArn"}}]
    redirect = res["HttpRedirectListener"]["Properties"]["DefaultActions"][0]
    assert redirect["Type"] == "redirect" and redirect["RedirectConfig"]["Protocol"] == "HTTPS"
    tasks_sg = res["DashboardSecurityGroup"]["Properties"]["SecurityGroupIngress"]
    assert tasks_sg == [{"IpProtocol": "tcp", "FromPort": 8501, "ToPort": 8501,
                         "SourceSecurityGroupId": {"Ref": "LoadBalancerSecurityGroup"}}]


def test_waf_limits_each_address_in_front_of_the_load_balancer(template: dict[str, Any]) -> None:
    res = template["Resources"]
    acl = res["DashboardWebAcl"]["Properties"]
    rates = [r for r in acl["Rules"] if "RateBasedStatement" in r["Statement"]]
    assert rates and rates[0]["Action"] == {"Block": {}}
    assert rates[0]["Statement"]["RateBasedStatement"]["AggregateKeyType"] == "IP"
    assoc = res["DashboardWebAclAssociation"]["Properties"]
    assert assoc == {"ResourceArn": {"Ref": "DashboardLoadBalancer"},
                     "WebACLArn": {"Fn::GetAtt": ["DashboardWebAcl", "Arn"]}}


def test_the_dashboard_scales_on_cpu_and_on_sessions_per_task(template: dict[str, Any]) -> None:
    res = template["Resources"]
    policies = [r["Properties"]["TargetTrackingScalingPolicyConfiguration"] for r in res.values()
                if r["Type"] == "AWS::ApplicationAutoScaling::ScalingPolicy"]
    kinds = {p.get("PredefinedMetricSpecification", {}).get("PredefinedMetricType") for p in policies}
    assert "ECSServiceAverageCPUUtilization" in kinds
    custom = [p for p in policies if "CustomizedMetricSpecification" in p]
    assert custom and custom[0]["TargetValue"] == {"Ref": "SessionsPerTask"}
    logs = res["DashboardLogGroup"]["Properties"]
    assert logs["RetentionInDays"] <= 90


def test_the_container_start_writes_the_oidc_secrets_privately_and_refuses_half_a_config(tmp_path) -> None:
    import importlib.util
    import stat

    spec = importlib.util.spec_from_file_location("entrypoint", DEPLOY / "entrypoint.py")
    assert spec and spec.loader
    entry = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(entry)
    env = {var: f'value "{key}"' for key, var in entry.AUTH_KEYS.items()}
    path = entry.write_secrets(tmp_path, env)
    import tomllib
    assert tomllib.loads(path.read_text())["auth"]["client_secret"] == 'value "client_secret"'
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert entry.write_secrets(tmp_path / "none", {}) is None
    with pytest.raises(SystemExit, match="FINANCE_AUTH_CLIENT_SECRET"):
        entry.auth_section({k: v for k, v in env.items() if k != "FINANCE_AUTH_CLIENT_SECRET"})
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

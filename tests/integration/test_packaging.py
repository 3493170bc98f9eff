"""The deployment package and the IAM policy files.

The `packaging` tests run the real flow (`python -m infra.package`: chalice package from Python 3.12,
then cfn-lint) once per module into a temporary folder and inspect what came out. They skip only
when this machine has no Python 3.12 interpreter. The policy test is fast and always runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import pytest

from chalicelib.settings import Settings, load_settings
from chalicelib.settings import settings as current_settings
from chalicelib.store.registry import DEPLOYED_MODELS, ttl_attribute
from infra import package

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "123456789012"
TABLE_ACTIONS = (
    "GetItem",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "Query",
    "BatchGetItem",
    "BatchWriteItem",
    "TransactWriteItems",
    "TransactGetItems",
    "ConditionCheckItem",
    "DescribeTable",
)


def stage_settings(stage: str) -> Settings:
    return load_settings({"WH_STAGE": stage})


def table_names(settings: Settings) -> dict[type, str]:
    """Each model's table name in `settings`' stage (the models were named for the test stage at import)."""
    return {m: settings.table(m.Meta.table_name.removeprefix(current_settings.table_prefix)) for m in DEPLOYED_MODELS}


# --- the package --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def packaged(tmp_path_factory) -> Path:
    if package.find_python312() is None:
        pytest.skip(
            "no Python 3.12 interpreter ($PY312, ~/.pyenv/versions/3.12*, python3.12 on PATH): "
            "chalice package must run from Lambda's python3.12 version"
        )
    out = tmp_path_factory.mktemp("packaging") / "package"
    result = subprocess.run(
        [sys.executable, "-m", "infra.package", "--stage", "prod", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    output = result.stdout + result.stderr
    if result.returncode != 0 or package.MISSING_DEPS_MARKER in output:
        pytest.fail(f"infra.package failed ({result.returncode}):\n{output[-6000:]}")
    return out


@pytest.fixture(scope="module")
def sam(packaged) -> dict[str, Any]:
    return json.loads((packaged / "sam.json").read_text())


def resources_of(template: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [r for r in template["Resources"].values() if r["Type"] == kind]


@pytest.mark.packaging
def test_package_is_valid_cloudformation(packaged):
    assert (packaged / "deployment.zip").is_file()
    findings = package.run_cfn_lint(packaged / "sam.json")
    assert [str(f) for f in findings if f.level in ("Error", "Warning")] == []


@pytest.mark.packaging
def test_every_table_is_in_the_template_with_prod_names(sam):
    tables = {r["Properties"]["TableName"]: r["Properties"] for r in resources_of(sam, "AWS::DynamoDB::Table")}
    expected = table_names(stage_settings("prod"))
    assert set(tables) == set(expected.values())
    for model, name in expected.items():
        props = tables[name]
        assert name.startswith("workerhome-prod-")
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}, name
        ttl = ttl_attribute(model)
        if ttl:
            assert props["TimeToLiveSpecification"] == {"AttributeName": ttl, "Enabled": True}, name
        else:
            assert "TimeToLiveSpecification" not in props, name


@pytest.mark.packaging
def test_template_has_the_stage_kms_key(sam):
    [key] = resources_of(sam, "AWS::KMS::Key")
    assert key["Properties"]["EnableKeyRotation"] is True
    [alias] = resources_of(sam, "AWS::KMS::Alias")
    assert alias["Properties"]["AliasName"] == stage_settings("prod").kms_key


@pytest.mark.packaging
def test_packaged_api_is_the_prod_app_without_dev_routes(sam):
    [api] = resources_of(sam, "AWS::Serverless::Api")
    paths = set(api["Properties"]["DefinitionBody"]["paths"])
    assert "/v1/health" in paths
    assert "/v1/dev/outbox" not in paths
    assert not [p for p in paths if p.startswith("/v1/dev")]
    [handler] = [r for r in resources_of(sam, "AWS::Serverless::Function") if r["Properties"]["Handler"] == "app.app"]
    assert handler["Properties"]["Runtime"] == "python3.12"
    assert handler["Properties"]["Environment"]["Variables"]["WH_STAGE"] == "prod"


@pytest.mark.packaging
def test_the_segment_function_is_deployed_in_the_environment_the_bench_measures_in(sam):
    from infra.queues import segment_environment

    [segment] = [
        r for r in resources_of(sam, "AWS::Serverless::Function") if r["Properties"]["Handler"] == "app.score_segment"
    ]
    variables = segment["Properties"]["Environment"]["Variables"]
    assert segment_environment().items() <= variables.items()
    assert variables["OPENBLAS_NUM_THREADS"] == "1" and int(variables["MALLOC_TRIM_THRESHOLD_"]) >= 64 << 20


@pytest.mark.packaging
def test_package_fits_lambda_limit(packaged):
    sizes = json.loads((packaged / "sizes.json").read_text())
    assert sizes == package.measure(packaged / "deployment.zip")
    assert sizes["limit_bytes"] == 250 * 1024 * 1024
    assert sizes["unpacked_bytes"] < sizes["limit_bytes"]
    assert 0 < sizes["xgboost_native_bytes"] < 40 * package.MB and 0 < sizes["numpy_bytes"] < 100 * package.MB


# --- scoring in the package: numpy + XGBoost's C library, not the xgboost package or scipy ---------


@pytest.fixture(scope="module")
def package_names(packaged) -> list[str]:
    with zipfile.ZipFile(packaged / "deployment.zip") as zf:
        return zf.namelist()


@pytest.mark.packaging
def test_package_carries_numpy_and_the_c_library_but_not_scipy_or_the_xgboost_package(package_names):
    tops = {n.split("/", 1)[0] for n in package_names}
    assert "numpy" in tops and "numpy/__init__.py" in package_names
    assert package.NATIVE_LIBRARY in package_names
    assert [n for n in package_names if n.startswith("xgboost_cpu.libs/libgomp")], "libgomp beside the library"
    assert not {t for t in tops if t == "scipy" or t.startswith(("scipy-", "scipy.", "scipy_"))}
    assert "xgboost" not in tops and not [t for t in tops if t.startswith("xgboost") and t.endswith(".dist-info")]
    assert "chalicelib/scoring/native.py" in package_names
    for name in ("churn", "service_demand", "station_demand", "labour_risk"):
        assert {f"chalicelib/models/{name}/model.ubj", f"chalicelib/models/{name}/card.json"} <= set(package_names)


def readelf_dynamic(path: Path) -> str | None:
    try:
        return subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None


@pytest.fixture(scope="module")
def unpacked(packaged, tmp_path_factory) -> Path:
    """deployment.zip extracted as Lambda does into /var/task."""
    task = tmp_path_factory.mktemp("task")
    with zipfile.ZipFile(packaged / "deployment.zip") as zf:
        zf.extractall(task)
    return task


@pytest.mark.packaging
def test_the_c_library_finds_its_libgomp_through_its_rpath(unpacked):
    dynamic = readelf_dynamic(unpacked / package.NATIVE_LIBRARY)
    if dynamic is None:
        pytest.skip("readelf is not installed")
    [rpath] = [
        line.split("[", 1)[1].rstrip("]") for line in dynamic.splitlines() if "(RPATH)" in line or "(RUNPATH)" in line
    ]
    needed = [line.split("[", 1)[1].rstrip("]") for line in dynamic.splitlines() if "(NEEDED)" in line]
    [gomp] = [n for n in needed if n.startswith("libgomp")]
    folder = Path(rpath.replace("$ORIGIN", str((unpacked / package.NATIVE_LIBRARY).parent)))
    assert (folder / gomp).is_file(), (rpath, gomp)


# Runs in the target interpreter with nothing but the package on sys.path (-I -S: no site-packages,
# no PYTHONPATH, no user site), as Lambda's /var/task: each model loads, predicts and explains one row.
LAMBDA_SMOKE = """
import json, sys
sys.path.insert(0, sys.argv[1])
import numpy as np
from chalicelib.domain.scoring_models import MODEL_NAMES
from chalicelib.scoring import model, native

registry = model.ModelRegistry(model.PACKAGED_DIR)
out = {"library": str(registry.runtime().path), "models": {}}
for name in MODEL_NAMES:
    loaded = registry.get(name)
    x = np.zeros((1, len(loaded.feature_names)), dtype=np.float32)
    x[0, 1] = np.nan
    out["models"][name] = {"predict": list(loaded.predict(x).shape), "contributions": list(loaded.contributions(x).shape),
                           "finite": bool(np.isfinite(loaded.predict(x)).all() and np.isfinite(loaded.contributions(x)).all())}
out["loaded"] = sorted(m for m in ("xgboost", "scipy") if m in sys.modules)
out["outside"] = sorted({m.__file__ for m in list(sys.modules.values())
                         if getattr(m, "__file__", None) and "site-packages" in m.__file__})
print(json.dumps(out))
"""


@pytest.mark.packaging
def test_scoring_runs_from_the_unpacked_package_alone(unpacked):
    python312 = package.find_python312()
    env = {"PATH": os.defpath, "LANG": "C.UTF-8"}  # no WH_XGBOOST_LIB, no PYTHONPATH, no venv
    result = subprocess.run(
        [python312, "-I", "-S", "-c", LAMBDA_SMOKE, str(unpacked)],
        cwd=unpacked,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["library"] == str(unpacked / package.NATIVE_LIBRARY)
    assert out["loaded"] == [] and out["outside"] == []
    assert set(out["models"]) == {"churn", "service_demand", "station_demand", "labour_risk"}
    for name, shapes in out["models"].items():
        card = json.loads((ROOT / "chalicelib" / "models" / name / "card.json").read_text())
        features, outputs = len(card["feature_names"]), len(card.get("outputs") or [])
        assert shapes["finite"], name
        if outputs:  # multi-label: one column per output
            assert shapes["predict"] == [1, outputs] and shapes["contributions"] == [1, outputs, features + 1]
        else:
            assert shapes["predict"] == [1] and shapes["contributions"] == [1, features + 1], name


# --- the IAM policy files (no packaging) ----------------------------------------------------------


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


def _conditions_hold(condition: dict[str, dict[str, Any]], context: dict[str, list[str]]) -> bool:
    for operator, tests in condition.items():
        if operator != "ForAnyValue:StringEquals":
            return False  # not modelled here: treat as not granted
        for key, expected in tests.items():
            if not set(_as_list(expected)) & set(context.get(key, [])):
                return False
    return True


def allows(policy: dict[str, Any], action: str, resource: str, context: dict[str, list[str]] | None = None) -> bool:
    """Whether an Allow statement of `policy` grants `action` on `resource` (IAM wildcards, no Deny)."""
    for st in policy["Statement"]:
        if (
            st["Effect"] == "Allow"
            and any(fnmatchcase(action.lower(), a.lower()) for a in _as_list(st["Action"]))
            and any(fnmatchcase(resource, r) for r in _as_list(st["Resource"]))
            and _conditions_hold(st.get("Condition", {}), context or {})
        ):
            return True
    return False


def load_policy(stage: str) -> dict[str, Any]:
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    assert config["autogen_policy"] is False
    return json.loads((ROOT / ".chalice" / config["stages"][stage]["iam_policy_file"]).read_text())


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_policy_covers_the_stage_tables_key_and_parameters(stage):
    policy, s = load_policy(stage), stage_settings(stage)
    arn = f"arn:aws:%s:{s.region}:{ACCOUNT}:%s"
    other = "prod" if stage == "dev" else "dev"
    for model, name in table_names(s).items():
        table = arn % ("dynamodb", f"table/{name}")
        for action in TABLE_ACTIONS:
            assert allows(policy, f"dynamodb:{action}", table), (action, name)
        for gsi in model._get_schema()["global_secondary_indexes"]:
            assert allows(policy, "dynamodb:Query", f"{table}/index/{gsi['index_name']}"), gsi
        foreign = arn % ("dynamodb", f"table/{name.replace(f'-{stage}-', f'-{other}-')}")
        assert not allows(policy, "dynamodb:GetItem", foreign), foreign
    assert not allows(policy, "dynamodb:DeleteTable", arn % ("dynamodb", f"table/{s.table('members')}"))

    for param in (s.secrets_param, s.keyring_param):
        assert allows(policy, "ssm:GetParameters", arn % ("ssm", f"parameter{param}")), param
    assert not allows(policy, "ssm:GetParameters", arn % ("ssm", f"parameter/workerhome/{other}/secrets"))

    key = arn % ("kms", "key/1234abcd-12ab-34cd-56ef-1234567890ab")
    assert allows(policy, "kms:Decrypt", key, {"kms:ResourceAliases": [s.kms_key]})
    assert not allows(policy, "kms:Decrypt", key, {"kms:ResourceAliases": [f"alias/workerhome-{other}"]})
    assert allows(policy, "sns:Publish", "*")

    for st in policy["Statement"]:  # "*" only where the service needs it or a condition narrows it
        if "*" in _as_list(st["Resource"]):
            assert st.get("Condition") or _as_list(st["Action"]) == ["sns:Publish"], st["Sid"]


@pytest.mark.packaging
def test_gateway_answers_carry_the_error_shape(sam):
    """API Gateway's own refusals (unknown path, throttling, too large, its 5xx) answer in our shape, on the
    REST API chalice packaged: an unknown path is a 404 `route_not_found`, not a bare 403."""
    api = [name for name, r in sam["Resources"].items() if r["Type"] == "AWS::Serverless::Api"]
    answers = {
        r["Properties"]["ResponseType"]: r["Properties"] for r in resources_of(sam, "AWS::ApiGateway::GatewayResponse")
    }
    assert {"MISSING_AUTHENTICATION_TOKEN", "THROTTLED", "REQUEST_TOO_LARGE", "DEFAULT_4XX", "DEFAULT_5XX"} <= set(
        answers
    )
    for kind, props in answers.items():
        assert props["RestApiId"] == {"Ref": api[0]}, kind
        shape = json.loads(props["ResponseTemplates"]["application/json"])["error"]
        assert set(shape) == {"code", "message", "details"}, kind
        zh, _, en = shape["message"].partition(" / ")
        assert zh and en, kind
    missing = answers["MISSING_AUTHENTICATION_TOKEN"]
    assert (missing["StatusCode"], json.loads(missing["ResponseTemplates"]["application/json"])["error"]["code"]) == (
        "404",
        "route_not_found",
    )

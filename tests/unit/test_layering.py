"""The layers, checked by walking every module's imports (its AST, nothing is run):

- domain/ imports nothing of ours outside domain/, and neither boto3 nor pynamodb;
- services/ and scoring/ never import a PynamoDB model class, pynamodb, boto3 or botocore, never
  call an AWS client (`.client(...)`) and services never parse stored strings (`fromisoformat`): records, their
  formats and AWS calls stay in store/, whose repositories return domain objects or views;
- imports point down only (api -> services -> domain, store, privacy, scoring; store -> domain);
- scoring/ is a library: it imports no services/.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest
from pynamodb.models import Model

ROOT = Path(__file__).resolve().parents[2]
LIB = ROOT / "chalicelib"
AWS_LIBS = ("boto3", "botocore", "pynamodb")


def modules(package: str) -> list[Path]:
    return sorted((LIB / package).rglob("*.py"))


def imports_of(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) for every import in the file; relative imports are not used here."""
    found: list[tuple[str, list[str]]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.extend((alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, [alias.name for alias in node.names]))
    return found


def is_record_class(module: str, name: str) -> bool:
    if not module.startswith("chalicelib.store"):
        return False
    found = getattr(importlib.import_module(module), name, None)
    return inspect.isclass(found) and issubclass(found, Model)


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", modules("services") + modules("scoring"), ids=rel)
def test_use_cases_and_the_scoring_library_keep_records_and_aws_calls_in_the_store(path: Path):
    wrong = []
    for module, names in imports_of(path):
        if module.split(".")[0] in AWS_LIBS:
            wrong.append(f"imports {module}")
        wrong += [f"imports the record class {module}.{n}" for n in names if is_record_class(module, n)]
    tree = ast.parse(path.read_text())
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)]
    wrong += [f"line {n.lineno}: calls an AWS client" for n in calls if n.func.attr == "client"]
    if path.is_relative_to(LIB / "services"):  # scoring's batch reader decodes Scan pages by design
        wrong += [f"line {n.lineno}: parses a stored string" for n in calls if n.func.attr == "fromisoformat"]
    assert not wrong, f"{rel(path)}: " + "; ".join(wrong)


@pytest.mark.parametrize("path", modules("domain"), ids=rel)
def test_the_domain_imports_nothing_of_ours_but_the_domain(path: Path):
    wrong = [
        m
        for m, _ in imports_of(path)
        if m.split(".")[0] in AWS_LIBS or (m.startswith("chalicelib.") and not m.startswith("chalicelib.domain"))
    ]
    assert not wrong, f"{rel(path)} imports {wrong}"


DOWN = {
    "store": (
        "chalicelib.domain",
        "chalicelib.privacy",
        "chalicelib.settings",
        "chalicelib.runtime",
        "chalicelib.store",
    ),
    "scoring": (
        "chalicelib.domain",
        "chalicelib.scoring",
        "chalicelib.settings",
        "chalicelib.runtime",
        "chalicelib.models",
        "chalicelib.privacy",
    ),
}


@pytest.mark.parametrize("package", sorted(DOWN))
def test_imports_point_down(package: str):
    wrong = [
        f"{rel(p)} imports {m}"
        for p in modules(package)
        for m, _ in imports_of(p)
        if m.startswith("chalicelib.") and not m.startswith(DOWN[package])
    ]
    assert not wrong, "\n".join(wrong)

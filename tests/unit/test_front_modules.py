"""The front ends have no build step, so nothing but the browser checks their imports: this test does,
statically. Every `import { a, b } from "..."` in miniapp/ names a module that exists and that exports
each name; and no module is left that nothing imports (a copy that slipped out of use)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

MINIAPP = Path(__file__).resolve().parents[2] / "miniapp"
FRONT_ENDS = ("app", "admin", "shared")
MODULES = sorted(p for end in FRONT_ENDS for p in (MINIAPP / end).rglob("*.js"))
IMPORT = re.compile(
    r'^import\s*(?:\{([^}]*)\}\s*from\s*|\*\s*as\s+\w+\s+from\s*)?"([^"]+)"|import\(\s*"([^"]+)"\s*\)', re.M
)
EXPORT = re.compile(r"^export\s+(?:async\s+)?(?:function|const|let|class)\s+(\w+)", re.M)
ENTRY_POINTS = {"app/main.js", "admin/main.js"}


def resolve(importer: Path, spec: str) -> Path:
    return MINIAPP / spec.lstrip("/") if spec.startswith("/") else (importer.parent / spec).resolve()


def imports(module: Path) -> list[tuple[Path, list[str]]]:
    found = []
    for names, spec, dynamic in IMPORT.findall(module.read_text(encoding="utf-8")):
        wanted = [n.split(" as ")[0].strip() for n in names.split(",") if n.strip()]
        found.append((resolve(module, spec or dynamic), wanted))
    return found


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(MINIAPP)))
def test_every_imported_name_is_exported_by_its_module(module: Path):
    for target, names in imports(module):
        assert target.is_file(), f"{module.name} imports {target}, which does not exist"
        exported = set(EXPORT.findall(target.read_text(encoding="utf-8")))
        missing = [n for n in names if n not in exported]
        assert not missing, f"{module.relative_to(MINIAPP)} imports {missing} from {target.relative_to(MINIAPP)}"


def test_every_module_is_used():
    used = {target for module in MODULES for target, _ in imports(module)}
    unused = [
        str(m.relative_to(MINIAPP))
        for m in MODULES
        if m not in used and str(m.relative_to(MINIAPP)) not in ENTRY_POINTS
    ]
    assert not unused, f"modules nothing imports: {unused}"


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(MINIAPP)))
def test_every_imported_name_is_used(module: Path):
    source = module.read_text(encoding="utf-8")
    body = IMPORT.sub("", source)
    unused = [
        n for _, names in imports(module) for n in names if not re.search(rf"(?<![\w$]){re.escape(n)}(?![\w$])", body)
    ]
    assert not unused, f"{module.relative_to(MINIAPP)} imports {unused} and never uses them"


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(MINIAPP)))
def test_every_module_parses_as_an_es_module(module: Path, tmp_path: Path) -> None:
    """A syntax error (a brace lost in a merge) stops the whole screen in the browser: Node's parser checks
    each module as an ES module (Node comes with the front-end packages: `make miniapp-deps`)."""
    import shutil
    import subprocess

    node = shutil.which("node") or shutil.which("nodejs")
    assert node, "node is missing: `make miniapp-deps` installs it"
    copy = tmp_path / (module.stem + ".mjs")
    copy.write_text(module.read_text(encoding="utf-8"), encoding="utf-8")
    checked = subprocess.run([node, "--check", str(copy)], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr

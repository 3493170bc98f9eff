"""Build the deployment package of a stage: `chalice package` from Python 3.12, checked by cfn-lint.

    python -m infra.package --stage prod --out build/package      (what `make package` runs)

Steps, each a function the tests call too:
1. find a Python 3.12 interpreter (Lambda's python3.12 runtime: chalice picks the target runtime
   from the interpreter it runs in, and the current wheels need the AL2023 runtimes);
2. make `.venv-pkg` with it and install chalice plus requirements.txt (chalice imports app.py),
   skipped when the stamp for the current requirements.txt is there;
3. vendor XGBoost's C library: `pip download` the xgboost-cpu wheel pinned in requirements-ml.txt
   for python3.12 manylinux_2_28_x86_64 and copy only its shared libraries into vendor/ (chalice
   copies vendor/'s contents to the package root), keeping the wheel's layout so the library's
   RPATH ($ORIGIN/../../xgboost_cpu.libs) finds its libgomp; checked by loading it with -I -S;
   skipped when vendor/ already holds that wheel's libraries. Scoring loads it through ctypes
   (chalicelib/scoring/native.py): the xgboost Python package would bring scipy, too big for Lambda;
4. write the merge template (`python -m infra.template`) for the stage;
5. `chalice package --stage <stage> --merge-template ...` with WH_STAGE=<stage>, so the app is
   imported as the target stage (no dev-only routes, the stage's table names). Chalice prints
   "Could not install dependencies" and still exits 0 when a wheel is missing: that is a failure;
6. cfn-lint on the generated sam.json;
7. sizes: deployment.zip zipped and unpacked against Lambda's 250 MB limit -> <out>/sizes.json.

Exit codes: 0 packaged, 1 packaging or lint failed, 3 no Python 3.12 interpreter.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PKG_VENV = ROOT / ".venv-pkg"
REQUIREMENTS = ROOT / "requirements.txt"
ML_REQUIREMENTS = ROOT / "requirements-ml.txt"  # pins xgboost-cpu (the wheel the C library comes from)
VENDOR = ROOT / "vendor"  # generated; chalice copies its contents to the package root
WHEEL_PLATFORM = "manylinux_2_28_x86_64"
# wheel member prefix -> where it goes under vendor/. The library keeps its RPATH
# ($ORIGIN/../../xgboost_cpu.libs): xgboost_native/lib/ is two levels below the package root, like
# xgboost/lib/ in the wheel. Not named xgboost/: that would be an importable namespace package.
NATIVE_LAYOUT = {"xgboost/lib/": "xgboost_native/lib/", "xgboost_cpu.libs/": "xgboost_cpu.libs/"}
NATIVE_LIBRARY = "xgboost_native/lib/libxgboost.so"
NATIVE_STAMP = "xgboost_native/SOURCE.json"
CHALICE_REQUIREMENT = "chalice==1.34.0"
TARGET_VERSION = (3, 12)
STAGES = ("dev", "prod")  # local/test are never packaged: they carry dev-only routes
DEFAULT_REGION = "ap-east-1"
LAMBDA_UNZIPPED_LIMIT = 262_144_000  # 250 MB (MiB, as AWS counts it): function + layers, unzipped
MB = 1024 * 1024
MISSING_DEPS_MARKER = "Could not install dependencies"

# cfn-lint rules ignored on purpose, each with the reason. Keep this empty unless a finding comes
# from what chalice generates and cannot be changed from the merge template or the config.
IGNORED_LINT_RULES: dict[str, str] = {}

Log = Callable[[str], None]


class PackagingError(RuntimeError):
    """A step failed; `code` is the process exit code."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


# 1. the interpreter ---------------------------------------------------------------------------


def python_version(executable: str) -> tuple[int, int] | None:
    """(major, minor) of an interpreter, or None if it does not run."""
    try:
        out = subprocess.run(
            [executable, "-c", "import sys; print(*sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout.split()
        return int(out[0]), int(out[1])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None


def candidate_interpreters(env: Mapping[str, str] | None = None) -> list[str]:
    """Where a Python 3.12 may be, in order: $PY312, pyenv's versions, python3.12 on PATH."""
    env = os.environ if env is None else env
    found = [env["PY312"]] if env.get("PY312") else []
    home = env.get("HOME") or str(Path.home())
    found += sorted(glob.glob(os.path.join(home, ".pyenv/versions/3.12*/bin/python3.12")), reverse=True)
    on_path = shutil.which("python3.12", path=env.get("PATH"))
    if on_path:
        found.append(on_path)
    return found


def find_python312(env: Mapping[str, str] | None = None) -> str | None:
    """The first candidate that really runs as Python 3.12 (a pyenv shim may exist and not run)."""
    for candidate in candidate_interpreters(env):
        if python_version(candidate) == TARGET_VERSION:
            return candidate
    return None


# 2. the packaging venv ------------------------------------------------------------------------


def requirements_stamp(requirements: Path = REQUIREMENTS) -> str:
    digest = hashlib.sha1(requirements.read_bytes() + CHALICE_REQUIREMENT.encode()).hexdigest()[:12]
    return f".installed-{digest}"


def _run_logged(cmd: list[str], log: Log, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        tail = (result.stdout + result.stderr).strip().splitlines()[-40:]
        for line in tail:
            log(line)
        raise PackagingError(f"command failed ({result.returncode}): {' '.join(cmd)}")
    return result


def ensure_pkg_venv(
    python312: str, venv: Path = PKG_VENV, requirements: Path = REQUIREMENTS, log: Log = _stderr
) -> Path:
    """`venv` made with python312, with chalice and the app's runtime dependencies installed."""
    venv_python = venv / "bin" / "python"
    if venv_python.exists() and python_version(str(venv_python)) != TARGET_VERSION:
        log(f"{venv} is not a Python 3.12 venv: recreating it")
        shutil.rmtree(venv)
    if not venv_python.exists():
        log(f"creating {venv} with {python312}")
        _run_logged([python312, "-m", "venv", str(venv)], log)
    stamp = venv / requirements_stamp(requirements)
    if stamp.exists():
        return venv
    log(f"installing {CHALICE_REQUIREMENT} and -r {requirements.name} into {venv}")
    _run_logged(
        [
            str(venv_python),
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "-q",
            CHALICE_REQUIREMENT,
            "-r",
            str(requirements),
        ],
        log,
    )
    for old in venv.glob(".installed-*"):
        old.unlink()
    stamp.touch()
    return venv


# 3. XGBoost's C library into vendor/ ----------------------------------------------------------


def xgboost_requirement(requirements: Path = ML_REQUIREMENTS) -> str:
    """The pinned `xgboost-cpu==X.Y.Z` line of requirements-ml.txt (one pin for dev and Lambda)."""
    match = re.search(r"^xgboost-cpu==[\w.]+", requirements.read_text(), re.MULTILINE)
    if not match:
        raise PackagingError(f"no xgboost-cpu==<version> pin in {requirements.name}")
    return match.group(0)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _vendored_stamp(vendor: Path) -> dict[str, Any] | None:
    stamp = vendor / NATIVE_STAMP
    try:
        recorded = json.loads(stamp.read_text())
        if all(_sha256(vendor / rel) == digest for rel, digest in recorded["files"].items()):
            return recorded
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def extract_native_libraries(wheel: Path, vendor: Path) -> dict[str, str]:
    """Copy the wheel's shared libraries into `vendor` under NATIVE_LAYOUT; {vendor path: sha256}."""
    files: dict[str, str] = {}
    with zipfile.ZipFile(wheel) as zf:
        for info in zf.infolist():
            prefix = next((p for p in NATIVE_LAYOUT if info.filename.startswith(p)), None)
            name = info.filename.rsplit("/", 1)[-1]
            if prefix is None or info.is_dir() or ".so" not in name:
                continue
            rel = NATIVE_LAYOUT[prefix] + info.filename[len(prefix) :]
            target = vendor / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(zf.read(info))
            target.chmod(0o755)
            files[rel] = _sha256(target)
    if NATIVE_LIBRARY not in files:
        raise PackagingError(f"{wheel.name} holds no xgboost/lib/libxgboost.so")
    return files


def check_native_library(python: str, vendor: Path, log: Log = _stderr) -> None:
    """Load the vendored library with the target interpreter, isolated (-I -S): its libgomp must
    resolve from the vendored layout alone."""
    probe = "import ctypes, sys; ctypes.CDLL(sys.argv[1]).XGBoosterCreate"
    _run_logged([python, "-I", "-S", "-c", probe, str(vendor / NATIVE_LIBRARY)], log, env={"PATH": os.defpath})


def vendor_native_library(python: str, vendor: Path = VENDOR, log: Log = _stderr) -> Path:
    """XGBoost's shared libraries from the pinned xgboost-cpu wheel, into `vendor`; returns the library."""
    requirement = xgboost_requirement()
    recorded = _vendored_stamp(vendor)
    if recorded is None or recorded.get("requirement") != requirement or recorded.get("platform") != WHEEL_PLATFORM:
        for folder in {rel.split("/", 1)[0] for rel in NATIVE_LAYOUT.values()}:
            shutil.rmtree(vendor / folder, ignore_errors=True)
        log(f"vendoring the C library of {requirement} ({WHEEL_PLATFORM}) into {vendor}")
        with tempfile.TemporaryDirectory() as tmp:
            _run_logged(
                [
                    python,
                    "-m",
                    "pip",
                    "download",
                    "--disable-pip-version-check",
                    "-q",
                    "--no-deps",
                    "--only-binary=:all:",
                    "--platform",
                    WHEEL_PLATFORM,
                    "--python-version",
                    ".".join(map(str, TARGET_VERSION)),
                    requirement,
                    "-d",
                    tmp,
                ],
                log,
            )
            [wheel] = Path(tmp).glob("*.whl")
            files = extract_native_libraries(wheel, vendor)
            (vendor / NATIVE_STAMP).write_text(
                json.dumps(
                    {"requirement": requirement, "platform": WHEEL_PLATFORM, "wheel": wheel.name, "files": files},
                    indent=2,
                )
                + "\n"
            )
    check_native_library(python, vendor, log)
    return vendor / NATIVE_LIBRARY


# 4. the merge template ------------------------------------------------------------------------


def stage_environment(stage: str, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment to import the app as `stage` on AWS: WH_STAGE set, every other WH_*
    override dropped (endpoint, table prefix, parameter names all derive from the stage)."""
    env = {
        k: v
        for k, v in (os.environ if base is None else base).items()
        if not k.startswith("WH_") and k not in ("VIRTUAL_ENV", "PYTHONHOME")
    }
    env["WH_STAGE"] = stage
    env.setdefault("AWS_DEFAULT_REGION", DEFAULT_REGION)
    return env


def write_merge_template(stage: str, path: Path, log: Log = _stderr) -> dict[str, Any]:
    """`python -m infra.template` for `stage`, written to `path`; returns the template."""
    result = _run_logged([sys.executable, "-m", "infra.template"], log, cwd=ROOT, env=stage_environment(stage))
    template = json.loads(result.stdout)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(template, indent=2, ensure_ascii=False) + "\n")
    return template


# 5. chalice package ---------------------------------------------------------------------------


def chalice_package(venv: Path, stage: str, merge_template: Path, out: Path, log: Log = _stderr) -> str:
    """Run `chalice package`, echoing its output; returns the output. Fails when chalice fails or
    drops dependencies it could not install (it exits 0 then)."""
    for stale in ("sam.json", "deployment.zip", "sizes.json"):
        (out / stale).unlink(missing_ok=True)
    cmd = [
        str(venv / "bin" / "chalice"),
        "--project-dir",
        str(ROOT),
        "package",
        "--stage",
        stage,
        "--merge-template",
        str(merge_template),
        str(out),
    ]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=stage_environment(stage), text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    assert proc.stdout is not None
    lines = []
    for line in proc.stdout:
        lines.append(line)
        log(line.rstrip("\n"))
    code = proc.wait()
    output = "".join(lines)
    check_chalice_output(output, code)
    if not (out / "sam.json").exists() or not (out / "deployment.zip").exists():
        raise PackagingError(f"chalice package left no sam.json/deployment.zip in {out}")
    return output


def check_chalice_output(output: str, returncode: int) -> None:
    if returncode != 0:
        raise PackagingError(f"chalice package exited with {returncode}")
    if MISSING_DEPS_MARKER in output:
        tail = output[output.index(MISSING_DEPS_MARKER) :].splitlines()[:2]  # the names follow on the next line
        raise PackagingError(
            f"chalice dropped dependencies ({' '.join(t.strip() for t in tail)}): the package cannot run. "
            "Are the wheels available for python3.12 manylinux x86_64?"
        )


# 6. cfn-lint ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LintFinding:
    rule: str
    level: str  # Error, Warning, Informational
    message: str
    where: str

    def __str__(self) -> str:
        return f"{self.level} {self.rule} {self.where}: {self.message}"


def cfn_lint_executable() -> str:
    beside = Path(sys.executable).parent / "cfn-lint"
    found = str(beside) if beside.exists() else shutil.which("cfn-lint")
    if not found:
        raise PackagingError("cfn-lint is not installed: run `make venv` (it is in requirements-dev.txt)")
    return found


def run_cfn_lint(template: Path, region: str = DEFAULT_REGION) -> list[LintFinding]:
    """Every cfn-lint finding on `template`, except the rules in IGNORED_LINT_RULES."""
    cmd = [cfn_lint_executable(), "--format", "json", "--regions", region]
    if IGNORED_LINT_RULES:
        cmd += ["--ignore-checks", *IGNORED_LINT_RULES]
    result = subprocess.run([*cmd, "--", str(template)], capture_output=True, text=True)
    try:
        raw = json.loads(result.stdout or "[]")
    except json.JSONDecodeError as err:
        raise PackagingError(f"cfn-lint failed ({result.returncode}): {result.stdout}{result.stderr}") from err
    return [
        LintFinding(
            rule=f["Rule"]["Id"],
            level=f["Level"],
            message=f["Message"],
            where="/".join(str(p) for p in f.get("Location", {}).get("Path") or []),
        )
        for f in raw
    ]


def check_lint(findings: list[LintFinding], log: Log = _stderr) -> None:
    """Errors and warnings fail the package; informational findings are only shown."""
    for finding in findings:
        log(f"cfn-lint: {finding}")
    blocking = [f for f in findings if f.level in ("Error", "Warning")]
    if blocking:
        raise PackagingError(f"cfn-lint: {len(blocking)} error(s)/warning(s) in sam.json")


# 7. sizes -------------------------------------------------------------------------------------

# the parts of the package worth naming in the sizes, by top-level folder
SIZE_PARTS = {"numpy_bytes": ("numpy", "numpy.libs"), "xgboost_native_bytes": ("xgboost_native", "xgboost_cpu.libs")}


def measure(zip_path: Path) -> dict[str, int]:
    """Zipped and unpacked bytes, the limit, and the unpacked bytes of numpy and of XGBoost's C library."""
    with zipfile.ZipFile(zip_path) as zf:
        infos = zf.infolist()
    sizes = {
        "zipped_bytes": zip_path.stat().st_size,
        "unpacked_bytes": sum(i.file_size for i in infos),
        "limit_bytes": LAMBDA_UNZIPPED_LIMIT,
    }
    for key, folders in SIZE_PARTS.items():
        sizes[key] = sum(i.file_size for i in infos if i.filename.split("/", 1)[0] in folders)
    return sizes


def write_sizes(out: Path, sizes: dict[str, int]) -> Path:
    path = out / "sizes.json"
    path.write_text(json.dumps(sizes, indent=2) + "\n")
    return path


def summary(sizes: dict[str, int], template: dict[str, Any], seconds: float) -> str:
    ratio = sizes["unpacked_bytes"] / sizes["limit_bytes"]
    return "\n".join(
        [
            f"deployment.zip  {sizes['zipped_bytes'] / MB:8.1f} MB zipped",
            f"unpacked        {sizes['unpacked_bytes'] / MB:8.1f} MB of the {sizes['limit_bytes'] / MB:.0f} MB "
            f"Lambda limit ({ratio:.1%})",
            f"  numpy         {sizes.get('numpy_bytes', 0) / MB:8.1f} MB, XGBoost C library + libgomp "
            f"{sizes.get('xgboost_native_bytes', 0) / MB:.1f} MB",
            f"resources       {len(template.get('Resources', {})):8d} in sam.json",
            f"took            {seconds:8.1f} s",
        ]
    )


# the whole flow -------------------------------------------------------------------------------


def build(stage: str, out: Path, *, region: str = DEFAULT_REGION, log: Log = _stderr) -> dict[str, int]:
    """Package `stage` into `out`; returns the sizes (also written to <out>/sizes.json)."""
    if stage not in STAGES:
        raise PackagingError(f"stage must be one of {STAGES}, got {stage!r}")
    started = time.monotonic()
    python312 = find_python312()
    if python312 is None:
        raise PackagingError(
            "no Python 3.12 interpreter found (tried $PY312, ~/.pyenv/versions/3.12*/bin/"
            "python3.12, python3.12 on PATH): chalice must run from Lambda's python3.12 "
            "runtime version to pick the right wheels",
            code=3,
        )
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    venv = ensure_pkg_venv(python312, log=log)
    vendor_native_library(str(venv / "bin" / "python"), log=log)
    merge = out.parent / f"merge-{stage}.json"
    write_merge_template(stage, merge, log=log)
    chalice_package(venv, stage, merge, out, log=log)
    sam = out / "sam.json"
    check_lint(run_cfn_lint(sam, region), log=log)
    sizes = measure(out / "deployment.zip")
    if sizes["unpacked_bytes"] >= LAMBDA_UNZIPPED_LIMIT:
        raise PackagingError(f"unpacked package is {sizes['unpacked_bytes'] / MB:.1f} MB, over Lambda's 250 MB")
    write_sizes(out, sizes)
    log(summary(sizes, json.loads(sam.read_text()), time.monotonic() - started))
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.package", description=__doc__.splitlines()[0])
    parser.add_argument("--stage", choices=STAGES, default="prod")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "package")
    parser.add_argument("--region", default=DEFAULT_REGION, help="region cfn-lint checks against")
    args = parser.parse_args(argv)
    try:
        build(args.stage, args.out, region=args.region)
    except PackagingError as err:
        _stderr(f"package: {err}")
        return err.code
    return 0


if __name__ == "__main__":
    sys.exit(main())

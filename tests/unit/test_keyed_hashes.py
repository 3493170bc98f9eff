"""Any hash of a phone or other personal value is keyed (HMAC with a secret: privacy.crypto.BlindIndex, the
OTP pepper), never a bare hash, which anyone can reverse for an 11-digit phone by trying them all. This walks
every module we deploy or run and lists each bare hashlib call: each one hashes something that is not
personal, and says what."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ALGORITHMS = {"md5", "sha1", "sha224", "sha256", "sha384", "sha512", "blake2b", "blake2s", "new"}
NOT_PERSONAL = {
    "chalicelib/scoring/model.py": "the digest of a model artifact file",
    "chalicelib/scoring/feature_names.py": "the digest of the feature names",
    "chalicelib/services/auth.py": "a refresh token: 256 random bits, nothing to guess",
    "devstack/static.py": "an ETag of a static file's time and size",
    "infra/package.py": "digests of the packaged files",
}


def bare_hashes(path: Path) -> list[int]:
    """Lines of `hashlib.X(...)` calls (hmac.new(key, msg, hashlib.sha256) passes it, does not call it)."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text())):
        f = node.func if isinstance(node, ast.Call) else None
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == "hashlib":
            if f.attr in ALGORITHMS:
                lines.append(node.lineno)
    return lines


SOURCES = sorted(p for d in ("chalicelib", "devstack", "infra", "scripts") for p in (ROOT / d).rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_bare_hash_is_of_something_not_personal(path: Path):
    rel = str(path.relative_to(ROOT))
    if bare_hashes(path):
        assert rel in NOT_PERSONAL, f"{rel}:{bare_hashes(path)} hashes without a key: use BlindIndex (HMAC)"


def test_the_list_of_bare_hashes_is_not_stale():
    assert all(bare_hashes(ROOT / rel) for rel in NOT_PERSONAL)

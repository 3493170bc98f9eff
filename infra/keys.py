"""Rotate a stage's keys, and retire the old ones once nothing needs them:

    python -m infra.keys rotate --stage prod     # make rotate-keys STAGE=prod
    python -m infra.keys retire --stage prod --job kr_...   # make retire-keys STAGE=prod JOB=kr_...

`rotate` adds a new KMS-wrapped data key to the keyring parameter and makes it current, and adds a new
blind-index key to the secrets parameter and makes it current (the previous ones stay: old records keep
opening, and look-ups try the previous blind-index key until the job has rewritten every index). Every
container reads the new keys within `keys_refresh_seconds`. Then start the re-encryption job
(POST /v1/admin/keys/rotations). `retire` drops every key but the current ones, and refuses unless
that job is done, re-sealed under the current data key, and left nothing behind; and until the
idempotency records sealed before it have expired. The Lambda functions can read these parameters but
not write them: only this command changes keys. It prints key ids, never a key.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
from datetime import timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chalicelib.runtime import Runtime


class RetireRefused(Exception):
    """The old keys may still be needed."""


def _next_id(prefix: str, ids: Any) -> str:
    numbers = [int(i.rsplit("-", 1)[1]) for i in ids if i.startswith(prefix) and i.rsplit("-", 1)[1].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1}"


def _read(rt: Runtime) -> tuple[dict[str, Any], dict[str, Any]]:
    s = rt.settings
    found = rt.client("ssm").get_parameters(Names=[s.secrets_param, s.keyring_param], WithDecryption=True)
    by_name = {p["Name"]: json.loads(p["Value"]) for p in found["Parameters"]}
    secrets, ring = by_name[s.secrets_param], by_name[s.keyring_param]
    if "blind_index" not in secrets:  # a stage provisioned before the blind-index key had versions
        secrets["blind_index"] = {"current": "bi-1", "keys": {"bi-1": secrets.pop("blind_index_key")}}
    return secrets, ring


def _write(rt: Runtime, secrets: dict[str, Any], ring: dict[str, Any]) -> None:
    s, ssm = rt.settings, rt.client("ssm")
    ssm.put_parameter(Name=s.keyring_param, Type="String", Value=json.dumps(ring), Overwrite=True)
    ssm.put_parameter(
        Name=s.secrets_param, Type="SecureString", KeyId=s.kms_key, Value=json.dumps(secrets), Overwrite=True
    )


def rotate(rt: Runtime) -> dict[str, str]:
    """A new current data key and blind-index key; the old ones are kept. Returns the new ids."""
    secrets, ring = _read(rt)
    wrapped = rt.client("kms").generate_data_key(KeyId=rt.settings.kms_key, KeySpec="AES_256")["CiphertextBlob"]
    data_kid = _next_id("dk-", ring["keys"])
    ring["keys"][data_kid] = base64.b64encode(wrapped).decode()
    ring["current"] = data_kid
    index = secrets["blind_index"]
    index_kid = _next_id("bi-", index["keys"])
    index["keys"][index_kid] = base64.b64encode(os.urandom(32)).decode()
    index["current"] = index_kid
    _write(rt, secrets, ring)
    return {"data_key": data_kid, "blind_index_key": index_kid}


def retire(rt: Runtime, rotation_id: str) -> list[str]:
    """Drop every key but the current ones, if job `rotation_id` shows nothing needs them. Returns the ids."""
    from chalicelib.store import key_rotation as jobs

    secrets, ring = _read(rt)
    job = jobs.get(rotation_id)
    if job is None or job.status != "done" or job.finished_at is None:
        raise RetireRefused(f"job {rotation_id} has not finished")
    if job.data_kid != ring["current"]:
        raise RetireRefused(f"job {rotation_id} re-sealed under {job.data_kid}, the current key is {ring['current']}")
    left = job.totals()["left"]
    if left:
        raise RetireRefused(f"job {rotation_id} left {left} records under old keys: start another job")
    expired = job.created_at + timedelta(seconds=rt.settings.idempotency_ttl)
    if rt.clock.now() < expired:
        raise RetireRefused(f"idempotency records sealed under old keys live until {expired:%Y-%m-%d %H:%M} UTC")
    index = secrets["blind_index"]
    retired = [k for k in ring["keys"] if k != ring["current"]] + [k for k in index["keys"] if k != index["current"]]
    ring["keys"] = {ring["current"]: ring["keys"][ring["current"]]}
    index["keys"] = {index["current"]: index["keys"][index["current"]]}
    _write(rt, secrets, ring)
    return retired


def main(argv: list[str] | None = None) -> int:
    from infra.secrets import STAGES, stage_environment

    parser = argparse.ArgumentParser(prog="python -m infra.keys", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("rotate", "retire"))
    parser.add_argument("--stage", choices=STAGES, required=True)
    parser.add_argument("--job", help="retire: the finished re-encryption job")
    args = parser.parse_args(argv)
    target = stage_environment(args.stage)
    os.environ.clear()
    os.environ.update(target)  # the models read the stage at import
    from chalicelib.runtime import Runtime
    from chalicelib.settings import load_settings

    rt = Runtime(load_settings(target))
    if args.command == "rotate":
        ids = rotate(rt)
        print(f"current data key {ids['data_key']}, blind-index key {ids['blind_index_key']}; every function")
        print(f"uses them within {rt.settings.keys_refresh_seconds} s. Now: POST /v1/admin/keys/rotations")
        return 0
    try:
        retired = retire(rt, args.job or "")
    except RetireRefused as why:
        print(f"retire-keys: refused: {why}", file=sys.stderr)
        return 1
    print(f"retired {', '.join(retired) or 'nothing'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

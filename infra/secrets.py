"""Write a stage's secrets once, after its first deploy:  python -m infra.secrets --stage prod

CloudFormation creates the tables and the KMS key (alias/workerhome-<stage>) but cannot create
SecureString parameters, so this writes them with infra.provision.ensure_secrets: the JWT signing
keys, the blind-index key and the OTP pepper (SecureString /workerhome/<stage>/secrets) and a first
KMS-wrapped data key (/workerhome/<stage>/keyring). Parameters that already exist are left alone,
so running it again is harmless. It prints parameter names only, never a value.

Uses the usual AWS credentials and region (AWS_PROFILE, AWS_REGION...); WH_REGION and
WH_AWS_ENDPOINT are honoured (the latter to try it against a moto server).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chalicelib.runtime import Runtime
    from chalicelib.settings import Settings

STAGES = ("dev", "prod")
KEPT_WH_VARIABLES = ("WH_REGION", "WH_AWS_ENDPOINT")


def stage_environment(stage: str, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """`base` with WH_STAGE=stage and no WH_* name overrides: names derive from the stage, as on Lambda."""
    env = {
        k: v
        for k, v in (os.environ if base is None else base).items()
        if not k.startswith("WH_") or k in KEPT_WH_VARIABLES
    }
    env["WH_STAGE"] = stage
    return env


def stage_settings(stage: str, base: Mapping[str, str] | None = None) -> Settings:
    from chalicelib.settings import load_settings

    return load_settings(stage_environment(stage, base))


def existing_parameters(rt: Runtime) -> set[str]:
    s = rt.settings
    found = rt.client("ssm").get_parameters(Names=[s.secrets_param, s.keyring_param])["Parameters"]
    return {p["Name"] for p in found}


def write_secrets(rt: Runtime) -> list[str]:
    """ensure_secrets, returning the names of the parameters it created (empty when all existed)."""
    from infra.provision import ensure_secrets

    before = existing_parameters(rt)
    ensure_secrets(rt)
    return sorted(existing_parameters(rt) - before)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.secrets", description=__doc__.splitlines()[0])
    parser.add_argument("--stage", choices=STAGES, required=True)
    args = parser.parse_args(argv)
    # PynamoDB models read the stage at import: make this process the target stage before importing them.
    target = stage_environment(args.stage)
    os.environ.clear()
    os.environ.update(target)
    from botocore.exceptions import BotoCoreError, ClientError

    from chalicelib.runtime import Runtime

    settings = stage_settings(args.stage)
    rt = Runtime(settings)
    try:
        created = write_secrets(rt)
    except (BotoCoreError, ClientError) as err:
        print(f"secrets: {err}", file=sys.stderr)
        print(
            f"secrets: is the stack deployed (KMS alias {settings.kms_key}) and are AWS credentials set "
            f"for region {settings.region}?",
            file=sys.stderr,
        )
        return 1
    for name in (settings.secrets_param, settings.keyring_param):
        state = "created" if name in created else "already present, left unchanged"
        print(f"{name}: {state}")
    if settings.keyring_param in created:
        print(f"first data key dk-1 generated under {settings.kms_key} (stored wrapped)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Create every table, key and parameter of a stage through the AWS APIs.

The local stack and the test suite run this against moto; `make secrets STAGE=prod` runs
`ensure_secrets` once against AWS after the first deploy (CloudFormation creates the tables
and the key, but cannot create SecureString parameters).
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

from chalicelib.runtime import Runtime
from chalicelib.store.exports import KEPT_DAYS
from chalicelib.store.registry import ALL_MODELS, ttl_attribute
from infra import queues


def create_tables() -> None:
    for model in ALL_MODELS:
        if not model.exists():
            model.create_table(wait=True, billing_mode="PAY_PER_REQUEST")


def enable_ttls(rt: Runtime) -> None:
    """Turn on DynamoDB's TTL for every table whose model has a TTL attribute, as the template does
    (docs/security.md, Retention)."""
    ddb = rt.client("dynamodb")
    for model in ALL_MODELS:
        attribute = ttl_attribute(model)
        if attribute is None:
            continue
        name = model.Meta.table_name
        status = ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]["TimeToLiveStatus"]
        if status != "ENABLED":
            ddb.update_time_to_live(
                TableName=name, TimeToLiveSpecification={"AttributeName": attribute, "Enabled": True}
            )


def ensure_kms_key(rt: Runtime) -> str:
    kms = rt.client("kms")
    alias = rt.settings.kms_key
    try:
        return kms.describe_key(KeyId=alias)["KeyMetadata"]["KeyId"]
    except kms.exceptions.NotFoundException:
        key_id = kms.create_key(Description=f"WorkerHome {rt.settings.stage} data keys")["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName=alias, TargetKeyId=key_id)
        return key_id


def ensure_bucket(rt: Runtime, name: str) -> str:
    """A private bucket of the stage (attachments: presigned uploads; scoring: run digests; exports)."""
    s3 = rt.client("s3")
    try:
        s3.head_bucket(Bucket=name)
    except s3.exceptions.ClientError:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": rt.settings.region})
    return name


def ensure_exports_bucket(rt: Runtime) -> str:
    """The exports bucket, with the same one-day lifecycle rule the deployment template gives it."""
    name = ensure_bucket(rt, rt.settings.exports_bucket)
    rt.client("s3").put_bucket_lifecycle_configuration(
        Bucket=name,
        LifecycleConfiguration={"Rules": [exports_lifecycle_rule()]},
    )
    return name


def exports_lifecycle_rule() -> dict[str, Any]:
    """Members' data exports are deleted a day after they were made (the link itself lasts 15 minutes)."""
    return {"ID": "expire-exports", "Status": "Enabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": KEPT_DAYS}}


def _random_b64(size: int = 32) -> str:
    return base64.b64encode(os.urandom(size)).decode()


def ensure_secrets(rt: Runtime) -> None:
    """Write the secrets (JWT signing keys, blind-index key, OTP pepper) and a first data key, once."""
    ssm, kms, s = rt.client("ssm"), rt.client("kms"), rt.settings
    existing = {p["Name"] for p in ssm.get_parameters(Names=[s.secrets_param, s.keyring_param])["Parameters"]}
    if s.secrets_param not in existing:
        secrets: dict[str, Any] = {
            "jwt": {"current": "jwt-1", "keys": {"jwt-1": _random_b64()}},
            "blind_index": {"current": "bi-1", "keys": {"bi-1": _random_b64()}},
            "otp_pepper": _random_b64(),
        }
        ssm.put_parameter(Name=s.secrets_param, Type="SecureString", KeyId=s.kms_key, Value=json.dumps(secrets))
    if s.keyring_param not in existing:
        wrapped = kms.generate_data_key(KeyId=s.kms_key, KeySpec="AES_256")["CiphertextBlob"]
        ring = {"current": "dk-1", "keys": {"dk-1": base64.b64encode(wrapped).decode()}}
        ssm.put_parameter(Name=s.keyring_param, Type="String", Value=json.dumps(ring))


def provision(rt: Runtime) -> None:
    """Everything a stage needs before the first request."""
    create_tables()
    enable_ttls(rt)
    ensure_kms_key(rt)
    ensure_secrets(rt)
    ensure_bucket(rt, rt.settings.attachments_bucket)
    ensure_bucket(rt, rt.settings.scoring_bucket)
    ensure_exports_bucket(rt)
    queues.ensure_queues(rt.client("sqs"), rt.settings)

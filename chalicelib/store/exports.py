"""Members' data exports in S3 (the exports bucket): one zip per export, put under a random key that
names nobody, fetched through a presigned GET that expires in LINK_TTL; the bucket's lifecycle
rule deletes every object KEPT_DAYS later. Round trips: one PutObject; signing is local.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.runtime import runtime

LINK_TTL = 15 * 60
KEPT_DAYS = 1  # the bucket's lifecycle rule (infra) deletes an export this many days after it was made
FILE_NAME = "workerhome-my-data.zip"


@dataclass(frozen=True)
class ExportLink:
    url: str
    expires_at: datetime


def object_key() -> str:
    """A fresh key carrying no member id, name or time: 192 random bits."""
    return f"exports/{secrets.token_urlsafe(24)}.zip"


def put_archive(body: bytes, now: datetime) -> ExportLink:
    """Store the zip (encrypted with the stage's KMS key) and sign a download link valid LINK_TTL from `now`."""
    rt = runtime()
    bucket, key = rt.settings.exports_bucket, object_key()
    s3 = rt.client("s3")
    s3.put_object(
        Bucket=bucket,
        Key=key,
        Body=body,
        ContentType="application/zip",
        ServerSideEncryption="aws:kms",
        SSEKMSKeyId=rt.settings.kms_key,
    )
    url = s3.generate_presigned_url(
        "get_object",
        Params={"Bucket": bucket, "Key": key, "ResponseContentDisposition": f'attachment; filename="{FILE_NAME}"'},
        ExpiresIn=LINK_TTL,
    )
    return ExportLink(url, now + timedelta(seconds=LINK_TTL))

"""Request attachments in S3. Workers upload straight to S3 with a presigned POST whose policy pins
the object key, the declared content type and a content-length-range up to the declared size, so
S3 itself refuses anything else; staff and the worker download through short presigned GETs.
Objects are named by ids only (a file name may carry personal data: it is sealed in the request).
Signing is local: no round trip. Erasure deletes every object under a request's prefix (attached
or only uploaded): one ListObjectsV2 + one DeleteObjects per 1000 objects, idempotent.
"""

from __future__ import annotations

from chalicelib.domain.cases import UploadForm
from chalicelib.runtime import runtime

UPLOAD_TTL = 600
DOWNLOAD_TTL = 300
EXPORT_DOWNLOAD_TTL = 3600  # links inside a data export outlive the export's own 15-minute link
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}


def object_key(request_id: str, attachment_id: str, content_type: str) -> str:
    return f"{request_prefix(request_id)}{attachment_id}.{EXTENSIONS[content_type]}"


def upload_form(key: str, content_type: str, size: int) -> UploadForm:
    """Where and how to upload one file of `content_type` and at most `size` bytes to `key`."""
    rt = runtime()
    post = rt.client("s3").generate_presigned_post(
        rt.settings.attachments_bucket,
        key,
        Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, size]],
        ExpiresIn=UPLOAD_TTL,
    )
    return UploadForm(url=post["url"], fields=post["fields"], expires_in=UPLOAD_TTL)


def download_url(key: str, ttl: int = DOWNLOAD_TTL) -> str:
    """A presigned GET of one attachment, valid `ttl` seconds (a data export's links last longer)."""
    rt = runtime()
    return rt.client("s3").generate_presigned_url(
        "get_object", Params={"Bucket": rt.settings.attachments_bucket, "Key": key}, ExpiresIn=ttl
    )


def request_prefix(request_id: str) -> str:
    return f"requests/{request_id}/"


def erase_objects(request_id: str) -> int:
    """Delete every object of a request (also those uploaded but never recorded); returns how many.
    Safe to repeat: a second call finds nothing left."""
    rt = runtime()
    s3, bucket, erased = rt.client("s3"), rt.settings.attachments_bucket, 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=request_prefix(request_id)):
        keys = [{"Key": o["Key"]} for o in page.get("Contents", [])]
        if keys:
            s3.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})
            erased += len(keys)
    return erased

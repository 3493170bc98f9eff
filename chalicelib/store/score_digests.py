"""Scoring runs' per-segment score digests (chalicelib.scoring.digest) in the stage's scoring bucket."""

from __future__ import annotations

from chalicelib.runtime import runtime


def _key(model: str, run_id: str, total: int, segment: int) -> str:
    return f"digests/{model}/{run_id}/{total}/{segment}.npz"


def load(model: str, run_id: str, total: int, segment: int) -> bytes | None:
    """The digest a run stored for a segment of a `total`-segment Scan; None when there is none. 1 GetObject."""
    rt = runtime()
    s3 = rt.client("s3")
    try:
        reply = s3.get_object(Bucket=rt.settings.scoring_bucket, Key=_key(model, run_id, total, segment))
    except s3.exceptions.NoSuchKey:
        return None
    return bytes(reply["Body"].read())


def save(model: str, run_id: str, total: int, segment: int, blob: bytes) -> None:
    """1 PutObject (a redelivered segment writes the same object again)."""
    rt = runtime()
    rt.client("s3").put_object(Bucket=rt.settings.scoring_bucket, Key=_key(model, run_id, total, segment), Body=blob)

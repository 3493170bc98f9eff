"""One typed settings object, read once from the environment.

Every AWS-facing name (tables, key alias, parameters) is derived here so that the
Lambda code, the deployment template and the local stack agree on them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

STAGES = ("local", "test", "dev", "prod")


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    return int(raw) if raw not in (None, "") else default


@dataclass(frozen=True)
class Settings:
    stage: str = "local"
    region: str = "ap-east-1"
    aws_endpoint: str | None = None  # moto's URL locally; None on AWS
    version: str = "0.1.0"
    table_prefix: str = ""
    kms_key: str = ""  # key id or alias that wraps the data keys
    secrets_param: str = ""  # SecureString: JWT keys, blind-index key, OTP pepper
    keyring_param: str = ""  # String: KMS-wrapped data keys (envelope encryption)
    access_token_ttl: int = 15 * 60
    refresh_token_ttl: int = 30 * 24 * 3600
    otp_ttl: int = 5 * 60
    otp_max_attempts: int = 5
    otp_max_sends: int = 3
    otp_send_window: int = 10 * 60
    otp_phone_max_sends: int = 6  # per phone over all clients, per otp_send_window
    otp_client_max_sends: int = 10  # per client (IP) over all phones, per otp_send_window (*)
    otp_client_max_failures: int = 10  # failed code tries per client, per otp_send_window (*)
    otp_global_max_sends: int = 1000  # every SMS of the stage, per otp_global_window
    otp_global_window: int = 3600
    max_body_bytes: int = 64 * 1024
    idempotency_ttl: int = 24 * 3600
    attachments_bucket: str = ""  # S3 bucket for service-request attachments (presigned POST)
    exports_bucket: str = ""  # S3 bucket for members' data exports (presigned GET, objects expire in a day)
    scoring_queue: str = ""  # SQS: one message per scan segment of a scoring run
    scoring_dlq: str = ""  # SQS: segments that failed scoring_max_receives times
    scoring_max_receives: int = 3  # deliveries of a segment message before it goes to the DLQ
    scoring_segment_members: int = 50_000  # members per segment (the segment count follows the table size)
    scoring_max_segments: int = 1_000
    scoring_min_change: float = 0.02  # a stored score is rewritten when it moves at least this much
    scoring_bucket: str = ""  # S3: each scoring run's per-segment score digests (the next run diffs against them)
    scoring_run_stale_hours: float = 6.0  # an unsettled run older than this no longer blocks a new run of its model
    keys_refresh_seconds: int = 300  # a container re-reads the keyring and blind-index keys this often
    key_rotation_segments: int = 4  # parallel scan segments per table of a re-encryption job

    @property
    def is_local(self) -> bool:
        """The embedded stack and the test suite: dev-only routes (outbox) exist here."""
        return self.stage in ("local", "test")

    def table(self, name: str) -> str:
        return f"{self.table_prefix}{name}"


# (*) In the local stack and the test suite every client is 127.0.0.1 (one "client" logs in every demo
# and test account), so the per-client login limits are opened up there unless set explicitly.
CLIENT_LIMIT_LOCAL = 100_000


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Build settings from environment variables (WH_*)."""
    env = dict(os.environ if env is None else env)
    stage = env.get("WH_STAGE", "local")
    if stage not in STAGES:
        raise ValueError(f"WH_STAGE must be one of {STAGES}, got {stage!r}")
    per_client = CLIENT_LIMIT_LOCAL if stage in ("local", "test") else None
    region = env.get("WH_REGION") or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "ap-east-1"
    return Settings(
        stage=stage,
        region=region,
        aws_endpoint=env.get("WH_AWS_ENDPOINT") or None,
        version=env.get("WH_VERSION", "0.1.0"),
        table_prefix=env.get("WH_TABLE_PREFIX", f"workerhome-{stage}-"),
        kms_key=env.get("WH_KMS_KEY", f"alias/workerhome-{stage}"),
        secrets_param=env.get("WH_SECRETS_PARAM", f"/workerhome/{stage}/secrets"),
        keyring_param=env.get("WH_KEYRING_PARAM", f"/workerhome/{stage}/keyring"),
        access_token_ttl=_int(env, "WH_ACCESS_TOKEN_TTL", 15 * 60),
        refresh_token_ttl=_int(env, "WH_REFRESH_TOKEN_TTL", 30 * 24 * 3600),
        otp_max_sends=_int(env, "WH_OTP_MAX_SENDS", 3),
        otp_phone_max_sends=_int(env, "WH_OTP_PHONE_MAX_SENDS", 6),
        otp_client_max_sends=_int(env, "WH_OTP_CLIENT_MAX_SENDS", per_client or 10),
        otp_client_max_failures=_int(env, "WH_OTP_CLIENT_MAX_FAILURES", per_client or 10),
        otp_global_max_sends=_int(env, "WH_OTP_GLOBAL_MAX_SENDS", 1000),
        otp_global_window=_int(env, "WH_OTP_GLOBAL_WINDOW", 3600),
        attachments_bucket=env.get("WH_ATTACHMENTS_BUCKET", f"workerhome-{stage}-attachments"),
        exports_bucket=env.get("WH_EXPORTS_BUCKET", f"workerhome-{stage}-exports"),
        scoring_queue=env.get("WH_SCORING_QUEUE", f"workerhome-{stage}-scoring-segments"),
        scoring_dlq=env.get("WH_SCORING_DLQ", f"workerhome-{stage}-scoring-segments-dlq"),
        scoring_max_receives=_int(env, "WH_SCORING_MAX_RECEIVES", 3),
        scoring_segment_members=_int(env, "WH_SCORING_SEGMENT_MEMBERS", 50_000),
        scoring_max_segments=_int(env, "WH_SCORING_MAX_SEGMENTS", 1_000),
        scoring_min_change=float(env.get("WH_SCORING_MIN_CHANGE") or 0.02),
        scoring_bucket=env.get("WH_SCORING_BUCKET", f"workerhome-{stage}-scoring"),
        scoring_run_stale_hours=float(env.get("WH_SCORING_RUN_STALE_HOURS") or 6.0),
        keys_refresh_seconds=_int(env, "WH_KEYS_REFRESH_SECONDS", 300),
        key_rotation_segments=_int(env, "WH_KEY_ROTATION_SEGMENTS", 4),
    )


settings = load_settings()

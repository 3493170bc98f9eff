"""What the API writes to its logs: one line per request and one per unhandled error, never personal data.

A request line names the route template (never the URL: no query string, no path values), the
status, the time taken and the caller's member id. An unhandled error is logged by its type and
where it happened (file, line, function of each frame), not by its message: messages of library
errors can quote the values they choked on (a phone, an answer). botocore, boto3, urllib3 and
PynamoDB log request parameters at DEBUG, so whatever the root level they stay at WARNING.
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

from aws_lambda_powertools import Logger

logger = Logger(service="workerhome")
for _noisy in ("botocore", "boto3", "urllib3", "pynamodb"):
    logging.getLogger(_noisy).setLevel(logging.WARNING)

FRAMES = 12


def request_line(method: str, route: str, status: int, ms: float, member_id: str | None, request_id: str) -> None:
    logger.info(
        "request",
        extra={
            "method": method,
            "route": route,
            "status": status,
            "ms": ms,
            "member_id": member_id,
            "request_id": request_id,
        },
    )


def unhandled(exc: BaseException, route: str) -> None:
    """An error no rule explains: its type, its causes' types and its frames, without messages."""
    causes: list[str] = []
    seen = exc.__cause__ or exc.__context__
    while seen is not None and len(causes) < 5:
        causes.append(type(seen).__name__)
        seen = seen.__cause__ or seen.__context__
    frames = [f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in traceback.extract_tb(exc.__traceback__)]
    logger.error(
        "unhandled error",
        extra={"route": route, "error": type(exc).__name__, "causes": causes, "frames": frames[-FRAMES:]},
    )

"""Key rotation (admin): start a re-encryption job after `make rotate-keys`, and read its progress.
The job itself runs in the scheduled function (app.py `key_rotation`), not in these requests."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.http import Reply, RequestContext, endpoint
from chalicelib.domain.access import ADMIN
from chalicelib.domain.key_rotation import RotationCreate
from chalicelib.services import key_rotation

bp = Blueprint(__name__)


@endpoint(bp, "/v1/admin/keys/rotations", methods=["POST"], roles=ADMIN, status=202)
def start_rotation(ctx: RequestContext) -> Any:
    req = ctx.body(RotationCreate)
    return Reply(ctx.once("start_key_rotation", lambda: key_rotation.start(ctx.caller, ctx.now), payload=req), 202)


@endpoint(bp, "/v1/admin/keys/rotations/{rotation_id}", methods=["GET"], roles=ADMIN)
def rotation_progress(ctx: RequestContext, rotation_id: str) -> Any:
    return key_rotation.progress(rotation_id)

"""The audit log for auditors (who may change nothing) and admins: newest first, filtered, paged."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.api.http import RequestContext, endpoint
from chalicelib.domain.access import AUDIT_READERS
from chalicelib.services import audit_log

bp = Blueprint(__name__)


@endpoint(bp, "/v1/admin/audit", methods=["GET"], roles=AUDIT_READERS)
def audit_entries(ctx: RequestContext) -> audit_log.AuditPage:
    return audit_log.page(ctx.query(audit_log.AuditLogQuery), ctx.now, ctx.lang)

"""Files for a service request, uploaded by the worker straight to S3 with a presigned POST.

The POST policy pins the object key, the declared content type (JPEG, PNG or PDF) and a
content-length-range up to the declared size (at most 10 MB), so S3 itself refuses anything else.
The attachment is recorded on the request when the upload is granted, with a conditional write
that keeps the per-field and per-request limits under concurrency. Objects are named by ids only
(the file name may carry personal data: it is sealed in the request).

Round trips: GetItem request + one TransactWriteItems (attachment + activity); signing is local.
"""
from __future__ import annotations

import secrets
from datetime import datetime

from chalicelib.domain import case_errors as err
from chalicelib.domain import cases as rules
from chalicelib.domain.access import Caller
from chalicelib.domain.cases import AttachmentCreate, AttachmentOut, UploadOut
from chalicelib.runtime import runtime
from chalicelib.services import activity
from chalicelib.services.case_views import attachments_of, seal
from chalicelib.services.cases import own
from chalicelib.services.commit import commit
from chalicelib.store import cases as store
from chalicelib.store.base import iso
from chalicelib.store.transact import NamedTransaction

UPLOAD_TTL = 600
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}


def grant_upload(caller: Caller, request_id: str, req: AttachmentCreate, now: datetime) -> UploadOut:
    record = own(caller, request_id)
    if record.status not in rules.OPEN:
        raise err.RequestClosed()
    limits = (record.uploads or {}).get(req.field)
    if limits is None:
        raise err.NotAFileField()
    present = [a["field"] for a in attachments_of(record)]
    if present.count(req.field) >= int(limits["max"]) or len(present) >= rules.MAX_ATTACHMENTS:
        cap = min(int(limits["max"]), rules.MAX_ATTACHMENTS)
        raise err.TooManyFiles(f"该项最多上传 {cap} 个文件", f"at most {cap} files may be uploaded here")
    attachment_id = "at_" + secrets.token_hex(6)
    key = f"requests/{request_id}/{attachment_id}.{EXTENSIONS[req.content_type]}"
    stored = {"attachment_id": attachment_id, "field": req.field, "content_type": req.content_type, "size": req.size,
              "s3_key": key, "created_at": iso(now),
              "filename_enc": seal(request_id, req.filename, "attachment", attachment_id)}
    tx = NamedTransaction()
    store.attach_in(tx, record, stored, now, owner=caller.member_id)
    activity.record_in(tx, caller.member_id, "request_attachments", now)
    commit(tx, lambda _: err.RequestChanged())
    rt = runtime()
    post = rt.client("s3").generate_presigned_post(
        rt.settings.attachments_bucket, key, Fields={"Content-Type": req.content_type},
        Conditions=[{"Content-Type": req.content_type}, ["content-length-range", 1, req.size]],
        ExpiresIn=UPLOAD_TTL)
    attachment = AttachmentOut(attachment_id=attachment_id, field=req.field, filename=req.filename,
                               content_type=req.content_type, size=req.size, created_at=iso(now))
    return UploadOut(attachment=attachment, url=post["url"], fields=post["fields"], expires_in=UPLOAD_TTL)

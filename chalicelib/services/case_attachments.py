"""Files for a service request, uploaded by the worker straight to S3 with a presigned POST
(store/attachments.py: the policy pins key, content type and size, so S3 itself refuses anything
else). The attachment is recorded on the request when the upload is granted, with a conditional
write that keeps the per-field and per-request limits under concurrency.

Round trips: GetItem request + one TransactWriteItems (attachment + activity); signing is local.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from chalicelib.domain import activity as events
from chalicelib.domain import case_errors as err
from chalicelib.domain import cases as rules
from chalicelib.domain.access import Caller
from chalicelib.domain.cases import Attachment, AttachmentCreate, AttachmentOut, UploadOut
from chalicelib.domain.instants import utc_stamp
from chalicelib.services import activity
from chalicelib.services.case_sealing import seal
from chalicelib.services.cases import own
from chalicelib.store import attachments as files
from chalicelib.store import cases as store
from chalicelib.store.unit_of_work import unit_of_work


def grant_upload(caller: Caller, request_id: str, req: AttachmentCreate, now: datetime) -> UploadOut:
    case = own(caller, request_id)
    rules.check_room_for_file(case, req.field)
    attachment_id = "at_" + secrets.token_hex(6)
    attachment = Attachment(
        attachment_id=attachment_id,
        field=req.field,
        content_type=req.content_type,
        size=req.size,
        s3_key=files.object_key(request_id, attachment_id, req.content_type),
        created_at=now,
        filename_enc=seal(request_id, req.filename, "attachment", attachment_id),
    )
    with unit_of_work(now, refuse={store.ATTACHMENTS_AS_READ: err.RequestChanged}) as uow:
        store.attach_in(uow, case, attachment, owner=caller.member_id)
        activity.record_in(uow, caller.member_id, events.REQUEST_ATTACHMENT_ADDED, now)
    form = files.upload_form(attachment.s3_key, req.content_type, req.size)
    shown = AttachmentOut(
        attachment_id=attachment_id,
        field=req.field,
        filename=req.filename,
        content_type=req.content_type,
        size=req.size,
        created_at=utc_stamp(now),
    )
    return UploadOut(attachment=shown, url=form.url, fields=dict(form.fields), expires_in=form.expires_in)

"""Service requests (cases) and their comments.

requests (request_id)
    member_index   (member_id, submitted_at)      a worker's own requests
    queue_index    (queue_status, sla_due), sparse: only open requests carry queue_status (= status),
                   so the staff queue is a Query per status ordered by due time, and `overdue` is the
                   key condition sla_due <= now
    station_queue_index (station_queue, sla_due), sparse: open requests routed to a station carry
                   station_queue = <station_id>#<status>, so a staff member's queue is a Query per
                   station and status, and never shows another station's requests
    employer_index (employer_id, submitted_at), sparse: requests that name an employer (wage arrears,
                   work injury) - what the labour-risk model reads
request_comments (request_id, at_id)             between the worker and staff, oldest first
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.store.base import index_meta, table_meta


class MemberRequestsIndex(GlobalSecondaryIndex["RequestRecord"]):
    Meta = index_meta("member_index", AllProjection())
    member_id = UnicodeAttribute(hash_key=True)
    submitted_at = UnicodeAttribute(range_key=True)


class QueueIndex(GlobalSecondaryIndex["RequestRecord"]):
    Meta = index_meta("queue_index", AllProjection())
    queue_status = UnicodeAttribute(hash_key=True)
    sla_due = UnicodeAttribute(range_key=True)


class StationQueueIndex(GlobalSecondaryIndex["RequestRecord"]):
    Meta = index_meta("station_queue_index", AllProjection())
    station_queue = UnicodeAttribute(hash_key=True)
    sla_due = UnicodeAttribute(range_key=True)


class EmployerCasesIndex(GlobalSecondaryIndex["RequestRecord"]):
    Meta = index_meta("employer_index", AllProjection())
    employer_id = UnicodeAttribute(hash_key=True)
    submitted_at = UnicodeAttribute(range_key=True)


class RequestRecord(Model):
    Meta = table_meta("requests")
    request_id = UnicodeAttribute(hash_key=True)
    member_id = UnicodeAttribute()
    scenario_key = UnicodeAttribute()
    scenario_version = NumberAttribute()
    category = UnicodeAttribute()
    title_zh = UnicodeAttribute()
    title_en = UnicodeAttribute()
    status = UnicodeAttribute()
    answers = JSONAttribute(default=dict)  # answers that are not personal or sensitive
    sealed = JSONAttribute(default=dict)  # field -> ciphertext (privacy layer)
    masked = JSONAttribute(default=dict)  # field -> masked phone / ID number, for staff
    sla_hours = JSONAttribute(default=dict)  # the scenario version's, copied: moves need no extra read
    uploads = JSONAttribute(default=dict)  # file field -> {"min", "max"} from the scenario version
    employer_id = UnicodeAttribute(null=True)
    submitted_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    stage_started_at = UnicodeAttribute()
    queue_status = UnicodeAttribute(null=True)
    station_id = UnicodeAttribute(null=True)  # the handling station; none: the union-wide queue
    station_name_zh = UnicodeAttribute(null=True)  # as it was when the request was routed there
    station_name_en = UnicodeAttribute(null=True)
    station_queue = UnicodeAttribute(null=True)  # <station_id>#<status> while open and routed
    sla_due = UnicodeAttribute(null=True)
    overdue = BooleanAttribute(null=True)  # flagged (and escalated) by the SLA sweep, per stage
    escalations = NumberAttribute(default=0)
    assignee = UnicodeAttribute(null=True)
    history = ListAttribute(of=MapAttribute, default=list)  # [{status, event, at, by, note, moved_from?, moved_to?}]
    attachments = ListAttribute(of=MapAttribute, default=list)  # [{attachment_id, field, filename_enc, ...}]
    comment_count = NumberAttribute(default=0)
    rating_stars = NumberAttribute(null=True)
    rating_text_enc = UnicodeAttribute(null=True)  # sealed, like comments
    rated_at = UnicodeAttribute(null=True)
    erase_on_close = BooleanAttribute(null=True)  # held for a legal reason after erasure (services.case_erasure)
    member_index = MemberRequestsIndex()
    queue_index = QueueIndex()
    station_queue_index = StationQueueIndex()
    employer_index = EmployerCasesIndex()


class CommentRecord(Model):
    Meta = table_meta("request_comments")
    request_id = UnicodeAttribute(hash_key=True)
    at_id = UnicodeAttribute(range_key=True)  # <iso time>#<random>
    author_id = UnicodeAttribute()
    author_role = UnicodeAttribute()  # worker | staff
    text_enc = UnicodeAttribute()  # sealed: free text may carry personal data

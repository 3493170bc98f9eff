"""Membership applications, memberships, consent records and named counters.

membership_applications (application_id)   one per application
    queue_index (status, submitted_at)     the admin queue, oldest first
    member_index (member_id, submitted_at) a member's own applications (their data export)
memberships (member_id)                    the member's membership; `open_application_id` is set while an
                                           application is pending: a conditional write on it allows one
                                           open application at a time, with no read-then-write race
    lifecycle_index (transition_month, transition_at), sparse: only active and grace members carry it,
                                           so the scheduled function finds the due ones with a Query
consents (member_id, purpose)              what was agreed, which policy version, when, withdrawn when
counters (name)                            e.g. member_number#2026: the last number given out
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from chalicelib.store.base import index_meta, table_meta


class ApplicationQueueIndex(GlobalSecondaryIndex["MembershipApplication"]):
    Meta = index_meta("queue_index", AllProjection())
    status = UnicodeAttribute(hash_key=True)
    submitted_at = UnicodeAttribute(range_key=True)


class MemberApplicationsIndex(GlobalSecondaryIndex["MembershipApplication"]):
    Meta = index_meta("member_index", AllProjection())
    member_id = UnicodeAttribute(hash_key=True)
    submitted_at = UnicodeAttribute(range_key=True)


class MembershipApplication(Model):
    Meta = table_meta("membership_applications")
    application_id = UnicodeAttribute(hash_key=True)
    member_id = UnicodeAttribute()
    status = UnicodeAttribute()  # pending | approved | rejected | withdrawn
    union_kind = UnicodeAttribute()
    employer_id = UnicodeAttribute(null=True)
    employer_name_zh = UnicodeAttribute(null=True)
    employer_name_en = UnicodeAttribute(null=True)
    city = UnicodeAttribute(null=True)
    policy_version = UnicodeAttribute()
    submitted_at = UnicodeAttribute()
    due_date = UnicodeAttribute()
    decided_at = UnicodeAttribute(null=True)
    decided_by = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)  # sealed (store.membership: context application#<id>#reason)
    member_number = UnicodeAttribute(null=True)
    queue_index = ApplicationQueueIndex()
    member_index = MemberApplicationsIndex()


class LifecycleIndex(GlobalSecondaryIndex["MembershipRecord"]):
    Meta = index_meta("lifecycle_index", KeysOnlyProjection())
    transition_month = UnicodeAttribute(hash_key=True)
    transition_at = UnicodeAttribute(range_key=True)


class MembershipRecord(Model):
    Meta = table_meta("memberships")
    member_id = UnicodeAttribute(hash_key=True)
    open_application_id = UnicodeAttribute(null=True)
    status = UnicodeAttribute(null=True)  # active | grace | lapsed | left
    member_number = UnicodeAttribute(null=True)
    union_kind = UnicodeAttribute(null=True)
    employer_id = UnicodeAttribute(null=True)
    employer_name_zh = UnicodeAttribute(null=True)
    employer_name_en = UnicodeAttribute(null=True)
    city = UnicodeAttribute(null=True)
    since = UnicodeAttribute(null=True)  # YYYY-MM-DD, China time
    renewal_due = UnicodeAttribute(null=True)  # YYYY-MM-DD
    transition_month = UnicodeAttribute(null=True)  # YYYY-MM of transition_at (sparse index)
    transition_at = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)
    lifecycle_index = LifecycleIndex()


class ConsentRecord(Model):
    Meta = table_meta("consents")
    member_id = UnicodeAttribute(hash_key=True)
    purpose = UnicodeAttribute(range_key=True)
    policy_version = UnicodeAttribute()
    given_at = UnicodeAttribute()
    withdrawn_at = UnicodeAttribute(null=True)


class Counter(Model):
    Meta = table_meta("counters")
    name = UnicodeAttribute(hash_key=True)
    value = NumberAttribute(default=0)

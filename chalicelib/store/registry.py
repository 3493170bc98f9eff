"""Every table of the system, in one list: the deployment template and the local stack
both create tables from these models, so they cannot drift apart."""

from __future__ import annotations

from pynamodb.models import Model

from chalicelib.store import accounts_tables
from chalicelib.store.activity_tables import ActivityRecord
from chalicelib.store.audit_tables import AuditEntry
from chalicelib.store.booking_tables import BookingRecord, SlotRecord, StandingRecord, WaitlistRecord
from chalicelib.store.case_tables import CommentRecord, RequestRecord
from chalicelib.store.employer_tables import EmployerRecord
from chalicelib.store.idempotency_tables import IdempotencyRecord
from chalicelib.store.key_rotation_tables import KeyRotationRecord
from chalicelib.store.membership_tables import ConsentRecord, Counter, MembershipApplication, MembershipRecord
from chalicelib.store.outreach_tables import OutreachRecord
from chalicelib.store.scenario_tables import ScenarioRecord
from chalicelib.store.scoring_tables import ModelSetting, PrivacyPreference, ScoreRecord, ScoringRun, SegmentResult
from chalicelib.store.sms_tables import OutboxMessage
from chalicelib.store.station_tables import StationCodeClaim, StationRecord

ALL_MODELS: tuple[type[Model], ...] = (
    *accounts_tables.MODELS,
    EmployerRecord,
    AuditEntry,
    OutboxMessage,
    IdempotencyRecord,
    StationRecord,
    StationCodeClaim,
    SlotRecord,
    BookingRecord,
    StandingRecord,
    WaitlistRecord,
    ActivityRecord,
    MembershipApplication,
    MembershipRecord,
    ConsentRecord,
    Counter,
    ScenarioRecord,
    RequestRecord,
    CommentRecord,
    PrivacyPreference,
    ScoringRun,
    SegmentResult,
    ScoreRecord,
    ModelSetting,
    OutreachRecord,
    KeyRotationRecord,
)


# Tables that exist only in the local stack and the tests (the dev SMS outbox).
LOCAL_ONLY_MODELS: tuple[type[Model], ...] = (OutboxMessage,)
DEPLOYED_MODELS: tuple[type[Model], ...] = tuple(m for m in ALL_MODELS if m not in LOCAL_ONLY_MODELS)


def ttl_attribute(model: type[Model]) -> str | None:
    """The name of the model's TTL attribute, if it has one."""
    from pynamodb.attributes import TTLAttribute

    for name, attr in model.get_attributes().items():
        if isinstance(attr, TTLAttribute):
            return attr.attr_name or name
    return None

"""Scoring's tables: runs and their segments, the latest score of each member per model, and the
admins' and members' choices scoring reads (tier overrides, profiling opt-outs).

scoring_runs (run_id)
    model_index  (model, created_at)          the runs of a model, newest first (history, "previous run")
scoring_segments (run_id, segment)            per segment: when done, its counts and aggregates (tiers,
                                              movement, reasons, feature histograms), written in the same
                                              transaction that adds the segment to the run's done set; while
                                              it fails, the last error and the number of attempts
scores (member_id, model)                     the member's latest score for a model; rewritten only when it
                                              changed, so a nightly run writes a fraction of the members
    tier_index   (tier_key = "<model>#<tier>", probability)   highest risk first, per model and tier
model_settings (model)                        an admin's tier thresholds for a model (store.model_settings)
privacy_prefs (member_id)                     a member's choice about profiling (store.privacy_prefs)

Score items are written by batch scoring with BatchWriteItem (low-level items built by `score_item`
below from the domain's MemberScore), so the attribute names here and there are one definition.
"""

from __future__ import annotations

import json
from typing import Any

from pynamodb.attributes import BooleanAttribute, JSONAttribute, NumberAttribute, NumberSetAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.domain.scores import MemberScore
from chalicelib.store.base import from_iso, index_meta, iso, table_meta

RUN_STATUSES = ("queued", "running", "succeeded", "partially_failed", "failed")


class RunsByModel(GlobalSecondaryIndex["ScoringRun"]):
    Meta = index_meta("model_index", AllProjection())
    model = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class ScoringRun(Model):
    Meta = table_meta("scoring_runs")
    run_id = UnicodeAttribute(hash_key=True)
    model = UnicodeAttribute()
    model_version = UnicodeAttribute()
    status = UnicodeAttribute()
    as_of = UnicodeAttribute()  # every segment scores "as of" this instant
    segments_total = NumberAttribute()
    done_segments = NumberSetAttribute(null=True)  # the exactly-once guard: a segment is added once
    failed_segments = NumberSetAttribute(null=True)
    members_scored = NumberAttribute(default=0)
    scores_written = NumberAttribute(default=0)
    compacted = NumberAttribute(default=0)  # activity items whose closed weeks were folded into `h`
    previous_run_id = UnicodeAttribute(null=True)
    created_by = UnicodeAttribute()
    created_at = UnicodeAttribute()
    started_at = UnicodeAttribute(null=True)
    finished_at = UnicodeAttribute(null=True)
    model_index = RunsByModel()


class SegmentResult(Model):
    Meta = table_meta("scoring_segments")
    run_id = UnicodeAttribute(hash_key=True)
    segment = NumberAttribute(range_key=True)
    status = UnicodeAttribute()  # done | failing
    attempts = NumberAttribute(default=0)  # failed attempts
    error = UnicodeAttribute(null=True)  # the last failed attempt's error (no personal data)
    members = NumberAttribute(null=True)
    written = NumberAttribute(null=True)
    compacted = NumberAttribute(null=True)
    aggregates = JSONAttribute(null=True)  # see chalicelib.scoring.aggregates
    updated_at = UnicodeAttribute()


class ScoresByTier(GlobalSecondaryIndex["ScoreRecord"]):
    Meta = index_meta("tier_index", AllProjection())
    tier_key = UnicodeAttribute(hash_key=True)
    probability = NumberAttribute(range_key=True)


class ScoreRecord(Model):
    Meta = table_meta("scores")
    member_id = UnicodeAttribute(hash_key=True)
    model = UnicodeAttribute(range_key=True)
    probability = NumberAttribute()  # churn: P(churn); service_demand: the top category's P
    tier = UnicodeAttribute()
    tier_key = UnicodeAttribute()
    reasons = JSONAttribute()  # [[reason code, text zh, text en, weight], ...] top 3
    outputs = JSONAttribute(null=True)  # service_demand: [[category, probability], ...] best first
    city = UnicodeAttribute(null=True)
    worker_group = UnicodeAttribute(null=True)
    model_version = UnicodeAttribute()
    run_id = UnicodeAttribute()
    scored_at = UnicodeAttribute()
    tier_index = ScoresByTier()


class ModelSetting(Model):
    Meta = table_meta("model_settings")
    model = UnicodeAttribute(hash_key=True)
    medium = NumberAttribute()
    high = NumberAttribute()
    updated_at = UnicodeAttribute()
    updated_by = UnicodeAttribute()


class PrivacyPreference(Model):
    Meta = table_meta("privacy_prefs")
    member_id = UnicodeAttribute(hash_key=True)
    profiling = BooleanAttribute(default=True)
    updated_at = UnicodeAttribute()


def tier_key(model: str, tier: str) -> str:
    return f"{model}#{tier}"


def score_item(score: MemberScore) -> dict[str, Any]:
    """The low-level DynamoDB item of a ScoreRecord (for BatchWriteItem), attribute for attribute."""
    item: dict[str, Any] = {
        "member_id": {"S": score.member_id},
        "model": {"S": score.model},
        "probability": {"N": repr(round(score.probability, 4))},
        "tier": {"S": score.tier},
        "tier_key": {"S": tier_key(score.model, score.tier)},
        "reasons": {"S": json.dumps(score.reasons, separators=(",", ":"))},
        "model_version": {"S": score.model_version},
        "run_id": {"S": score.run_id},
        "scored_at": {"S": iso(score.scored_at)},
    }
    if score.outputs is not None:
        item["outputs"] = {"S": json.dumps(score.outputs, separators=(",", ":"))}
    if score.city:
        item["city"] = {"S": score.city}
    if score.worker_group:
        item["worker_group"] = {"S": score.worker_group}
    return item


def score_of(record: ScoreRecord) -> MemberScore:
    return MemberScore(
        member_id=record.member_id,
        model=record.model,
        probability=float(record.probability),
        tier=record.tier,
        reasons=record.reasons,
        outputs=record.outputs,
        city=record.city,
        worker_group=record.worker_group,
        model_version=record.model_version,
        run_id=record.run_id,
        scored_at=from_iso(record.scored_at),
    )

"""Close the loop: retrain churn on what the live system stored, promote only if it is not worse.

    make retrain                     # = python -m ml.retrain --model churn, against the running local stack
    python -m ml.retrain --model churn --endpoint http://127.0.0.1:4566 --stage local [--as-of ISO]
    python -m ml.retrain --model churn --endpoint none --stage prod --region ap-east-1   (AWS, your credentials)

Training set, built with the serving feature code (chalicelib.scoring.features.member_matrix): every
member with a profile and an activity item, created before the cutoff T-13w (T = Monday 00:00 China
time of the week of --as-of), not erased, not opted out of profiling. Features are as of the cutoff:
only counters of weeks before it, `last_event_at` set to the middle of the last active week before
it (for everyone: see split_record), and the membership status undone where a lifecycle event in
the window shows it changed (worker group, city, employer are today's: there is no history of them).
Label "churned" over the 13 weeks from the cutoff: no event the member made themself (PASSIVE_EVENTS
are things done to them, such as outreach_received), or a membership_leaves / membership_lapses
event; an outreach outcome `left` in the window makes it 1 and `retained` makes it 0 (retained wins).

Rows split by a hash of the member id (60 % train, 20 % validation for early stopping and tiers,
20 % holdout). The candidate uses the current card's parameters; candidate and current model are
measured on the same holdout with label-only metrics (stored data has no oracle), and the candidate
is written (ml.artifacts card writer, new version) only if its holdout AUC is at least the current
model's minus TOLERANCE. The comparison is printed either way; the exit status is 0 for promoted or
kept (2 for bad arguments, 1 when the stack cannot be read).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from chalicelib.domain.activity import ACTIVITY_ZONE, expanded, pack_event_time
from chalicelib.scoring import features as F
from chalicelib.store.bulk import plain
from ml import artifacts
from ml.datasets import data_hash
from ml.evaluate import auc, brier, tier_thresholds

LABEL_WEEKS = 13
TOLERANCE = 0.01
MIN_ROWS, MIN_CLASS = 200, 20
PASSIVE_EVENTS = frozenset(
    {
        "outreach_received",
        "waitlist_offers",
        "waitlist_lapses",
        "no_shows",
        "request_accepted",
        "request_in_progress",
        "request_resolved",
        "request_rejected",
        "request_comments_received",
        "request_escalations",
        "membership_joins",
        "membership_graces",
        "membership_lapses",
    }
)
LEFT_EVENTS = ("membership_leaves", "membership_lapses")
_COUNTER = re.compile(r"^w(\d{4})_(\d{2})_([a-z][a-z0-9_]*)$")
PROFILE_ATTRS = ("member_id", *F.PROFILE_FIELDS, "status")
LabelHook = Callable[[np.ndarray], np.ndarray]


# --- reading the stored records -------------------------------------------------------------


class DynamoSource:
    """Parallel Scans (one thread per segment) of a stage's tables with the low-level client."""

    def __init__(self, client: Any, table_prefix: str, *, segments: int = 4) -> None:
        self.client, self.prefix, self.segments = client, table_prefix, segments

    def _segment(self, table: str, segment: int, attributes: Sequence[str] | None) -> list[dict[str, Any]]:
        kwargs: dict[str, Any] = {"TableName": self.prefix + table, "Segment": segment, "TotalSegments": self.segments}
        if attributes:
            kwargs["ProjectionExpression"] = ", ".join(f"#a{i}" for i in range(len(attributes)))
            kwargs["ExpressionAttributeNames"] = {f"#a{i}": a for i, a in enumerate(attributes)}
        return [
            {k: plain(v) for k, v in item.items()}
            for page in self.client.get_paginator("scan").paginate(**kwargs)
            for item in page["Items"]
        ]

    def scan(self, table: str, attributes: Sequence[str] | None = None) -> list[dict[str, Any]]:
        with ThreadPoolExecutor(self.segments) as pool:
            parts = pool.map(lambda s: self._segment(table, s, attributes), range(self.segments))
            return [item for part in parts for item in part]


@dataclass
class StoredRecords:
    members: dict[str, dict[str, Any]]  # member_id -> profile fields + status
    activity: dict[str, dict[str, Any]]  # member_id -> activity item as stored
    outcomes: dict[str, list[tuple[str, str]]]  # member_id -> [(outcome, outcome_at)]
    opted_out: set[str] = field(default_factory=set)


def load(source: Any) -> StoredRecords:
    """Members, activity items (members only, not employer#...), outreach outcomes, profiling opt-outs."""
    members = {m["member_id"]: m for m in source.scan("members", PROFILE_ATTRS)}
    activity = {a["member_id"]: a for a in source.scan("activity") if a["member_id"] in members}
    outcomes: dict[str, list[tuple[str, str]]] = {}
    for o in source.scan("outreach", ("member_id", "outcome", "outcome_at")):
        if o.get("outcome") and o.get("outcome_at"):
            outcomes.setdefault(o["member_id"], []).append((o["outcome"], o["outcome_at"]))
    opted_out = {p["member_id"] for p in source.scan("privacy_prefs") if p.get("profiling") is False}
    return StoredRecords(members, activity, outcomes, opted_out)


# --- the training set ---------------------------------------------------------------------


def cutoff_of(as_of: datetime) -> datetime:
    """Monday 00:00 (China time) of the week of `as_of`, minus LABEL_WEEKS weeks, in UTC."""
    local = as_of.astimezone(ACTIVITY_ZONE).date()
    monday = local - timedelta(days=local.weekday())
    return datetime.combine(monday - timedelta(weeks=LABEL_WEEKS), time(), ACTIVITY_ZONE).astimezone(UTC)


def _week(at: datetime) -> tuple[int, int]:
    year, week, _ = at.astimezone(ACTIVITY_ZONE).isocalendar()
    return year, week


def split_record(record: dict[str, Any], cutoff: datetime) -> tuple[dict[str, Any], Counter[str]]:
    """(the activity item as it stood at the cutoff, event counts over the LABEL_WEEKS weeks after it)."""
    first, end = _week(cutoff), _week(cutoff + timedelta(weeks=LABEL_WEEKS))
    before: dict[str, Any] = {"member_id": record.get("member_id")}
    window: Counter[str] = Counter()
    last: tuple[int, int] | None = None
    for name, value in expanded(record).items():  # compacted history as counters by name
        m = _COUNTER.match(name)
        if not m:
            continue
        key = (int(m[1]), int(m[2]))
        if key < first:
            before[name] = value
            last = key if last is None or key > last else last
        elif key < end and value:
            window[m[3]] += int(value)
    # Everyone's last event time is the middle of their last active week before the cutoff, even where
    # the stored one is earlier: keeping exact times only for members with no later event would let the
    # model read the label off the fraction of a day (measured: holdout AUC 0.96 against 0.83 without it).
    if last is not None:
        mid = datetime.combine(date.fromisocalendar(last[0], last[1], 4), time(12), ACTIVITY_ZONE)
        before["last_event_at"] = mid.astimezone(UTC).isoformat()
        before["lt"] = pack_event_time(before["last_event_at"])
    return before, window


def status_at_cutoff(current: str | None, window: Counter[str]) -> str | None:
    """The membership status before the window's lifecycle events (approximate: latest change undone)."""
    if window["membership_joins"]:
        return None
    if window["membership_leaves"]:
        return "active"
    if window["membership_lapses"]:
        return "grace"
    if window["membership_graces"] and current == "grace":
        return "active"
    return current


def label_of(window: Counter[str], outcomes: Iterable[str]) -> tuple[int, str]:
    """(churned, why): see the module docstring."""
    said = set(outcomes)
    if "retained" in said:
        return 0, "outreach_retained"
    if "left" in said:
        return 1, "outreach_left"
    if any(window[e] for e in LEFT_EVENTS):
        return 1, "membership_left"
    if not any(n for e, n in window.items() if e not in PASSIVE_EVENTS):
        return 1, "inactive"
    return 0, "active"


@dataclass
class TrainingSet:
    x: np.ndarray
    y: np.ndarray
    member_ids: list[str]
    cutoff: datetime
    why: Counter[str]


def training_set(records: StoredRecords, as_of: datetime) -> TrainingSet:
    cutoff = cutoff_of(as_of)
    start, end = cutoff.isoformat()[:19], (cutoff + timedelta(weeks=LABEL_WEEKS)).isoformat()[:19]
    profiles, items, ys, ids, why = [], [], [], [], Counter[str]()
    for member_id in sorted(records.activity):
        member = records.members[member_id]
        created = member.get("created_at")
        if member.get("status") == "erased" or member_id in records.opted_out or not created or created[:19] >= start:
            continue
        before, window = split_record(records.activity[member_id], cutoff)
        said = [o for o, at in records.outcomes.get(member_id, []) if start <= at[:19] < end]
        y, reason = label_of(window, said)
        profile = {f: member.get(f) for f in F.PROFILE_FIELDS}
        profile["membership_status"] = status_at_cutoff(member.get("membership_status"), window)
        profiles.append(profile)
        items.append(before)
        ys.append(y)
        ids.append(member_id)
        why[reason] += 1
    x = F.member_matrix(profiles, items, cutoff) if ids else np.zeros((0, len(F.MEMBER_FEATURES)), np.float32)
    return TrainingSet(x, np.asarray(ys, dtype=np.float32), ids, cutoff, why)


def split_by_member(member_ids: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stable across runs and data growth: a member stays in its part. 60 / 20 / 20."""
    bucket = np.array([hashlib.sha256(m.encode()).digest()[0] % 10 for m in member_ids])
    return np.flatnonzero(bucket < 6), np.flatnonzero((bucket >= 6) & (bucket < 8)), np.flatnonzero(bucket >= 8)


# --- compare and promote ------------------------------------------------------------------


def holdout_metrics(y: np.ndarray, p: np.ndarray, thresholds: dict[str, float] | None) -> dict[str, float]:
    """Label-only metrics: discrimination, calibration, what the top of the list and the high tier hold."""
    clipped = np.clip(p, 1e-6, 1 - 1e-6)
    top = np.argsort(-p, kind="stable")[: max(1, len(p) // 10)]
    high = p >= thresholds["high"] if thresholds else np.zeros(len(p), bool)
    return {
        "auc": round(auc(y, p), 4),
        "brier": round(brier(y, p), 4),
        "log_loss": round(float(-np.mean(y * np.log(clipped) + (1 - y) * np.log(1 - clipped))), 4),
        "mean_predicted": round(float(p.mean()), 4),
        "observed_rate": round(float(y.mean()), 4),
        "top_decile_rate": round(float(y[top].mean()), 4),
        "high_tier_share": round(float(high.mean()), 4),
        "high_tier_rate": round(float(y[high].mean()), 4) if high.any() else 0.0,
    }


@dataclass
class Comparison:
    model: str
    promoted: bool
    decision: str
    rows: dict[str, int]
    why: dict[str, int]
    current: dict[str, Any] | None  # {"version", "metrics"}
    candidate: dict[str, Any] | None
    cutoff: str = ""
    as_of: str = ""

    def table(self) -> str:
        head = (
            f"{self.model} retrain on stored records as of {self.as_of}: features as of {self.cutoff}, "
            f"labels over the {LABEL_WEEKS} weeks after"
        )
        lines = [
            head,
            "rows " + ", ".join(f"{k} {v}" for k, v in self.rows.items()),
            "labels " + ", ".join(f"{k} {v}" for k, v in sorted(self.why.items())),
        ]
        cols = [c for c in (self.current, self.candidate) if c]
        if cols:
            lines.append(f"{'holdout metric':<18}" + "".join(f"{c['role'] + ' ' + c['version']:>40}" for c in cols))
            for metric in cols[0]["metrics"]:
                lines.append(f"{metric:<18}" + "".join(f"{c['metrics'][metric]:>40.4f}" for c in cols))
        lines.append(f"decision: {self.decision}")
        return "\n".join(lines)


def _current(name: str, models_dir: Path) -> Any:
    from chalicelib.domain.scoring_errors import ModelUnavailable
    from chalicelib.scoring.model import ModelRegistry

    try:
        return ModelRegistry(models_dir).get(name)
    except ModelUnavailable:
        return None


def retrain(
    records: StoredRecords,
    *,
    as_of: datetime,
    models_dir: Path,
    out_dir: Path | None = None,
    name: str = "churn",
    label_hook: LabelHook | None = None,
) -> Comparison:
    """Build the training set, train a candidate, compare on one holdout, promote into `out_dir`
    (default `models_dir`) when not worse by more than TOLERANCE AUC. `label_hook` rewrites the
    candidate's training and validation labels (tests: shuffled labels make a bad candidate)."""
    from ml.binary import BINARY_PARAMS

    data = training_set(records, as_of)
    tr, va, ho = split_by_member(data.member_ids)
    rows = {
        "members": len(data.y),
        "churned": int(data.y.sum()),
        "train": len(tr),
        "valid": len(va),
        "holdout": len(ho),
    }
    done = Comparison(name, False, "", rows, dict(data.why), None, None, data.cutoff.isoformat(), as_of.isoformat())
    current = _current(name, models_dir)
    keep = f"keep {current.version}" if current else "nothing to keep: no usable current model"
    if (
        len(data.y) < MIN_ROWS
        or min(data.y.sum(), len(data.y) - data.y.sum()) < MIN_CLASS
        or min(data.y[ho].sum(), len(ho) - data.y[ho].sum()) < 2
    ):
        done.decision = f"not enough stored data (need {MIN_ROWS} members, {MIN_CLASS} of each label): {keep}"
        return done
    y_tr, y_va = (label_hook(data.y[tr]), label_hook(data.y[va])) if label_hook else (data.y[tr], data.y[va])
    params = (
        {k: v for k, v in current.card["params"].items() if k != "num_boosted_rounds"}
        if current
        else {**artifacts.COMMON_PARAMS, **BINARY_PARAMS}
    )
    booster = artifacts.fit(params, data.x[tr], y_tr, data.x[va], y_va, F.MEMBER_FEATURES)
    thresholds = tier_thresholds(booster.inplace_predict(data.x[va]))
    cand = holdout_metrics(data.y[ho], booster.inplace_predict(data.x[ho]), thresholds)
    done.candidate = {"role": "candidate", "version": "(new)", "metrics": cand}
    previous = None
    if current:
        done.current = {
            "role": "current",
            "version": current.version,
            "metrics": holdout_metrics(data.y[ho], current.predict(data.x[ho]), current.card.get("thresholds")),
        }
        previous = done.current["metrics"]["auc"]
        if cand["auc"] < previous - TOLERANCE:
            done.decision = f"{keep}: candidate AUC {cand['auc']:.4f} < current {previous:.4f} - {TOLERANCE}"
            return done
    card = artifacts.build_card(
        name,
        feature_set="member",
        booster=booster,
        params=params,
        thresholds=thresholds,
        x_train=data.x[tr],
        data={
            "source": "stored_records",
            "as_of": as_of.isoformat(),
            "features_as_of": data.cutoff.isoformat(),
            "label_weeks": LABEL_WEEKS,
            "rows": rows,
            "labels": dict(data.why),
            "data_hash": data_hash(data.x[tr], data.y[tr]),
        },
        metrics={
            "holdout": cand,
            "auc": {"model": cand["auc"], "previous_model": previous},
            "brier": {"model": cand["brier"]},
            "base_rate": cand["observed_rate"],
            "previous_version": current.version if current else None,
        },
    )
    artifacts.write(name, booster, card, out_dir or models_dir)
    done.candidate["version"], done.promoted = card["version"], True
    done.decision = f"promote {card['version']}" + (
        f" replacing {current.version} (AUC {cand['auc']:.4f} vs {previous:.4f}, tolerance {TOLERANCE})"
        if current
        else ""
    )
    return done


# --- command line ---------------------------------------------------------------------------


def _client(endpoint: str | None, region: str, segments: int) -> Any:
    import boto3
    from botocore.config import Config

    creds: dict[str, str] = {}
    if endpoint and boto3.Session().get_credentials() is None:  # moto takes any key
        creds = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}
    return boto3.client(
        "dynamodb",
        region_name=region,
        endpoint_url=endpoint,
        config=Config(max_pool_connections=segments + 2, retries={"mode": "standard"}),
        **creds,
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m ml.retrain", description=__doc__.split("\n\n")[0])
    p.add_argument("--model", default="churn", choices=("churn",))
    p.add_argument(
        "--endpoint",
        default=os.environ.get("WH_AWS_ENDPOINT") or f"http://127.0.0.1:{os.environ.get('WH_MOTO_PORT') or 4566}",
        help="DynamoDB endpoint (default: WH_AWS_ENDPOINT, else the local stack); 'none' = AWS",
    )
    p.add_argument("--stage", default=os.environ.get("WH_STAGE", "local"))
    p.add_argument("--table-prefix", default=None, help="default workerhome-<stage>-")
    p.add_argument("--region", default=os.environ.get("WH_REGION") or os.environ.get("AWS_REGION") or "ap-east-1")
    p.add_argument("--as-of", default=None, help="ISO time the labels end at (default: now)")
    p.add_argument("--segments", type=int, default=4)
    p.add_argument("--models-dir", type=Path, default=artifacts.MODELS_DIR, help="where the current model is")
    p.add_argument("--out-dir", type=Path, default=None, help="where a promoted model goes (default: --models-dir)")
    args = p.parse_args(argv)
    as_of = datetime.fromisoformat(args.as_of) if args.as_of else datetime.now(UTC)
    if as_of.tzinfo is None:
        p.error("--as-of needs a time zone, e.g. 2026-11-30T00:00:00+08:00")
    endpoint = None if args.endpoint.lower() == "none" else args.endpoint
    source = DynamoSource(
        _client(endpoint, args.region, args.segments),
        args.table_prefix or f"workerhome-{args.stage}-",
        segments=args.segments,
    )
    try:
        records = load(source)
    except Exception as exc:  # no stack, no tables, no credentials: say so plainly
        print(
            f"error: cannot read the stored records at {endpoint or 'AWS'} (stage {args.stage}): {exc}\n"
            "Is the local stack running (`make run`)? Or point --endpoint / --stage at another one.",
            file=sys.stderr,
        )
        return 1
    print(retrain(records, as_of=as_of, models_dir=args.models_dir, out_dir=args.out_dir, name=args.model).table())
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A seeded synthetic population whose generating process is known, written as the live system's records.

Hidden state drives everything and the records only show it through noisy counts:
  members    engagement that drifts week by week (random walk with a personal drift and, for some,
             a sudden drop), reliability, dissatisfaction, per-category service needs
  employers  a dispute propensity and a wage-arrears state that switches on and off
  stations   a popularity level that drifts, persistent hour-of-day offsets, day-level shocks
Labels are drawn from probabilities the generator knows (kept as `p_*`), so models are measured
against the oracle, not only against labels.

The records have exactly the stored shape: activity items (`member_id`, `last_event`,
`last_event_at`, `lt`, `w<year>_<week>_<event>` counters), member/employer/station items with the stored
field names, and slot items (`resource_id`, `slot_start`, `capacity`, `taken`, `booked`).
Weekly arrays here are oldest week first (column WEEKS-1 is the week just before AS_OF).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from chalicelib.domain.activity import ACTIVITY_ZONE, pack_event_time
from chalicelib.scoring.features import (
    CITY_CODES,
    INDUSTRIES,
    SERVICE_CATEGORIES,
    STATION_KINDS,
    WEEKS,
    WORKER_GROUPS,
    employer_subject,
    week_keys,
)
from chalicelib.store.base import iso

AS_OF = datetime(2026, 11, 30, tzinfo=ACTIVITY_ZONE).astimezone(UTC)  # a Monday: 26 complete weeks before it
_GROUP_P = np.array([0.22, 0.14, 0.10, 0.06, 0.16, 0.12, 0.06, 0.06, 0.05, 0.03])
_GROUP_ENGAGEMENT = np.array([0.35, 0.2, 0.15, -0.1, -0.05, -0.2, -0.1, 0.0, -0.25, -0.3])
_GROUP_STATIONS = np.array([0.5, 0.4, 0.2, 0.1, -0.4, -0.2, -0.3, 0.3, -0.1, -0.5])  # outdoor groups use stations more
_GIG = np.isin(np.arange(len(WORKER_GROUPS)), [0, 1, 2])
# per worker group, log-rate offset of each service category
# (rights_protection, training, certification, employment, hardship_aid, health)
_GROUP_NEEDS = np.array(
    [
        [0.4, 0.2, -0.2, -0.2, 0, 0.2],
        [0.2, 0.2, -0.1, -0.1, 0, 0.1],
        [0.3, 0, 0.2, -0.3, -0.2, 0.3],
        [0.1, 0, 0.5, -0.2, -0.1, 0.4],
        [0.1, 0.5, 0.3, 0.2, 0, 0.2],
        [0.8, -0.1, 0.4, 0.1, 0.3, 0.4],
        [0.3, 0.1, -0.1, 0.3, 0.3, 0.1],
        [0, -0.2, -0.3, -0.1, 0.4, 0.4],
        [0.5, 0.2, 0, 0.8, 0.5, 0.2],
        [0, 0, 0, 0, 0, 0],
    ]
)
_SERVICE_BASE = np.array([-2.1, -1.9, -2.6, -2.3, -2.8, -2.5])
_INDUSTRY_P = np.array([0.18, 0.10, 0.18, 0.20, 0.14, 0.10, 0.10])
_INDUSTRY_UNION = np.array([0.5, 0.3, 0.5, 0.6, 0.5, 0.6, 0.2])
_INDUSTRY_RISK = np.array([0.2, 0.3, 0.1, 0.0, 0.5, -0.1, 0.2])
_INDUSTRY_ARREARS = np.array([0, 0, 0, 0.6, 1.4, 0, 0.4])  # wage arrears hurt most on building sites
_INDUSTRY_TURNOVER = np.array([0.6, 0.5, 0.2, 0, 0.3, -0.2, 0.1])


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _rng(seed: int, stream: int) -> np.random.Generator:
    return np.random.default_rng([seed, stream])


def activity_items(
    subject_ids: list[str], counts: dict[str, np.ndarray], rng: np.random.Generator, as_of: datetime = AS_OF
) -> list[dict[str, Any] | None]:
    """Activity items as `activity.record` leaves them; None for a subject with no event (no item)."""
    keys = week_keys(as_of)  # most recent first
    prefix = [f"w{y}_{w:02d}_" for y, w in keys[::-1]]  # oldest first, like the arrays
    items: list[dict[str, Any]] = [{"member_id": s} for s in subject_ids]
    last_week = np.full(len(subject_ids), -1)
    last_name = [""] * len(subject_ids)
    for event, arr in counts.items():
        rows, cols = np.nonzero(arr)
        for i, t, v in zip(rows.tolist(), cols.tolist(), arr[rows, cols].tolist(), strict=True):
            items[i][prefix[t] + event] = int(v)
            if t > last_week[i]:
                last_week[i], last_name[i] = t, event
    monday = datetime.combine(as_of.astimezone(ACTIVITY_ZONE).date(), datetime.min.time(), ACTIVITY_ZONE)
    offsets = rng.uniform(0, 7 * 86400 - 1, len(subject_ids))
    out: list[dict[str, Any] | None] = []
    for i, item in enumerate(items):
        if last_week[i] < 0:
            out.append(None)
            continue
        week_start = monday - timedelta(weeks=WEEKS - int(last_week[i]))
        item["last_event"] = last_name[i]
        item["last_event_at"] = iso(week_start + timedelta(seconds=float(offsets[i])))
        item["lt"] = pack_event_time(item["last_event_at"])
        out.append(item)
    return out


# --- employers -----------------------------------------------------------------------------


@dataclass
class Employers:
    items: list[dict[str, Any]]  # employers table items
    records: list[dict[str, Any] | None]  # activity items under employer#<id>
    z: np.ndarray  # hidden dispute propensity
    arrears: np.ndarray  # (n, WEEKS) hidden wage-arrears state
    size: np.ndarray
    p_dispute: np.ndarray  # truth: a dispute next quarter
    dispute: np.ndarray  # label drawn from it


def make_employers(n: int, seed: int, as_of: datetime = AS_OF) -> Employers:
    rng = _rng(seed, 1)
    industry = rng.choice(len(INDUSTRIES), n, p=_INDUSTRY_P)
    has_union = rng.random(n) < _INDUSTRY_UNION[industry]
    size = np.exp(rng.normal(np.log(60), 0.8, n)).round().clip(5, 3000)
    z = rng.normal(0, 1, n)
    enter = sigmoid(-4.2 + 0.9 * z + _INDUSTRY_RISK[industry])
    state = rng.random(n) < enter * 3
    arrears = np.zeros((n, WEEKS), dtype=bool)
    for t in range(WEEKS):
        state = np.where(state, rng.random(n) > 0.18, rng.random(n) < enter)
        arrears[:, t] = state
    rights_rate = size[:, None] / 50 * np.exp(-1.0 + 0.7 * z[:, None] + 1.8 * arrears - 0.4 * has_union[:, None])
    turnover = size * 0.012 * np.exp(_INDUSTRY_TURNOVER[industry])
    counts = {
        "rights_requests": rng.poisson(rights_rate),
        "members_joined": rng.poisson(np.repeat(turnover[:, None], WEEKS, axis=1)),
        "members_left": rng.poisson(turnover[:, None] * np.exp(0.8 * arrears + 0.3 * z[:, None])),
    }
    logit = (
        -3.1
        + 0.5 * z
        + 0.6 * (z > 1)
        + arrears[:, -1] * np.where(has_union, 0.9, 2.4)
        + 0.6 * arrears[:, -8:].mean(axis=1)
        + 0.6 * np.tanh(np.log(size / 60))
        - 0.5 * has_union
        + _INDUSTRY_RISK[industry]
        + _INDUSTRY_ARREARS[industry] * arrears[:, -4:].mean(axis=1)
        + rng.normal(0, 0.3, n)
    )
    p = sigmoid(logit)
    city = rng.choice(len(CITY_CODES), n)
    ids = [f"emp-syn-{seed}-{i:05d}" for i in range(n)]
    items = [
        {
            "employer_id": e,
            "name_zh": f"合成单位{i}",
            "name_en": f"Synthetic employer {i}",
            "city": CITY_CODES[city[i]],
            "industry": INDUSTRIES[industry[i]],
            "has_union": bool(has_union[i]),
        }
        for i, e in enumerate(ids)
    ]
    records = activity_items([employer_subject(e) for e in ids], counts, rng, as_of)
    return Employers(items, records, z, arrears, size, p, rng.random(n) < p)


# --- members -------------------------------------------------------------------------------


@dataclass
class Members:
    items: list[dict[str, Any]]  # members table profile fields (no personal data)
    records: list[dict[str, Any] | None]  # activity items
    counts: dict[str, np.ndarray]  # the same counters as arrays (n, WEEKS)
    engagement: np.ndarray  # (n, WEEKS) hidden
    p_churn: np.ndarray
    churn: np.ndarray
    p_service: np.ndarray  # (n, categories)
    service: np.ndarray
    extra: dict[str, np.ndarray] = field(default_factory=dict)


def make_members(n: int, seed: int, employers: Employers, as_of: datetime = AS_OF) -> Members:
    rng = _rng(seed, 2)
    g = rng.choice(len(WORKER_GROUPS), n, p=_GROUP_P)
    emp = np.where(
        rng.random(n) < 0.85, rng.choice(len(employers.items), n, p=employers.size / employers.size.sum()), -1
    )
    emp_z = np.where(emp >= 0, employers.z[emp], 0.0)
    emp_arrears = np.where(emp[:, None] >= 0, employers.arrears[emp], False)
    tenure = (2 + rng.gamma(1.5, 45, n)).clip(max=420)
    status = rng.choice(4, n, p=[0.58, 0.12, 0.14, 0.16])  # active, grace, lapsed, not a member
    # hidden engagement: a random walk with a personal drift, and a sudden drop for some
    e = np.empty((n, WEEKS))
    level = rng.normal(_GROUP_ENGAGEMENT[g], 0.6)
    drift = rng.normal(0.0, 0.02, n)
    drop_week, drop = rng.integers(0, 80, n), rng.gamma(2.0, 0.4, n)
    for t in range(WEEKS):
        level = level + drift + rng.normal(0, 0.1, n) - np.where(drop_week == t, drop, 0.0)
        e[:, t] = level
    joined = np.arange(WEEKS)[None, :] >= (WEEKS - tenure)[:, None]  # weeks after the member's account existed
    reliability = rng.beta(9, 1.5, n)
    unhappy = rng.beta(1.2, 6, n)
    need = rng.normal(_GROUP_NEEDS[g], 0.6)
    pois = lambda lam: rng.poisson(lam) * joined  # noqa: E731
    bookings = pois(np.exp(-1.0 + 0.8 * e + _GROUP_STATIONS[g][:, None]))
    cancellations = rng.binomial(bookings, 0.12)
    checkins = rng.binomial(bookings - cancellations, reliability[:, None])
    requests = {}
    for c, cat in enumerate(SERVICE_CATEGORIES):
        boost = 0.5 * emp_z[:, None] + 1.2 * emp_arrears if cat == "rights_protection" else 0.0
        requests[f"requests_{cat}"] = pois(np.exp(-2.3 + need[:, c, None] + 0.3 * e + boost))
    filed = sum(requests.values())
    rejected = rng.binomial(filed, unhappy[:, None])  # a bad experience: the request is turned down
    withdrawn = rng.binomial(filed - rejected, 0.05)
    resolved = filed - rejected - withdrawn
    counts = {
        "app_opens": pois(np.exp(1.7 + 0.8 * e)),
        "bookings": bookings,
        "checkins": checkins,
        "no_shows": bookings - cancellations - checkins,
        "cancellations": cancellations,
        "waitlist_joins": pois(0.08 * bookings + 0.01),
        **requests,
        "request_rejected": rejected,
        "request_withdrawn": withdrawn,
        "request_resolved": resolved,
        "request_ratings": rng.binomial(resolved, 0.5),
    }
    e_now, decline = e[:, -1], np.maximum(e[:, -9] - e[:, -1], 0)
    membership_effect = np.array([0.0, 0.7, 1.3, 0.35])[status]
    churn_logit = (
        -3.5
        - 0.2 * e_now
        + 1.6 * np.maximum(-0.3 - e_now, 0)
        + 1.0 * decline
        + membership_effect
        + 0.9 * (tenure < 13)
        + 1.5 * (unhappy - 0.16)
        + 0.15 * emp_z
        + 0.8 * (_GIG[g] & (e_now < -0.5))
        + 0.6 * (status == 2) * (e_now < 0)
        + rng.normal(0, 0.3, n)
    )
    p_churn = sigmoid(churn_logit)
    recent_training = need[:, 1] + 0.8 * e[:, -8:].mean(axis=1)
    svc_logit = _SERVICE_BASE[None, :] + need + 0.35 * e_now[:, None]
    svc_logit[:, 0] += 0.5 * emp_z + 1.2 * emp_arrears[:, -1]
    svc_logit[:, 2] += 0.5 * np.maximum(recent_training, 0)  # training leads to certification
    svc_logit[:, 4] += 0.6 * (status <= 1) - 0.8 * (e_now > 1)  # hardship aid: members, the less engaged
    svc_logit[:, 5] += 0.3 * (tenure > 100)  # health checks: long-serving workers
    p_service = sigmoid(svc_logit)
    now = as_of
    statuses = ("active", "grace", "lapsed", None)
    items = [
        {
            "member_id": f"m_syn{seed}_{i:06d}",
            "worker_group": WORKER_GROUPS[g[i]],
            "city": employers.items[emp[i]]["city"] if emp[i] >= 0 else CITY_CODES[i % len(CITY_CODES)],
            "employer_id": employers.items[emp[i]]["employer_id"] if emp[i] >= 0 else None,
            "membership_status": statuses[status[i]],
            "created_at": iso(now - timedelta(days=float(tenure[i]) * 7)),
        }
        for i in range(n)
    ]
    records = activity_items([m["member_id"] for m in items], counts, rng, as_of)
    return Members(
        items,
        records,
        counts,
        e,
        p_churn,
        rng.random(n) < p_churn,
        p_service,
        rng.random(p_service.shape) < p_service,
        {"unhappy": unhappy, "decline": decline},
    )


# --- stations ------------------------------------------------------------------------------

HOURS = tuple(range(8, 20))  # 60-minute slots, 08:00-20:00 every day
_KIND_P = np.array([0.45, 0.30, 0.15, 0.10])
_HOUR_PROFILE = np.array(
    [  # log-rate by hour per kind (rider, workers' home, migrant, outdoor)
        [-0.8, -0.5, -0.2, 0.4, 0.8, 0.6, 0.0, -0.3, -0.1, 0.5, 0.7, 0.3],
        [-1.0, -0.8, -0.5, -0.3, -0.1, -0.3, -0.4, -0.2, 0.2, 0.6, 0.8, 0.6],
        [0.5, 0.6, 0.3, 0.0, 0.2, 0.0, -0.3, -0.4, -0.3, -0.1, -0.2, -0.5],
        [-0.6, -0.2, 0.2, 0.5, 0.8, 0.9, 0.7, 0.3, -0.1, -0.3, -0.5, -0.7],
    ]
)
_WEEKDAY_PROFILE = np.array(
    [
        [0, 0, 0, 0.05, 0.15, 0.25, 0.2],
        [-0.2, -0.2, -0.2, -0.1, 0, 0.5, 0.5],
        [0.1, 0.1, 0.1, 0.1, 0.1, -0.3, -0.4],
        [0.1, 0.1, 0.1, 0.1, 0.1, -0.2, -0.3],
    ]
)


@dataclass
class Stations:
    items: list[dict[str, Any]]  # stations table fields the features read
    slot_items: list[dict[str, Any]]  # slots table items (only slots someone booked)
    starts: list[datetime]  # every slot start simulated, in order
    week_starts: list[datetime]  # Monday 00:00 (Shanghai) of each simulated week
    lam: np.ndarray  # (stations, slots) true Poisson rate
    expected: np.ndarray  # truth: E[min(Poisson(lam), seats)]
    booked: np.ndarray  # (stations, slots) what happened


def expected_capped(lam: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """E[min(X, cap)] for X ~ Poisson(lam), elementwise (cap broadcast to lam's shape)."""
    cap = np.broadcast_to(cap, lam.shape)
    pmf = np.exp(-lam)
    below = np.zeros_like(lam)  # sum_{k<cap} k P(k)
    cdf = np.zeros_like(lam)  # P(X < cap)
    for k in range(int(cap.max())):
        active = k < cap
        below += np.where(active, k * pmf, 0.0)
        cdf += np.where(active, pmf, 0.0)
        pmf = pmf * lam / (k + 1)
    return below + cap * (1 - cdf)


def make_stations(n: int, seed: int, weeks: int = 9, last_week_start: datetime = AS_OF) -> Stations:
    """`weeks` weeks of slots; the last starts at `last_week_start` (the week to forecast)."""
    rng = _rng(seed, 3)
    kind = rng.choice(len(STATION_KINDS), n, p=_KIND_P)
    base = rng.normal(np.log(2.5), 0.5, n)
    offsets = rng.normal(0, 0.25, (n, len(HOURS)))
    peak = np.exp(base + (_HOUR_PROFILE[kind] + offsets).max(axis=1))
    seats = np.clip(np.ceil(peak * rng.uniform(1.2, 2.2, n)), 4, 40)
    days = weeks * 7
    level = np.cumsum(rng.normal(0, 0.08, (n, weeks)), axis=1)
    day_noise = rng.normal(0, 0.15, (n, days))
    first = last_week_start.astimezone(ACTIVITY_ZONE) - timedelta(weeks=weeks - 1)
    starts, cols = [], []
    for d in range(days):
        for h, hour in enumerate(HOURS):
            starts.append((first + timedelta(days=d, hours=hour)).astimezone(UTC))
            cols.append((d, h))
    d_idx, h_idx = np.array(cols).T
    log_lam = (
        base[:, None]
        + level[:, d_idx // 7]
        + _HOUR_PROFILE[kind][:, h_idx]
        + _WEEKDAY_PROFILE[kind][:, d_idx % 7]
        + offsets[:, h_idx]
        + day_noise[:, d_idx]
        + rng.normal(0, 0.1, (n, len(starts)))
    )
    lam = np.exp(log_lam)
    booked = np.minimum(rng.poisson(lam), seats[:, None]).astype(int)
    ids = [f"st-syn-{seed}-{i:04d}" for i in range(n)]
    items = [
        {
            "station_id": s,
            "kind": STATION_KINDS[kind[i]],
            "city": CITY_CODES[i % len(CITY_CODES)],
            "seats": int(seats[i]),
            "slot_minutes": 60,
            "time_zone": "Asia/Shanghai",
        }
        for i, s in enumerate(ids)
    ]
    slot_items = [
        {
            "resource_id": ids[i],
            "slot_start": iso(starts[j]),
            "slot_end": iso(starts[j] + timedelta(hours=1)),
            "capacity": int(seats[i]),
            "taken": int(booked[i, j]),
            "booked": int(booked[i, j]),
        }
        for i, j in zip(*np.nonzero(booked), strict=True)
    ]
    week_starts = [(first + timedelta(weeks=w)).astimezone(UTC) for w in range(weeks)]
    return Stations(items, slot_items, starts, week_starts, lam, expected_capped(lam, seats[:, None]), booked)


def slot_history(slot_items: list[dict[str, Any]]) -> dict[str, dict[datetime, int]]:
    """Slot items -> {station_id: {slot start: booked}}, as serving reads them from a slots Query."""
    out: dict[str, dict[datetime, int]] = {}
    for item in slot_items:
        out.setdefault(item["resource_id"], {})[datetime.fromisoformat(item["slot_start"])] = int(item["booked"])
    return out

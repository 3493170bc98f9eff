"""The audit log as an auditor reads it: every entry, newest first, a page at a time, filtered by target,
actor, action and a time range (`from`/`to`, default the last 30 days, at most 366).

Read by key, never a Scan (store.audit): a target, actor or action is one Query on the table or its
index, the time range a key condition on the entry's time; an unfiltered read is one Query per month
partition crossed. The next page's place travels in a cursor signed with the token key ring, bound to
the filters; a forged, altered, expired or foreign cursor is 400 naming `cursor`. Actors and member
targets are shown by masked name, stations by name, never by raw id alone.

Round trips per page: 1 Query (+1 per month crossed when unfiltered, +1 per read-ahead page when a
second filter thins it) + 1 BatchGetItem on members (masked names) + 1 BatchGetItem on stations (only
when the page names a station), the two BatchGets issued at once.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Annotated, Any

from pydantic import AwareDatetime, BeforeValidator, Field

from chalicelib.domain.audit import AuditEvent, AuditQuery
from chalicelib.domain.base import Out, Strict
from chalicelib.domain.errors import ValidationFailed
from chalicelib.domain.instants import utc_stamp
from chalicelib.domain.scoring_errors import BadCursor
from chalicelib.services import paging, signed_claims
from chalicelib.store import audit as store
from chalicelib.store.member_names import masked_names
from chalicelib.store.parallel import both
from chalicelib.store.stations import stations_by_id

CURSOR_TYP = "audit_cursor"
CURSOR_TTL = timedelta(hours=24)
DEFAULT_RANGE, MAX_RANGE = timedelta(days=30), timedelta(days=366)
SYSTEM_LABEL = ("系统", "System")
KIND_LABELS: dict[str, tuple[str, str]] = {
    "member": ("会员", "Member"),
    "station": ("服务站", "Station"),
    "request": ("服务申请", "Service request"),
    "booking": ("预约", "Booking"),
    "scenario": ("服务事项", "Service type"),
    "model": ("评分模型", "Scoring model"),
    "run": ("评分批次", "Scoring run"),
}
Blank = BeforeValidator(lambda value: None if value == "" else value)
"""A query parameter sent empty (`?actor=`) is one not sent."""
Token = Annotated[str | None, Field(min_length=1, max_length=200), Blank]
Instant = Annotated[AwareDatetime | None, Blank]


class AuditLogQuery(Strict):
    target: Token = None
    actor: Token = None
    action: Token = None
    from_: Instant = Field(default=None, alias="from")
    to: Instant = None
    limit: Annotated[int, Field(ge=1, le=100)] = 50
    cursor: Annotated[str | None, Field(max_length=2000), Blank] = None


class Party(Out):
    id: str
    kind: str
    label: str  # a masked name, a station name, or what kind of record it is


class AuditItem(Out):
    at: str
    action: str
    actor: Party
    target: Party
    reason: str | None  # opened: the auditor judges a reveal by its reason
    detail: dict[str, Any] | None
    request_id: str | None
    digest: str | None


class AuditPage(Out):
    items: list[AuditItem]
    next_cursor: str | None


def _range(q: AuditLogQuery, now: datetime) -> tuple[datetime, datetime]:
    until = q.to or now
    since = q.from_ or until - DEFAULT_RANGE
    if since > until:
        raise ValidationFailed.on("from", "range_reversed", "开始时间应早于结束时间", "must be before `to`")
    if until - since > MAX_RANGE:
        raise ValidationFailed.on("from", "range_too_long", "时间范围最长 366 天", "the range is at most 366 days")
    return since, until


def _bound(q: AuditLogQuery, since: datetime, until: datetime) -> list[Any]:
    """What a cursor must have been issued for: the same filters and time range."""
    return [q.target, q.actor, q.action, utc_stamp(since), utc_stamp(until)]


def _read_cursor(token: str, bound: list[Any], now: datetime) -> tuple[str | None, dict[str, Any] | None]:
    claims = signed_claims.read(token, CURSOR_TYP, now=now, require={"q": list}, invalid=BadCursor, expired=BadCursor)
    month, start = claims.get("m"), claims.get("k")
    if claims["q"] != bound or not (month is None or isinstance(month, str)):
        raise BadCursor()
    if start is not None and not (isinstance(start, dict) and set(start) <= store.START_KEYS):
        raise BadCursor()
    return month, start


def _cursor(bound: list[Any], month: str | None, start: dict[str, Any] | None, now: datetime) -> str:
    return signed_claims.sign(CURSOR_TYP, {"q": bound, "m": month, "k": start}, now=now, expires=now + CURSOR_TTL)


def page(q: AuditLogQuery, now: datetime, lang: str) -> AuditPage:
    """One page of the log, newest first, with actors and targets labelled."""
    since, until = _range(q, now)
    bound = _bound(q, since, until)
    month, start = _read_cursor(q.cursor, bound, now) if q.cursor else (None, None)
    query = AuditQuery(since, until, target=q.target, actor=q.actor, action=q.action, limit=q.limit)
    keyed = q.target is not None or q.actor is not None or q.action is not None
    partitions: list[str | None] = [None] if keyed else list(store.months(since, until))
    if month is not None and month in partitions:
        partitions = partitions[partitions.index(month) :]
    events, place = paging.across(
        partitions, q.limit, start, lambda month, want, at: store.log_page(replace(query, limit=want), month, at)
    )
    next_cursor = _cursor(bound, place[0], place[1], now) if place else None
    return AuditPage(items=_labelled(events, lang), next_cursor=next_cursor)


def _parts(target: str) -> tuple[str, str]:
    kind, _, ident = target.partition("#")
    return (kind, ident) if ident else ("other", target)


def _labelled(events: list[AuditEvent], lang: str) -> list[AuditItem]:
    """The page's entries with actors and targets named: masked member names, station names."""
    en = lang == "en"
    member_ids = {e.actor for e in events} | {i for k, i in map(_parts, (e.target for e in events)) if k == "member"}
    station_ids = sorted({i for k, i in map(_parts, (e.target for e in events)) if k == "station"})
    names, stations = both(lambda: masked_names(member_ids), lambda: stations_by_id(station_ids) if station_ids else [])
    station_names = {s.station_id: s.name_en if en else s.name_zh for s in stations}

    def party(kind: str, ident: str) -> Party:
        kind_label = KIND_LABELS.get(kind, ("记录", "Record"))[1 if en else 0]
        label = names.get(ident) if kind == "member" else station_names.get(ident) if kind == "station" else None
        if kind in ("run", "scenario", "model", "other"):
            label = f"{kind_label} {ident}"  # keys, not personal: readable as they are
        return Party(id=ident, kind=kind, label=label or kind_label)

    def actor(ident: str) -> Party:
        if ident in names:
            return party("member", ident)
        return Party(id=ident, kind="system", label=SYSTEM_LABEL[1 if en else 0])

    return [
        AuditItem(
            at=utc_stamp(e.at),
            action=e.action,
            actor=actor(e.actor),
            target=party(*_parts(e.target)),
            reason=e.reason,
            detail=e.detail,
            request_id=e.request_id,
            digest=e.digest,
        )
        for e in events
    ]

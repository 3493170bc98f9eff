"""Service requests (cases): a worker files one under a scenario, staff move it through the
workflow, both comment, the worker withdraws or rates it. Every event counts in the member's
activity, in the same transaction as the change.

Round trips: submit = 1 Query (the scenario's latest version) + GetItem employer (only scenarios
with an employer field) + one TransactWriteItems (request + activity); move / withdraw / rate =
GetItem request + one TransactWriteItems; show = GetItem request + Query comments.
"""
from __future__ import annotations

import secrets
from datetime import datetime

from chalicelib.domain import case_errors as err
from chalicelib.domain import cases as rules
from chalicelib.domain.access import Caller
from chalicelib.domain.activity import EMPLOYER_RIGHTS_REQUEST
from chalicelib.domain.cases import RatingBody, RequestCreate, RequestOut, TransitionBody
from chalicelib.domain.errors import ValidationFailed
from chalicelib.domain.scenario_forms import AnswersInvalid, check_answers
from chalicelib.domain.scenarios import Scenario
from chalicelib.services import activity, scenarios
from chalicelib.services.case_views import request_view, seal, split_answers
from chalicelib.services.commit import commit
from chalicelib.store import cases as store
from chalicelib.store.base import iso
from chalicelib.store.case_tables import RequestRecord
from chalicelib.store.employers import get_employer
from chalicelib.store.transact import NamedTransaction

STAFF = frozenset({"staff", "admin"})


def _employer_id(scenario: Scenario, answers: dict[str, object]) -> str | None:
    """The employer named by the scenario's employer field, checked against the employer list."""
    field = next((f for f in scenario.fields if f.type == "employer" and f.name in answers), None)
    if field is None:
        return None
    employer = get_employer(str(answers[field.name]))
    if employer is None:
        raise err.UnknownEmployer(field.name)
    return employer.employer_id


def submit(caller: Caller, req: RequestCreate, now: datetime) -> RequestOut:
    scenario = scenarios.usable(caller, req.scenario_key)
    try:
        answers = check_answers(scenario, req.answers)
    except AnswersInvalid as exc:
        raise ValidationFailed(details=exc.issues) from exc
    employer_id = _employer_id(scenario, answers)
    request_id = "rq_" + secrets.token_hex(8)
    plain, sealed, masked = split_answers(scenario, request_id, answers)
    due = rules.stage_due("submitted", now, scenario.sla_hours)
    record = RequestRecord(
        request_id, member_id=caller.member_id, scenario_key=scenario.key, scenario_version=scenario.version,
        category=scenario.category, title_zh=scenario.title_zh, title_en=scenario.title_en, status="submitted",
        answers=plain, sealed=sealed, masked=masked, sla_hours=scenario.sla_hours.model_dump(),
        uploads={f.name: {"min": int(f.min or (1 if f.required else 0)), "max": int(f.max or 5)}
                 for f in scenario.fields if f.type == "file"},
        employer_id=employer_id, submitted_at=iso(now), updated_at=iso(now), stage_started_at=iso(now),
        queue_status="submitted", sla_due=iso(due) if due else None,
        history=[store.history_entry("submitted", "submitted", now, caller.member_id)])
    tx = NamedTransaction()
    store.put_in(tx, record)
    activity.record_in(tx, caller.member_id, rules.category_event(scenario.category), now)
    if scenario.category == "rights_protection":
        activity.record_employer_in(tx, employer_id, EMPLOYER_RIGHTS_REQUEST, now)
    tx.commit()
    return request_view(record, caller, now)


def visible(caller: Caller, request_id: str) -> RequestRecord:
    """The request if the caller filed it or handles requests (staff, admins); else 404, so a worker
    cannot even learn that someone else's request exists."""
    record = store.get_request(request_id)
    if record is None or (record.member_id != caller.member_id and not caller.has_any(STAFF)):
        raise err.RequestNotFound()
    return record


def own(caller: Caller, request_id: str) -> RequestRecord:
    record = store.get_request(request_id)
    if record is None or record.member_id != caller.member_id:
        raise err.RequestNotFound()
    return record


def show(caller: Caller, request_id: str, now: datetime) -> RequestOut:
    record = visible(caller, request_id)
    return request_view(record, caller, now, comments=store.comments(request_id), with_urls=True)


def my_requests(caller: Caller, now: datetime) -> list[RequestOut]:
    return [request_view(r, caller, now) for r in store.of_member(caller.member_id)]


def _move(caller: Caller, record: RequestRecord, to: str, note: str | None, now: datetime, *,
          owner: str | None) -> RequestOut:
    due = rules.stage_due(to, now, rules.SlaHours(**(record.sla_hours or {})))
    tx = NamedTransaction()
    store.move_in(tx, record, to, at=now, by=caller.member_id, note=note, due=due, owner=owner,
                  assignee=caller.member_id if to == "accepted" else None)
    activity.record_in(tx, record.member_id, rules.status_event(to), now)
    commit(tx, lambda _: err.RequestChanged())
    return show(caller, record.request_id, now)


def move(staff: Caller, request_id: str, body: TransitionBody, now: datetime) -> RequestOut:
    """Staff accept, start, resolve or reject (422 when the workflow does not allow it; 409 when
    another staff member moved the request since it was read)."""
    record = visible(staff, request_id)
    to = rules.next_status(record.status, body.to, by="staff", note=body.note)
    return _move(staff, record, to, body.note, now, owner=None)


def withdraw(caller: Caller, request_id: str, note: str | None, now: datetime) -> RequestOut:
    record = own(caller, request_id)
    to = rules.next_status(record.status, "withdrawn", by="worker")
    return _move(caller, record, to, note, now, owner=caller.member_id)


def comment(caller: Caller, request_id: str, text: str, now: datetime) -> RequestOut:
    record = visible(caller, request_id)
    if record.status == "withdrawn":
        raise err.RequestClosed()
    by_owner = record.member_id == caller.member_id
    at_id = store.new_at_id(now)
    tx = NamedTransaction()
    store.comment_in(tx, record, author=caller.member_id, role="worker" if by_owner else "staff",
                     text_enc=seal(record.request_id, text, "comment", at_id), at_id=at_id, at=now,
                     owner=caller.member_id if by_owner else None)
    activity.record_in(tx, record.member_id, "request_comments_sent" if by_owner else "request_comments_received",
                       now)
    commit(tx, lambda _: err.RequestClosed())
    return show(caller, request_id, now)


def rate(caller: Caller, request_id: str, body: RatingBody, now: datetime) -> RequestOut:
    """Once, after resolution: 1-5 stars and an optional text."""
    record = own(caller, request_id)
    if record.status != "resolved":
        raise err.NotResolved()
    if record.rating_stars is not None:
        raise err.AlreadyRated()
    text_enc = seal(request_id, body.text, "rating") if body.text else None
    tx = NamedTransaction()
    store.rate_in(tx, record, body.stars, text_enc, now, owner=caller.member_id)
    activity.record_in(tx, caller.member_id, "request_ratings", now)
    commit(tx, lambda _: err.AlreadyRated())
    return show(caller, request_id, now)

"""Service requests (cases): a worker files one under a scenario, staff move it through the
workflow, both comment, the worker withdraws or rates it. Every event counts in the member's
activity, in the same unit of work as the change; what staff do (moves, replies) is audited in it too.

Staff see, move, reassign and comment on only the requests routed to their stations (case_routing.py
says how a request is routed); admins every request; a worker their own. Anything else is a 404, so
nobody learns that a request they may not see exists.

Round trips: submit = 1 Query (the scenario's latest version) + GetItem employer (only scenarios
with an employer field) + the routing's (case_routing.py: 1 GetItem for a chosen station, up to 3
for the city default) + one TransactWriteItems (request + activity); move / withdraw / rate /
comment = GetItem request + one TransactWriteItems; show = GetItem request + Query comments.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict
from datetime import datetime

from chalicelib.domain import activity as events
from chalicelib.domain import case_errors as err
from chalicelib.domain import cases as rules
from chalicelib.domain.access import Caller
from chalicelib.domain.activity import EMPLOYER_RIGHTS_REQUEST
from chalicelib.domain.cases import (
    Case,
    Comment,
    Rating,
    RatingBody,
    ReassignBody,
    ReassignOut,
    RequestCreate,
    RequestOut,
    StationName,
    TransitionBody,
)
from chalicelib.domain.categories import RIGHTS_PROTECTION
from chalicelib.domain.errors import ValidationFailed
from chalicelib.domain.scenario_forms import AnswersInvalid, check_answers
from chalicelib.domain.scenarios import Scenario
from chalicelib.services import activity, case_erasure, case_routing, scenarios
from chalicelib.services.case_sealing import seal, split_answers
from chalicelib.services.case_views import request_view
from chalicelib.store import cases as store
from chalicelib.store.employers import get_employer
from chalicelib.store.unit_of_work import unit_of_work


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
    station = case_routing.handling_station(caller, req.station_id)
    request_id = "rq_" + secrets.token_hex(8)
    plain, sealed, masked = split_answers(scenario, request_id, answers)
    case = rules.new_case(
        request_id,
        caller.member_id,
        scenario,
        answers=plain,
        sealed=sealed,
        masked=masked,
        employer_id=employer_id,
        station=station,
        now=now,
    )
    with unit_of_work(now) as uow:
        store.put_in(uow, case)
        activity.record_in(uow, caller.member_id, events.request_filed(scenario.category), now)
        if scenario.category == RIGHTS_PROTECTION:
            activity.record_employer_in(uow, employer_id, EMPLOYER_RIGHTS_REQUEST, now)
    return request_view(case, caller, now)


def visible(caller: Caller, request_id: str) -> Case:
    """The request if the caller filed it or handles it (rules.handles); else 404."""
    case = store.get_request(request_id)
    if case is None or not (case.member_id == caller.member_id or rules.handles(caller, case)):
        raise err.RequestNotFound()
    return case


def handled(caller: Caller, request_id: str) -> Case:
    """The request if the caller handles it: an admin, or staff of its station (not its owner as
    such: staff who file a request do not move it themselves); else 404."""
    case = store.get_request(request_id)
    if case is None or not rules.handles(caller, case):
        raise err.RequestNotFound()
    return case


def own(caller: Caller, request_id: str) -> Case:
    case = store.get_request(request_id)
    if case is None or case.member_id != caller.member_id:
        raise err.RequestNotFound()
    return case


def show(caller: Caller, request_id: str, now: datetime) -> RequestOut:
    case = visible(caller, request_id)
    return request_view(case, caller, now, comments=store.comments(request_id), with_urls=True)


def my_requests(caller: Caller, now: datetime) -> list[RequestOut]:
    return [request_view(c, caller, now) for c in store.of_member(caller.member_id)]


def _move(caller: Caller, case: Case, to: str, note: str | None, now: datetime, *, owner: str | None) -> RequestOut:
    due = rules.stage_due(to, now, case.sla_hours)
    with unit_of_work(now, refuse={store.REQUEST_AS_READ: err.RequestChanged}) as uow:
        store.move_in(
            uow,
            case,
            to,
            at=now,
            by=caller.member_id,
            note=note,
            due=due,
            owner=owner,
            assignee=caller.member_id if to == "accepted" else None,
        )
        activity.record_in(uow, case.member_id, events.request_moved(to), now)
        if owner is None:  # staff moved it: audited, the note sealed as the entry's reason
            uow.audit(
                caller.member_id,
                "request_move",
                target=f"request#{case.request_id}",
                reason=note,
                detail={"from": case.status, "to": to},
            )
    if case.erase_on_close:
        case_erasure.erase_if_held(case.request_id, now)
    return show(caller, case.request_id, now)


def move(staff: Caller, request_id: str, body: TransitionBody, now: datetime) -> RequestOut:
    """Staff accept, start, resolve or reject (422 when the workflow does not allow it; 409 when
    another staff member moved the request since it was read)."""
    case = handled(staff, request_id)
    to = rules.next_status(case.status, body.to, by="staff", note=body.note)
    return _move(staff, case, to, body.note, now, owner=None)


def reassign(caller: Caller, request_id: str, body: ReassignBody, now: datetime) -> ReassignOut:
    """An admin, or staff of the station handling it, hands an open request to another station in
    service: its queue entry, history line (with both stations' names) and audit entry in one unit
    of work, nobody assigned there yet. Round trips: GetItem request + GetItem station + one
    TransactWriteItems."""
    case = handled(caller, request_id)
    to = case_routing.in_service(body.station_id)
    step = rules.reassignment(case, to, by=caller.member_id, reason=body.reason, at=now)
    with unit_of_work(now, refuse={store.REQUEST_AS_READ: err.RequestChanged}) as uow:
        store.reassign_in(uow, case, step)
        uow.audit(
            caller.member_id,
            "request_reassign",
            target=f"request#{request_id}",
            reason=body.reason,
            detail={"from_station": case.station_id, "to_station": to.station_id},
        )
    return ReassignOut(request_id=request_id, status=case.status, station=StationName(**asdict(to)))


def withdraw(caller: Caller, request_id: str, note: str | None, now: datetime) -> RequestOut:
    case = own(caller, request_id)
    to = rules.next_status(case.status, "withdrawn", by="worker")
    return _move(caller, case, to, note, now, owner=caller.member_id)


def comment(caller: Caller, request_id: str, text: str, now: datetime) -> RequestOut:
    case = visible(caller, request_id)
    if case.status == "withdrawn":
        raise err.RequestClosed()
    by_owner = case.member_id == caller.member_id
    comment_id = store.new_comment_id(now)
    said = Comment(
        request_id=request_id,
        comment_id=comment_id,
        author_id=caller.member_id,
        author_role="worker" if by_owner else "staff",
        text_enc=seal(request_id, text, "comment", comment_id),
        at=now,
    )
    with unit_of_work(now, refuse={store.OPEN_FOR_COMMENTS: err.RequestClosed}) as uow:
        store.comment_in(uow, case, said, owner=caller.member_id if by_owner else None)
        activity.record_in(
            uow, case.member_id, events.REQUEST_COMMENT_SENT if by_owner else events.REQUEST_COMMENT_RECEIVED, now
        )
        if not by_owner:  # a staff reply: audited with a digest of its text, never the text
            uow.audit(
                caller.member_id,
                "request_comment",
                target=f"request#{request_id}",
                detail={"comment_id": comment_id},
                after=text,
            )
    return show(caller, request_id, now)


def rate(caller: Caller, request_id: str, body: RatingBody, now: datetime) -> RequestOut:
    """Once, after resolution: 1-5 stars and an optional text."""
    case = own(caller, request_id)
    if case.status != "resolved":
        raise err.NotResolved()
    if case.rating is not None:
        raise err.AlreadyRated()
    rating = Rating(stars=body.stars, text_enc=seal(request_id, body.text, "rating") if body.text else None, at=now)
    with unit_of_work(now, refuse={store.RATEABLE: err.AlreadyRated}) as uow:
        store.rate_in(uow, case, rating, owner=caller.member_id)
        activity.record_in(uow, caller.member_id, events.REQUEST_RATED, now)
    return show(caller, request_id, now)

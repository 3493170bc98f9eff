"""The DynamoDB round trips of filing a request and of the staff queue, counted on the wire.

submit       Query (the scenario's latest version) + one TransactWriteItems (request + activity counter);
             + GetItem (employer) for scenarios with an employer field
staff queue  one Query per open status on the queue index (concurrently), one when a status is given
SLA sweep    one Query per open status + one TransactWriteItems per escalated request (flag + activity + audit)
(plus Powertools' idempotency bookkeeping on its own client when an Idempotency-Key is sent: 2 on the first
call, 1 on a replay - see docs/api.md)
Signed-in calls also pay the token check: one GetItem (`authenticated`, issue 13); the sweep does not.
"""

from tests.api.services_world import job_help, run_schedule, submit
from tests.support.round_trips import authenticated, measure


def test_round_trips_of_submit_and_the_staff_queue(api, worker, staff, library, wage_claim, calls):  # noqa: F811
    assert measure(calls, lambda: submit(api, worker, job_help())) == authenticated(
        {"Query": 1, "TransactWriteItems": 1}
    )
    assert measure(calls, lambda: submit(api, worker, wage_claim)) == authenticated(
        {
            "Query": 1,
            "GetItem": 1,
            "TransactWriteItems": 1,
        }
    )
    assert measure(calls, lambda: api.as_(staff).get("/v1/staff/requests")) == authenticated({"Query": 3})
    assert measure(
        calls, lambda: api.as_(staff).get("/v1/staff/requests?status=submitted&overdue=true")
    ) == authenticated({"Query": 1})


def test_round_trips_of_an_escalation(api, worker, library, clock, calls):
    law = {
        "scenario_key": "labour_law_consultation",
        "answers": {"topic": "wages", "question": "加班费怎么计算才合法？", "contact_by": "in_app"},
    }
    submit(api, worker, law)
    clock.advance(hours=8, minutes=1)
    calls.clear()
    assert run_schedule(api, "request_sla_sweep") == {"escalated": 1}
    assert dict(calls) == {"Query": 3, "TransactWriteItems": 1}

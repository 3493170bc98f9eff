"""The DynamoDB round trips of filing a request and of the staff queue, counted on the wire.

submit       Query (the scenario's latest version) + one TransactWriteItems (request + activity counter);
             + GetItem (employer) for scenarios with an employer field; + routing: GetItem (the station the
             worker chose), or GetItem member + Query city index + BatchGet stations (their city's default)
staff queue  one Query per station of theirs and open status on the station queue index (concurrently),
             one per station when a status is given; an admin's: one per open status on the queue index
reassign     GetItem request + GetItem station + one TransactWriteItems (request + audit)
SLA sweep    one Query per open status + one TransactWriteItems per escalated request (flag + activity + audit)
(plus Powertools' idempotency bookkeeping on its own client when an Idempotency-Key is sent: 2 on the first
call, 1 on a replay - see docs/api.md)
Signed-in calls also pay the token check: one GetItem (`authenticated`, issue 13); the sweep does not.
"""

from tests.api.services_world import job_help, run_schedule, submit
from tests.api.stations_world import create_station, make_staff, new_worker
from tests.support.round_trips import authenticated, measure


def test_round_trips_of_submit_and_the_staff_queue(api, admin, worker, staff, desk, library, wage_claim, calls):  # noqa: F811
    city_default = {"GetItem": 1, "Query": 1, "BatchGetItem": 1}
    assert measure(calls, lambda: submit(api, worker, job_help())) == authenticated(
        {
            "Query": 1 + city_default["Query"],
            "GetItem": city_default["GetItem"],
            "BatchGetItem": 1,
            "TransactWriteItems": 1,
        }
    )
    assert measure(
        calls, lambda: submit(api, worker, {**wage_claim, "station_id": desk["station_id"]})
    ) == authenticated(
        {
            "Query": 1,
            "GetItem": 2,  # the employer, the chosen station
            "TransactWriteItems": 1,
        }
    )
    newcomer = new_worker(api)
    assert measure(calls, lambda: submit(api, newcomer, job_help())) == authenticated(
        {  # no city: the union-wide queue
            "Query": 1,
            "GetItem": 1,
            "TransactWriteItems": 1,
        }
    )
    assert measure(calls, lambda: api.as_(staff).get("/v1/staff/requests")) == authenticated({"Query": 3})
    assert measure(
        calls, lambda: api.as_(staff).get("/v1/staff/requests?status=submitted&overdue=true")
    ) == authenticated({"Query": 1})
    assert measure(calls, lambda: api.as_(admin).get("/v1/staff/requests")) == authenticated({"Query": 3})


def test_round_trips_of_a_three_station_queue_and_a_reassignment(api, admin, worker, desk, library, calls):
    others = [create_station(api, admin)["station_id"] for _ in range(2)]
    staff = make_staff(api, desk["station_id"], *others)
    rid = submit(api, worker, job_help()).json["request_id"]
    assert measure(calls, lambda: api.as_(staff).get("/v1/staff/requests")) == authenticated(
        {"Query": 9}
    )  # 3 stations x 3
    body = {"station_id": others[0], "reason": "离工友更近"}
    assert measure(calls, lambda: api.as_(staff).post(f"/v1/staff/requests/{rid}/reassign", body)) == authenticated(
        {
            "GetItem": 2,
            "TransactWriteItems": 1,
        }
    )


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

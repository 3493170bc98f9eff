"""The DynamoDB round trips of the scoring routes, counted on the wire (botocore events): GetItem,
Query and BatchGetItem only, never a Scan.

member scores / insights   GetItem member + GetItem activity + GetItem privacy choice (issued at once),
                           + GetItem thresholds in force (once a minute per container and model)
employer risk              GetItem employer + GetItem employer activity
station forecast           GetItem station + one Query (the last 29 days of slots)
profiling choice           one TransactWriteItems (the choice, the activity flag, deleted scores, the audit entry)
recommendations            the three GetItems + Query scenario catalogue + Query past bookings
                           + Query city index + BatchGetItem stations + one slots Query per station
Each is a signed-in call, so it also pays the token check: one GetItem (`authenticated`, issue 13).
"""

from tests.api.stations_world import create_station
from tests.support.round_trips import authenticated, measure


def test_scoring_routes_read_with_getitem_and_query_only(api, admin, worker, employers, library, calls):
    from chalicelib.store import accounts

    me = accounts.get_member(worker.member_id)
    me.city = "shanghai"
    accounts.save_member(me)
    station = create_station(api, admin)
    create_station(api, admin)
    assert measure(calls, lambda: api.as_(admin).get(f"/v1/admin/members/{worker.member_id}/scores")) == authenticated(
        {"GetItem": 4}
    )
    assert measure(calls, lambda: api.as_(worker).get("/v1/me/insights")) == authenticated(
        {"GetItem": 3}
    )  # thresholds cached
    assert measure(calls, lambda: api.as_(admin).get("/v1/admin/employers/emp-bj-1/risk")) == authenticated(
        {"GetItem": 3}
    )  # + thresholds
    assert measure(
        calls, lambda: api.as_(admin).get(f"/v1/admin/stations/{station['station_id']}/forecast")
    ) == authenticated(
        {
            "GetItem": 1,
            "Query": 1,
        }
    )
    assert measure(calls, lambda: api.as_(worker).get("/v1/me/recommendations")) == authenticated(
        {
            "GetItem": 3,
            "Query": 3 + 2,
            "BatchGetItem": 1,
        }
    )


def test_a_profiling_choice_is_one_transaction_with_its_audit_entry(api, worker, calls):
    from chalicelib.store import audit

    assert measure(calls, lambda: api.as_(worker).put("/v1/me/privacy", {"profiling": False})) == authenticated(
        {"TransactWriteItems": 1}
    )
    assert measure(calls, lambda: api.as_(worker).put("/v1/me/privacy", {"profiling": True})) == authenticated(
        {"TransactWriteItems": 1}
    )
    trail = audit.trail(f"member#{worker.member_id}")  # both at the same (fake) instant
    assert sorted(e.action for e in trail) == ["profiling_off", "profiling_on"]
    assert {e.actor for e in trail} == {worker.member_id}

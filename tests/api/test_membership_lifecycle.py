"""The yearly lifecycle: active -> grace when the renewal is due -> lapsed after 90 days, moved by the
scheduled function; renewing; the access token follows at the next login."""

from datetime import UTC, datetime

from chalicelib.services import activity
from tests.api.services_world import apply, error, join_union, run_schedule
from tests.api.stations_world import new_worker
from tests.support.clock import FakeClock


def status(api, who):
    return api.as_(who).get("/v1/me/membership").json


def members_only_visible(api, who):
    from devstack.seed_services import seed_scenarios

    seed_scenarios()
    return "hardship_aid_application" in [s["key"] for s in api.as_(who).get("/v1/scenarios").json]


def test_grace_then_lapsed_by_the_scheduled_function(api, admin, worker, clock):
    member = join_union(api, admin, worker)
    assert run_schedule(api, "membership_lifecycle") == {"grace": 0, "lapsed": 0}
    clock.advance(days=364)  # 2027-11-26: still active
    assert run_schedule(api, "membership_lifecycle") == {"grace": 0, "lapsed": 0}
    clock.advance(days=1)  # 2027-11-27: renewal due
    assert run_schedule(api, "membership_lifecycle") == {"grace": 1, "lapsed": 0}
    assert run_schedule(api, "membership_lifecycle") == {"grace": 0, "lapsed": 0}  # a rerun changes nothing
    member = api.login(worker.phone)
    assert status(api, member)["status"] == "grace" and status(api, member)["card"] is not None
    assert members_only_visible(api, member)  # grace is still membership
    clock.advance(days=90)  # 2028-02-25
    assert run_schedule(api, "membership_lifecycle") == {"grace": 0, "lapsed": 1}
    member = api.login(worker.phone)
    assert status(api, member)["status"] == "lapsed" and status(api, member)["card"] is None
    assert not members_only_visible(api, member)
    counters = activity.counters(worker.member_id)
    assert {"w2026_48_membership_joins", "w2027_47_membership_graces", "w2028_08_membership_lapses"} <= counters.keys()
    assert apply(api, member).status == 201  # a lapsed member may apply again


def test_renewing_in_grace_makes_the_member_active_for_another_year(api, admin, worker, clock):
    member = join_union(api, admin, worker)
    assert error(api.as_(member).post("/v1/me/membership/renew")) == (422, "renewal_not_due")
    clock.advance(days=370)
    run_schedule(api, "membership_lifecycle")
    member = api.login(worker.phone)
    renewed = api.as_(member).post("/v1/me/membership/renew")
    assert renewed.status == 200, renewed.json
    assert (renewed.json["status"], renewed.json["renewal_due"]) == ("active", "2028-11-27")
    clock.advance(days=90)
    assert run_schedule(api, "membership_lifecycle") == {"grace": 0, "lapsed": 0}
    assert status(api, api.login(worker.phone))["status"] == "active"


def test_the_application_deadline_skips_golden_week(api, clock: FakeClock):
    clock.advance(seconds=(datetime(2026, 9, 30, 2, 0, tzinfo=UTC) - clock.now()).total_seconds())
    applied = apply(api, new_worker(api))
    assert applied.json["due_date"] == "2026-10-10"  # 8 Oct, 9 Oct, then the make-up Saturday

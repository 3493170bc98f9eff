"""A seat freed while people wait reaches the waitlist even when the offer after the release fails.

The failure comes in through the DynamoDB client PynamoDB uses: its next Query of the waitlist (the
first thing the hand-over does, right after the cancel committed) fails, as a network error would.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from botocore.exceptions import EndpointConnectionError

from tests.api.stations_world import book, create_station, new_worker, run_sweep, slot_counts
from tests.api.test_waitlist import join

TWO_PM = "2026-11-27T14:00:00+08:00"
TWO_PM_UTC = "2026-11-27T06:00:00Z"


@contextmanager
def waitlist_reads_fail(times: int = 1) -> Iterator[None]:
    """The next `times` Queries of a slot's waitlist (not of an index) fail before they reach DynamoDB."""
    from chalicelib.store.booking_tables import WaitlistRecord

    events = WaitlistRecord._get_connection().connection.client.meta.events
    left = [times]

    def fail(params, **_):
        if params.get("TableName", "").endswith("-waitlist") and "IndexName" not in params and left[0] > 0:
            left[0] -= 1
            raise EndpointConnectionError(endpoint_url="https://dynamodb.ap-east-1.amazonaws.com")

    events.register("before-parameter-build.dynamodb.Query", fail)
    try:
        yield
    finally:
        events.unregister("before-parameter-build.dynamodb.Query", fail)
    assert left[0] == 0, "the injected failure never happened"


def status_of(sid: str, who) -> str:
    """The waiter's entry as stored (reading it through the API would settle the slot itself)."""
    from chalicelib.store.waitlist import get_entry

    return get_entry(sid, datetime.fromisoformat(TWO_PM), who.member_id).status


def one_seat_with_a_waiter(api, admin, rider):
    sid = create_station(api, admin, seats=1)["station_id"]
    bid = book(api, rider, sid, TWO_PM).json["booking_id"]
    waiter = new_worker(api)
    assert join(api, waiter, sid).status == 201
    return sid, bid, waiter


def test_a_cancel_whose_hand_over_fails_still_reaches_the_waitlist(api, admin, rider, clock):
    sid, bid, waiter = one_seat_with_a_waiter(api, admin, rider)
    with waitlist_reads_fail():
        cancelled = api.as_(rider).post(f"/v1/bookings/{bid}/cancel")
    assert cancelled.status == 200 and cancelled.json["status"] == "cancelled"  # the cancel itself held
    assert status_of(sid, waiter) == "waiting"  # stranded: a free seat nobody is offered ...
    stranger = book(api, new_worker(api), sid, TWO_PM)
    assert stranger.json["error"]["code"] == "slot_full"  # ... and nobody else may take
    clock.advance(minutes=5)  # the schedule's period
    assert run_sweep(api)["handovers_settled"] == 1
    assert status_of(sid, waiter) == "offered"
    assert slot_counts(sid, TWO_PM_UTC).held == 1
    assert run_sweep(api)["handovers_settled"] == 0  # the mark is gone once settled


def test_a_declined_offer_whose_hand_over_fails_reaches_the_next_waiter(api, admin, rider, clock):
    sid, bid, first = one_seat_with_a_waiter(api, admin, rider)
    clock.advance(minutes=1)
    second = new_worker(api)
    assert join(api, second, sid).status == 201
    assert api.as_(rider).post(f"/v1/bookings/{bid}/cancel").status == 200
    assert status_of(sid, first) == "offered"
    [entry] = api.as_(first).get("/v1/me/waitlist").json
    with waitlist_reads_fail():
        assert api.as_(first).post(f"/v1/waitlist/{entry['entry_id']}/leave").status == 200
    assert status_of(sid, second) == "waiting"
    clock.advance(minutes=5)
    run_sweep(api)
    assert status_of(sid, second) == "offered"


def test_the_sweep_retries_a_hand_over_that_fails_again(api, admin, rider, clock):
    sid, bid, waiter = one_seat_with_a_waiter(api, admin, rider)
    with waitlist_reads_fail():
        assert api.as_(rider).post(f"/v1/bookings/{bid}/cancel").status == 200
    clock.advance(minutes=5)
    with waitlist_reads_fail():
        assert run_sweep(api)["handovers_settled"] == 0
    clock.advance(minutes=5)
    assert run_sweep(api)["handovers_settled"] == 1
    assert status_of(sid, waiter) == "offered"


def test_a_fresh_release_is_left_to_the_cancel_itself(api, admin, rider):
    """The sweep only takes marks older than a minute, so it does not race the offer a cancel makes."""
    sid, bid, waiter = one_seat_with_a_waiter(api, admin, rider)
    with waitlist_reads_fail():
        assert api.as_(rider).post(f"/v1/bookings/{bid}/cancel").status == 200
    assert run_sweep(api)["handovers_settled"] == 0
    assert status_of(sid, waiter) == "waiting"


def test_what_the_sweep_costs_per_stranded_seat(api, admin, rider, clock, calls):
    sid, bid, _ = one_seat_with_a_waiter(api, admin, rider)
    quiet: Counter[str] = Counter()
    clock.advance(minutes=5)
    calls.clear()
    run_sweep(api)
    quiet.update(calls)
    with waitlist_reads_fail():
        assert api.as_(rider).post(f"/v1/bookings/{bid}/cancel").status == 200
    clock.advance(minutes=5)
    calls.clear()
    assert run_sweep(api)["handovers_settled"] == 1
    extra = Counter(calls)
    extra.subtract(quiet)
    # Query waitlist + GetItem slot + GetItem station + the offer + the mark's UpdateItem
    assert {k: v for k, v in extra.items() if v} == {
        "Query": 1,
        "GetItem": 2,
        "TransactWriteItems": 1,
        "UpdateItem": 1,
    }
    assert quiet["Query"] == 3 + 2 + 3  # no-show, offer and hand-over index: one Query per day each

"""Changing a station's seats or slot length never lets bookings exceed the seats for any minute.

Every way it could break: slots made before a seat change keep their old seat count, the waitlist
hands a freed seat over against the old count, a booking read the station just before the change,
a slot of another length overlaps a booked one, and bookings race a seat cut.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from threading import Barrier

from tests.api.stations_world import book, create_station, new_worker, run_sweep, slot_counts
from tests.api.test_waitlist import entries, join
from tests.support.serialized_moto import serialized_moto

TWO_PM = "2026-11-27T14:00:00+08:00"
TWO_PM_UTC = "2026-11-27T06:00:00Z"
TOMORROW_TWO_PM = "2026-11-28T14:00:00+08:00"


def booked_by(api, n, sid, start=TWO_PM):
    riders = [new_worker(api) for _ in range(n)]
    for r in riders:
        assert book(api, r, sid, start).status == 201
    return riders


def seats(api, admin, sid, n):
    return api.as_(admin).patch(f"/v1/stations/{sid}", {"seats": n})


def test_a_seat_cut_caps_slots_booked_before_it_and_cancels_nobody(api, admin):
    sid = create_station(api, admin, seats=4)["station_id"]
    riders = booked_by(api, 3, sid)
    cut = seats(api, admin, sid, 2)
    assert cut.status == 200, cut.json
    over = cut.json["seats_over"]
    assert over["bookings"] == 1
    assert over["slots"] == [
        {"slot_start": TWO_PM, "slot_start_utc": TWO_PM_UTC, "taken": 3, "over": 1},
    ]
    assert "1 bookings over the new seats" in over["message_en"] and "1 个预约超出" in over["message_zh"]
    assert all(api.as_(r).get("/v1/me/bookings").json[0]["status"] == "confirmed" for r in riders)
    late = book(api, new_worker(api), sid, TWO_PM)
    assert late.status == 409 and late.json["error"]["code"] == "slot_full"  # 3 taken of 2 seats
    bid = api.as_(riders[0]).get("/v1/me/bookings").json[0]["booking_id"]
    assert api.as_(riders[0]).post(f"/v1/bookings/{bid}/cancel").status == 200
    again = book(api, new_worker(api), sid, TWO_PM)
    assert again.status == 409 and again.json["error"]["code"] == "slot_full"  # 2 taken of 2 seats
    day = api.as_(admin).get(f"/v1/stations/{sid}/availability?date=2026-11-27").json["slots"]
    two_pm = next(s for s in day if s["slot_start"] == TWO_PM)
    assert (two_pm["capacity"], two_pm["seats_left"], two_pm["bookable"]) == (2, 0, False)


def test_a_seat_cut_with_no_slot_over_says_so(api, admin):
    sid = create_station(api, admin, seats=4)["station_id"]
    booked_by(api, 2, sid)
    cut = seats(api, admin, sid, 2)
    assert cut.status == 200 and cut.json["seats_over"] is None
    assert book(api, new_worker(api), sid, TWO_PM).json["error"]["code"] == "slot_full"


def test_more_seats_apply_to_slots_booked_before(api, admin):
    sid = create_station(api, admin, seats=1)["station_id"]
    booked_by(api, 1, sid)
    assert seats(api, admin, sid, 2).status == 200
    assert book(api, new_worker(api), sid, TWO_PM).status == 201
    assert slot_counts(sid, TWO_PM_UTC).taken == 2


def test_a_freed_seat_is_not_handed_to_the_waitlist_over_the_new_seats(api, admin, clock):
    sid = create_station(api, admin, seats=2)["station_id"]
    first, _ = booked_by(api, 2, sid)
    waiter = new_worker(api)
    assert join(api, waiter, sid).status == 201
    assert seats(api, admin, sid, 1).json["seats_over"]["bookings"] == 1
    bid = api.as_(first).get("/v1/me/bookings").json[0]["booking_id"]
    assert api.as_(first).post(f"/v1/bookings/{bid}/cancel").status == 200
    assert [e["status"] for e in entries(api, waiter)] == ["waiting"]  # 1 taken of 1 seat: nothing to offer
    clock.advance(minutes=5)
    run_sweep(api)
    assert [e["status"] for e in entries(api, waiter)] == ["waiting"]
    assert slot_counts(sid, TWO_PM_UTC).taken == 1


def test_waiters_are_offered_the_seats_a_raise_adds(api, admin, clock):
    sid = create_station(api, admin, seats=1)["station_id"]
    booked_by(api, 1, sid)
    waiter = new_worker(api)
    assert join(api, waiter, sid).status == 201
    assert seats(api, admin, sid, 2).status == 200
    clock.advance(minutes=2)
    assert run_sweep(api)["handovers_settled"] == 1
    assert [e["status"] for e in entries(api, waiter)] == ["offered"]


def test_a_booking_that_read_the_station_before_a_seat_cut_is_refused(api, admin, rider, clock):
    """The booking's own transaction checks the station still has the seats it read."""
    from chalicelib.domain.schedule import find_slot
    from chalicelib.domain.station_errors import StationTermsChanged
    from chalicelib.services import booking
    from chalicelib.services.seat_reservation import reserve
    from chalicelib.services.stations import load

    sid = create_station(api, admin, seats=3)["station_id"]
    booked_by(api, 1, sid)
    read = load(sid)  # the booking reads 3 seats ...
    assert seats(api, admin, sid, 1).status == 200  # ... the cut commits ...
    slot = find_slot(read, datetime.fromisoformat(TWO_PM))
    now = clock.now()
    try:  # ... and the booking's transaction comes after it
        reserve(rider.member_id, read, slot, now, seat=lambda uow: booking.take_seat(uow, read, slot, now))
    except StationTermsChanged:
        pass
    else:
        raise AssertionError("a booking made from a read of 3 seats went through after the cut to 1")
    assert slot_counts(sid, TWO_PM_UTC).taken == 1


def test_the_slot_length_cannot_change_under_booked_slots(api, admin):
    sid = create_station(api, admin)["station_id"]
    [rider] = booked_by(api, 1, sid, TOMORROW_TWO_PM)
    refused = api.as_(admin).patch(f"/v1/stations/{sid}", {"slot_minutes": 45})
    assert refused.status == 409, refused.json
    error = refused.json["error"]
    assert error["code"] == "slot_minutes_in_use"
    assert [d["field"] for d in error["details"]] == ["slot_minutes"]
    assert "2026-11-28" in error["message"] and "2026-11-28" in error["details"][0]["message"]
    assert api.as_(admin).get(f"/v1/stations/{sid}").json["slot_minutes"] == 30
    assert book(api, new_worker(api), sid, TOMORROW_TWO_PM).status == 201  # the refused change held nothing


def test_the_slot_length_changes_once_no_slot_is_booked(api, admin):
    sid = create_station(api, admin)["station_id"]
    changed = api.as_(admin).patch(f"/v1/stations/{sid}", {"slot_minutes": 60})
    assert changed.status == 200 and changed.json["slot_minutes"] == 60
    day = api.as_(admin).get(f"/v1/stations/{sid}/availability?date=2026-11-28").json["slots"]
    assert day[0]["slot_start"] == "2026-11-28T08:00:00+08:00" and day[0]["slot_end"] == "2026-11-28T09:00:00+08:00"
    assert book(api, new_worker(api), sid, TOMORROW_TWO_PM).status == 201


def test_no_booking_slips_in_while_a_slot_length_change_looks_at_the_slots(api, admin, clock):
    """Between the look at the booked slots and the write of the new length, bookings are held off (a
    change that died there holds them for 30 seconds at most)."""
    from chalicelib.services.stations import SCHEDULE_HOLD
    from chalicelib.store import stations as store
    from chalicelib.store.unit_of_work import unit_of_work

    sid = create_station(api, admin)["station_id"]
    station, version = store.get_station(sid)
    with unit_of_work(clock.now()) as uow:
        store.hold_schedule_in(uow, station, version, clock.now() + SCHEDULE_HOLD)
    held = book(api, new_worker(api), sid, TOMORROW_TWO_PM)
    assert held.status == 409 and held.json["error"]["code"] == "station_terms_changed"
    assert "重新选择" in held.json["error"]["message"]
    clock.advance(seconds=31)
    assert book(api, new_worker(api), sid, TOMORROW_TWO_PM).status == 201


def test_bookings_racing_a_seat_cut_never_exceed_the_seats_of_the_moment(api, admin, monkeypatch):
    """Twelve riders book one slot while an admin cuts its seats from 6 to 3 (8 threads, moto with
    DynamoDB's isolation). Replaying the transactions in the order they committed: every booking
    found a seat among the seats the station had at that moment."""
    from chalicelib.domain.access import Caller
    from chalicelib.domain.bookings import BookingCreate
    from chalicelib.domain.errors import DomainError
    from chalicelib.domain.stations import StationPatch
    from chalicelib.runtime import runtime
    from chalicelib.services import booking, stations

    sid = create_station(api, admin, seats=6)["station_id"]
    booked_by(api, 2, sid)
    riders = [Caller(member_id=f"m_race_{i}", roles=frozenset({"worker"})) for i in range(12)]
    boss = Caller(member_id="m_race_admin", roles=frozenset({"admin"}))
    req = BookingCreate(station_id=sid, slot_start=datetime.fromisoformat(TWO_PM))
    start = Barrier(8)

    def rider(caller: Caller) -> str:
        if caller.member_id in {f"m_race_{i}" for i in range(7)}:
            start.wait()
        try:
            booking.book(caller, req, runtime().clock.now())
            return "booked"
        except DomainError as exc:
            return exc.code

    def cut() -> str:
        start.wait()
        stations.update_station(boss, sid, StationPatch(seats=3))
        return "cut"

    with serialized_moto(monkeypatch) as log, ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda job: job(), [cut, *[lambda c=c: rider(c) for c in riders]]))
    assert results[0] == "cut" and set(results[1:]) <= {"booked", "slot_full", "station_terms_changed"}

    capacity, taken = 6, 2
    for call in (c for c in log if c.operation == "TransactWriteItems" and c.committed):
        for kind, write in call.writes("-stations"):
            if kind == "Put":
                capacity = int(write["Item"]["seats"]["N"])
        if any(kind == "Update" for kind, _ in call.writes("-slots")):
            assert taken < capacity, f"a booking took seat {taken + 1} of {capacity}"
            taken += 1
    assert capacity == 3 and taken == 2 + results.count("booked") <= 6
    assert slot_counts(sid, TWO_PM_UTC).taken == taken
    tried_after = [c for c in log if c.operation == "TransactWriteItems" and c.writes("-slots")]
    assert len(tried_after) > results.count("booked")  # the race was real: some bookings were refused


def test_what_seat_and_slot_length_changes_cost(api, admin, calls):
    from tests.support.round_trips import authenticated, measure

    sid = create_station(api, admin, seats=3)["station_id"]
    booked_by(api, 3, sid)
    cut = measure(calls, lambda: seats(api, admin, sid, 2))
    assert cut == authenticated({"GetItem": 1, "TransactWriteItems": 1, "Query": 1})  # + the slots over the new seats
    free = create_station(api, admin)["station_id"]
    length = measure(calls, lambda: api.as_(admin).patch(f"/v1/stations/{free}", {"slot_minutes": 60}))
    assert length == authenticated(
        {"GetItem": 1, "TransactWriteItems": 2, "Query": 1}
    )  # + the hold and the look at the slots
    calls.clear()
    refused = api.as_(admin).patch(f"/v1/stations/{sid}", {"slot_minutes": 60})
    assert refused.status == 409 and dict(calls) == authenticated(
        {"GetItem": 1, "TransactWriteItems": 1, "Query": 1, "UpdateItem": 1}
    )

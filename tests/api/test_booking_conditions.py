"""The booking transaction when someone else writes between our read and our write.

The rules are checked on what was read; DynamoDB's named conditions catch what changed since, and
the cancellation reasons pick the error. The `extra` step of `reserve` (which adds items to the
unit of work just before it commits) is used here to make the competing write happen at that moment.
"""

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain import booking_errors as err
from chalicelib.domain.booking_rules import Standing
from chalicelib.domain.schedule import SlotTime
from chalicelib.domain.stations import StationCreate
from chalicelib.services import stations
from chalicelib.services.seat_reservation import reserve
from chalicelib.store import slots as slot_store
from chalicelib.store import standing as standing_store
from chalicelib.store.unit_of_work import unit_of_work
from tests.api.stations_world import station_body

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
SLOT = SlotTime(datetime(2026, 11, 27, 6, 0, tzinfo=UTC), datetime(2026, 11, 27, 6, 30, tzinfo=UTC))


@pytest.fixture
def one_seat(aws):
    return stations.load(stations.create_station(StationCreate.model_validate(station_body(seats=1))).station_id)


def take(station, member_id: str, extra=None):
    return reserve(
        member_id,
        station,
        SLOT,
        NOW,
        extra=extra,
        seat=lambda tx: slot_store.take_seat(tx, station.station_id, SLOT.start, SLOT.end, station.seats),
    )


def once(action):
    done = []

    def step(tx):
        if not done:
            done.append(True)
            action()

    return step


def test_a_seat_taken_meanwhile_is_slot_full(one_seat):
    with pytest.raises(err.SlotFull):
        take(one_seat, "m_a", extra=once(lambda: take(one_seat, "m_b")))
    counts = slot_store.get_counts(one_seat.station_id, SLOT.start)
    assert (counts.capacity, counts.taken, counts.booked) == (1, 1, 1)


def test_a_suspension_meanwhile_is_reported_with_its_end(one_seat):
    until = NOW + timedelta(days=7)

    def suspend():
        with unit_of_work(NOW) as uow:
            standing_store.save_in(uow, "m_a", Standing(), no_shows=[NOW] * 3, suspended_until=until)

    with pytest.raises(err.Suspended) as exc:
        take(one_seat, "m_a", extra=once(suspend))
    assert "2026-12-04 10:00" in exc.value.en
    assert slot_store.get_counts(one_seat.station_id, SLOT.start) is None  # nothing was written


def test_a_standing_changed_meanwhile_is_read_again(one_seat):
    def touch():
        with unit_of_work(NOW) as uow:
            standing_store.save_in(uow, "m_a", Standing(), no_shows=[NOW - timedelta(days=1)])

    booking = take(one_seat, "m_a", extra=once(touch))
    assert booking.status == "confirmed"
    standing = standing_store.get_standing("m_a")
    assert standing.rev == 2 and list(standing.upcoming) == ["20261127T0600Z"]


def test_the_same_worker_booking_twice_at_once_is_already_booked(aws):
    station = stations.load(stations.create_station(StationCreate.model_validate(station_body())).station_id)
    with pytest.raises(err.AlreadyBooked):
        take(station, "m_a", extra=once(lambda: take(station, "m_a")))
    assert slot_store.get_counts(station.station_id, SLOT.start).booked == 1


def test_a_station_changed_meanwhile_is_not_overwritten(aws):
    from chalicelib.domain.errors import Conflict
    from chalicelib.domain.stations import StationPatch
    from chalicelib.store import stations as station_store

    made = stations.create_station(StationCreate.model_validate(station_body()))
    old, version = station_store.get_station(made.station_id)
    stations.update_station(stations.SYSTEM, made.station_id, StationPatch(seats=5))
    with pytest.raises(Conflict), unit_of_work(NOW) as uow:
        station_store.replace_in(uow, old, old.model_copy(update={"seats": 9}), version)
    assert stations.load(made.station_id).seats == 5

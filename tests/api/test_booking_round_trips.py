"""The DynamoDB round trips of the hot paths, counted on the wire (no patching: botocore events).

search        one Query per covering geohash cell (issued concurrently) + one BatchGetItem
availability  GetItem (station) + one Query (the day's slots)
book          GetItem (station) + GetItem (standing) + one TransactWriteItems
cancel        GetItem (booking) + one TransactWriteItems + one Query (the slot's waitlist)
station edit  GetItem (station) + one TransactWriteItems (the station and its audit entry)
(plus Powertools' idempotency bookkeeping when an Idempotency-Key is sent)
Each is a signed-in call, so it also pays the token check: one GetItem (`authenticated`, issue 13).
"""

from chalicelib.domain import geo
from tests.api.stations_world import book, create_station, station_body
from tests.support.round_trips import authenticated, measure


def test_round_trips_of_search_availability_book_and_cancel(api, admin, rider, calls):
    for dlat in (0.0, 0.01, 0.02):
        create_station(api, admin, **station_body(lat=31.2304 + dlat, lng=121.4737))
    _, cells = geo.covering_cells(31.2304, 121.4737, 3000)
    found = measure(calls, lambda: api.as_(rider).get("/v1/stations?lat=31.2304&lng=121.4737&radius_km=3"))
    assert found == authenticated({"Query": len(cells), "BatchGetItem": 1})

    sid = api.as_(rider).get("/v1/stations?lat=31.2304&lng=121.4737&radius_km=3").json[0]["station_id"]
    day = measure(calls, lambda: api.as_(rider).get(f"/v1/stations/{sid}/availability?date=2026-11-27"))
    assert day == authenticated({"GetItem": 1, "Query": 1})

    booked = {}

    def do_book():
        reply = book(api, rider, sid, "2026-11-27T14:00:00+08:00")
        booked.update(reply.json)
        return reply

    assert measure(calls, do_book) == authenticated({"GetItem": 2, "TransactWriteItems": 1})

    cancel = measure(calls, lambda: api.as_(rider).post(f"/v1/bookings/{booked['booking_id']}/cancel"))
    assert cancel == authenticated({"GetItem": 1, "TransactWriteItems": 1, "Query": 1})


def test_a_station_change_and_its_audit_entry_are_one_write(api, admin, station, calls):
    sid = station["station_id"]
    edit = measure(calls, lambda: api.as_(admin).patch(f"/v1/stations/{sid}", {"name_en": "Square Station"}))
    assert edit == authenticated({"GetItem": 1, "TransactWriteItems": 1})
    more_seats = measure(calls, lambda: api.as_(admin).patch(f"/v1/stations/{sid}", {"seats": 4}))
    assert more_seats == authenticated({"GetItem": 1, "TransactWriteItems": 1, "Query": 1})  # the slots people wait for

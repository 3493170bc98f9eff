"""Staff of another station: for every route a staff member may call that names a request, station,
booking or member's record, staff of station A are refused B's object - 404 for requests, bookings
and members' records (we do not confirm they exist), 403 not_your_station for stations (their list
is public) - while the rightful caller (an admin, or the worker who owns it) gets past the scope
check with the same call. Routes come from the registry that `endpoint()` fills, so a new staff
route, or a new route with an id in its path, fails here until it is classified below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest

from chalicelib.api.http import ROUTES
from tests.api.services_world import apply, job_help, submit
from tests.api.stations_world import book, create_station, make_staff, new_worker

TWO_PM = "2026-11-27T14:00:00+08:00"
THREE_PM = "2026-11-27T15:00:00+08:00"
STAFF_TOKEN = {"staff", "worker"}  # what a staff member's token holds

# Deliberately not station-bound (each says why); everything else a staff token can reach is checked.
NOT_STATION_BOUND = {
    # the station catalogue and its free seats: every signed-in worker reads them
    ("GET", "/v1/stations/{station_id}"),
    ("GET", "/v1/stations/{station_id}/availability"),
    # the scenario catalogue (services on offer), not anyone's record
    ("GET", "/v1/scenarios/{key}"),
    # a member card is the union's, valid at every station: staff anywhere may check one (they see a
    # masked name, the number and whether the membership is in good standing - nothing else)
    ("POST", "/v1/staff/member-cards/verify"),
}


@dataclass
class World:
    """Station A with its staff member; station B with a worker's request, booking, waitlist entry and
    membership application, and the pass for that booking."""

    a: str
    b: str
    staff_a: Any
    admin: Any
    owner: Any
    ids: dict[str, str]
    pass_token: str


@pytest.fixture
def world(api, admin, library) -> World:
    a = create_station(api, admin)["station_id"]
    b = create_station(api, admin, seats=1)["station_id"]
    owner = new_worker(api)
    request_id = submit(api, owner, {**job_help(), "station_id": b}).json["request_id"]
    booking_id = book(api, owner, b, THREE_PM).json["booking_id"]
    book(api, new_worker(api), b, TWO_PM)
    entry_id = api.as_(owner).post("/v1/waitlist", {"station_id": b, "slot_start": TWO_PM}).json["entry_id"]
    application_id = apply(api, owner).json["application_id"]
    token = api.as_(owner).get(f"/v1/bookings/{booking_id}/pass").json["token"]
    ids = {
        "request_id": request_id,
        "station_id": b,
        "booking_id": booking_id,
        "entry_id": entry_id,
        "application_id": application_id,
        "day": "2026-12-01",
    }
    return World(a, b, make_staff(api, a), admin, owner, ids, token)


def _bodies(w: World) -> dict[tuple[str, str], dict[str, Any]]:
    """A valid body per write, so that what refuses the call is the scope, never the input."""
    return {
        ("POST", "/v1/requests/{request_id}/attachments"): {
            "field": "resume",
            "filename": "简历.pdf",
            "content_type": "application/pdf",
            "size": 1000,
        },
        ("POST", "/v1/requests/{request_id}/comments"): {"text": "您好"},
        ("POST", "/v1/requests/{request_id}/rating"): {"stars": 5},
        ("POST", "/v1/requests/{request_id}/withdraw"): {},
        ("POST", "/v1/staff/requests/{request_id}/reassign"): {"station_id": w.a, "reason": "离工友更近"},
        ("POST", "/v1/staff/requests/{request_id}/transition"): {"to": "accepted"},
        ("PATCH", "/v1/stations/{station_id}"): {"name_zh": "改名驿站"},
        ("PUT", "/v1/stations/{station_id}/hours"): {"hours": {"mon": ["09:00-17:00"]}},
        ("PUT", "/v1/stations/{station_id}/exceptions/{day}"): {"closed": True},
        ("POST", "/v1/staff/checkins"): {"token": w.pass_token},
    }


QUERIES = {("GET", "/v1/staff/stations/{station_id}/roster"): "?date=2026-11-27"}

# Routes that name B's object in the body or the query rather than the path.
BY_BODY_OR_QUERY = {("POST", "/v1/staff/checkins"), ("GET", "/v1/staff/requests")}


def _staff_route(roles: frozenset[str]) -> bool:
    """A route for staff at work (not one every signed-in person calls about themselves)."""
    return "staff" in roles and "worker" not in roles


def _scoped_routes() -> list[tuple[str, str]]:
    """Every route a staff token may call that names an object: an id in the path, or a staff route."""
    found = []
    for (method, path), access in sorted(ROUTES.items()):
        reachable = bool(access.roles & STAFF_TOKEN)
        names_object = "{" in path or _staff_route(access.roles)
        if reachable and names_object and (method, path) not in NOT_STATION_BOUND:
            found.append((method, path))
    return found


def _url(path: str, ids: dict[str, str]) -> str:
    def fill(m: re.Match[str]) -> str:
        name = m.group(1)
        assert name in ids, f"{path}: add a {name} of station B to the world, or the route to NOT_STATION_BOUND"
        return ids[name]

    return re.sub(r"\{([^}]+)\}", fill, path)


def _rightful(w: World, path: str, roles: frozenset[str]) -> Any:
    """Who may make this call on B's object: an admin for staff routes, else the worker who owns it."""
    return w.admin if _staff_route(roles) else w.owner


def test_staff_of_another_station_are_refused_every_object_of_it(api, world):
    w = world
    bodies = _bodies(w)
    checked = []
    for method, path in _scoped_routes():
        if (method, path) in BY_BODY_OR_QUERY and (method, path) not in bodies:
            continue  # the queue: test_the_queue_holds_only_the_stations_requests
        url, body = _url(path, w.ids) + QUERIES.get((method, path), ""), bodies.get((method, path), {})
        refused = api.as_(w.staff_a).request(method, url, body)
        expected = {(403, "not_your_station")} if "{station_id}" in path or path.endswith("checkins") else set()
        if not expected:
            expected = {(404, code) for code in ("request_not_found", "booking_not_found", "not_found")}
            expected |= {(404, "application_not_found"), (404, "waitlist_entry_not_found")}
        got = (refused.status, (refused.json or {}).get("error", {}).get("code"))
        assert got in expected, (method, path, refused.status, refused.json)
        control = api.as_(_rightful(w, path, ROUTES[(method, path)].roles)).request(method, url, body)
        assert control.status not in (401, 403, 404), (method, path, "the rightful caller", control.json)
        checked.append((method, path))
    assert ("POST", "/v1/staff/requests/{request_id}/reassign") in checked
    assert ("GET", "/v1/staff/stations/{station_id}/roster") in checked
    assert ("POST", "/v1/staff/checkins") in checked
    assert len(checked) == len(_scoped_routes()) - 1  # all but the queue, checked below


def test_every_staff_route_is_scoped_or_says_why_not(api):
    staff_routes = {key for key, access in ROUTES.items() if _staff_route(access.roles)}
    assert staff_routes
    assert staff_routes <= set(_scoped_routes()) | NOT_STATION_BOUND
    assert NOT_STATION_BOUND <= set(ROUTES), "an allow-listed route is gone: drop it from the list"


def test_the_queue_holds_only_the_stations_requests(api, world):
    w = world
    own = submit(api, new_worker(api), {**job_help(), "station_id": w.a}).json["request_id"]
    theirs = w.ids["request_id"]
    assert [r["request_id"] for r in api.as_(w.staff_a).get("/v1/staff/requests").json] == [own]
    asked = api.as_(w.staff_a).get(f"/v1/staff/requests?station={w.b}")
    assert (asked.status, asked.json["error"]["code"]) == (403, "not_your_station")
    everyone = {r["request_id"] for r in api.as_(w.admin).get("/v1/staff/requests").json}
    assert {own, theirs} <= everyone
    assert [r["request_id"] for r in api.as_(w.admin).get(f"/v1/staff/requests?station={w.b}").json] == [theirs]

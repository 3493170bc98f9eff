"""Every token stops at once: after erasure, logout, a role change or a demotion, and after a rotated
refresh token comes back, the access tokens concerned are refused on their very next request
(401 token_revoked), not when they expire 15 minutes later."""

from __future__ import annotations

import jwt

from tests.api.stations_world import make_staff
from tests.support.round_trips import measure

STAFF_ROUTE = "/v1/staff/requests"


def assert_revoked(reply, lang_en: bool = False) -> None:
    assert reply.status == 401, reply.json
    assert reply.json["error"]["code"] == "token_revoked"


def test_erasure_stops_the_members_tokens_on_the_next_request(api, worker):
    assert api.as_(worker).delete("/v1/me").status in (200, 204)
    assert_revoked(api.as_(worker).get("/v1/me/bookings"))
    assert_revoked(api.as_(worker).get("/v1/me"))
    assert api.post("/v1/auth/refresh", {"refresh_token": worker.refresh_token}).status == 401


def test_logout_stops_that_sessions_access_token_and_leaves_other_devices_logged_in(api, worker):
    other_device = api.login(worker.phone)
    assert api.post("/v1/auth/logout", {"refresh_token": worker.refresh_token}).status == 204
    assert_revoked(api.as_(worker).get("/v1/me"))
    assert api.post("/v1/auth/refresh", {"refresh_token": worker.refresh_token}).status == 401
    assert api.as_(other_device).get("/v1/me").status == 200
    assert api.post("/v1/auth/refresh", {"refresh_token": other_device.refresh_token}).status == 200


def test_a_demoted_staff_members_token_stops_and_a_refresh_brings_the_new_roles(api, admin):
    staff = make_staff(api, "st-1")
    assert api.as_(staff).get(STAFF_ROUTE).status == 200
    demoted = api.as_(admin).put(f"/v1/admin/members/{staff.member_id}/roles", {"roles": ["worker"], "station_ids": []})
    assert demoted.status == 200
    assert_revoked(api.as_(staff).get(STAFF_ROUTE))
    refreshed = api.post("/v1/auth/refresh", {"refresh_token": staff.refresh_token}).json
    assert refreshed["roles"] == ["worker"]
    assert api.as_(refreshed["access_token"]).get(STAFF_ROUTE).status == 403


def test_moving_staff_to_another_station_stops_the_token_that_named_the_old_one(api, admin):
    staff = make_staff(api, "st-1")
    api.as_(admin).put(f"/v1/admin/members/{staff.member_id}/roles", {"roles": ["staff"], "station_ids": ["st-2"]})
    assert_revoked(api.as_(staff).get(STAFF_ROUTE))
    refreshed = api.post("/v1/auth/refresh", {"refresh_token": staff.refresh_token}).json
    assert jwt.decode(refreshed["access_token"], options={"verify_signature": False})["stn"] == ["st-2"]


def test_granting_the_same_roles_again_stops_nothing(api, admin):
    staff = make_staff(api, "st-1")
    api.as_(admin).put(f"/v1/admin/members/{staff.member_id}/roles", {"roles": ["staff"], "station_ids": ["st-1"]})
    assert api.as_(staff).get(STAFF_ROUTE).status == 200


def test_a_demotion_by_phone_stops_the_admins_token(api, admin):
    from chalicelib.services.members import grant_by_phone

    assert api.as_(admin).post("/v1/admin/members/search", {"phone": "13900000001"}).status == 200
    grant_by_phone("13900000001", set(), set())
    assert_revoked(api.as_(admin).post("/v1/admin/members/search", {"phone": "13900000001"}))


def test_a_rotated_refresh_token_used_again_stops_the_whole_family(api, worker):
    newer = api.post("/v1/auth/refresh", {"refresh_token": worker.refresh_token}).json
    newest = api.post("/v1/auth/refresh", {"refresh_token": newer["refresh_token"]}).json
    reused = api.post("/v1/auth/refresh", {"refresh_token": worker.refresh_token})
    assert reused.status == 401 and reused.json["error"]["code"] == "token_invalid"
    assert api.post("/v1/auth/refresh", {"refresh_token": newest["refresh_token"]}).status == 401
    assert_revoked(api.as_(newest["access_token"]).get("/v1/me"))
    assert_revoked(api.as_(worker).get("/v1/me"))


def test_a_stale_whole_profile_save_does_not_bring_a_stopped_token_back(api, admin):
    """The epoch lives on its own item and is only ever ADDed to: saving the member item whole (a profile
    change made from a copy read before the role change) cannot reset it."""
    from chalicelib.store import accounts

    staff = make_staff(api, "st-1")
    stale = accounts.get_member(staff.member_id)
    api.as_(admin).put(f"/v1/admin/members/{staff.member_id}/roles", {"roles": ["worker"], "station_ids": []})
    fresh = accounts.get_member(staff.member_id)
    stale.version = fresh.version  # as if the stale copy won the race
    accounts.save_member(stale)
    assert_revoked(api.as_(staff).get(STAFF_ROUTE))


def test_the_revocation_message_is_kind_in_both_languages(api, worker):
    api.post("/v1/auth/logout", {"refresh_token": worker.refresh_token})
    zh = api.as_(worker).get("/v1/me").json["error"]["message"]
    en = api.as_(worker).get("/v1/me", headers={"Accept-Language": "en"}).json["error"]["message"]
    assert "重新登录" in zh and "log in again" in en


def test_the_check_costs_one_get_item_per_authenticated_request(api, worker, calls):
    """GET /v1/me was one GetItem (the member); the token check adds one consistent GetItem."""
    assert measure(calls, lambda: api.as_(worker).get("/v1/me")) == {"GetItem": 2}

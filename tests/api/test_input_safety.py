"""Input that must never hurt, property by property (the route-table sweep is test_hostile_input.py)."""

from __future__ import annotations

import jwt
import pytest

from tests.api.services_world import job_help, scenario_body, submit
from tests.api.stations_world import book, make_staff
from tests.api.test_errors import assert_error

EN = {"Accept-Language": "en"}
FULL_WIDTH_PHONE = "１３８００１３８００１"  # what a Chinese IME types for 13800138001
ID = "11010519491231002X"


# --- nesting, surrogates ----------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["[" * 100_000 + "]" * 100_000, '{"phone":' * 33 + '"1"' + "}" * 33])
def test_deep_bodies_are_400_even_unauthenticated(api, raw):
    assert_error(api.post("/v1/auth/otp", raw=raw[: 60 * 1024]), 400, "too_deep")


def test_nesting_up_to_the_limit_reaches_validation(api):
    reply = api.post("/v1/auth/otp", raw='{"phone":' + "[" * 31 + "]" * 31 + "}")
    assert assert_error(reply, 400, "validation_error")["details"][0]["field"] == "phone"


def test_brackets_inside_strings_do_not_count_as_nesting(api):
    reply = api.post("/v1/auth/otp", {"phone": "[" * 20})
    assert assert_error(reply, 400, "validation_error")["details"][0]["code"] == "invalid_phone"


def test_an_escaped_lone_surrogate_is_400(api):
    assert_error(api.post("/v1/auth/otp", raw='{"phone": "\\ud83d"}'), 400, "malformed_json")


# --- the framework's own answers --------------------------------------------------------------


def test_unknown_paths_are_404_in_the_error_shape(api):
    for path in ("/nope", "/v1/nope", "/v1/stations/x/nope", "/v1/a/b/c/d/e/f/g/h/i/j"):
        assert_error(api.get(path), 404, "route_not_found")
    assert api.get("/nope", headers=EN).json["error"]["message"] == "There is no such API path"


def test_a_wrong_method_is_405_in_the_error_shape_with_allow(api):
    reply = api.delete("/v1/auth/otp", headers=EN)
    assert assert_error(reply, 405, "method_not_allowed")["message"] == "This method is not allowed here"
    assert reply.headers.get("Allow") == "POST"


def test_an_unlisted_content_type_is_415_in_the_error_shape(api):
    reply = api.post("/v1/auth/otp", raw="x", headers={"Content-Type": "image/png"})
    assert_error(reply, 415, "unsupported_media_type")


@pytest.mark.parametrize("odd", ["..", "%2e%2e", "a" * 3000, "%00", "x%E2%80%AE"])
def test_odd_path_ids_are_404_for_a_signed_in_caller(api, worker, odd):
    reply = api.as_(worker).get(f"/v1/stations/{odd}")
    assert_error(reply, 404, reply.json["error"]["code"])
    assert reply.json["error"]["code"] in ("not_found", "station_not_found")


def test_odd_path_ids_still_ask_an_anonymous_caller_to_log_in(api):
    assert_error(api.get("/v1/stations/" + "a" * 3000), 401, "unauthenticated")


# --- digits and text --------------------------------------------------------------------------


def test_full_width_digits_are_the_same_phone(api):
    ascii_session = api.login("13800138001")
    full_width = api.login(FULL_WIDTH_PHONE)
    assert full_width.member_id == ascii_session.member_id


def test_full_width_digits_share_the_ascii_numbers_rate_limit(api):
    phones = ["13800138009", "13800138009", "１３８００１３８００９", "１３８００１３８００９"]
    assert [api.post("/v1/auth/otp", {"phone": p}).status for p in phones] == [202, 202, 202, 429]  # 3 per window


@pytest.mark.parametrize("phone", ["١٣٨٠٠١٣٨٠٠١", "१३८००१३८००१", "138001380०1"])
def test_other_unicode_digits_are_not_a_phone(api, phone):
    reply = api.post("/v1/auth/otp", {"phone": phone}, headers=EN)
    issue = assert_error(reply, 400, "validation_error")["details"][0]
    assert (issue["field"], issue["code"]) == ("phone", "invalid_phone")


def test_full_width_id_number_is_the_ascii_one(api, worker):
    assert (
        api.as_(worker)
        .patch("/v1/me", {"id_number": ID.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))})
        .status
        == 200
    )
    assert api.as_(worker).get("/v1/me").json["id_number"] == "1101**********002X"


@pytest.mark.parametrize("name", ["王\u202e五", "王\u2066五", "王\u0000五", "王\n五", "王\u0085五"])
def test_names_refuse_control_characters_and_direction_overrides(api, worker, name):
    for lang, text in (("zh-CN", "不能包含控制字符或文字方向控制符"), ("en", "must not contain control characters")):
        reply = api.as_(worker).patch("/v1/me", {"name": name}, headers={"Accept-Language": lang})
        issue = assert_error(reply, 400, "validation_error")["details"][0]
        assert (issue["field"], issue["code"]) == ("name", "unsafe_character")
        assert issue["message"].startswith(text)
    assert api.as_(worker).get("/v1/me").json["name"] is None


def test_station_names_and_scenario_labels_are_one_line(api, admin):
    from tests.api.stations_world import station_body

    station = api.as_(admin).post("/v1/admin/stations", station_body(name_en="Rider\nstation"))
    issue = assert_error(station, 400, "validation_error")["details"][0]
    assert (issue["field"], issue["code"]) == ("name_en", "unsafe_character")
    scenario = api.as_(admin).post("/v1/admin/scenarios", scenario_body(title_en="Help\u202e"))
    issue = assert_error(scenario, 400, "validation_error")["details"][0]
    assert (issue["field"], issue["code"]) == ("title_en", "unsafe_character")


def test_free_text_keeps_line_breaks_but_refuses_overrides(api, worker, library):
    kept = submit(api, worker, job_help(desired_occupation="仓库\n管理员"))
    assert kept.status == 201, kept.json
    refused = submit(api, worker, job_help(desired_occupation="仓库\u202e管理员"))
    issue = assert_error(refused, 400, "validation_error")["details"][0]
    assert (issue["field"], issue["code"]) == ("answers.desired_occupation", "unsafe_character")


# --- admin-defined patterns -------------------------------------------------------------------


@pytest.mark.parametrize("pattern", ["^(?=.*a)b$", "(?<!x)y", r"(a)\1", "[unclosed"])
def test_a_pattern_the_linear_engine_cannot_take_is_refused_at_save(api, admin, pattern):
    fields = [{"name": "topic", "label_zh": "主题", "label_en": "Topic", "type": "text", "pattern": pattern}]
    reply = api.as_(admin).post("/v1/admin/scenarios", scenario_body(fields=fields), headers=EN)
    issue = assert_error(reply, 400, "validation_error")["details"][0]
    assert (issue["field"], issue["code"]) == ("fields.0.pattern", "bad_pattern")
    assert "linear-time" in issue["message"]


def test_a_catastrophic_pattern_cannot_stall_an_answer(api, admin, worker):
    fields = [{"name": "topic", "label_zh": "主题", "label_en": "Topic", "type": "text", "pattern": "^(a+)+$"}]
    assert api.as_(admin).post("/v1/admin/scenarios", scenario_body(fields=fields)).status == 201
    body = {"scenario_key": "test_service", "answers": {"topic": "a" * 150 + "!"}}
    issue = assert_error(submit(api, worker, body), 400, "validation_error")["details"][0]
    assert (issue["field"], issue["code"]) == ("answers.topic", "string_pattern_mismatch")
    assert submit(api, worker, {**body, "answers": {"topic": "a" * 150}}).status == 201


# --- CSV --------------------------------------------------------------------------------------


def test_csv_export_neutralises_formulas_and_the_round_trip_keeps_them(api, admin):
    from tests.api.stations_world import create_station

    names = {
        "name_zh": '=HYPERLINK("http://x","点我")',
        "name_en": "@SUM(A1)",
        "address": "+1 Road",
        "district": "-黄浦",
    }
    create_station(api, admin, code="SH-F", **names)
    csv = api.as_(admin).get("/v1/admin/stations/export").json["content"]
    row = next(line for line in csv.splitlines() if line.startswith("SH-F,"))
    cells = row.split(",")
    assert not any(cell.lstrip('"').startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells), row
    assert "'@SUM(A1)" in row and "'+1 Road" in row
    assert api.as_(admin).post("/v1/admin/stations/import", {"format": "csv", "content": csv}).json["updated"] == 1
    again = api.as_(admin).get("/v1/admin/stations/export").json["content"]
    assert again == csv


# --- signed tokens with malformed claims ------------------------------------------------------


def _signed(aws, claims):
    kid, keys = aws.jwt_keys
    return jwt.encode(claims, keys[kid], algorithm="HS256", headers={"kid": kid})


def _access_claims(aws, **changes):
    now = int(aws.clock.now().timestamp())
    claims = {"iss": "workerhome", "sub": "m_x", "typ": "access", "roles": ["worker"], "stn": [], "mbr": False}
    return {**claims, "grp": None, "iat": now, "exp": now + 600, **changes}


@pytest.mark.parametrize(
    "changes",
    [
        {"exp": "tomorrow"},
        {"iat": None},
        {"exp": True},
        {"sub": None},
        {"sub": 42},
        {"sub": ""},
        {"roles": "admin"},
        {"roles": [None]},
        {"roles": 7},
        {"stn": {"a": 1}},
        {"grp": ["x"]},
        {"mbr": "yes"},
    ],
)
def test_access_tokens_with_malformed_claims_are_401(api, aws, changes):
    token = _signed(aws, _access_claims(aws, **changes))
    assert_error(api.get("/v1/me", headers={"Authorization": f"Bearer {token}"}), 401, "token_invalid")


def test_an_access_token_without_sub_is_401(api, aws):
    claims = _access_claims(aws)
    del claims["sub"]
    assert_error(api.get("/v1/me", headers={"Authorization": f"Bearer {_signed(aws, claims)}"}), 401, "token_invalid")


@pytest.mark.parametrize("changes", [{"rev": 3}, {"bid": None}, {"stn": ["st"]}, {"exp": "soon"}, {"sub": {}}])
def test_passes_with_malformed_claims_get_the_pass_error(api, aws, rider, station, changes):
    booking = book(api, rider, station["station_id"], "2026-11-27T14:00:00+08:00").json
    staff = make_staff(api, station["station_id"])
    now = int(aws.clock.now().timestamp())
    claims = {"iss": "workerhome", "typ": "checkin", "sub": rider.member_id, "bid": booking["booking_id"]}
    claims = {**claims, "stn": station["station_id"], "rev": "r", "iat": now, "exp": now + 600, **changes}
    reply = api.as_(staff).post("/v1/staff/checkins", {"token": _signed(aws, claims)})
    assert_error(reply, 400, "invalid_pass")


@pytest.mark.parametrize("changes", [{"num": 7}, {"sub": None}, {"exp": None}, {"sub": ["m_x"]}])
def test_member_cards_with_malformed_claims_are_invalid(api, aws, changes):
    staff = make_staff(api, "st-any")
    now = int(aws.clock.now().timestamp())
    claims = {"iss": "workerhome", "typ": "member_card", "sub": "m_x", "num": "N1", "iat": now, "exp": now + 60}
    reply = api.as_(staff).post("/v1/staff/member-cards/verify", {"token": _signed(aws, {**claims, **changes})})
    assert_error(reply, 400, "invalid_card")

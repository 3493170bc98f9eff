"""A worker's own profile, data export and erasure; admins' look-ups, role grants and reveals."""

import pytest

from tests.support.exports import open_export

ID = "11010519491231002X"


def test_profile_starts_with_just_the_masked_phone(api, worker):
    me = api.as_(worker).get("/v1/me").json
    assert me["phone"] == "138****8001"
    assert me["name"] is None and me["id_number"] is None and me["employer"] is None
    assert me["language"] == "zh-CN"


def test_worker_fills_in_the_profile_and_sees_it_masked(api, worker, employers):
    reply = api.as_(worker).patch(
        "/v1/me",
        {
            "name": "张三丰",
            "worker_group": "delivery_rider",
            "city": "beijing",
            "employer_id": "emp-bj-1",
            "id_number": ID.lower(),
            "language": "en",
        },
    )
    assert reply.status == 200, reply.json
    me = api.as_(worker).get("/v1/me").json
    assert me["name"] == "张**"
    assert me["id_number"] == "1101**********002X"
    assert me["employer"] == {"employer_id": "emp-bj-1", "name_zh": "美团北京", "name_en": "Meituan Beijing"}
    assert (me["worker_group"], me["city"], me["language"]) == ("delivery_rider", "beijing", "en")


def test_patch_changes_only_the_fields_sent_and_null_clears(api, worker):
    api.as_(worker).patch("/v1/me", {"name": "李娜", "city": "shanghai"})
    api.as_(worker).patch("/v1/me", {"city": "shenzhen"})
    me = api.as_(worker).get("/v1/me").json
    assert (me["name"], me["city"]) == ("李*", "shenzhen")
    api.as_(worker).patch("/v1/me", {"name": None})
    assert api.as_(worker).get("/v1/me").json["name"] is None


@pytest.mark.parametrize(
    "body, field, code",
    [
        ({"id_number": ID[:-1] + "1"}, "id_number", "invalid_id_number"),
        ({"id_number": "110105194912310"}, "id_number", "invalid_id_number"),
        ({"worker_group": "astronaut"}, "worker_group", "literal_error"),
        ({"city": "atlantis"}, "city", "unknown_city"),
        ({"name": "   "}, "name", "blank"),
        ({"name": "x" * 41}, "name", "string_too_long"),
        ({"language": "fr"}, "language", "literal_error"),
        ({"employer_id": "emp-nowhere"}, "employer_id", "unknown_employer"),
        ({"phone": "13800138000"}, "phone", "extra_forbidden"),
        ({"name": 42}, "name", "string_type"),
    ],
)
def test_bad_profile_fields_are_named_and_nothing_is_written(api, worker, employers, body, field, code):
    before = api.as_(worker).get("/v1/me").json
    reply = api.as_(worker).patch("/v1/me", {"city": "wuhan", **body})
    assert reply.status == 400, reply.json
    assert [(d["field"], d["code"]) for d in reply.json["error"]["details"]] == [(field, code)]
    assert api.as_(worker).get("/v1/me").json == before


def test_error_messages_follow_accept_language(api, worker):
    zh = api.as_(worker).patch("/v1/me", {"id_number": "123"})
    en = api.as_(worker).patch("/v1/me", {"id_number": "123"}, headers={"Accept-Language": "en-US,en;q=0.9"})
    assert zh.json["error"]["message"] == "请检查输入"
    assert "身份证" in zh.json["error"]["details"][0]["message"]
    assert en.json["error"]["message"] == "Please check your input"
    assert "resident ID" in en.json["error"]["details"][0]["message"]


def test_employers_are_listed_by_city(api, worker, employers):
    reply = api.as_(worker).get("/v1/employers?city=beijing")
    assert [e["name_zh"] for e in reply.json] == ["美团北京", "顺丰北京"]
    assert api.as_(worker).get("/v1/employers?city=nowhere").status == 400
    assert api.get("/v1/cities").json[0] == {"code": "beijing", "name_zh": "北京", "name_en": "Beijing"}


def test_export_gives_the_worker_their_own_data_in_the_clear(api, worker):
    api.as_(worker).patch("/v1/me", {"name": "王五", "id_number": ID})
    api.as_(worker).get("/v1/me/export")
    data = open_export(api.as_(worker).get("/v1/me/export").json["url"]).sections
    assert data["profile"]["phone"] == "13800138001"
    assert data["profile"]["name"] == "王五"
    assert data["profile"]["id_number"] == ID
    assert "export" in [e["action"] for e in data["audit"]]  # the first export is in the second's trail


def test_erasure_removes_personal_data_and_frees_the_phone(api, worker):
    api.as_(worker).patch("/v1/me", {"name": "王五", "id_number": ID, "city": "beijing"})
    assert api.as_(worker).delete("/v1/me").status == 200
    gone = api.as_(worker).get("/v1/me")  # the erased member's token stops at once
    assert gone.status == 401 and gone.json["error"]["code"] == "token_revoked"
    assert api.post("/v1/auth/refresh", {"refresh_token": worker.refresh_token}).status == 401
    again = api.login(worker.phone)
    assert again.member_id != worker.member_id
    assert api.as_(again).get("/v1/me").json["name"] is None


def test_a_phone_in_the_url_is_refused_without_being_read(api, admin, worker):
    old = api.as_(admin).get("/v1/admin/members?phone=13800138001")
    assert old.status == 410 and old.json["error"]["code"] == "use_member_search"
    refused = api.as_(admin).post("/v1/admin/members/search", {"phone": "12345"})
    assert refused.status == 400 and refused.json["error"]["details"][0]["field"] == "phone"


def test_admin_finds_a_member_by_phone_and_grants_staff(api, admin, worker):
    found = api.as_(admin).post("/v1/admin/members/search", {"phone": "+86 138 0013 8001"}).json
    assert [m["member_id"] for m in found] == [worker.member_id]
    assert api.as_(admin).post("/v1/admin/members/search", {"phone": "13999999999"}).json == []
    granted = api.as_(admin).put(
        f"/v1/admin/members/{worker.member_id}/roles", {"roles": ["staff"], "station_ids": ["st-bj-001"]}
    )
    assert granted.json["roles"] == ["staff", "worker"]
    trail = api.as_(admin).get(f"/v1/admin/members/{worker.member_id}/audit").json
    assert trail[0]["action"] == "set_roles" and trail[0]["actor"] == admin.member_id


def test_revealing_a_field_needs_a_reason_and_is_audited(api, admin, worker):
    api.as_(worker).patch("/v1/me", {"name": "赵六"})
    no_reason = api.as_(admin).post(f"/v1/admin/members/{worker.member_id}/reveal", {"field": "name", "reason": ""})
    assert no_reason.status == 400 and no_reason.json["error"]["details"][0]["field"] == "reason"
    shown = api.as_(admin).post(
        f"/v1/admin/members/{worker.member_id}/reveal", {"field": "name", "reason": "工伤维权案件需要核实身份"}
    )
    assert shown.json == {"field": "name", "value": "赵六"}
    trail = api.as_(admin).get(f"/v1/admin/members/{worker.member_id}/audit").json
    assert trail[0]["action"] == "reveal:name" and trail[0]["reason"] == "工伤维权案件需要核实身份"


def test_unknown_member_is_404(api, admin):
    assert api.as_(admin).get("/v1/admin/members/m_nobody").status == 404

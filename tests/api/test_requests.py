"""Filing service requests: answers checked against the scenario version's form, sensitive answers
sealed at rest, safe retries, versions kept, attachments by presigned POST, comments, rating, and no
worker ever seeing another's request."""

import base64
import json

from chalicelib.domain.activity import employer_subject
from chalicelib.services import activity
from tests.api.services_world import EN, error, fields_of, job_help, move, scenario_body, submit
from tests.api.stations_world import make_member, new_worker
from tests.api.test_no_plaintext_pii import every_item


def test_a_worker_files_a_request(api, worker, library, staff):
    filed = submit(api, worker, job_help(), headers={"Idempotency-Key": "job-1"})
    assert filed.status == 201, filed.json
    got = filed.json
    assert (got["status"], got["scenario_version"], got["category"], got["title_zh"]) == (
        "submitted",
        1,
        "employment",
        "求职帮扶",
    )
    assert got["answers"]["expected_monthly_wage"] == 7000 and got["answers"]["contact_phone"] == "13912345678"
    assert got["sla_due"] == "2026-11-30T02:00:00.000000Z"  # 24 working hours from Friday 10:00
    assert [h["event"] for h in got["history"]] == ["submitted"]
    assert api.as_(worker).get(f"/v1/requests/{got['request_id']}").json["comments"] == []
    assert [r["request_id"] for r in api.as_(worker).get("/v1/me/requests").json] == [got["request_id"]]
    assert activity.counters(worker.member_id) == {
        "w2026_48_app_opens": 1,
        "w2026_48_requests_employment": 1,
    }  # the login counts as an app open
    as_staff = api.as_(staff).get(f"/v1/requests/{got['request_id']}").json
    assert as_staff["answers"]["contact_phone"] == "139****5678"  # staff see phone numbers masked


def test_the_same_idempotency_key_replays_and_another_body_is_refused(api, worker, library):
    first = submit(api, worker, job_help(), headers={"Idempotency-Key": "k-7"})
    again = submit(api, worker, job_help(), headers={"Idempotency-Key": "k-7"})
    assert (again.status, again.json["request_id"]) == (201, first.json["request_id"])
    other = submit(api, worker, job_help(desired_city="上海"), headers={"Idempotency-Key": "k-7"})
    assert error(other) == (422, "idempotency_key_reused")
    assert len(api.as_(worker).get("/v1/me/requests").json) == 1


def test_answers_are_checked_per_field_type_and_name_the_field(api, worker, library):
    bad = submit(
        api,
        worker,
        job_help(
            expected_monthly_wage=-5,
            available_from="tomorrow",
            schedule="nights",
            contact_phone="12345",
            desired_city="",
            surprise=1,
        ),
        headers=EN,
    )
    assert bad.status == 400
    assert fields_of(bad) == {
        "answers.expected_monthly_wage": "greater_than_equal",
        "answers.available_from": "date_from_datetime_parsing",
        "answers.schedule": "literal_error",
        "answers.contact_phone": "invalid_phone",
        "answers.desired_city": "string_too_short",
        "answers.surprise": "extra_forbidden",
    }
    messages = {d["field"]: d["message"] for d in bad.json["error"]["details"]}
    assert messages["answers.contact_phone"].startswith("must be a mainland China mobile number")
    missing = submit(api, worker, {"scenario_key": "job_seeking_help", "answers": {}})
    assert fields_of(missing)["answers.desired_occupation"] == "missing"
    certification = {
        "scenario_key": "skill_level_certification",
        "answers": {
            "occupation": "welder",
            "level": "0",
            "years_in_occupation": 3,
            "id_number": "110105194912310021",
            "current_certificate": "证书 1",
        },
    }
    assert fields_of(submit(api, worker, certification)) == {
        "answers.level": "literal_error",
        "answers.id_number": "invalid_id_number",
        "answers.current_certificate": "string_pattern_mismatch",
    }
    assert error(submit(api, worker, {"scenario_key": "nope_nope", "answers": {}})) == (404, "scenario_not_found")
    assert error(submit(api, worker, {"scenario_key": "hardship_aid_application", "answers": {}})) == (
        403,
        "members_only",
    )


def test_sensitive_answers_are_never_stored_in_the_clear(api, aws, worker, wage_claim, library, staff):
    filed = submit(api, worker, wage_claim)
    rid = filed.json["request_id"]
    api.as_(worker).post(f"/v1/requests/{rid}/comments", {"text": "我的微信是 zhangsan_1990"})
    api.as_(worker).post(
        f"/v1/requests/{rid}/attachments",
        {"field": "evidence", "filename": "张三工资条.jpg", "content_type": "image/jpeg", "size": 1000},
    )
    stored = every_item(aws)
    assert rid in stored and "emp-bj-9" in stored  # we did read the request (employer id is not PII)
    for secret in (
        "13912345678",
        "11010519491231002X",
        "站点拖欠我们三个月的配送费",
        "zhangsan_1990",
        "张三工资条",
        "12000",
    ):
        assert secret not in stored, f"{secret} stored in the clear"
    mine = api.as_(worker).get(f"/v1/requests/{rid}").json
    assert mine["answers"]["id_number"] == "11010519491231002X" and mine["answers"]["amount_owed"] == 12000
    assert mine["comments"][0]["text"] == "我的微信是 zhangsan_1990"
    assert mine["attachments"][0]["filename"] == "张三工资条.jpg"
    theirs = api.as_(staff).get(f"/v1/requests/{rid}").json
    assert theirs["answers"]["id_number"] == "1101**********002X"
    assert theirs["answers"]["description"] == wage_claim["answers"]["description"]  # staff need the facts


def test_a_worker_never_sees_another_workers_request(api, worker, library):
    rid = submit(api, worker, job_help()).json["request_id"]
    intruder = new_worker(api)
    who = api.as_(intruder)
    for reply in (
        who.get(f"/v1/requests/{rid}"),
        who.post(f"/v1/requests/{rid}/withdraw", {}),
        who.post(f"/v1/requests/{rid}/comments", {"text": "hi"}),
        who.post(f"/v1/requests/{rid}/rating", {"stars": 1}),
        who.post(
            f"/v1/requests/{rid}/attachments",
            {"field": "resume", "filename": "a.pdf", "content_type": "application/pdf", "size": 10},
        ),
        who.get("/v1/requests/rq_nothing"),
    ):
        assert error(reply) == (404, "request_not_found")
    assert who.get("/v1/me/requests").json == []
    assert error(who.get("/v1/staff/requests")) == (403, "role_not_allowed")
    assert error(who.post(f"/v1/staff/requests/{rid}/transition", {"to": "accepted"})) == (403, "role_not_allowed")


def test_old_requests_keep_their_scenario_version(api, admin, worker, staff):
    api.as_(admin).post("/v1/admin/scenarios", scenario_body())
    old = submit(api, worker, {"scenario_key": "test_service", "answers": {"topic": "工资"}}).json
    spec = {k: v for k, v in scenario_body().items() if k != "key"}
    city = {"name": "city", "label_zh": "城市", "label_en": "City", "type": "text"}
    api.as_(admin).put("/v1/admin/scenarios/test_service", {**spec, "fields": [*spec["fields"], city]})
    refused = submit(api, worker, {"scenario_key": "test_service", "answers": {"topic": "工资"}})
    assert fields_of(refused) == {"answers.city": "missing"}
    new = submit(api, worker, {"scenario_key": "test_service", "answers": {"topic": "工资", "city": "北京"}}).json
    assert (old["scenario_version"], new["scenario_version"]) == (1, 2)
    assert api.as_(worker).get(f"/v1/requests/{old['request_id']}").json["scenario_version"] == 1
    assert move(api, staff, old["request_id"], "accepted").json["scenario_version"] == 1


def test_attachments_are_presigned_posts_with_limits(api, worker, library):
    rid = submit(api, worker, job_help()).json["request_id"]
    path = f"/v1/requests/{rid}/attachments"
    granted = api.as_(worker).post(
        path, {"field": "resume", "filename": "简历.pdf", "content_type": "application/pdf", "size": 200_000}
    )
    assert granted.status == 201, granted.json
    fields = granted.json["fields"]
    policy = json.loads(base64.b64decode(fields["policy"]))
    assert ["content-length-range", 1, 200_000] in policy["conditions"]
    assert {"Content-Type": "application/pdf"} in policy["conditions"]
    assert {"key": fields["key"]} in policy["conditions"] and fields["key"].startswith(f"requests/{rid}/")
    assert "简历" not in fields["key"] and fields["Content-Type"] == "application/pdf"
    assert "workerhome-test-attachments" in granted.json["url"] + json.dumps(policy)
    shown = api.as_(worker).get(f"/v1/requests/{rid}").json["attachments"]
    assert [(a["filename"], a["size"]) for a in shown] == [("简历.pdf", 200_000)] and shown[0]["download_url"]
    again = api.as_(worker).post(
        path, {"field": "resume", "filename": "b.pdf", "content_type": "application/pdf", "size": 10}
    )
    assert error(again) == (422, "too_many_files")  # the resume field takes one file
    for body, field in (
        ({"content_type": "application/zip"}, "content_type"),
        ({"size": 11 * 1024 * 1024}, "size"),
        ({"size": 0}, "size"),
    ):
        bad = api.as_(worker).post(
            path, {"field": "resume", "filename": "c.pdf", "content_type": "application/pdf", "size": 10, **body}
        )
        assert bad.status == 400 and field in fields_of(bad)
    assert error(
        api.as_(worker).post(path, {"field": "photo", "filename": "c.png", "content_type": "image/png", "size": 10})
    ) == (400, "not_a_file_field")


def test_required_uploads_are_listed_until_they_arrive(api, worker, library):
    body = {
        "scenario_key": "skill_level_certification",
        "answers": {"occupation": "welder", "level": "4", "years_in_occupation": 6, "id_number": "11010519491231002X"},
    }
    rid = submit(api, worker, body).json["request_id"]
    assert api.as_(worker).get(f"/v1/requests/{rid}").json["missing_uploads"] == ["evidence"]
    api.as_(worker).post(
        f"/v1/requests/{rid}/attachments",
        {"field": "evidence", "filename": "焊工证.png", "content_type": "image/png", "size": 5000},
    )
    assert api.as_(worker).get(f"/v1/requests/{rid}").json["missing_uploads"] == []


def test_comments_between_the_worker_and_staff(api, worker, staff, library, clock):
    rid = submit(api, worker, job_help()).json["request_id"]
    api.as_(worker).post(f"/v1/requests/{rid}/comments", {"text": "周末也可以上班"})
    clock.advance(minutes=1)
    replied = api.as_(staff).post(f"/v1/requests/{rid}/comments", {"text": "已为您推荐两个岗位"})
    assert replied.status == 201
    thread = api.as_(worker).get(f"/v1/requests/{rid}").json["comments"]
    assert [(c["author"], c["text"]) for c in thread] == [("worker", "周末也可以上班"), ("staff", "已为您推荐两个岗位")]
    assert api.as_(worker).post(f"/v1/requests/{rid}/comments", {"text": ""}).status == 400
    api.as_(worker).post(f"/v1/requests/{rid}/withdraw", {})
    assert error(api.as_(staff).post(f"/v1/requests/{rid}/comments", {"text": "?"})) == (422, "request_closed")


def test_rating_once_after_resolution(api, worker, staff, library):
    rid = submit(api, worker, job_help()).json["request_id"]
    rate = lambda body: api.as_(worker).post(f"/v1/requests/{rid}/rating", body)  # noqa: E731
    assert error(rate({"stars": 5})) == (422, "not_resolved")
    for to in ("accepted", "in_progress", "resolved"):
        move(api, staff, rid, to, "办结" if to == "resolved" else None)
    assert rate({"stars": 6}).status == 400 and rate({"stars": 0}).status == 400
    rated = rate({"stars": 4, "text": "很及时"})
    assert rated.status == 200 and rated.json["rating"]["stars"] == 4 and rated.json["rating"]["text"] == "很及时"
    assert error(rate({"stars": 5})) == (409, "already_rated")
    assert activity.counters(worker.member_id)["w2026_48_request_ratings"] == 1


def test_wage_arrears_and_injury_cases_carry_the_employer(api, admin, worker, wage_claim, library, employer):
    assert submit(api, worker, wage_claim).status == 201
    injury = {
        "scenario_key": "work_injury_help",
        "answers": {
            "employer_id": employer,
            "injury_date": "2026-11-20",
            "injury_place": "朝阳区配送站",
            "injury_description": "送餐途中被车辆撞伤左腿",
            "recognition": "not_yet",
            "id_number": "11010519491231002X",
            "contact_phone": "13912345678",
        },
    }
    assert submit(api, new_worker(api), injury).status == 201
    cases = api.as_(admin).get(f"/v1/admin/employers/{employer}/cases").json
    assert sorted(c["scenario_key"] for c in cases) == ["wage_arrears_complaint", "work_injury_help"]
    assert all(c["employer_id"] == employer for c in cases)
    unknown = submit(api, worker, {**wage_claim, "answers": {**wage_claim["answers"], "employer_id": "emp-nowhere"}})
    assert unknown.status == 400 and fields_of(unknown) == {"answers.employer_id": "unknown_employer"}
    assert error(api.as_(worker).get(f"/v1/admin/employers/{employer}/cases")) == (403, "role_not_allowed")
    assert activity.counters(worker.member_id)["w2026_48_requests_rights_protection"] == 1
    # the labour-risk features count rights requests per employer (both scenarios are rights protection)
    assert activity.counters(employer_subject(employer)) == {"w2026_48_rights_requests": 2}


def test_members_file_members_only_requests(api, worker, library):
    member = make_member(api, worker)
    body = {
        "scenario_key": "hardship_aid_application",
        "answers": {
            "hardship_type": "serious_illness",
            "household_size": 4,
            "monthly_household_income": 3200,
            "description": "爱人今年确诊尿毒症，每周透析三次，家里只有我一人收入",
            "id_number": "11010519491231002X",
            "contact_phone": "13912345678",
        },
    }
    filed = submit(api, member, body)
    assert filed.status == 201 and filed.json["missing_uploads"] == ["supporting_documents"]

"""GET /v1/admin/scores: who to reach out to first. Highest risk first across tiers, masked names,
reasons with staff actions in the caller's language, pages through an opaque signed cursor, filters
that keep `limit` honest, and the round trips (Query + BatchGetItem, never a Scan; `authenticated`
adds the token check every signed-in request pays: one GetItem)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.client import Api, Session
from tests.support.round_trips import authenticated, measure

EN = {"Accept-Language": "en"}
REASONS = [
    [
        "inactive",
        "已有 5 周没有活动（近 26 周仅 3 周活跃）",
        "No activity for 5 weeks (active in 3 of the last 26 weeks)",
        0.91,
    ],
    ["membership", "会籍处于宽限期，会费未续", "Membership is in its grace period (dues unpaid)", 0.4],
    ["retired_reason", "旧原因", "An old reason", 0.05],
]


def put_member(member_id: str, *, name_masked: str | None = "张*", status: str = "active") -> None:
    from chalicelib.store.accounts_tables import MemberRecord as Member

    Member(
        member_id,
        name_masked=name_masked,
        phone_masked="138****0000" if name_masked else None,
        status=status,
        created_at="2026-01-01T00:00:00.000000Z",
        updated_at="2026-01-01T00:00:00.000000Z",
    ).save()


def put_score(
    member_id: str,
    probability: float,
    tier: str,
    *,
    model: str = "churn",
    city: str | None = "beijing",
    group: str | None = "courier",
    outputs: list[list[Any]] | None = None,
) -> None:
    """A ScoreRecord as the batch scorer leaves it (same attribute names: the PynamoDB model)."""
    from chalicelib.store.scoring_tables import ScoreRecord, tier_key

    ScoreRecord(
        member_id,
        model,
        probability=probability,
        tier=tier,
        tier_key=tier_key(model, tier),
        reasons=REASONS,
        outputs=outputs,
        city=city,
        worker_group=group,
        model_version=f"{model}-2026-11-27-c940de07",
        run_id="run-1",
        scored_at="2026-11-27T01:00:00.000000Z",
    ).save()


@pytest.fixture
def ranked(aws) -> list[tuple[str, float, str]]:
    """12 scored members: 3 high, 4 medium, 5 low; every third in Shanghai, the rest in Beijing."""
    rows = [
        (f"m_{i:02d}", p, tier)
        for i, (p, tier) in enumerate(
            [
                (0.91, "high"),
                (0.77, "high"),
                (0.62, "high"),
                (0.45, "medium"),
                (0.38, "medium"),
                (0.31, "medium"),
                (0.22, "medium"),
                (0.15, "low"),
                (0.11, "low"),
                (0.08, "low"),
                (0.05, "low"),
                (0.01, "low"),
            ]
        )
    ]
    for i, (member_id, p, tier) in enumerate(rows):
        put_member(member_id, name_masked=f"{'王李赵'[i % 3]}*")
        put_score(member_id, p, tier, city="shanghai" if i % 3 == 0 else "beijing")
    return rows


def pages(api: Api, admin: Session, query: str, **kw: Any) -> list[dict[str, Any]]:
    """Every page of a listing, following next_cursor."""
    out, cursor = [], None
    while True:
        reply = api.as_(admin).get(f"/v1/admin/scores?{query}" + (f"&cursor={cursor}" if cursor else ""), **kw)
        assert reply.status == 200, reply.json
        out.append(reply.json)
        cursor = reply.json["next_cursor"]
        if not cursor:
            return out


def test_highest_risk_first_across_tiers_with_masked_names_reasons_and_actions(api, admin, ranked):
    reply = api.as_(admin).get("/v1/admin/scores?model=churn&limit=5", headers=EN)
    assert reply.status == 200, reply.json
    items = reply.json["items"]
    assert [(i["member_id"], i["tier"]) for i in items] == [(m, t) for m, _, t in ranked[:5]]
    first = items[0]
    assert (
        first["name"] == "王*"
        and first["probability"] == 0.91
        and first["model_version"] == "churn-2026-11-27-c940de07"
    )
    assert first["reasons"][0] == {
        "code": "inactive",
        "text": REASONS[0][2],
        "action": "Call to ask how they are doing",
        "weight": 0.91,
    }
    assert first["reasons"][1]["action"] == "Explain member benefits; help with joining or renewal"
    assert first["reasons"][2]["action"] is None  # a code no family has any more: no action invented
    assert reply.json["next_cursor"]


def test_reasons_and_actions_in_chinese_by_default(api, admin, ranked):
    first = api.as_(admin).get("/v1/admin/scores?limit=1").json["items"][0]
    assert first["reasons"][0]["text"] == REASONS[0][1] and first["reasons"][0]["action"] == "电话回访，了解近况"


@pytest.mark.parametrize("limit", [1, 2, 3, 5, 12, 20])
def test_pages_cover_every_score_once_in_order(api, admin, ranked, limit):
    seen = [i["member_id"] for page in pages(api, admin, f"limit={limit}") for i in page["items"]]
    assert seen == [m for m, _, _ in ranked]


def test_one_tier_is_one_query_in_descending_order(api, admin, ranked, calls):
    assert measure(calls, lambda: api.as_(admin).get("/v1/admin/scores?tier=medium&limit=10")) == authenticated(
        {"Query": 1, "BatchGetItem": 1}
    )
    items = api.as_(admin).get("/v1/admin/scores?tier=medium&limit=10").json["items"]
    assert [i["probability"] for i in items] == [0.45, 0.38, 0.31, 0.22]
    seen = [i["member_id"] for page in pages(api, admin, "tier=low&limit=2") for i in page["items"]]
    assert seen == [m for m, _, t in ranked if t == "low"]


def test_a_page_that_crosses_a_tier_costs_one_query_per_tier(api, admin, ranked, calls):
    assert measure(calls, lambda: api.as_(admin).get("/v1/admin/scores?limit=2")) == authenticated(
        {"Query": 1, "BatchGetItem": 1}
    )
    assert measure(calls, lambda: api.as_(admin).get("/v1/admin/scores?limit=5")) == authenticated(
        {"Query": 2, "BatchGetItem": 1}
    )


def test_filters_keep_the_limit_by_reading_on(api, admin, ranked, calls):
    shanghai = [m for i, (m, _, _) in enumerate(ranked) if i % 3 == 0]
    ops = measure(calls, lambda: api.as_(admin).get("/v1/admin/scores?city=shanghai&limit=2"))
    reply = api.as_(admin).get("/v1/admin/scores?city=shanghai&limit=2")
    assert [i["member_id"] for i in reply.json["items"]] == shanghai[:2]  # m_00 (high), m_03 (medium)
    assert ops == authenticated({"Query": 2, "BatchGetItem": 1})  # high, then medium: one Query each
    seen = [i["member_id"] for page in pages(api, admin, "city=shanghai&limit=1") for i in page["items"]]
    assert seen == shanghai
    both = [i["member_id"] for page in pages(api, admin, "city=beijing&group=courier&limit=3") for i in page["items"]]
    assert both == [m for i, (m, _, _) in enumerate(ranked) if i % 3]
    assert api.as_(admin).get("/v1/admin/scores?city=&group=&tier=&limit=1").json["items"][0]["member_id"] == "m_00"
    assert api.as_(admin).get("/v1/admin/scores?group=factory_worker").json == {
        "model": "churn",
        "tier": None,
        "items": [],
        "next_cursor": None,
    }


def test_a_thin_filter_reads_ahead_instead_of_one_query_per_item(api, admin, calls):
    for i in range(30):
        put_member(f"m_h{i:02d}")
        put_score(f"m_h{i:02d}", 0.99 - i / 100, "high", city="wuhan" if i % 10 == 9 else "beijing")
    ops = measure(calls, lambda: api.as_(admin).get("/v1/admin/scores?tier=high&city=wuhan&limit=3"))
    assert ops == authenticated({"Query": 2, "BatchGetItem": 1})  # Limit 15 (5 x 3), twice, not one Query per match
    found = api.as_(admin).get("/v1/admin/scores?tier=high&city=wuhan&limit=3").json
    assert [i["member_id"] for i in found["items"]] == ["m_h09", "m_h19", "m_h29"]


def test_service_demand_scores_show_their_categories(api, admin):
    put_member("m_sd")
    put_score("m_sd", 0.44, "high", model="service_demand", outputs=[["rights_protection", 0.44], ["training", 0.2]])
    item = api.as_(admin).get("/v1/admin/scores?model=service_demand", headers=EN).json["items"][0]
    assert item["outputs"] == [
        {"category": "rights_protection", "name": "rights", "probability": 0.44},
        {"category": "training", "name": "training", "probability": 0.2},
    ]
    assert api.as_(admin).get("/v1/admin/scores?model=churn").json["items"] == []


def test_erased_members_show_no_name(api, admin):
    put_member("m_gone", name_masked=None, status="erased")
    put_score("m_gone", 0.5, "high")
    assert api.as_(admin).get("/v1/admin/scores").json["items"][0]["name"] is None


def test_unknown_model_tier_city_or_group_is_422_naming_each(api, admin):
    reply = api.as_(admin).get("/v1/admin/scores?model=nope&tier=urgent&city=atlantis&group=pilot", headers=EN)
    assert reply.status == 422, reply.json
    assert {d["field"] for d in reply.json["error"]["details"]} == {"model", "tier", "city", "group"}
    assert "must be one of churn, service_demand" in reply.json["error"]["details"][0]["message"]


@pytest.mark.parametrize(
    "query,field", [("limit=0", "limit"), ("limit=101", "limit"), ("limit=ten", "limit"), ("colour=red", "colour")]
)
def test_bad_parameters_are_400_naming_the_field(api, admin, query, field):
    reply = api.as_(admin).get(f"/v1/admin/scores?{query}")
    assert reply.status == 400 and [d["field"] for d in reply.json["error"]["details"]] == [field], reply.json


def test_a_bad_forged_or_foreign_cursor_is_400_naming_cursor(api, admin, ranked, clock):
    cursor = api.as_(admin).get("/v1/admin/scores?limit=2").json["next_cursor"]
    head, body, sig = cursor.split(".")
    for bad in ("garbage", f"{head}.{body}.{sig[:-2]}xx", f"{head}.{body[:-4]}AAAA.{sig}"):
        reply = api.as_(admin).get(f"/v1/admin/scores?limit=2&cursor={bad}")
        assert (reply.status, reply.json["error"]["details"][0]["field"]) == (400, "cursor"), bad
    foreign = api.as_(admin).get(f"/v1/admin/scores?limit=2&city=beijing&cursor={cursor}")  # other filters
    assert (foreign.status, foreign.json["error"]["details"][0]["field"]) == (400, "cursor")
    other_tier = api.as_(admin).get(f"/v1/admin/scores?limit=2&tier=low&cursor={cursor}")
    assert other_tier.status == 400
    clock.advance(hours=25)
    admin = api.login(admin.phone)  # the access token expired as well
    expired = api.as_(admin).get(f"/v1/admin/scores?limit=2&cursor={cursor}")
    assert (expired.status, expired.json["error"]["details"][0]["code"]) == (400, "invalid_cursor")


def test_workers_and_staff_may_not_list_scores(api, worker):
    from chalicelib.services.members import grant_by_phone

    grant_by_phone("13700009999", {"staff"}, {"st-x"})
    for who in (worker, api.login("13700009999")):
        assert api.as_(who).get("/v1/admin/scores").status == 403

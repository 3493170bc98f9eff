"""Scores with reasons through the API: admins' member, station and employer views; workers' own
insights and recommendations; the profiling opt-out; a refused model artifact."""

from __future__ import annotations

import json
import shutil
from datetime import timedelta
from typing import Any

import pytest

from tests.api.stations_world import create_station, make_member, new_worker
from tests.support.client import Api, Session

EN = {"Accept-Language": "en"}


def record_weekly(member_id: str, now: Any, weeks: range, **per_week: int) -> None:
    """Count events through the live activity service, `weeks` ago (1 = last week)."""
    from chalicelib.services import activity

    for w in weeks:
        for event, n in per_week.items():
            for _ in range(n):
                activity.record(member_id, event, now - timedelta(weeks=w))


def backdate(member_id: str, weeks: int) -> None:
    """Move the account's creation back, as if the worker registered `weeks` ago."""
    from datetime import datetime

    from chalicelib.store import accounts
    from chalicelib.store.base import iso

    member = accounts.get_member(member_id)
    member.created_at = iso(datetime.fromisoformat(member.created_at) - timedelta(weeks=weeks))
    accounts.save_member(member)


@pytest.fixture
def active_worker(api: Api, clock: Any) -> Session:
    """A rider who has used stations and the app every week for half a year."""
    who = new_worker(api)
    backdate(who.member_id, 60)
    record_weekly(who.member_id, clock.now(), range(1, 27), app_opens=6, bookings=2, checkins=2)
    return who


@pytest.fixture
def idle_worker(api: Api) -> Session:
    """Registered a year ago, never did anything."""
    who = new_worker(api)
    backdate(who.member_id, 52)
    return who


def test_admin_sees_churn_and_demand_with_reasons_and_actions(api, admin, active_worker):
    reply = api.as_(admin).get(f"/v1/admin/members/{active_worker.member_id}/scores", headers=EN)
    assert reply.status == 200, reply.json
    body = reply.json
    from chalicelib.scoring import model

    assert body["profiling_allowed"] is True
    assert body["churn"]["model_version"] == model.get("churn").version
    assert 0 <= body["churn"]["probability"] <= 1 and body["churn"]["tier"] in ("low", "medium", "high")
    assert len(body["churn"]["reasons"]) <= 3
    assert all(r["text"] and r["action"] for r in body["churn"]["reasons"])
    probabilities = [d["probability"] for d in body["service_demand"]]
    assert len(probabilities) == 6 and probabilities == sorted(probabilities, reverse=True)


def test_a_member_with_no_activity_gets_an_inactivity_reason(api, admin, idle_worker, active_worker):
    idle = api.as_(admin).get(f"/v1/admin/members/{idle_worker.member_id}/scores", headers=EN).json["churn"]
    busy = api.as_(admin).get(f"/v1/admin/members/{active_worker.member_id}/scores", headers=EN).json["churn"]
    codes = [r["code"] for r in idle["reasons"]]
    assert {"inactive", "station_visits", "app_use"} & set(codes), idle["reasons"]
    texts = " ".join(r["text"] for r in idle["reasons"])
    assert "No activity recorded in the last 26 weeks" in texts or "No station visit in the last 26 weeks" in texts
    assert idle["probability"] > busy["probability"]
    assert idle["tier"] in ("medium", "high")


def test_reasons_speak_chinese_by_default(api, admin, idle_worker):
    reasons = api.as_(admin).get(f"/v1/admin/members/{idle_worker.member_id}/scores").json["churn"]["reasons"]
    assert any("26 周" in r["text"] for r in reasons), reasons


def test_unknown_member_is_404(api, admin):
    assert api.as_(admin).get("/v1/admin/members/m_nobody/scores").status == 404


def test_workers_see_only_their_own_insights_in_plain_words(api, active_worker, idle_worker):
    mine = api.as_(idle_worker).get("/v1/me/insights", headers=EN)
    theirs = api.as_(active_worker).get("/v1/me/insights", headers=EN)
    assert mine.status == theirs.status == 200
    assert mine.json["engagement"]["probability"] != theirs.json["engagement"]["probability"]
    assert all("action" not in r or r["action"] is None for r in mine.json["engagement"]["reasons"])
    assert mine.json["summary"] and mine.json["how_to_opt_out"]
    # the admin view of someone else is closed to workers
    denied = api.as_(idle_worker).get(f"/v1/admin/members/{active_worker.member_id}/scores")
    assert (denied.status, denied.json["error"]["code"]) == (403, "role_not_allowed")


def test_insights_match_what_an_admin_sees_for_the_same_member(api, admin, active_worker):
    mine = api.as_(active_worker).get("/v1/me/insights").json["engagement"]
    admins = api.as_(admin).get(f"/v1/admin/members/{active_worker.member_id}/scores").json["churn"]
    assert mine["probability"] == admins["probability"]
    assert [r["code"] for r in mine["reasons"]] == [r["code"] for r in admins["reasons"]]


def test_recommendations_offer_only_what_the_worker_may_use(api, admin, library, active_worker):
    non_member = api.as_(active_worker).get("/v1/me/recommendations", headers=EN)
    assert non_member.status == 200, non_member.json
    keys = {s["key"] for s in non_member.json["services"]}
    assert "hardship_aid_application" not in keys  # members only
    assert {"wage_arrears_complaint", "job_seeking_help"} <= keys
    assert all(s["why"] for s in non_member.json["services"])
    scores = [s["score"] for s in non_member.json["services"]]
    assert scores == sorted(scores, reverse=True)
    member = make_member(api, active_worker, group="delivery_rider")
    keys = {s["key"] for s in api.as_(member).get("/v1/me/recommendations").json["services"]}
    assert "hardship_aid_application" in keys


def test_recommended_stations_respect_their_audience(api, admin, idle_worker):
    from chalicelib.store import accounts

    me = accounts.get_member(idle_worker.member_id)
    me.city = "shanghai"
    accounts.save_member(me)
    open_to_all = create_station(api, admin)
    members_only = create_station(api, admin, audience="members")
    stations = api.as_(idle_worker).get("/v1/me/recommendations", headers=EN).json["stations"]
    ids = {s["station_id"] for s in stations}
    assert open_to_all["station_id"] in ids and members_only["station_id"] not in ids
    assert all(s["why"] for s in stations)


def test_opting_out_of_profiling_stops_scoring_and_personalisation(api, admin, library, active_worker):
    off = api.as_(active_worker).put("/v1/me/privacy", {"profiling": False})
    assert off.status == 200 and off.json["profiling"] is False
    assert api.as_(active_worker).get("/v1/me/privacy").json["profiling"] is False
    scores = api.as_(admin).get(f"/v1/admin/members/{active_worker.member_id}/scores").json
    assert scores["profiling_allowed"] is False and scores["churn"] is None and scores["service_demand"] == []
    insights = api.as_(active_worker).get("/v1/me/insights").json
    assert insights["profiling_allowed"] is False and insights["engagement"] is None
    recs = api.as_(active_worker).get("/v1/me/recommendations", headers=EN).json
    assert recs["personalised"] is False
    from chalicelib.scoring import model

    rates = model.get("service_demand").card["population_rates"]
    assert all(s["score"] == rates[s["category"]] for s in recs["services"])  # the same for everyone
    assert api.as_(active_worker).put("/v1/me/privacy", {"profiling": True}).json["profiling"] is True
    assert api.as_(active_worker).get("/v1/me/recommendations").json["personalised"] is True


def test_privacy_body_is_validated(api, worker):
    assert api.as_(worker).put("/v1/me/privacy", {"profiling": "maybe"}).status == 400
    assert api.as_(worker).put("/v1/me/privacy", {}).status == 400


def _past_bookings(station_id: str, seats: int, now: Any, weeks: int = 4) -> None:
    """Slot items as the booking engine leaves them: 11:00 and 18:00 busy every day for `weeks` weeks."""
    from datetime import UTC, datetime

    from chalicelib.store.base import iso
    from chalicelib.store.booking_tables import SlotRecord

    day0 = datetime(2026, 11, 27, tzinfo=UTC)
    for d in range(1, 7 * weeks + 1):
        for hour_utc, booked in ((3, 2), (10, 1)):  # 11:00 and 18:00 in Shanghai
            start = day0 - timedelta(days=d) + timedelta(hours=hour_utc)
            SlotRecord(
                station_id,
                iso(start),
                slot_end=iso(start + timedelta(minutes=30)),
                capacity=seats,
                taken=booked,
                booked=booked,
            ).save()


def test_station_forecast_per_slot_with_suggested_seats(api, admin, clock):
    station = create_station(api, admin)
    _past_bookings(station["station_id"], station["seats"], clock.now())
    reply = api.as_(admin).get(f"/v1/admin/stations/{station['station_id']}/forecast?days=7")
    assert reply.status == 200, reply.json
    body = reply.json
    assert body["days"] == 7 and len(body["slots"]) > 100  # 22 half-hour slots a day
    assert all(0 <= s["expected_bookings"] and s["seats"] == 2 and s["suggested_seats"] >= 0 for s in body["slots"])
    by_time = {}
    for s in body["slots"]:
        by_time.setdefault(s["slot_start_local"][11:16], []).append(s["expected_bookings"])
    assert sum(by_time["11:00"]) > sum(by_time["09:00"])  # the busy slot is forecast busier
    assert api.as_(admin).get(f"/v1/admin/stations/{station['station_id']}/forecast?days=30").status == 400
    assert api.as_(admin).get("/v1/admin/stations/st-nope/forecast").status == 404


def test_employer_risk_rises_with_rights_requests(api, admin, employers, clock):
    from chalicelib.scoring.features import employer_subject
    from chalicelib.services import activity

    for w in range(1, 5):
        for _ in range(6):
            activity.record(employer_subject("emp-bj-1"), "rights_requests", clock.now() - timedelta(weeks=w))
    risky = api.as_(admin).get("/v1/admin/employers/emp-bj-1/risk", headers=EN)
    quiet = api.as_(admin).get("/v1/admin/employers/emp-bj-2/risk", headers=EN)
    assert risky.status == quiet.status == 200, risky.json
    assert risky.json["risk"]["probability"] > quiet.json["risk"]["probability"]
    assert risky.json["risk"]["reasons"][0]["code"] == "rights_requests"
    assert "rights requests" in risky.json["risk"]["reasons"][0]["text"]
    assert api.as_(admin).get("/v1/admin/employers/emp-none/risk").status == 404


@pytest.fixture
def tampered_models(tmp_path):
    """A copy of the packaged models whose churn card lists other features than the code computes."""
    from chalicelib.scoring import model

    shutil.copytree(model.PACKAGED_DIR, tmp_path / "models")
    card_path = tmp_path / "models" / "churn" / "card.json"
    card = json.loads(card_path.read_text())
    card["feature_names"] = card["feature_names"][::-1]
    card["feature_hash"] = "0000000000000000"
    card_path.write_text(json.dumps(card))
    model.use_registry(model.ModelRegistry(tmp_path / "models"))
    yield
    model.use_registry(None)


def test_a_mismatched_artifact_is_refused_and_other_routes_keep_working(api, admin, worker, tampered_models):
    refused = api.as_(admin).get(f"/v1/admin/members/{worker.member_id}/scores", headers=EN)
    assert refused.status == 503
    assert refused.json["error"]["code"] == "model_unavailable"
    assert "not available" in refused.json["error"]["message"]
    assert api.as_(worker).get("/v1/me").status == 200
    assert api.get("/v1/health").status == 200


def test_without_the_ml_libraries_scoring_answers_503_and_the_rest_works(api, admin, worker, monkeypatch):
    """A package without XGBoost's C library: with the xgboost package hidden, native.locate finds no library in dev."""
    import sys

    monkeypatch.setitem(sys.modules, "xgboost", None)
    for path in (f"/v1/admin/members/{worker.member_id}/scores", "/v1/admin/employers/emp-x/risk"):
        reply = api.as_(admin).get(path)
        assert (reply.status, reply.json["error"]["code"]) == (503, "model_unavailable"), path
    assert api.as_(worker).get("/v1/me/insights").status == 503
    assert api.as_(worker).get("/v1/me").status == 200
    assert api.as_(worker).put("/v1/me/privacy", {"profiling": False}).status == 200

"""Model cards and tier thresholds: admins list the packaged cards with the thresholds in force, store
an override (validated, audited with old and new values), and scoring uses it - at once in the
container that stored it, within TTL_SECONDS everywhere else."""

from __future__ import annotations

import json

import pytest

from tests.api.stations_world import new_worker
from tests.api.test_scoring_api import backdate
from tests.support.round_trips import authenticated, measure

EN = {"Accept-Language": "en"}


def card(name: str) -> dict:
    from chalicelib.scoring import model

    return json.loads((model.PACKAGED_DIR / name / "card.json").read_text())


def test_models_lists_every_card_with_thresholds_in_force_and_no_distributions(api, admin, calls):
    ops = measure(calls, lambda: api.as_(admin).get("/v1/admin/models"))
    assert ops == authenticated({"BatchGetItem": 1})
    models = {m["name"]: m for m in api.as_(admin).get("/v1/admin/models").json}
    assert set(models) == {"churn", "service_demand", "station_demand", "labour_risk"}
    churn = models["churn"]
    assert churn["version"] == card("churn")["version"] and churn["trained_at"] == card("churn")["trained_at"]
    assert churn["feature_count"] == len(card("churn")["feature_names"]) and churn["model_bytes"] > 100_000
    assert churn["metrics"]["auc"]["model"] == card("churn")["metrics"]["auc"]["model"]
    assert churn["thresholds"] == {
        "in_force": card("churn")["thresholds"],
        "card": card("churn")["thresholds"],
        "default": None,
        "override": None,
    }
    assert models["service_demand"]["thresholds"]["in_force"] == {"medium": 0.25, "high": 0.40}
    assert models["service_demand"]["thresholds"]["default"] == {"medium": 0.25, "high": 0.40}
    assert models["station_demand"]["has_tiers"] is False and models["station_demand"]["thresholds"]["in_force"] is None
    assert all("feature_distributions" not in m for m in models.values())
    detailed = {m["name"]: m for m in api.as_(admin).get("/v1/admin/models?detail=true").json}
    assert set(detailed["churn"]["feature_distributions"]) == set(card("churn")["feature_names"])


def test_an_override_is_stored_audited_and_shown(api, admin, calls, clock):
    from chalicelib.store.audit_tables import AuditEntry

    ops = measure(calls, lambda: api.as_(admin).put("/v1/admin/models/churn/thresholds", {"medium": 0.2, "high": 0.6}))
    assert ops == authenticated({"GetItem": 1, "TransactWriteItems": 1})
    clock.advance(minutes=1)
    reply = api.as_(admin).put("/v1/admin/models/churn/thresholds", {"medium": 0.25, "high": 0.7})
    assert reply.status == 200, reply.json
    shown = reply.json["thresholds"]
    assert shown["in_force"] == {"medium": 0.25, "high": 0.7} and shown["card"] == card("churn")["thresholds"]
    assert shown["override"]["updated_by"] == admin.member_id
    listed = {m["name"]: m for m in api.as_(admin).get("/v1/admin/models").json}
    assert listed["churn"]["thresholds"]["in_force"] == {"medium": 0.25, "high": 0.7}
    trail = [e.detail.as_dict() for e in AuditEntry.query("model#churn")]
    assert trail == [
        {"old": {**card("churn")["thresholds"], "source": "card"}, "new": {"medium": 0.2, "high": 0.6}},
        {"old": {"medium": 0.2, "high": 0.6, "source": "override"}, "new": {"medium": 0.25, "high": 0.7}},
    ]


@pytest.mark.parametrize(
    "body,status,fields",
    [
        ({"medium": 0.5, "high": 0.5}, 422, ["medium"]),
        ({"medium": 0.6, "high": 0.3}, 422, ["medium"]),
        ({"medium": 0, "high": 0.5}, 422, ["medium"]),
        ({"medium": 0.2, "high": 1}, 422, ["high"]),
        ({"medium": -1, "high": 1.5}, 422, ["medium", "high"]),
        ({"medium": "0.2", "high": 0.5}, 400, ["medium"]),
        ({"medium": 0.2}, 400, ["high"]),
        ({"medium": 0.2, "high": 0.5, "low": 0.1}, 400, ["low"]),
    ],
)
def test_bad_thresholds_name_the_field(api, admin, body, status, fields):
    reply = api.as_(admin).put("/v1/admin/models/churn/thresholds", body, headers=EN)
    assert reply.status == status and [d["field"] for d in reply.json["error"]["details"]] == fields, reply.json


def test_unknown_models_are_404_and_count_models_have_no_tiers(api, admin):
    assert api.as_(admin).put("/v1/admin/models/nope/thresholds", {"medium": 0.2, "high": 0.5}).status == 404
    counts = api.as_(admin).put("/v1/admin/models/station_demand/thresholds", {"medium": 0.2, "high": 0.5})
    assert (counts.status, counts.json["error"]["code"]) == (422, "model_has_no_tiers")


def test_workers_and_staff_may_not_change_thresholds(api, worker):
    from chalicelib.services.members import grant_by_phone

    grant_by_phone("13700009997", {"staff"}, {"st-x"})
    for who in (worker, api.login("13700009997")):
        assert api.as_(who).put("/v1/admin/models/churn/thresholds", {"medium": 0.2, "high": 0.5}).status == 403
        assert api.as_(who).get("/v1/admin/models").status == 403


def test_a_change_stored_elsewhere_is_used_after_the_ttl(aws, clock):
    from chalicelib.services import thresholds
    from chalicelib.store.base import iso
    from chalicelib.store.scoring_tables import ModelSetting

    assert thresholds.current("churn") == card("churn")["thresholds"]
    ModelSetting("churn", medium=0.3, high=0.8, updated_at=iso(clock.now()), updated_by="another-container").save()
    clock.advance(seconds=thresholds.TTL_SECONDS - 1)
    assert thresholds.current("churn") == card("churn")["thresholds"]  # still the cached value
    clock.advance(seconds=1)
    assert thresholds.current("churn") == {"medium": 0.3, "high": 0.8}


def test_a_change_made_here_is_used_at_once_by_online_scoring(api, admin, clock):
    from chalicelib.services import thresholds

    worker = new_worker(api)
    backdate(worker.member_id, 52)
    url = f"/v1/admin/members/{worker.member_id}/scores"
    before = api.as_(admin).get(url).json["churn"]
    assert thresholds.current("churn") == card("churn")["thresholds"]  # cached now
    p = before["probability"]
    api.as_(admin).put("/v1/admin/models/churn/thresholds", {"medium": round(p / 4, 4), "high": round(p / 2, 4)})
    assert api.as_(admin).get(url).json["churn"]["tier"] == "high"
    api.as_(admin).put("/v1/admin/models/churn/thresholds", {"medium": min(0.98, p + 0.01), "high": 0.99})
    assert api.as_(admin).get(url).json["churn"]["tier"] == "low"

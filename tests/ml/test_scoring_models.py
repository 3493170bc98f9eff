"""The packaged models: cards that match the code, the oracle ratios on a fresh synthetic population,
and a small retrain that reproduces the cards' metrics (and is deterministic)."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

from chalicelib.domain.scoring_errors import ModelUnavailable
from chalicelib.domain.scoring_models import MODEL_NAMES
from chalicelib.scoring import features as F
from chalicelib.scoring import model
from ml import datasets
from ml.evaluate import auc, poisson_deviance, precision_at_k

FRESH = datasets.Config(seed=1, members=30000, employers=40000, stations=60)  # not the training seed
SMALL = datasets.SMALL


def card(name: str) -> dict:
    return json.loads((model.PACKAGED_DIR / name / "card.json").read_text())


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_cards_describe_their_artifacts(name):
    import xgboost

    c = card(name)
    raw = (model.PACKAGED_DIR / name / "model.ubj").read_bytes()
    assert len(raw) < 2_000_000 and hashlib.sha256(raw).hexdigest() == c["model_sha256"]
    assert c["feature_names"] == list(F.FEATURE_SETS[c["feature_set"]])
    assert c["feature_hash"] == F.feature_hash(F.FEATURE_SETS[c["feature_set"]])
    assert c["xgboost_version"] == xgboost.__version__
    assert {"version", "trained_at", "params", "data", "metrics", "feature_distributions"} <= set(c)
    assert c["data"]["seed"] == datasets.FULL.seed and c["data"]["config"] == datasets.FULL.describe()
    assert set(c["feature_distributions"]) == set(c["feature_names"])
    loaded = model.get(name)
    assert loaded.version == c["version"] and loaded.load_ms < 500


@pytest.fixture(scope="module")
def fresh_members():
    return datasets.members(FRESH)


@pytest.mark.parametrize("name", ["churn", "labour_risk"])
def test_risk_models_reach_95_percent_of_the_oracle_auc_on_a_fresh_population(name, fresh_members):
    x, pop = fresh_members if name == "churn" else datasets.employers(FRESH)
    y, truth = (pop.churn, pop.p_churn) if name == "churn" else (pop.dispute, pop.p_dispute)
    ratio = auc(y, model.get(name).predict(x)) / auc(y, truth)
    assert ratio >= 0.95, ratio
    m = card(name)["metrics"]
    assert m["oracle_ratio"] >= 0.95
    assert m["auc"]["model"] > m["auc"]["logistic_regression"] and m["auc_gain_over_logreg_ci95"][0] > 0
    assert m["auc"]["model"] > max(v for k, v in m["auc"].items() if k.startswith(("recency", "rule")))
    assert m["brier"]["model"] < m["brier"]["logistic_regression"]


def test_service_demand_ranks_close_to_the_oracle(fresh_members):
    x, pop = fresh_members
    pred = model.get("service_demand").predict(x)
    ratios = [
        auc(pop.service[:, c], pred[:, c]) / auc(pop.service[:, c], pop.p_service[:, c])
        for c in range(len(F.SERVICE_CATEGORIES))
    ]
    assert min(ratios) >= 0.9 and np.mean(ratios) >= 0.93, ratios
    popularity = np.tile(pop.service.mean(axis=0), (len(x), 1))
    assert precision_at_k(pop.service, pred) > precision_at_k(pop.service, popularity)


def test_station_demand_beats_the_seasonal_naive_forecast_on_new_stations():
    rows, _ = datasets.stations(FRESH)
    mu = model.get("station_demand").predict(rows.x)
    naive = rows.x[:, F.STATION_FEATURES.index("lag_1w")]
    assert np.abs(rows.booked - mu).mean() < 0.85 * np.abs(rows.booked - naive).mean()
    assert poisson_deviance(rows.booked, mu) < poisson_deviance(rows.booked, np.maximum(naive, 0.5))


def test_a_small_retrain_reproduces_the_cards_metrics_and_is_deterministic(tmp_path):
    from ml import train_churn, train_labour, train_stations

    tolerance = 0.04
    for trainer, name in ((train_churn, "churn"), (train_labour, "labour_risk")):
        small = trainer.train(SMALL, models_dir=tmp_path, reports_dir=None)["metrics"]
        packaged = card(name)["metrics"]
        assert abs(small["auc"]["model"] - packaged["auc"]["model"]) < tolerance, (name, small["auc"])
        assert abs(small["oracle_ratio"] - packaged["oracle_ratio"]) < tolerance, (name, small["oracle_ratio"])
        assert abs(small["base_rate"] - packaged["base_rate"]) < tolerance
    small = train_stations.train(SMALL, models_dir=tmp_path, reports_dir=None)["metrics"]
    assert small["mae"]["model"] < small["mae"]["seasonal_naive"]
    assert abs(small["mae_skill_vs_naive"] - card("station_demand")["metrics"]["mae_skill_vs_naive"]) < 0.08
    first = (tmp_path / "labour_risk" / "model.ubj").read_bytes()
    train_labour.train(SMALL, models_dir=tmp_path, reports_dir=None)
    assert (tmp_path / "labour_risk" / "model.ubj").read_bytes() == first  # same seed, same trees
    # what the retrain wrote is servable: its card matches the code
    loaded = model.ModelRegistry(tmp_path).get("labour_risk")
    assert loaded.predict(np.zeros((1, len(F.EMPLOYER_FEATURES)), dtype=np.float32)).shape == (1,)


def test_a_card_for_other_features_is_refused(tmp_path):
    import shutil

    shutil.copytree(model.PACKAGED_DIR / "labour_risk", tmp_path / "labour_risk")
    c = json.loads((tmp_path / "labour_risk" / "card.json").read_text())
    c["feature_names"] = c["feature_names"][:-1]
    (tmp_path / "labour_risk" / "card.json").write_text(json.dumps(c))
    with pytest.raises(ModelUnavailable):
        model.ModelRegistry(tmp_path).get("labour_risk")
    with pytest.raises(model.ArtifactMismatch, match="retrain"):
        model.check_card(c)

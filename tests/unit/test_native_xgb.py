"""Serving through XGBoost's C library (chalicelib/scoring/native.py) gives exactly what the xgboost
Python package gives, for every packaged model; bad inputs fail with readable errors; without the
library the scoring routes answer 503 and the rest of the API keeps working.

The tests may import the xgboost package to compare against; serving never does
(tests/unit/test_scoring_imports.py checks that)."""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from chalicelib.domain.scoring_errors import ModelUnavailable
from chalicelib.domain.scoring_models import MODEL_NAMES
from chalicelib.scoring import model, native

ROWS_TOLERANCE = 1e-6


@pytest.fixture(scope="module")
def library() -> native.Library:
    return native.library()


def card(name: str) -> dict[str, Any]:
    return json.loads((model.PACKAGED_DIR / name / "card.json").read_text())


def raw_model(name: str) -> bytes:
    return (model.PACKAGED_DIR / name / "model.ubj").read_bytes()


def realistic_rows(name: str, n: int, seed: int) -> np.ndarray:
    """Rows drawn feature by feature from the card's training histograms, so they hit the real splits."""
    rng = np.random.default_rng(seed)
    c = card(name)
    columns = []
    for feature in c["feature_names"]:
        hist = c["feature_distributions"][feature]
        edges, fractions = np.array(hist["edges"]), np.array(hist["fractions"])
        bins = rng.choice(len(fractions), size=n, p=fractions / fractions.sum())
        low, high = edges[bins], edges[bins + 1]
        values = low + rng.random(n) * (high - low)
        if np.allclose(edges, np.round(edges)):  # counts and flags stay whole numbers
            values = np.floor(values)
        columns.append(values)
    return np.column_stack(columns)


def rows_for(name: str) -> np.ndarray:
    """200 realistic rows, 100 of them again with 15 % missing, random wide values, and edge rows."""
    rng = np.random.default_rng(11)
    real = realistic_rows(name, 200, seed=3)
    holes = real[:100].copy()
    holes[rng.random(holes.shape) < 0.15] = np.nan
    wide = rng.normal(0, 50, size=(50, real.shape[1]))
    edges = np.stack(
        [
            np.full(real.shape[1], np.nan),
            np.zeros(real.shape[1]),
            np.full(real.shape[1], 1e6),
            np.full(real.shape[1], -1e6),
        ]
    )
    return np.vstack([real, holes, wide, edges])


def reference(name: str) -> Any:
    import xgboost as xgb

    booster = xgb.Booster()
    booster.load_model(bytearray(raw_model(name)))
    booster.set_param({"nthread": 1})
    return booster


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_native_predictions_and_contributions_equal_the_python_package(name, library):
    import xgboost as xgb

    ours, theirs = native.Booster(library, raw_model(name)), reference(name)
    x = rows_for(name)
    matrix = xgb.DMatrix(x, feature_names=list(card(name)["feature_names"]), nthread=1)

    expected = theirs.inplace_predict(x, validate_features=False)
    got = ours.predict(x)
    assert got.shape == expected.shape and got.dtype == expected.dtype
    np.testing.assert_allclose(got, expected, rtol=0, atol=ROWS_TOLERANCE)

    for exact in (True, False):
        expected = theirs.predict(matrix, pred_contribs=True, approx_contribs=not exact)
        got = ours.contributions(x, exact=exact)
        assert got.shape == expected.shape, (exact, got.shape, expected.shape)
        np.testing.assert_allclose(got, expected, rtol=0, atol=ROWS_TOLERANCE)

    margin = theirs.inplace_predict(x, validate_features=False, predict_type="margin")
    np.testing.assert_allclose(ours.predict(x, margin=True), margin, rtol=0, atol=ROWS_TOLERANCE)


def test_shapes_are_those_the_scoring_code_reads(library):
    features = len(card("churn")["feature_names"])
    outputs = len(card("service_demand")["outputs"])
    churn, demand = (native.Booster(library, raw_model(n)) for n in ("churn", "service_demand"))
    x = rows_for("churn")[:7]
    assert churn.predict(x).shape == (7,)
    assert churn.contributions(x).shape == (7, features + 1)
    assert demand.predict(x).shape == (7, outputs)
    assert demand.contributions(x).shape == (7, outputs, features + 1)


def test_the_loaded_model_serves_through_the_c_library_with_its_card():
    loaded = model.ModelRegistry(model.PACKAGED_DIR).get("churn")
    assert isinstance(loaded.booster, native.Booster)
    assert loaded.feature_names == tuple(card("churn")["feature_names"])
    assert loaded.booster.feature_names == loaded.feature_names
    x = rows_for("churn")[:3]
    contributions = loaded.contributions(x)
    # SHAP is additive: features + bias = the margin, whose logistic is the probability
    np.testing.assert_allclose(1 / (1 + np.exp(-contributions.sum(axis=1))), loaded.predict(x), atol=1e-5)


def test_float64_input_scores_as_its_float32_cast(library):
    booster = native.Booster(library, raw_model("labour_risk"))
    x = rows_for("labour_risk")
    np.testing.assert_array_equal(booster.predict(x), booster.predict(x.astype(np.float32)))
    np.testing.assert_array_equal(booster.predict(np.asfortranarray(x)), booster.predict(x))


def test_concurrent_predictions_on_one_booster_equal_sequential_ones(library):
    booster = native.Booster(library, raw_model("service_demand"))
    x = rows_for("service_demand")
    expected = [(booster.predict(x[i : i + 1]), booster.contributions(x[i : i + 1])) for i in range(40)]
    results: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}
    start = threading.Barrier(8)

    def work(t: int) -> None:
        start.wait()
        for i in range(40):
            results[(t, i)] = (booster.predict(x[i : i + 1]), booster.contributions(x[i : i + 1]))

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for (_, i), (values, contributions) in results.items():
        np.testing.assert_array_equal(values, expected[i][0])
        np.testing.assert_array_equal(contributions, expected[i][1])
    assert len(results) == 8 * 40


def test_a_corrupt_model_buffer_is_a_clear_error(library):
    # Only bytes XGBoost rejects up front: on some truncated UBJ files its reader crashes or hangs the
    # process (see model._load), which is why serving checks the card's sha256 before loading.
    for junk in (b"{not a model", b"", b"\x00" * 64):
        with pytest.raises(native.XGBoostError) as err:
            native.Booster(library, junk)
        assert str(err.value) and "Stack trace" not in str(err.value)


def copy_of(name: str, directory: Path) -> Path:
    shutil.copytree(model.PACKAGED_DIR / name, directory / name)
    return directory / name


def test_a_model_file_its_card_does_not_vouch_for_never_reaches_xgboost(tmp_path):
    folder = copy_of("churn", tmp_path)
    (folder / "model.ubj").write_bytes(raw_model("churn")[:6983])  # a cut that segfaults XGBoost 3.2
    with pytest.raises(ModelUnavailable) as err:
        model.ModelRegistry(tmp_path).get("churn")
    assert isinstance(err.value.__cause__, model.ArtifactMismatch)
    assert "not the file its card describes" in str(err.value.__cause__)


def test_a_card_without_a_checksum_is_refused(tmp_path):
    folder = copy_of("churn", tmp_path)
    c = card("churn")
    del c["model_sha256"]
    (folder / "card.json").write_text(json.dumps(c))
    with pytest.raises(ModelUnavailable) as err:
        model.ModelRegistry(tmp_path).get("churn")
    assert "no model_sha256" in str(err.value.__cause__)


def test_a_model_file_xgboost_rejects_is_refused_as_unavailable(tmp_path):
    folder = copy_of("churn", tmp_path)
    broken = b"{not a model"
    (folder / "model.ubj").write_bytes(broken)
    c = card("churn")
    c["model_sha256"] = hashlib.sha256(broken).hexdigest()  # the card vouches for it: only XGBoost objects
    (folder / "card.json").write_text(json.dumps(c))
    with pytest.raises(ModelUnavailable) as err:
        model.ModelRegistry(tmp_path).get("churn")
    assert isinstance(err.value.__cause__, native.XGBoostError)


def test_a_matrix_of_the_wrong_width_is_refused(library):
    booster = native.Booster(library, raw_model("station_demand"))
    with pytest.raises(ValueError, match="takes 18 features, got 3"):
        booster.predict(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="2-d"):
        booster.contributions(np.zeros(18))


# --- finding the library -----------------------------------------------------------------------


def test_the_library_is_found_in_order_env_then_vendored_then_installed(tmp_path):
    env_lib, vendored = tmp_path / "env" / "libxgboost.so", tmp_path / "pkg" / "libxgboost.so"
    for path in (env_lib, vendored):
        path.parent.mkdir()
        path.write_bytes(b"")
    installed = native.installed_package_lib()
    assert installed is not None and installed.name == "libxgboost.so"  # dev/test: xgboost-cpu's copy
    assert native.locate({native.LIB_ENV: str(env_lib)}, vendored=vendored) == env_lib
    assert native.locate({}, vendored=vendored) == vendored
    assert native.locate({}, vendored=tmp_path / "none.so") == installed


def test_a_configured_library_that_is_missing_does_not_fall_back(tmp_path):
    with pytest.raises(native.LibraryUnavailable, match="is not a file"):
        native.locate({native.LIB_ENV: str(tmp_path / "missing.so")})


def test_a_file_that_is_not_the_library_is_unavailable(tmp_path):
    fake = tmp_path / "libxgboost.so"
    fake.write_text("not an ELF file")
    with pytest.raises(native.LibraryUnavailable, match="cannot load"):
        native.library(fake)


def test_the_library_reports_its_version(library):
    assert library.version() == tuple(int(p) for p in card("churn")["xgboost_version"].split("."))


# --- through HTTP --------------------------------------------------------------------------------


@pytest.fixture
def without_the_library(tmp_path: Path):
    """The packaged models, served by a registry whose C library is not there (a package built without it)."""
    model.use_registry(
        model.ModelRegistry(model.PACKAGED_DIR, library=lambda: native.library(tmp_path / "libxgboost.so"))
    )
    yield
    model.use_registry(None)


def test_without_the_library_scoring_answers_503_and_the_rest_works(api, admin, worker, without_the_library):
    for path in (
        f"/v1/admin/members/{worker.member_id}/scores",
        "/v1/admin/employers/emp-x/risk",
        "/v1/admin/stations/st-x/forecast",
    ):
        reply = api.as_(admin).get(path)
        assert (reply.status, reply.json["error"]["code"]) == (503, "model_unavailable"), path
    for path in ("/v1/me/insights", "/v1/me/recommendations"):
        assert api.as_(worker).get(path).status == 503, path
    assert api.get("/v1/health").status == 200
    assert api.as_(worker).get("/v1/me").status == 200
    assert api.as_(worker).put("/v1/me/privacy", {"profiling": False}).status == 200


def test_no_rows_give_empty_results_of_the_usual_shape(library):
    churn, demand = (native.Booster(library, raw_model(n)) for n in ("churn", "service_demand"))
    none = np.zeros((0, churn.num_features))
    assert churn.predict(none).shape == (0,) and demand.predict(none).shape == (0, 6)
    assert churn.contributions(none).shape == (0, churn.num_features + 1)
    assert demand.contributions(none).shape == (0, 6, demand.num_features + 1)

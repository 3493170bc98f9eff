"""Packaged models: loaded lazily on first use, kept in a module cache, refused when they do not fit the code.

An artifact is chalicelib/models/<name>/model.ubj + card.json. Before a model serves, its card's
feature list and hash must equal the feature code's, the file its card's sha256 (checked before
XGBoost reads a byte: its loader is not safe on damaged input), and the booster's
own feature names the card's: otherwise `ModelUnavailable` (503 model_unavailable) for the scoring
routes only; every other route keeps working because nothing else imports the scoring libraries.

Models run in XGBoost's C library through `native` (ctypes), never the `xgboost` Python package:
that package imports scipy, and numpy + scipy + xgboost do not fit the Lambda package. Serving
needs numpy and libxgboost.so (shipped in the package; in dev/tests the installed xgboost-cpu's);
where either is missing the scoring routes answer 503 and the rest work.

Reasons use exact TreeSHAP contributions (`pred_contribs`). Measured for one churn row through the
C library (1 thread, loaded 2-core box, `python -m ml.serving_figures`): exact 0.4-0.6 ms, approx
(Saabas) 0.2 ms, plain predict 0.15-0.3 ms. Exact is cheap enough for the one row a person reads and
does not favour features near the root as the approximation does.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chalicelib.domain.scoring_errors import ModelUnavailable
from chalicelib.scoring.features import FEATURE_SETS, feature_hash

if TYPE_CHECKING:
    import numpy as np

    from chalicelib.scoring.native import Booster, Library

logger = logging.getLogger(__name__)
PACKAGED_DIR = Path(__file__).resolve().parent.parent / "models"


class ArtifactMismatch(Exception):
    """The artifact on disk was built for other features than this code computes."""


@dataclass(frozen=True)
class LoadedModel:
    name: str
    card: dict[str, Any]
    booster: Booster
    feature_names: tuple[str, ...]
    load_ms: float

    @property
    def version(self) -> str:
        return str(self.card["version"])

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Probabilities (binary), per-category probabilities (multi-label) or expected counts (Poisson):
        (rows,) or (rows, outputs), as xgboost's `inplace_predict`; NaN is missing."""
        return self.booster.predict(x)

    def contributions(self, x: np.ndarray, *, exact: bool = True) -> np.ndarray:
        """SHAP contributions in margin (log-odds / log-count) units: (rows, [outputs,] features + bias)."""
        return self.booster.contributions(x, exact=exact)


def check_card(card: dict[str, Any]) -> tuple[str, ...]:
    """The code's feature names for this card, or ArtifactMismatch saying what differs."""
    feature_set = card.get("feature_set")
    if feature_set not in FEATURE_SETS:
        raise ArtifactMismatch(f"unknown feature set {feature_set!r}")
    names = FEATURE_SETS[feature_set]
    expected = feature_hash(names)
    if card.get("feature_hash") != expected or list(card.get("feature_names", [])) != list(names):
        raise ArtifactMismatch(
            f"{card.get('name')}: artifact features {card.get('feature_hash')} "
            f"({len(card.get('feature_names', []))} names) != code features {expected} ({len(names)} names); "
            "retrain with `make models`"
        )
    return names


def _load(directory: Path, name: str, library: Library) -> LoadedModel:
    started = time.perf_counter()
    card = json.loads((directory / name / "card.json").read_text())
    names = check_card(card)
    raw = (directory / name / "model.ubj").read_bytes()
    # Mandatory: XGBoost 3.2's UBJ reader can crash or hang the process on a truncated file
    # (measured: churn's model.ubj cut at 6983 bytes segfaults, at 6982 never returns), so only
    # bytes the card vouches for reach it.
    if not card.get("model_sha256"):
        raise ArtifactMismatch(f"{name}: the card carries no model_sha256")
    if hashlib.sha256(raw).hexdigest() != card["model_sha256"]:
        raise ArtifactMismatch(f"{name}: model.ubj is not the file its card describes")
    from chalicelib.scoring.native import Booster

    booster = Booster(library, raw, nthread=1)
    if booster.feature_names is not None and tuple(booster.feature_names) != names:
        raise ArtifactMismatch(f"{name}: the booster's feature names differ from its card")
    return LoadedModel(name, card, booster, names, (time.perf_counter() - started) * 1000)


class ModelRegistry:
    """Loads each model once per container (thread-safe) from one directory, into the XGBoost C
    library that `library` returns (default: `native.library`, which locates it)."""

    def __init__(self, directory: Path, *, library: Callable[[], Library] | None = None) -> None:
        self.directory = directory
        self._library = library
        self._models: dict[str, LoadedModel] = {}
        self._lock = threading.Lock()

    def runtime(self) -> Library:
        """numpy and the C library, or ModelUnavailable (503) saying in the log which is missing."""
        try:
            import numpy  # noqa: F401

            from chalicelib.scoring import native
        except ImportError as exc:
            logger.error("scoring libraries missing: %s", exc)
            raise ModelUnavailable() from exc
        try:
            return (self._library or native.library)()
        except native.LibraryUnavailable as exc:
            logger.error("XGBoost C library unavailable: %s", exc)
            raise ModelUnavailable() from exc

    def get(self, name: str) -> LoadedModel:
        model = self._models.get(name)
        if model is not None:
            return model
        with self._lock:
            if name not in self._models:
                library = self.runtime()
                from chalicelib.scoring.native import XGBoostError

                try:
                    self._models[name] = _load(self.directory, name, library)
                except (ArtifactMismatch, FileNotFoundError, ValueError, XGBoostError) as exc:
                    logger.error("model refused: %s", exc)
                    raise ModelUnavailable() from exc
        return self._models[name]


_registry: ModelRegistry | None = None


def registry() -> ModelRegistry:
    """The process's registry: WH_MODEL_DIR if set, else the packaged chalicelib/models."""
    global _registry
    if _registry is None:
        _registry = ModelRegistry(Path(os.environ.get("WH_MODEL_DIR") or PACKAGED_DIR))
    return _registry


def use_registry(reg: ModelRegistry | None) -> None:
    """Install another registry (tests, a model directory being evaluated); None resets to the default."""
    global _registry
    _registry = reg


def get(name: str) -> LoadedModel:
    return registry().get(name)


def require_runtime() -> None:
    """503 model_unavailable (not a 500) where numpy or XGBoost's C library is missing, e.g. a
    package built without them. Never imports the xgboost Python package. Cheap once loaded."""
    registry().runtime()

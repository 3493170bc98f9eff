"""Metrics that compare a model with the oracle (the generator's true probabilities) and baselines."""

from __future__ import annotations

from typing import Any

import numpy as np


def auc(y: np.ndarray, score: np.ndarray) -> float:
    """ROC-AUC by the rank statistic (ties get their average rank)."""
    from scipy.stats import rankdata

    y = np.asarray(y).astype(bool)
    ranks = rankdata(score)
    pos = y.sum()
    neg = len(y) - pos
    return float((ranks[y].sum() - pos * (pos + 1) / 2) / (pos * neg))


def roc_points(y: np.ndarray, score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(false positive rate, true positive rate) at every threshold, for plotting."""
    order = np.argsort(-score, kind="stable")
    ys = np.asarray(y)[order].astype(float)
    tpr = np.concatenate([[0], np.cumsum(ys) / ys.sum()])
    fpr = np.concatenate([[0], np.cumsum(1 - ys) / (1 - ys).sum()])
    return fpr, tpr


def brier(y: np.ndarray, p: np.ndarray) -> float:
    return float(np.mean((np.asarray(p) - np.asarray(y).astype(float)) ** 2))


def calibration_table(y: np.ndarray, p: np.ndarray, oracle: np.ndarray, bins: int = 10) -> list[dict[str, float]]:
    """Deciles of the predicted probability: mean prediction vs observed rate vs mean true probability."""
    order = np.argsort(p, kind="stable")
    rows = []
    for chunk in np.array_split(order, bins):
        rows.append(
            {
                "n": int(len(chunk)),
                "predicted": round(float(p[chunk].mean()), 4),
                "observed": round(float(np.asarray(y)[chunk].mean()), 4),
                "oracle": round(float(oracle[chunk].mean()), 4),
            }
        )
    return rows


def auc_gain_ci(y: np.ndarray, a: np.ndarray, b: np.ndarray, *, rounds: int = 200, seed: int = 0) -> list[float]:
    """Paired bootstrap 95 % interval of AUC(a) - AUC(b) on the same rows."""
    rng = np.random.default_rng(seed)
    n = len(y)
    gains = []
    for _ in range(rounds):
        idx = rng.integers(0, n, n)
        gains.append(auc(y[idx], a[idx]) - auc(y[idx], b[idx]))
    return [round(float(np.percentile(gains, 2.5)), 4), round(float(np.percentile(gains, 97.5)), 4)]


def tier_thresholds(
    valid_scores: np.ndarray, *, high_share: float = 0.10, medium_share: float = 0.20
) -> dict[str, float]:
    """Tier cut-offs chosen on validation scores: the top 10 % are 'high', the next 20 % 'medium'
    (what outreach staff can act on), the rest 'low'."""
    return {
        "high": round(float(np.quantile(valid_scores, 1 - high_share)), 6),
        "medium": round(float(np.quantile(valid_scores, 1 - high_share - medium_share)), 6),
    }


def tier_outcomes(y: np.ndarray, p: np.ndarray, oracle: np.ndarray, thresholds: dict[str, float]) -> dict[str, Any]:
    tiers = np.where(p >= thresholds["high"], "high", np.where(p >= thresholds["medium"], "medium", "low"))
    return {
        t: {
            "share": round(float((tiers == t).mean()), 4),
            "observed_rate": round(float(y[tiers == t].mean()), 4),
            "oracle_rate": round(float(oracle[tiers == t].mean()), 4),
        }
        for t in ("low", "medium", "high")
        if (tiers == t).any()
    }


def logistic_baseline(x_train: np.ndarray, y_train: np.ndarray) -> Any:
    """Logistic regression on the same features (standardised), the linear baseline."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000)).fit(x_train, y_train)


def precision_at_k(labels: np.ndarray, scores: np.ndarray, k: int = 3) -> float:
    """Mean share of each row's top-k scored columns that were used."""
    top = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return float(np.take_along_axis(labels, top, axis=1).mean())


def poisson_deviance(y: np.ndarray, mu: np.ndarray) -> float:
    mu = np.maximum(np.asarray(mu, dtype=float), 1e-9)
    y = np.asarray(y, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(y / mu), 0.0)
    return float(2 * np.mean(term - (y - mu)))


def histogram(values: np.ndarray, bins: int = 10) -> dict[str, list[float]]:
    """Quantile bin edges and the share of training rows in each bin: the reference for PSI drift checks."""
    edges = np.unique(np.quantile(values, np.linspace(0, 1, bins + 1)))
    if len(edges) < 2:
        edges = np.array([edges[0], edges[0]])
    inner = edges[1:-1]
    counts = np.bincount(np.searchsorted(inner, values, side="right"), minlength=len(edges) - 1)
    return {
        "edges": [round(float(e), 6) for e in edges],
        "fractions": [round(float(c / len(values)), 6) for c in counts],
    }


def psi(reference: dict[str, list[float]], values: np.ndarray) -> float:
    """Population stability index of `values` against a stored histogram (the serving code's definition)."""
    from chalicelib.scoring import drift

    return drift.psi(reference, drift.bin_counts(reference, values))

"""Churn warning (会员流失预警): will a member leave or go inactive in the next 90 days? `python -m ml.train_churn`"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from chalicelib.scoring.features import MEMBER_FEATURES
from ml import datasets
from ml.artifacts import MODELS_DIR
from ml.binary import train_binary
from ml.report import REPORTS_DIR

TRUTH = """Each member has a hidden engagement that follows a random walk with a personal drift (and, for
some, a sudden drop); app opens, bookings and check-ins are Poisson/binomial draws from it, so the
records show engagement only through noisy weekly counts. The true 90-day churn probability is a
logistic function of the current engagement (steeper below a threshold), its decline over the last
8 weeks, membership status, short tenure, hidden dissatisfaction (seen only through
requests that were rejected), the
employer's hidden dispute propensity, an interaction of gig work with low engagement, and personal
noise that no record shows. The label is drawn from that probability."""


def train(
    cfg: datasets.Config = datasets.FULL,
    *,
    models_dir: Path | None = MODELS_DIR,
    reports_dir: Path | None = REPORTS_DIR,
) -> dict[str, Any]:
    x, pop = datasets.members(cfg)
    parts = datasets.split(len(x), cfg.seed)
    recency = x[:, MEMBER_FEATURES.index("weeks_since_active")]
    return train_binary(
        "churn",
        "Churn warning (会员流失预警)",
        feature_set="member",
        x=x,
        y=pop.churn,
        truth=pop.p_churn,
        parts=parts,
        rule=("recency_rule_weeks_since_active", recency),
        cfg=cfg,
        truth_text=TRUTH,
        models_dir=models_dir,
        reports_dir=reports_dir,
    )


if __name__ == "__main__":
    card = train()
    print(card["version"], card["metrics"]["auc"], "ratio", card["metrics"]["oracle_ratio"], file=sys.stderr)

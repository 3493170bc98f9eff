"""Labour risk (劳动风险预警): will an employer face a wage or labour dispute next quarter? `python -m ml.train_labour`"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from chalicelib.scoring.features import EMPLOYER_FEATURES
from ml import datasets
from ml.artifacts import MODELS_DIR
from ml.binary import train_binary
from ml.report import REPORTS_DIR

TRUTH = """Each employer has a hidden dispute propensity and a hidden wage-arrears state that switches on and
off week by week (more often for high-propensity employers and risky industries). Rights requests
from its workers and members leaving are Poisson draws that rise with propensity and arrears (less
where there is a union), so the records reveal both only noisily; workforce size shows only through
the members who join. The true probability of a dispute next quarter is a logistic function of the
propensity (with a jump for the worst employers), arrears now and over the last 8 weeks (far worse
without a union, and worst on building sites and in factories), size, union, industry and noise
that no record shows."""


def train(
    cfg: datasets.Config = datasets.FULL,
    *,
    models_dir: Path | None = MODELS_DIR,
    reports_dir: Path | None = REPORTS_DIR,
) -> dict[str, Any]:
    x, pop = datasets.employers(cfg)
    parts = datasets.split(len(x), cfg.seed + 1)
    complaints = x[:, EMPLOYER_FEATURES.index("rights_requests_13w")]
    return train_binary(
        "labour_risk",
        "Labour risk warning (劳动风险预警)",
        feature_set="employer",
        x=x,
        y=pop.dispute,
        truth=pop.p_dispute,
        parts=parts,
        rule=("rule_rights_requests_13w", complaints),
        cfg=cfg,
        truth_text=TRUTH,
        params={"max_depth": 3},
        models_dir=models_dir,
        reports_dir=reports_dir,
    )


if __name__ == "__main__":
    card = train()
    print(card["version"], card["metrics"]["auc"], "ratio", card["metrics"]["oracle_ratio"], file=sys.stderr)

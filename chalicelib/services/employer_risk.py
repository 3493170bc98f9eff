"""Labour risk of an employer: probability of a dispute next quarter, tier, reasons, staff actions.

Reads: GetItem employer + GetItem of its activity item (`employer#<id>`), issued at once.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.activity import employer_subject
from chalicelib.domain.errors import NotFound
from chalicelib.domain.scoring_models import LABOUR_RISK
from chalicelib.scoring import features, model
from chalicelib.scoring.predict import risk, row_values
from chalicelib.scoring.reasons import EMPLOYER_FAMILIES
from chalicelib.scoring.views import EmployerRiskOut
from chalicelib.services import thresholds
from chalicelib.store import scoring_inputs
from chalicelib.store.base import iso
from chalicelib.store.parallel import both

SHOWN_INPUTS = ("rights_requests_4w", "rights_requests_26w", "members_left_13w", "members_joined_26w", "has_union")


def employer_risk(employer_id: str, now: datetime, lang: str) -> EmployerRiskOut:
    employer, record = both(
        lambda: scoring_inputs.employer_facts(employer_id),
        lambda: scoring_inputs.activity_item(employer_subject(employer_id)),
    )
    if employer is None:
        raise NotFound()
    x = features.employer_matrix([{"industry": employer.industry, "has_union": employer.has_union}], [record], now)
    values = row_values(x, features.EMPLOYER_FEATURES)
    return EmployerRiskOut(
        employer_id=employer_id,
        name=employer.name_en if lang == "en" else employer.name_zh,
        as_of=iso(now),
        risk=risk(model.get(LABOUR_RISK), x, EMPLOYER_FAMILIES, lang, thresholds=thresholds.current(LABOUR_RISK)),
        inputs={"industry": employer.industry, **{k: values[k] for k in SHOWN_INPUTS}},
    )

"""Reasons: every feature belongs to exactly one family; sentences use the member's own numbers."""

from __future__ import annotations

from collections import Counter

from chalicelib.scoring.features import EMPLOYER_FEATURES, MEMBER_FEATURES, NONE_WEEKS
from chalicelib.scoring.predict import tier_of
from chalicelib.scoring.reasons import EMPLOYER_FAMILIES, MEMBER_FAMILIES, top_reasons
from chalicelib.services.station_forecast import poisson_quantile


def test_every_feature_belongs_to_exactly_one_family():
    for families, names in ((MEMBER_FAMILIES, MEMBER_FEATURES), (EMPLOYER_FAMILIES, EMPLOYER_FEATURES)):
        seen = Counter(f for fam in families for f in fam.features)
        assert set(seen) == set(names)
        assert all(n == 1 for n in seen.values())


def values(**changes: float) -> dict[str, float]:
    v = dict.fromkeys(MEMBER_FEATURES, 0.0)
    v.update(changes)
    return v


def contributions(**by_feature: float) -> list[float]:
    return [by_feature.get(n, 0.0) for n in MEMBER_FEATURES]


def test_top_reasons_are_the_largest_positive_families_in_plain_words():
    v = values(weeks_since_checkin=6, weeks_since_active=6, active_weeks_26w=10, tenure_weeks=80, has_employer=1)
    reasons = top_reasons(
        contributions(
            weeks_since_checkin=0.9, checkins_4w=0.3, weeks_since_active=0.5, tenure_weeks=-0.4, app_opens_4w=0.001
        ),
        v,
        MEMBER_FAMILIES,
        MEMBER_FEATURES,
    )
    assert [r.code for r in reasons] == ["station_visits", "inactive"]  # summed, ordered; noise left out
    assert reasons[0].en == "No station visit in 6 weeks" and reasons[0].zh == "已有 6 周没有到驿站"
    assert reasons[0].weight == 1.2 and reasons[0].action_en


def test_a_family_the_numbers_do_not_support_is_skipped():
    v = values(request_rejected_26w=0, requests_all_26w=0, weeks_since_active=NONE_WEEKS, has_employer=1)
    reasons = top_reasons(
        contributions(rejected_share_26w=2.0, has_employer=1.0, weeks_since_active=0.3),
        v,
        MEMBER_FAMILIES,
        MEMBER_FEATURES,
    )
    assert [r.code for r in reasons] == ["inactive"]
    assert reasons[0].en == "No activity recorded in the last 26 weeks"


def test_at_most_k_reasons():
    v = values(weeks_since_checkin=NONE_WEEKS, weeks_since_active=NONE_WEEKS, tenure_weeks=3)
    c = contributions(weeks_since_checkin=1, weeks_since_active=1, tenure_weeks=1, group_other=1)
    assert len(top_reasons(c, v, MEMBER_FAMILIES, MEMBER_FEATURES, k=2)) == 2


def test_tiers_follow_the_cards_thresholds():
    t = {"high": 0.4, "medium": 0.2}
    assert [tier_of(p, t) for p in (0.1, 0.2, 0.39, 0.4, 0.9)] == ["low", "medium", "medium", "high", "high"]


def test_suggested_seats_cover_nine_slots_in_ten():
    assert poisson_quantile(0.0) == 0
    assert poisson_quantile(5.0) == 8  # P(X <= 7) = 0.867, P(X <= 8) = 0.932

"""A member's scores: churn risk and service demand, with reasons. For admins (with staff actions)
and for the member themself (PIPL art. 24: their own automated assessment, in plain words).

Reads: GetItem member + GetItem activity + GetItem privacy choice, issued at once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from chalicelib.domain.errors import NotFound
from chalicelib.domain.scoring_inputs import MemberProfile
from chalicelib.domain.scoring_models import CHURN, SERVICE_DEMAND
from chalicelib.scoring import features, model
from chalicelib.scoring.predict import per_output, reason_views, risk
from chalicelib.scoring.reasons import CATEGORY_NAMES, MEMBER_FAMILIES
from chalicelib.scoring.views import DemandOut, InsightsOut, MemberScoresOut, RiskOut
from chalicelib.services import thresholds
from chalicelib.store import privacy_prefs, scoring_inputs
from chalicelib.store.base import iso
from chalicelib.store.parallel import concurrently


def member_inputs(member_id: str) -> tuple[MemberProfile, dict[str, Any] | None, bool]:
    """The member, their activity item and whether they allow profiling (3 GetItems at once)."""
    member, record, allowed = concurrently(
        lambda read: read(),
        [
            lambda: scoring_inputs.member_profile(member_id),
            lambda: scoring_inputs.activity_item(member_id),
            lambda: privacy_prefs.profiling_allowed(member_id),
        ],
    )
    if not isinstance(member, MemberProfile) or member.erased:
        raise NotFound()
    return member, cast("dict[str, Any] | None", record), bool(allowed)


def member_row(member: MemberProfile, record: dict[str, Any] | None, now: datetime) -> Any:
    return features.member_matrix([features.profile_of(member)], [record], now)


def churn_risk(x: Any, lang: str, *, with_action: bool = True) -> RiskOut:
    """Churn probability, tier (thresholds in force) and reasons for one member row."""
    return risk(
        model.get(CHURN), x, MEMBER_FAMILIES, lang, thresholds=thresholds.current(CHURN), with_action=with_action
    )


def demand(x: Any, lang: str, *, with_action: bool, k: int = 2) -> tuple[list[DemandOut], str]:
    """Every service category with its probability and reasons, most likely first."""
    m = model.get(SERVICE_DEMAND)
    out = []
    for category, (p, reasons) in zip(m.card["outputs"], per_output(m, x, MEMBER_FAMILIES, k=k), strict=True):
        zh, en = CATEGORY_NAMES.get(category, (category, category))
        out.append(
            DemandOut(
                category=category,
                name=en if lang == "en" else zh,
                probability=round(p, 4),
                reasons=reason_views(reasons, lang, with_action=with_action),
            )
        )
    return sorted(out, key=lambda d: -d.probability), m.version


def admin_scores(member_id: str, now: datetime, lang: str) -> MemberScoresOut:
    """Churn (tier, reasons, staff actions) and per-category demand. A member who opted out of
    profiling is not scored: the answer says so."""
    member, record, allowed = member_inputs(member_id)
    if not allowed:
        return MemberScoresOut(
            member_id=member_id,
            as_of=iso(now),
            profiling_allowed=False,
            churn=None,
            service_demand=[],
            service_demand_model_version="",
        )
    x = member_row(member, record, now)
    needs, demand_version = demand(x, lang, with_action=True)
    return MemberScoresOut(
        member_id=member_id,
        as_of=iso(now),
        profiling_allowed=True,
        churn=churn_risk(x, lang),
        service_demand=needs,
        service_demand_model_version=demand_version,
    )


_SUMMARY = {
    "high": (
        "你近期在职工之家的活跃度明显下降。工作人员可能会联系你，了解有什么可以帮忙。",
        "Your activity on WorkerHome has dropped a lot lately. Staff may contact you to ask what would help.",
    ),
    "medium": ("你近期的活跃度有所下降。", "Your activity has dropped a little lately."),
    "low": ("你近期的使用情况稳定。", "Your use of WorkerHome has been steady."),
    "off": (
        "你已关闭个性化评估，我们不会对你做自动评分或个性化推荐。",
        "You have turned profiling off: we do not score you or personalise what you see.",
    ),
}
_OPT_OUT = (
    '在“隐私设置”中关闭个性化评估（PUT /v1/me/privacy {"profiling": false}），随时可以重新开启。',
    'Turn profiling off in your privacy settings (PUT /v1/me/privacy {"profiling": false}); '
    "you can turn it back on at any time.",
)


def my_insights(member_id: str, now: datetime, lang: str) -> InsightsOut:
    """The member's own assessment: engagement tier with the reasons, likely needs; no staff notes."""
    member, record, allowed = member_inputs(member_id)
    pick = (lambda pair: pair[1]) if lang == "en" else (lambda pair: pair[0])
    if not allowed:
        return InsightsOut(
            profiling_allowed=False,
            as_of=iso(now),
            summary=pick(_SUMMARY["off"]),
            engagement=None,
            likely_needs=[],
            how_to_opt_out=pick(_OPT_OUT),
        )
    x = member_row(member, record, now)
    engagement = churn_risk(x, lang, with_action=False)
    needs, _ = demand(x, lang, with_action=False, k=1)
    return InsightsOut(
        profiling_allowed=True,
        as_of=iso(now),
        summary=pick(_SUMMARY[engagement.tier]),
        engagement=engagement,
        likely_needs=needs[:3],
        how_to_opt_out=pick(_OPT_OUT),
    )

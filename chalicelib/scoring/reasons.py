"""Reasons: a prediction's top contributions as plain sentences (zh/en) with a suggested staff action.

Features that say the same thing (app opens over 1, 2, 4, ... weeks) are summed into one family
first, so the top three reasons are three different things, each told with the member's own numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.categories import IN_A_SENTENCE
from chalicelib.domain.members import CITIES, GROUP_IN_A_SENTENCE
from chalicelib.scoring.features import (
    CITY_CODES,
    EMPLOYER_FEATURES,
    INDUSTRIES,
    MEMBER_FEATURES,
    MEMBERSHIP_STATES,
    NONE_WEEKS,
    SERVICE_CATEGORIES,
    WORKER_GROUPS,
)

Values = dict[str, float]
Say = Callable[[Values], tuple[str, str] | None]  # None: the member's numbers do not make this a reason

CATEGORY_NAMES: dict[str, tuple[str, str]] = {c: names for c, names in IN_A_SENTENCE.items()}  # in a sentence
INDUSTRY_NAMES = {
    "delivery_platform": ("外卖配送", "food delivery"),
    "ride_hailing": ("网约车", "ride hailing"),
    "logistics": ("物流快递", "logistics"),
    "manufacturing": ("制造业", "manufacturing"),
    "construction": ("建筑业", "construction"),
    "sanitation": ("环卫", "sanitation"),
    "domestic_services": ("家政服务", "domestic services"),
}


@dataclass(frozen=True)
class Family:
    code: str
    features: tuple[str, ...]
    say: Say
    action: tuple[str, str]


@dataclass(frozen=True)
class Reason:
    code: str
    zh: str
    en: str
    action_zh: str
    action_en: str
    weight: float  # summed contribution, in margin units

    def shown(self, lang: str, *, with_action: bool = True) -> dict[str, Any]:
        en = lang == "en"
        out: dict[str, Any] = {"code": self.code, "text": self.en if en else self.zh, "weight": round(self.weight, 3)}
        if with_action:
            out["action"] = self.action_en if en else self.action_zh
        return out


def _n(v: float) -> int:
    return int(round(v))


def _one_hot(values: Values, prefix: str, vocab: Sequence[str]) -> str | None:
    return next((term for term in vocab if values.get(f"{prefix}_{term}", 0) >= 0.5), None)


def _inactive(v: Values) -> tuple[str, str] | None:
    weeks = _n(v["weeks_since_active"])
    if weeks >= NONE_WEEKS:
        return "近 26 周没有任何活动记录", "No activity recorded in the last 26 weeks"
    if weeks < 2 and v["active_weeks_26w"] >= 13:
        return None
    return (
        f"已有 {weeks} 周没有活动（近 26 周仅 {_n(v['active_weeks_26w'])} 周活跃）",
        f"No activity for {weeks} weeks (active in {_n(v['active_weeks_26w'])} of the last 26 weeks)",
    )


def _app(v: Values) -> tuple[str, str] | None:
    recent, usual = _n(v["app_opens_4w"]), _n(v["app_opens_26w"] * 4 / 26)
    if v["app_opens_26w"] == 0:
        return "近 26 周没有打开过 App", "Has not opened the app in the last 26 weeks"
    if recent < 0.7 * usual:
        return (
            f"App 使用减少：近 4 周打开 {recent} 次（平时约 {usual} 次）",
            f"App use dropped: opened {recent} times in the last 4 weeks (usually about {usual})",
        )
    return f"经常使用 App：近 4 周打开 {recent} 次", f"Uses the app often: opened {recent} times in the last 4 weeks"


def _visits(v: Values) -> tuple[str, str]:
    weeks = _n(v["weeks_since_checkin"])
    if weeks >= NONE_WEEKS:
        return "近 26 周没有到过驿站", "No station visit in the last 26 weeks"
    if weeks >= 2:
        return f"已有 {weeks} 周没有到驿站", f"No station visit in {weeks} weeks"
    return f"近 4 周到驿站 {_n(v['checkins_4w'])} 次", f"{_n(v['checkins_4w'])} station visits in the last 4 weeks"


def _no_shows(v: Values) -> tuple[str, str] | None:
    missed, cancelled = _n(v["no_shows_13w"]), _n(v["cancellations_13w"])
    if missed + cancelled == 0:
        return None
    return (
        f"近 13 周预约后未到 {missed} 次、取消 {cancelled} 次",
        f"Missed {missed} and cancelled {cancelled} bookings in the last 13 weeks",
    )


def _rejected(v: Values) -> tuple[str, str] | None:
    rejected, filed = _n(v["request_rejected_26w"]), _n(v["requests_all_26w"])
    if rejected == 0:
        return None
    return (
        f"近 26 周的 {filed} 件服务申请中有 {rejected} 件被驳回",
        f"{rejected} of {filed} service requests in the last 26 weeks were rejected",
    )


def _membership(v: Values) -> tuple[str, str] | None:
    state = _one_hot(v, "membership", MEMBERSHIP_STATES)
    return {
        "grace": ("会籍处于宽限期，会费未续", "Membership is in its grace period (dues unpaid)"),
        "lapsed": ("会籍已失效", "Membership has lapsed"),
        "active": None,
    }.get(state or "", ("尚未入会", "Not a union member"))


def _tenure(v: Values) -> tuple[str, str] | None:
    weeks = _n(v["tenure_weeks"])
    if weeks >= 26:
        return None
    return f"注册仅 {weeks} 周，新会员更容易流失", f"Joined only {weeks} weeks ago; new members leave more often"


def _employer(v: Values) -> tuple[str, str] | None:
    if v["has_employer"] >= 0.5:
        return None
    return "未登记工作单位", "No employer on file"


def _group(v: Values) -> tuple[str, str]:
    zh, en = GROUP_IN_A_SENTENCE.get(
        _one_hot(v, "group", WORKER_GROUPS) or "", ("未填写工种", "workers with no group on file")
    )
    return f"{zh}群体的整体规律", f"What is typical of {en}"


def _city(v: Values) -> tuple[str, str]:
    zh, en = CITIES.get(_one_hot(v, "city", CITY_CODES) or "", ("未填写城市", "no city on file"))
    return f"所在城市（{zh}）的整体规律", f"What is typical in {en}"


def _waitlist(v: Values) -> tuple[str, str] | None:
    n = _n(v["waitlist_joins_13w"])
    if n == 0:
        return None
    return f"近 13 周排队候补 {n} 次", f"Joined a waitlist {n} times in the last 13 weeks"


def _requests(category: str) -> Say:
    zh, en = CATEGORY_NAMES[category]

    def say(v: Values) -> tuple[str, str] | None:
        recent, total = _n(v[f"requests_{category}_4w"]), _n(v[f"requests_{category}_26w"])
        if total == 0:
            return None
        return (
            f"近 26 周申请{zh}服务 {total} 次（近 4 周 {recent} 次）",
            f"Asked for {en} help {total} times in the last 26 weeks ({recent} in the last 4)",
        )

    return say


def _prefixed(prefix: str, names: Sequence[str]) -> tuple[str, ...]:
    return tuple(n for n in names if n.startswith(prefix))


MEMBER_FAMILIES: tuple[Family, ...] = (
    Family(
        "inactive",
        ("weeks_since_active", "days_since_last_event", "active_weeks_4w", "active_weeks_8w", "active_weeks_26w"),
        _inactive,
        ("电话回访，了解近况", "Call to ask how they are doing"),
    ),
    Family(
        "app_use",
        _prefixed("app_opens_", MEMBER_FEATURES),
        _app,
        ("推送适合其工种的服务与活动", "Send services and events that fit their work"),
    ),
    Family(
        "station_visits",
        _prefixed("checkins_", MEMBER_FEATURES) + _prefixed("bookings_", MEMBER_FEATURES) + ("weeks_since_checkin",),
        _visits,
        ("邀请参加附近驿站的活动", "Invite them to an event at a nearby station"),
    ),
    Family(
        "no_shows",
        _prefixed("no_show", MEMBER_FEATURES) + _prefixed("cancellations_", MEMBER_FEATURES),
        _no_shows,
        ("了解预约不便之处，推荐更合适的时段", "Ask what gets in the way; suggest better times"),
    ),
    Family(
        "waitlist", ("waitlist_joins_13w",), _waitlist, ("推荐不拥挤的驿站或时段", "Suggest quieter stations or times")
    ),
    Family(
        "requests_rejected",
        (
            "requests_all_26w",
            "request_rejected_26w",
            "request_withdrawn_26w",
            "request_ratings_26w",
            "rejected_share_26w",
        ),
        _rejected,
        (
            "复核被驳回的申请，向其说明原因或其他办法",
            "Review the rejected requests with them; explain or find another way",
        ),
    ),
    Family(
        "membership",
        _prefixed("membership_", MEMBER_FEATURES),
        _membership,
        ("说明会员权益，协助入会或续缴会费", "Explain member benefits; help with joining or renewal"),
    ),
    Family(
        "new_member", ("tenure_weeks",), _tenure, ("新会员欢迎电话与入门引导", "Welcome call and a first-steps guide")
    ),
    Family("employer", ("has_employer",), _employer, ("协助完善工作单位信息", "Help them add their employer")),
    Family(
        "worker_group",
        _prefixed("group_", MEMBER_FEATURES),
        _group,
        ("参考该群体的专项服务", "Use the outreach planned for this group"),
    ),
    Family("city", _prefixed("city_", MEMBER_FEATURES), _city, ("参考本地服务安排", "Use the local outreach plan")),
    *(
        Family(
            f"requests_{c}",
            (f"requests_{c}_4w", f"requests_{c}_26w"),
            _requests(c),
            (f"主动联系，提供{CATEGORY_NAMES[c][0]}服务", f"Reach out with {CATEGORY_NAMES[c][1]} services"),
        )
        for c in SERVICE_CATEGORIES
    ),
)


def _rights(v: Values) -> tuple[str, str] | None:
    recent, total = _n(v["rights_requests_4w"]), _n(v["rights_requests_26w"])
    if total == 0:
        return None
    return (
        f"近 4 周职工维权求助 {recent} 件（近 26 周 {total} 件）",
        f"{recent} rights requests from its workers in the last 4 weeks ({total} in 26 weeks)",
    )


def _turnover(v: Values) -> tuple[str, str] | None:
    left, joined = _n(v["members_left_13w"]), _n(v["members_joined_26w"])
    if left == 0:
        return None
    return (
        f"近 13 周有 {left} 名会员离职（近 26 周新入职 {joined} 名）",
        f"{left} members left in the last 13 weeks ({joined} joined in 26 weeks)",
    )


def _union(v: Values) -> tuple[str, str] | None:
    return None if v["has_union"] >= 0.5 else ("尚未建立工会组织", "No union branch")


def _industry(v: Values) -> tuple[str, str]:
    zh, en = INDUSTRY_NAMES.get(_one_hot(v, "industry", INDUSTRIES) or "", ("其他行业", "other industries"))
    return f"{zh}行业劳动争议较多", f"Labour disputes are more common in {en}"


EMPLOYER_FAMILIES: tuple[Family, ...] = (
    Family(
        "rights_requests",
        _prefixed("rights_", EMPLOYER_FEATURES) + ("weeks_since_rights_request",),
        _rights,
        (
            "约谈企业核查工资支付，为职工提供法律援助",
            "Check wage payments with the employer; offer its workers legal aid",
        ),
    ),
    Family(
        "turnover",
        ("members_joined_26w", "members_left_13w", "members_left_26w", "left_per_joined_26w"),
        _turnover,
        ("回访离职职工，了解用工情况", "Talk to workers who left about conditions there"),
    ),
    Family("no_union", ("has_union",), _union, ("推动企业建立工会", "Help the workers set up a union branch")),
    Family(
        "industry",
        _prefixed("industry_", EMPLOYER_FEATURES),
        _industry,
        ("纳入行业专项检查", "Include in the sector's wage inspection"),
    ),
)


MIN_WEIGHT = 0.01  # contributions below this (in log-odds) are noise, not reasons


def top_reasons(
    contributions: Sequence[float], values: Values, families: Sequence[Family], names: Sequence[str], *, k: int = 3
) -> list[Reason]:
    """The k families that push the prediction up most (positive summed contribution), largest first,
    skipping those the member's own numbers cannot phrase as a reason (e.g. "0 requests rejected").

    `contributions` is one row of SHAP values in the order of `names` (a trailing bias term is ignored).
    """
    by_name = dict(zip(names, contributions, strict=False))
    weights = [sum(float(by_name.get(f, 0.0)) for f in fam.features) for fam in families]
    return reasons_from_weights(weights, values, families, k=k)


def reasons_from_weights(
    weights: Sequence[float], values: Values, families: Sequence[Family], *, k: int = 3
) -> list[Reason]:
    """top_reasons from the families' summed contributions (batch scoring sums them for many rows at once
    with `family_matrix`)."""
    out: list[Reason] = []
    for weight, fam in sorted(zip(weights, families, strict=True), key=lambda s: -s[0]):
        if weight < MIN_WEIGHT or len(out) == k:
            break
        said = fam.say(values)
        if said is not None:
            out.append(Reason(fam.code, said[0], said[1], fam.action[0], fam.action[1], float(weight)))
    return out


def family_matrix(families: Sequence[Family], names: Sequence[str]) -> Any:
    """(len(names), len(families)) 0/1 matrix: contributions @ matrix = each family's summed contribution."""
    import numpy as np

    position = {n: i for i, n in enumerate(names)}
    out = np.zeros((len(names), len(families)))
    for j, fam in enumerate(families):
        for f in fam.features:
            if f in position:
                out[position[f], j] = 1.0
    return out


_TITLES: dict[str, tuple[str, str]] = {
    "inactive": ("长期没有活动", "No recent activity"),
    "app_use": ("很少打开应用", "Rarely opens the app"),
    "station_visits": ("很少到驿站", "Few station visits"),
    "no_shows": ("预约后未到或取消", "No-shows and cancellations"),
    "waitlist": ("常排候补", "Often on waitlists"),
    "requests_rejected": ("申请被驳回", "Requests turned down"),
    "membership": ("会员状态", "Membership status"),
    "new_member": ("新注册", "New to WorkerHome"),
    "employer": ("未填工作单位", "No employer on file"),
    "worker_group": ("所属工种", "Worker group"),
    "city": ("所在城市", "City"),
    **{
        f"requests_{c}": (f"近期有{CATEGORY_NAMES[c][0]}需求", f"Recent {CATEGORY_NAMES[c][1]} requests")
        for c in SERVICE_CATEGORIES
    },
    "rights_requests": ("职工维权求助", "Rights requests from its workers"),
    "turnover": ("会员流失", "Members leaving"),
    "no_union": ("未建工会", "No union branch"),
    "industry": ("行业风险", "Industry risk"),
}


def title_of(code: str, lang: str) -> str:
    """A short name of a reason family, for counts over many members (dashboards)."""
    zh, en = _TITLES.get(code, (code, code))
    return en if lang == "en" else zh


def action_of(code: str, lang: str) -> str | None:
    """The suggested staff action of a reason code (stored scores keep the code and the texts)."""
    fam = _BY_CODE.get(code)
    return None if fam is None else (fam.action[1] if lang == "en" else fam.action[0])


_BY_CODE: dict[str, Family] = {f.code: f for f in (*MEMBER_FAMILIES, *EMPLOYER_FAMILIES)}

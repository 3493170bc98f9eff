"""What can go wrong when joining the union, showing the e-card and leaving, in zh-CN and en."""

from __future__ import annotations

from chalicelib.domain.booking_errors import InvalidPass
from chalicelib.domain.errors import (
    Busy,
    Conflict,
    FieldRuleViolation,
    NotFound,
    RuleViolation,
    ValidationFailed,
)


class PolicyOutdated(RuleViolation, FieldRuleViolation):
    code = "policy_outdated"
    field = "consent.policy_version"
    zh = "入会须知已更新，请阅读并同意最新版本"
    en = "The membership terms have changed; read and accept the current version"


class UnknownUnion(ValidationFailed, FieldRuleViolation):
    code = "unknown_union"
    field = "union.employer_id"
    zh = "找不到该单位的工会，可选择加入区域（平台）工会"
    en = "This employer has no union here; you can join the regional pool instead"


class ApplicationOpen(Conflict, FieldRuleViolation):
    code = "application_open"
    field = "member"
    zh = "您已有一份正在审核的入会申请"
    en = "You already have a membership application under review"


class AlreadyMember(Conflict, FieldRuleViolation):
    code = "already_member"
    field = "member"
    zh = "您已经是工会会员"
    en = "You are already a union member"


class ApplicationNotFound(NotFound, FieldRuleViolation):
    code = "application_not_found"
    field = "application_id"
    zh = "找不到该入会申请"
    en = "No such membership application"


class ApplicationDecided(Conflict, FieldRuleViolation):
    code = "application_decided"
    field = "application_id"
    zh = "该申请已处理或已撤回"
    en = "This application was already decided or withdrawn"


class NotAMember(RuleViolation, FieldRuleViolation):
    code = "not_a_member"
    field = "member"
    zh = "您目前不是工会会员"
    en = "You are not a union member"


class MembershipChanged(Conflict):
    """The membership moved on between our read and our write (a renewal, a leave, the lifecycle run)."""

    zh = "会员状态已变化，请刷新后重试"
    en = "Your membership changed meanwhile; reload and retry"


class RenewalNotDue(RuleViolation, FieldRuleViolation):
    code = "renewal_not_due"
    field = "member"


class InvalidCard(InvalidPass):
    """A member card is a signed token shown as a QR code, like a check-in pass."""

    code = "invalid_card"

    def __init__(self, zh: str = "会员证无效", en: str = "is not a valid member card") -> None:
        super().__init__(zh, en)


class CardExpired(InvalidCard):
    code = "card_expired"

    def __init__(self) -> None:
        super().__init__("电子会员证已过期，请让对方刷新", "has expired; ask the member to refresh it")


class NumbersBusy(Busy):
    """Many approvals at once kept taking the next member number first: safe to retry as it is."""

    zh = "同时审批的申请较多，请稍后再点一次批准"
    en = "Many approvals are running at once; approve again in a moment"

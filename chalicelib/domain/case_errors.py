"""What can go wrong with scenarios and service requests, in zh-CN and en: the one home of this
area's errors."""

from __future__ import annotations

from chalicelib.domain.errors import (
    Conflict,
    FieldIssue,
    FieldRuleViolation,
    Forbidden,
    NotFound,
    RuleViolation,
    ValidationFailed,
)


class ScenarioNotFound(NotFound, FieldRuleViolation):
    code = "scenario_not_found"
    field = "scenario_key"
    zh = "找不到该服务事项"
    en = "No such service"


class ScenarioExists(Conflict, FieldRuleViolation):
    code = "scenario_exists"
    field = "key"
    zh = "该服务事项已存在，请用 PUT 发布新版本"
    en = "This scenario exists; PUT a new version instead"


class ScenarioChanged(Conflict, FieldRuleViolation):
    code = "scenario_changed"
    field = "key"
    zh = "该服务事项刚被修改，请刷新后重试"
    en = "This scenario was just changed; reload and retry"


class ScenarioRetired(RuleViolation, FieldRuleViolation):
    code = "scenario_retired"
    field = "scenario_key"
    zh = "该服务事项已下线"
    en = "This service is no longer offered"


class ScenarioMembersOnly(Forbidden, FieldRuleViolation):
    code = "members_only"
    field = "scenario_key"
    zh = "该服务仅对工会会员开放，可先申请入会"
    en = "This service is for union members; you can apply to join"


class ScenarioNotInAudience(Forbidden, FieldRuleViolation):
    code = "not_in_audience"
    field = "scenario_key"
    zh = "该服务仅对特定职业群体开放"
    en = "This service is only open to certain worker groups"


class IllegalTransition(RuleViolation):
    code = "illegal_transition"

    def __init__(self, current: str, to: str) -> None:
        super().__init__(f"当前状态（{current}）不能变为 {to}", f"A request that is {current} cannot become {to}")
        self.current, self.to = current, to


class NoteRequired(RuleViolation):
    code = "note_required"
    zh = "请填写理由"
    en = "Give a reason"


class RequestNotFound(NotFound, FieldRuleViolation):
    code = "request_not_found"
    field = "request_id"
    zh = "找不到该服务申请"
    en = "No such request"


class RequestChanged(Conflict, FieldRuleViolation):
    code = "request_changed"
    field = "request_id"
    zh = "该申请刚被他人处理，请刷新后重试"
    en = "Someone else just changed this request; reload and retry"


class SameStation(RuleViolation, FieldRuleViolation):
    code = "same_station"
    field = "station_id"
    zh = "该申请已由这个驿站办理"
    en = "This station already handles the request"


class UnknownHandlingStation(ValidationFailed, FieldRuleViolation):
    code = "unknown_station"
    field = "station_id"
    zh = "找不到该驿站，或它已停止服务"
    en = "is not a station in service"


class RequestClosed(RuleViolation, FieldRuleViolation):
    code = "request_closed"
    field = "request_id"
    zh = "该申请已结束"
    en = "This request is closed"


class NotResolved(RuleViolation, FieldRuleViolation):
    code = "not_resolved"
    field = "request_id"
    zh = "申请办结后才能评价"
    en = "You can rate a request once it is resolved"


class AlreadyRated(Conflict, FieldRuleViolation):
    code = "already_rated"
    field = "request_id"
    zh = "您已评价过该申请"
    en = "You already rated this request"


class NotAFileField(ValidationFailed, FieldRuleViolation):
    code = "not_a_file_field"
    field = "field"
    zh = "该服务事项没有这个上传项"
    en = "is not a file field of this scenario"


class TooManyFiles(RuleViolation, FieldRuleViolation):
    code = "too_many_files"
    field = "field"


class UnknownEmployer(ValidationFailed):
    code = "validation_error"

    def __init__(self, field: str) -> None:
        super().__init__(
            details=[FieldIssue(f"answers.{field}", "unknown_employer", "找不到该单位", "is not a known employer")]
        )

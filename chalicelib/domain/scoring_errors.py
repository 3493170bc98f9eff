"""What scoring refuses, in words a person can read: one home for the scoring area's errors."""

from __future__ import annotations

from chalicelib.domain.errors import Conflict, DomainError, FieldIssue, RuleViolation, ValidationFailed


class ModelUnavailable(DomainError):
    status = 503
    code = "model_unavailable"
    zh = "评分模型暂不可用，请联系管理员"
    en = "The scoring model is not available; please tell an administrator"


class UnknownChoice(RuleViolation):
    code = "unknown_value"
    zh = "不支持的取值"
    en = "Unknown value"


class BadCursor(ValidationFailed):
    def __init__(self) -> None:
        super().__init__(
            details=[
                FieldIssue(
                    "cursor",
                    "invalid_cursor",
                    "翻页标记无效或已过期，请从第一页重新开始",
                    "is not valid or has expired; start again from the first page",
                )
            ]
        )


class NoTiers(RuleViolation):
    code = "model_has_no_tiers"
    zh = "该模型输出的不是概率，没有风险分级"
    en = "This model does not output probabilities and has no tiers"


class ThresholdsBad(RuleViolation):
    code = "invalid_thresholds"
    zh = "阈值须满足 0 < medium < high < 1"
    en = "Thresholds must satisfy 0 < medium < high < 1"


class ThresholdsChanged(Conflict):
    def __init__(self) -> None:
        super().__init__("阈值已被他人修改，请刷新后重试", "The thresholds changed meanwhile; reload and retry")


class RunInProgress(Conflict):
    code = "run_in_progress"
    zh = "该模型已有一个评分批次正在进行，请等待其完成"
    en = "A scoring run of this model is still in progress; wait for it to finish"

    def __init__(self, run_id: str) -> None:
        super().__init__(
            details=[
                FieldIssue("model", "run_in_progress", f"批次 {run_id} 尚未结束", f"run {run_id} has not finished yet")
            ]
        )
        self.run_id = run_id


class NothingToRetry(RuleViolation):
    code = "nothing_to_retry"
    zh = "该批次没有失败的分段，无需重试"
    en = "This run has no failed segments to retry"


class SegmentCounted(Conflict):
    """A delivery of a segment's message found the segment counted already (a duplicate: not an error
    anyone reads; the segment handler answers "duplicate")."""

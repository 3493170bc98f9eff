"""What can go wrong when recording outreach and its outcome, in zh-CN and en."""

from __future__ import annotations

from chalicelib.domain.errors import Conflict, NotFound


class OutreachNotFound(NotFound):
    code = "outreach_not_found"
    zh = "找不到该回访记录"
    en = "No such outreach"


class OutcomeChanged(Conflict):
    """Two admins recorded an outcome at once: the second one reads the first and decides again."""

    zh = "结果已被他人修改，请刷新后重试"
    en = "The outcome changed meanwhile; reload and retry"

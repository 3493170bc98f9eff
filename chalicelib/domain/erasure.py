"""What erasing an account (PIPL art. 47) tells the worker: a receipt of what was erased and what was
kept and why, in zh and en, and the rule for rights cases under a legal hold.

Legal hold: an open rights-protection (维权) request is kept as it is while the union acts on it
(its answers and files may be evidence in a labour dispute, and staff need them to finish it); staff
keep seeing phone and ID numbers masked. Its content is erased when the case closes. Every other
request keeps only what anonymous counts need (scenario, category, status, employer, times).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from chalicelib.domain.base import Out
from chalicelib.domain.instants import utc_stamp

REDACTED = "（内容已应本人要求删除）(erased at the member's request)"
"""What a comment on an erased member's request reads afterwards: the reply existed, its words are gone."""

ERASED: dict[str, tuple[str, str]] = {
    "profile": ("个人资料（手机号、姓名、身份证号、单位）", "Your profile (phone, name, ID number, employer)"),
    "requests": ("服务申请中填写的内容", "What you wrote in your service requests"),
    "comments": ("申请中的留言（包括工作人员的回复）", "Messages on your requests (staff replies included)"),
    "attachments": ("上传的文件及文件名", "Files you uploaded and their names"),
    "bookings": (
        "尚未开始的预约（已取消，座位已让给排队的人）",
        "Upcoming bookings (cancelled, seats offered to others)",
    ),
    "waitlist": ("排队记录", "Waitlist places"),
    "applications": ("待审批的入会申请（已撤回）", "Pending membership applications (withdrawn)"),
    "membership": ("会籍（已结束，会员号已删除）", "Your membership (ended, member number deleted)"),
    "decision_notes": ("审批意见中的文字", "Notes written on decisions about you"),
    "outreach_notes": ("工作人员联系您时的记录", "Notes staff made when contacting you"),
    "audit_notes": ("操作记录中的说明文字", "Free text in the record of actions on your account"),
    "scores": ("评分和推荐", "Scores and recommendations"),
    "idempotency": ("重复提交保护的暂存记录", "Stored replies kept to stop double submissions"),
}
"""Every kind a receipt can list as erased, with its label (zh, en)."""

KEPT: dict[str, tuple[str, str, str, str]] = {
    "rights_cases": (
        "进行中的维权申请",
        "Open rights-protection requests",
        "工会正在为您处理，材料可能是劳动争议的证据，结案后删除；工作人员看到的手机号、身份证号仍是遮挡的",
        "The union is still acting on them and they may be evidence in a labour dispute; "
        "they are erased when the case closes. Staff still see phone and ID numbers masked",
    ),
    "anonymous_counts": (
        "不含身份的统计",
        "Counts without your identity",
        "按类别的申请数、用工单位的案件数、站点的预约数不含任何能认出您的信息",
        "Request counts by category, employer case counts and station booking counts say nothing about who you are",
    ),
    "erasure_record": (
        "一条删除记录",
        "A record that this erasure happened",
        "法律要求我们能证明已按您的要求删除；记录只有时间和操作，没有个人信息",
        "The law asks us to show we erased your data when asked; it holds only the time and the action",
    ),
}
"""Every kind a receipt can list as kept: label (zh, en) and why (zh, en)."""


class ErasedKind(Out):
    kind: str
    count: int
    label_zh: str
    label_en: str


class KeptKind(Out):
    kind: str
    count: int
    label_zh: str
    label_en: str
    why_zh: str
    why_en: str


class ErasureReceipt(Out):
    """The answer to DELETE /v1/me: what is gone, what stays and why."""

    erased_at: str
    erased: list[ErasedKind]
    kept: list[KeptKind]
    summary_zh: str
    summary_en: str


def receipt(erased: Mapping[str, int], kept: Mapping[str, int], at: datetime) -> ErasureReceipt:
    """The receipt for these counts (kinds with nothing to report are left out, the profile never)."""
    gone = [
        ErasedKind(kind=k, count=n, label_zh=ERASED[k][0], label_en=ERASED[k][1])
        for k, n in erased.items()
        if n or k == "profile"
    ]
    stays = [
        KeptKind(kind=k, count=n, label_zh=KEPT[k][0], label_en=KEPT[k][1], why_zh=KEPT[k][2], why_en=KEPT[k][3])
        for k, n in kept.items()
        if n
    ]
    return ErasureReceipt(
        erased_at=utc_stamp(at),
        erased=gone,
        kept=stays,
        summary_zh="您的账号和个人信息已删除。以下是删除和保留的内容。",
        summary_en="Your account and personal data are erased. Here is what was erased and what was kept.",
    )

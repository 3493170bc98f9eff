"""What can go wrong when finding, booking and using a station seat, in zh-CN and en.

Each error names the field it is about (in `details`) so a client can show it next to the input.
"""
from __future__ import annotations

from chalicelib.domain.errors import (
    Conflict,
    DomainError,
    FieldIssue,
    Forbidden,
    NotFound,
    RuleViolation,
    ValidationFailed,
)


def _on(field: str, code: str, zh: str, en: str) -> list[FieldIssue]:
    return [FieldIssue(field, code, zh, en)]


class _FieldError(DomainError):
    """An error about one input field; the detail repeats the message (optionally more precise)."""

    field = "slot_start"

    def __init__(self, zh: str | None = None, en: str | None = None) -> None:
        zh, en = zh or type(self).zh, en or type(self).en
        super().__init__(zh, en, details=_on(self.field, self.code, zh, en))


class StationNotFound(NotFound, _FieldError):
    code = "station_not_found"
    field = "station_id"
    zh = "找不到该驿站"
    en = "No such station"


class StationCodeTaken(Conflict, _FieldError):
    code = "station_code_taken"
    field = "code"
    zh = "驿站编号已被使用"
    en = "This station code is already in use"


class StationInactive(RuleViolation, _FieldError):
    code = "station_inactive"
    field = "station_id"
    zh = "该驿站已停用，暂不接受预约"
    en = "This station is not taking bookings"


class NotASlot(RuleViolation, _FieldError):
    code = "outside_opening_hours"
    zh = "该时间不在驿站的开放时段内（请选择一个时段的开始时间）"
    en = "is not the start of one of the station's slots within its opening hours"


class SlotInPast(RuleViolation, _FieldError):
    code = "slot_in_past"
    zh = "该时段已经开始或已过去"
    en = "This slot has already started or passed"


class NoticeTooShort(RuleViolation, _FieldError):
    code = "notice_too_short"


class TooFarAhead(RuleViolation, _FieldError):
    code = "too_far_ahead"


class MembersOnly(Forbidden, _FieldError):
    code = "members_only"
    field = "station_id"
    zh = "该驿站仅对工会会员开放"
    en = "This station is for union members only"


class NotInAudience(Forbidden, _FieldError):
    code = "not_in_audience"
    field = "station_id"
    zh = "该驿站仅对特定职业群体开放"
    en = "This station is only open to certain worker groups"


class SlotFull(Conflict, _FieldError):
    code = "slot_full"
    zh = "该时段已约满，可加入候补"
    en = "This slot is full; you can join its waitlist"


class AlreadyBooked(Conflict, _FieldError):
    code = "already_booked"
    zh = "您在这个时间已有预约"
    en = "You already have a booking at this time"


class TooManyBookings(RuleViolation, _FieldError):
    code = "too_many_bookings"


class Suspended(RuleViolation, _FieldError):
    code = "booking_suspended"
    field = "member"


class BookingNotFound(NotFound, _FieldError):
    code = "booking_not_found"
    field = "booking_id"
    zh = "找不到该预约"
    en = "No such booking"


class BookingNotActive(Conflict, _FieldError):
    code = "booking_not_active"
    field = "booking_id"
    zh = "该预约已取消或已结束"
    en = "This booking is no longer active"


class CancelTooLate(RuleViolation, _FieldError):
    code = "cancel_window_passed"
    field = "booking_id"


class SlotHasSeats(Conflict, _FieldError):
    code = "slot_has_seats"
    zh = "该时段还有空位，请直接预约"
    en = "This slot still has seats; book it directly"


class AlreadyWaiting(Conflict, _FieldError):
    code = "already_waitlisted"
    zh = "您已在该时段的候补名单中"
    en = "You are already on this slot's waitlist"


class WaitlistEntryNotFound(NotFound, _FieldError):
    code = "waitlist_entry_not_found"
    field = "entry_id"
    zh = "找不到该候补记录"
    en = "No such waitlist entry"


class NoOffer(Conflict, _FieldError):
    code = "no_offer"
    field = "entry_id"
    zh = "当前没有为您保留的座位"
    en = "There is no seat held for you"


class OfferExpired(RuleViolation, _FieldError):
    code = "offer_expired"
    field = "entry_id"
    zh = "为您保留的座位已过期"
    en = "The seat held for you has expired"


class InvalidPass(ValidationFailed):
    code = "invalid_pass"

    def __init__(self, zh: str = "签到码无效", en: str = "is not a valid check-in pass") -> None:
        super().__init__(zh, en, details=_on("token", self.code, zh, en))


class PassExpired(InvalidPass):
    code = "pass_expired"

    def __init__(self) -> None:
        super().__init__("签到码已过期，请让对方刷新", "has expired; ask the worker to refresh it")


class CheckinClosed(RuleViolation, _FieldError):
    code = "checkin_window"
    field = "token"


class AlreadyCheckedIn(Conflict, _FieldError):
    code = "already_checked_in"
    field = "token"
    zh = "该预约已签到"
    en = "This booking is already checked in"


class NotYourStation(Forbidden, _FieldError):
    code = "not_your_station"
    field = "station_id"
    zh = "您不是该驿站的工作人员"
    en = "You are not staff of this station"


class NotWaiting(Conflict, _FieldError):
    code = "not_waiting"
    field = "entry_id"
    zh = "您已不在该候补名单中"
    en = "You are no longer on this waitlist"

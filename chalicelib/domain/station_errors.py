"""What can go wrong when finding and running a station, in zh-CN and en."""

from __future__ import annotations

from datetime import date

from chalicelib.domain.errors import Conflict, FieldRuleViolation, Forbidden, NotFound


class StationNotFound(NotFound, FieldRuleViolation):
    code = "station_not_found"
    field = "station_id"
    zh = "找不到该驿站"
    en = "No such station"


class StationCodeTaken(Conflict, FieldRuleViolation):
    code = "station_code_taken"
    field = "code"
    zh = "驿站编号已被使用"
    en = "This station code is already in use"


class StationChanged(Conflict):
    """Someone changed the station between our read and our write (its version moved on)."""

    zh = "驿站信息已在别处修改，请刷新后重试"
    en = "The station changed elsewhere; reload and retry"


class NotYourStation(Forbidden, FieldRuleViolation):
    code = "not_your_station"
    field = "station_id"
    zh = "您不是该驿站的工作人员"
    en = "You are not staff of this station"


class StationTermsChanged(Conflict):
    """A booking or an offer read the station's seats or slot length just before they changed."""

    code = "station_terms_changed"
    zh = "驿站刚调整了座位或时段，请刷新后重新选择"
    en = "The station has just changed its seats or slot times; reload and choose again"


class SlotLengthInUse(Conflict, FieldRuleViolation):
    """Slots of another length would overlap booked ones minute by minute."""

    code = "slot_minutes_in_use"
    field = "slot_minutes"
    zh = "已有未结束的预约，暂不能修改时段长度"
    en = "Some slots are booked; the slot length cannot change until they are over"

    @classmethod
    def from_day(cls, day: date) -> SlotLengthInUse:
        when = day.isoformat()
        return cls(
            f"{when} 起已有预约或候补，这些预约结束后才能修改时段长度",
            f"Slots are booked or waited for from {when} on: the slot length can change once those are over",
        )

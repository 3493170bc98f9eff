"""What can go wrong when finding and running a station, in zh-CN and en."""

from __future__ import annotations

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

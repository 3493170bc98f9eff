"""The service-request workflow, every (status, target, actor) combination."""

from datetime import UTC, datetime

import pytest

from chalicelib.domain.activity import request_filed
from chalicelib.domain.case_errors import IllegalTransition, NoteRequired
from chalicelib.domain.cases import OPEN, STATUSES, next_status, stage_due
from chalicelib.domain.scenarios import SlaHours

LEGAL = {
    ("submitted", "accepted", "staff"),
    ("submitted", "rejected", "staff"),
    ("accepted", "in_progress", "staff"),
    ("accepted", "rejected", "staff"),
    ("in_progress", "resolved", "staff"),
    ("in_progress", "rejected", "staff"),
    ("submitted", "withdrawn", "worker"),
    ("accepted", "withdrawn", "worker"),
    ("in_progress", "withdrawn", "worker"),
}
EVERY = [(current, to, by) for current in STATUSES for to in STATUSES for by in ("staff", "worker")]


@pytest.mark.parametrize(("current", "to", "by"), EVERY)
def test_every_transition_is_legal_or_refused(current, to, by):
    if (current, to, by) in LEGAL:
        assert next_status(current, to, by=by, note="理由充分") == to
    else:
        with pytest.raises(IllegalTransition) as refused:
            next_status(current, to, by=by, note="理由充分")
        assert refused.value.status == 422 and current in refused.value.en


def test_the_legal_set_is_what_the_issue_describes():
    assert len(EVERY) == 72 and len(LEGAL) == 9
    assert not any(current in ("resolved", "rejected", "withdrawn") for current, _, _ in LEGAL)


def test_rejecting_needs_a_reason():
    with pytest.raises(NoteRequired):
        next_status("submitted", "rejected", by="staff", note="  ")
    assert next_status("submitted", "accepted", by="staff") == "accepted"


def test_each_open_stage_has_its_own_clock_and_closed_ones_none():
    sla = SlaHours(submitted=8, accepted=24, in_progress=240)
    friday_10 = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
    assert [stage_due(s, friday_10, sla) is not None for s in STATUSES] == [s in OPEN for s in STATUSES]
    assert stage_due("accepted", friday_10, sla) == datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


def test_activity_events_count_requests_by_category():
    assert request_filed("hardship_aid") == "requests_hardship_aid"

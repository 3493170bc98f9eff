"""Scoring's words are defined once: model names, category labels, activity events, the queue message."""

from __future__ import annotations

from typing import get_args

import pytest
from pydantic import ValidationError

from chalicelib.domain import activity, categories
from chalicelib.domain.scoring_models import MEMBER_MODELS, MODEL_NAMES, MemberModel
from chalicelib.domain.scoring_runs import RunCreate, SegmentMessage
from chalicelib.scoring.reasons import CATEGORY_NAMES, MEMBER_FAMILIES


def test_member_models_are_packaged_models_and_the_only_ones_a_run_accepts():
    assert set(MEMBER_MODELS) <= set(MODEL_NAMES)
    assert get_args(RunCreate.model_fields["model"].annotation) == get_args(MemberModel)


def test_reasons_name_categories_with_the_one_label():
    assert CATEGORY_NAMES["certification"] == ("技能认定", "certification")
    assert all(CATEGORY_NAMES[c] == categories.IN_A_SENTENCE[c] for c in categories.CATEGORIES)
    certification = next(f for f in MEMBER_FAMILIES if f.code == "requests_certification")
    assert "技能认定" in certification.action[0]


def test_the_history_counts_the_named_events():
    assert activity.MEMBER_HISTORY_EVENTS[:6] == (
        activity.APP_OPENED,
        activity.BOOKED,
        activity.CHECKED_IN,
        activity.NO_SHOW,
        activity.CANCELLED,
        activity.WAITLIST_JOINED,
    )
    assert activity.request_filed("health") in activity.MEMBER_HISTORY_EVENTS
    assert activity.request_moved("rejected") == activity.REQUEST_REJECTED
    assert activity.is_employer(activity.employer_subject("e1")) and not activity.is_employer("m_1")


def test_a_segment_message_round_trips_and_a_malformed_one_is_refused():
    message = SegmentMessage(run_id="run_1", segment=3, total=8)
    assert SegmentMessage.model_validate_json(message.model_dump_json()) == message
    for bad in (
        '{"run_id": "run_1", "segment": -1, "total": 8}',
        '{"run_id": "run_1", "total": 8}',
        '{"run_id": "run_1", "segment": 0, "total": 8, "extra": 1}',
    ):
        with pytest.raises(ValidationError):
            SegmentMessage.model_validate_json(bad)

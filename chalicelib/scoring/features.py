"""The one feature module: training (ml/) and serving compute features with this code only.

Inputs are the records the live system stores, exactly as stored:
  member    profile fields of the members item + the member's activity item
            ({"member_id", "last_event", "last_event_at", "w2026_48_bookings": 3, ...})
  employer  the employers item + the employer's activity item (subject id `employer#<id>` in the
            same activity table, written with the same `activity.record`)
  station   the stations item + its slot items' `booked` counts by slot start
Windows are the complete ISO weeks (Asia/Shanghai, as the counters) before the week of `as_of`.

Each `*_matrix` returns rows in the order of `*_FEATURES`; a single row is the matrix of one,
so online and batch scoring cannot drift apart. numpy is imported inside the functions: app.py
imports this module's names without paying for numpy.

This is the entry point the rest of the code imports; the parts live beside it:
  feature_names      the feature lists, their vocabularies and hash
  member_features    member_matrix, stored_member_matrix (the one member definition)
  employer_features  employer_matrix          station_features  station_matrix
  history_reader     a page's compacted histories + live counters, aligned to `as_of`
  event_times        days since stored times (packed `lt`, ISO stamps)
  profile_columns    profile columns from members items or the activity items' mirror `p`
  feature_matrix     indicator blocks and float32 assembly     page_attributes  a page's attribute reads
ml/reference_features.py computes the member features again, slowly and plainly, for the tests.
"""

from __future__ import annotations

from chalicelib.domain.activity import employer_subject
from chalicelib.scoring.employer_features import employer_matrix
from chalicelib.scoring.feature_names import (
    CITY_CODES,
    EMPLOYER_EVENTS,
    EMPLOYER_FEATURES,
    FEATURE_SETS,
    FEATURES_VERSION,
    INDUSTRIES,
    LAG_WEEKS,
    MAX_DAYS,
    MEMBER_EVENTS,
    MEMBER_FEATURES,
    MEMBERSHIP_STATES,
    NONE_WEEKS,
    PROFILE_FIELDS,
    SERVICE_CATEGORIES,
    STATION_FEATURES,
    STATION_KINDS,
    WEEKS,
    WORKER_GROUPS,
    feature_hash,
)
from chalicelib.scoring.history_reader import week_keys, weekly_counts
from chalicelib.scoring.member_features import member_matrix, stored_member_matrix
from chalicelib.scoring.profile_columns import profile_of
from chalicelib.scoring.station_features import station_matrix

__all__ = [
    "CITY_CODES",
    "EMPLOYER_EVENTS",
    "EMPLOYER_FEATURES",
    "FEATURES_VERSION",
    "FEATURE_SETS",
    "INDUSTRIES",
    "LAG_WEEKS",
    "MAX_DAYS",
    "MEMBERSHIP_STATES",
    "MEMBER_EVENTS",
    "MEMBER_FEATURES",
    "NONE_WEEKS",
    "PROFILE_FIELDS",
    "SERVICE_CATEGORIES",
    "STATION_FEATURES",
    "STATION_KINDS",
    "WEEKS",
    "WORKER_GROUPS",
    "employer_matrix",
    "employer_subject",
    "feature_hash",
    "member_matrix",
    "profile_of",
    "station_matrix",
    "stored_member_matrix",
    "week_keys",
    "weekly_counts",
]

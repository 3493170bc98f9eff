"""The re-encryption jobs' table (the repository is store.key_rotation): one item per job, its
progress per scan segment in one map, so reading a job's progress is one GetItem."""

from __future__ import annotations

from pynamodb.attributes import MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.store.base import table_meta


class KeyRotationRecord(Model):
    Meta = table_meta("key_rotations")
    rotation_id = UnicodeAttribute(hash_key=True)
    by = UnicodeAttribute()  # the admin who started it
    status = UnicodeAttribute()  # waiting | running | done
    created_at = UnicodeAttribute()
    starts_after = UnicodeAttribute()
    data_kid = UnicodeAttribute(null=True)
    segments = MapAttribute[str, str](default=dict)  # "<table>#<segment>" -> SegmentProgress as JSON
    lease_until = NumberAttribute(default=0)  # epoch seconds: one runner at a time
    finished_at = UnicodeAttribute(null=True)

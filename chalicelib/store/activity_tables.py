"""The activity table: per member (and per `employer#<id>`), weekly event counters and when the last
event happened. Events are counted live (w<year>_<week>_<event>, ADD inside the transaction of the
change, so concurrent events never lose a count); batch scoring, which reads the table with a parallel
Scan, folds closed weeks into one compacted history attribute (`h`; chalicelib.domain.activity),
so an item stays a handful of attributes instead of ~90. A member's item also carries `p`, the mirror of
the members-item fields scoring reads (pack_profile), written with every change of them."""

from __future__ import annotations

from pynamodb.attributes import BinaryAttribute, BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.store.base import table_meta


class ActivityRecord(Model):
    Meta = table_meta("activity")
    member_id = UnicodeAttribute(hash_key=True)
    last_event = UnicodeAttribute(null=True)
    last_event_at = UnicodeAttribute(null=True)
    lt = BinaryAttribute(null=True, legacy_encoding=False)  # last_event_at as packed microseconds (pack_event_time)
    h = BinaryAttribute(null=True, legacy_encoding=False)  # compacted history (chalicelib.domain.activity)
    hw = NumberAttribute(null=True)  # the newest week of a format-1 history (format 2 holds it)
    profiling_off = BooleanAttribute(null=True)  # the member opted out of profiling: batch scoring skips them
    sv = NumberAttribute(null=True)  # scores generation: raised when the member's scores are deleted
    p = BinaryAttribute(null=True, legacy_encoding=False)  # the member's profile mirror (pack_profile)

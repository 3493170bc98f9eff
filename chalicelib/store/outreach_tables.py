"""The outreach table (the repository is store.outreach).

outreach (member_id, outreach_id)     a member's outreach, newest first; outreach_id = or_<UTC time>_<random>
                                      so it sorts by time and is safe in a URL path

The free-text note may carry personal data and is stored sealed by the privacy layer (`note_enc`).
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.store.base import table_meta


class OutreachRecord(Model):
    Meta = table_meta("outreach")
    member_id = UnicodeAttribute(hash_key=True)
    outreach_id = UnicodeAttribute(range_key=True)
    action = UnicodeAttribute()  # call | sms | visit | offer_service | other
    note_enc = UnicodeAttribute(null=True)  # sealed (privacy layer): free text
    by = UnicodeAttribute()
    at = UnicodeAttribute()
    churn_probability = NumberAttribute(null=True)  # the member's churn score when staff acted, if scored
    churn_tier = UnicodeAttribute(null=True)
    churn_model_version = UnicodeAttribute(null=True)
    churn_scored_at = UnicodeAttribute(null=True)
    outcome = UnicodeAttribute(null=True)  # reached | no_answer | retained | left | declined
    outcome_at = UnicodeAttribute(null=True)
    outcome_by = UnicodeAttribute(null=True)

"""The scenario library's table: one item per (key, version), never changed after it is written
except for leaving the catalogue.

scenarios (scenario_key, version)
    catalogue_index (listing, scenario_key), sparse: only the latest version of a live scenario
    carries `listing = "live"`, so the worker's list is one Query and retired ones drop out by
    themselves.
"""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.store.base import index_meta, table_meta

LIVE = "live"


class CatalogueIndex(GlobalSecondaryIndex["ScenarioRecord"]):
    Meta = index_meta("catalogue_index", AllProjection())
    listing = UnicodeAttribute(hash_key=True)
    scenario_key = UnicodeAttribute(range_key=True)


class ScenarioRecord(Model):
    Meta = table_meta("scenarios")
    scenario_key = UnicodeAttribute(hash_key=True)
    version = NumberAttribute(range_key=True)
    definition = JSONAttribute()  # the ScenarioCreate as sent (validated)
    retired = BooleanAttribute(default=False)
    listing = UnicodeAttribute(null=True)  # "live" on the latest version of a live scenario
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute()
    catalogue_index = CatalogueIndex()

"""The employer list (reference data workers pick from; the labour-risk model scores each employer).

employers (employer_id)   name zh/en, city, industry, whether it has a union
          city_index      (city, employer_id)   a city's employers for the pick list
"""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.store.base import index_meta, table_meta


class EmployerCityIndex(GlobalSecondaryIndex["EmployerRecord"]):
    Meta = index_meta("city_index", AllProjection())
    city = UnicodeAttribute(hash_key=True)
    employer_id = UnicodeAttribute(range_key=True)


class EmployerRecord(Model):
    Meta = table_meta("employers")
    employer_id = UnicodeAttribute(hash_key=True)
    name_zh = UnicodeAttribute()
    name_en = UnicodeAttribute()
    city = UnicodeAttribute()
    industry = UnicodeAttribute()
    has_union = BooleanAttribute(default=False)
    city_index = EmployerCityIndex()

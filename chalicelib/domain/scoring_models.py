"""The scoring models, named once: what is packaged, what is scored per member, the Literal types.

Each Literal is the one definition; the tuples are read from it, so a name cannot be in one and not
the other. Member models are scored in batch runs (nightly) and listed to admins by tier.
"""

from __future__ import annotations

from typing import Literal, get_args

ModelName = Literal["churn", "service_demand", "station_demand", "labour_risk"]
MemberModel = Literal["churn", "service_demand"]

MODEL_NAMES: tuple[ModelName, ...] = get_args(ModelName)
MEMBER_MODELS: tuple[MemberModel, ...] = get_args(MemberModel)

CHURN: MemberModel = "churn"
SERVICE_DEMAND: MemberModel = "service_demand"
STATION_DEMAND: ModelName = "station_demand"
LABOUR_RISK: ModelName = "labour_risk"

"""Base classes for every request and response model.

`defer_build` moves pydantic's schema building from import time to a model's first use, so a
Lambda container pays only for the models of the routes it actually serves (measured by
`make bench`'s cold-import figure).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    """Requests refuse unknown fields, so a typo is an error rather than silently ignored."""

    model_config = ConfigDict(extra="forbid", defer_build=True)


class Out(BaseModel):
    """A response body."""

    model_config = ConfigDict(defer_build=True)

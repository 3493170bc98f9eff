"""Service categories of the scenario library: the one list, with the labels people read.

`LABELS` is what a form or a list shows (zh, en); `IN_A_SENTENCE` is the short form a reason puts
inside a sentence ("近 4 周申请过维权" / "asked for rights help"). `COUNTED` are the categories whose
requests the activity history counts per member (every category but "other").
"""

from __future__ import annotations

from typing import Literal

Category = Literal["rights_protection", "hardship_aid", "certification", "employment", "training", "health", "other"]
CATEGORIES: tuple[Category, ...] = (
    "rights_protection",
    "hardship_aid",
    "certification",
    "employment",
    "training",
    "health",
    "other",
)
LABELS: dict[Category, tuple[str, str]] = {
    "rights_protection": ("维权", "Rights protection"),
    "hardship_aid": ("困难帮扶", "Hardship aid"),
    "certification": ("技能认定", "Skill certification"),
    "employment": ("就业", "Employment"),
    "training": ("培训", "Training"),
    "health": ("健康", "Health"),
    "other": ("其他", "Other"),
}
IN_A_SENTENCE: dict[Category, tuple[str, str]] = {
    "rights_protection": ("维权", "rights"),
    "hardship_aid": ("困难帮扶", "hardship aid"),
    "certification": ("技能认定", "certification"),
    "employment": ("就业", "employment"),
    "training": ("培训", "training"),
    "health": ("健康", "health"),
    "other": ("其他", "other"),
}
RIGHTS_PROTECTION: Category = "rights_protection"  # its requests also count for the employer they name
COUNTED: tuple[Category, ...] = (
    "rights_protection",
    "training",
    "certification",
    "employment",
    "hardship_aid",
    "health",
)  # this order is the activity history's layout: never reorder

"""How a service request's answers and free texts are sealed, and opened again.

Answers of sensitive scenarios and fields, and every phone and ID number, are sealed with the
privacy layer under a context bound to the request and the field, so a ciphertext copied elsewhere
does not open. The worker who filed the request sees their answers in the clear; staff handling it
see the answers they need in the clear but phone and ID numbers masked (revealing them is an
audited admin action on the member). Comments, file names and rating texts are free text and
always sealed.
"""

from __future__ import annotations

import json
from typing import Any

from chalicelib.domain.cases import Case
from chalicelib.domain.scenarios import Scenario
from chalicelib.privacy.masking import mask_id_number, mask_phone
from chalicelib.runtime import runtime

MASKS = {"phone": mask_phone, "id_number": mask_id_number}


def context(request_id: str, *parts: str) -> str:
    return ":".join(("request", request_id, *parts))


def seal(request_id: str, value: str, *parts: str) -> str:
    return runtime().cipher.seal(value, context=context(request_id, *parts))


def unseal(request_id: str, token: str, *parts: str) -> str:
    return runtime().cipher.open(token, context=context(request_id, *parts))


def split_answers(
    scenario: Scenario, request_id: str, answers: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """(plain, sealed, masked): what is stored as is, as ciphertext, and as a masked copy."""
    plain: dict[str, Any] = {}
    sealed: dict[str, str] = {}
    masked: dict[str, str] = {}
    for name, value in answers.items():
        f = scenario.field(name)
        if f is None or not scenario.sealed(f):
            plain[name] = value
            continue
        sealed[name] = seal(request_id, json.dumps(value, ensure_ascii=False), "answer", name)
        if f.type in MASKS:
            masked[name] = MASKS[f.type](value)
    return plain, sealed, masked


def open_answers(case: Case, *, as_owner: bool) -> dict[str, Any]:
    """The answers as the reader may see them: masked phone and ID numbers for anyone but the owner."""
    shown = dict(case.answers)
    for name, token in case.sealed.items():
        masked = case.masked.get(name)
        opened = masked is None or as_owner
        shown[name] = json.loads(unseal(case.request_id, token, "answer", name)) if opened else masked
    return shown

"""A synthetic member population written into the tables, as the live system would have written it.

`ml.synth` generates members, employers and 26 weeks of activity from a known hidden state (the same
generator the models were trained on); this module stores them: member items with the profile fields
scoring reads and a sealed + masked invented name (no phone: these members cannot log in), employer
items, and activity items as batch scoring leaves them (closed weeks in the compacted history `h`; each
member's with its profile mirror `p`). Used by the local stack (a population for
the scoring demo), the batch-scoring tests and `make bench` (100k members).

BatchWriteItem straight from DynamoDB's item format, several writers at once: 100k members + their
activity items take a few seconds against the local moto server.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from chalicelib.domain.activity import compacted, pack_profile, week_serial
from chalicelib.privacy.masking import mask_name
from chalicelib.runtime import Runtime
from chalicelib.scoring.features import week_keys
from chalicelib.store import bulk
from chalicelib.store.base import iso
from chalicelib.store.bulk import typed_item

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"


def _mirror(member: dict[str, Any]) -> bytes:
    """The profile mirror of a synthetic member, from the fields its members item gets."""
    return pack_profile(
        worker_group=member["worker_group"],
        city=member["city"],
        employer_id=member["employer_id"],
        membership_status=member["membership_status"],
        created_at=member["created_at"],
        roles={"worker"},
        status="active",
    )


def write_population(
    rt: Runtime,
    members: int,
    *,
    seed: int = 7,
    as_of: datetime | None = None,
    employers: int | None = None,
    workers: int = 4,
) -> list[str]:
    """Generate and store `members` synthetic members (with their employers and activity); their ids."""
    from ml import synth

    as_of = as_of or rt.clock.now()
    emps = synth.make_employers(employers or max(10, members // 40), seed, as_of)
    pop = synth.make_members(members, seed, emps, as_of)
    stamp = iso(rt.clock.now())
    member_items = []
    for i, m in enumerate(pop.items):
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i // len(SURNAMES)) % len(GIVEN)]
        member_items.append(
            typed_item(
                {
                    **m,
                    "status": "active",
                    "language": "zh-CN",
                    "updated_at": stamp,
                    "name_masked": mask_name(name),
                    "name_enc": rt.cipher.seal(name, context=f"member:{m['member_id']}:name"),
                }
            )
        )
        member_items[-1]["roles"] = {"SS": ["worker"]}
    # stored as batch scoring leaves them: closed weeks folded into the compacted history; every member's
    # item carries the profile mirror (written with the member in the live system, even before any event)
    until = week_serial(*week_keys(as_of)[0])
    activity = [
        typed_item({**compacted(r or {"member_id": m["member_id"]}, until), "p": _mirror(m)})
        for m, r in zip(pop.items, pop.records, strict=True)
    ]
    activity += [typed_item(compacted(r, until)) for r in emps.records if r]
    employer_items = [typed_item(e) for e in emps.items]
    client, s = rt.client("dynamodb"), rt.settings
    jobs = [(s.table("members"), member_items), (s.table("activity"), activity), (s.table("employers"), employer_items)]
    chunks = [(table, items[i : i + 500]) for table, items in jobs for i in range(0, len(items), 500)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(lambda job: bulk.batch_write(client, job[0], job[1]), chunks))
    return [m["member_id"] for m in pop.items]

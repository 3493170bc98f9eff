"""The DynamoDB I/O of one segment of a scoring run, in DynamoDB's own item format (bulk.py).

  pages()          the segment's share of a parallel Scan of the activity table, page by page
  stored_scores()  the members' stored scores of a model (BatchGetItem), when no digest says them
  write()          the scores that changed (BatchWriteItem, unprocessed items retried)
  mirror_missing() profiles of members whose activity item predates the profile mirror
  compact()        closed weeks' live counters folded into the compacted history

`client` is the runtime's DynamoDB client unless one is passed in (tests wrap it to throttle or count
calls); `sleep` is the backoff's, injectable so tests do not wait.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from chalicelib.domain.activity import MIRRORED_FIELDS, is_employer, pack_profile, parse_counter
from chalicelib.domain.scores import MemberScore
from chalicelib.runtime import runtime
from chalicelib.store import activity, bulk
from chalicelib.store.parallel import concurrently
from chalicelib.store.scoring_tables import score_item

Item = dict[str, Any]
_MIRRORED = {f"#{f}": f for f in ("member_id", *MIRRORED_FIELDS)}  # "status" and "roles" are reserved words


class SegmentStore:
    def __init__(self, client: Any = None, sleep: Callable[[float], None] = time.sleep) -> None:
        rt = runtime()
        self.client = client or rt.client("dynamodb")
        self.sleep = sleep
        self.tables = rt.settings.table

    def pages(self, segment: int, total: int) -> Iterator[list[Item]]:
        """Activity items of segment `segment` of `total`, a page (one Scan call, up to 1 MB) at a time."""
        return bulk.scan_segment(self.client, self.tables("activity"), segment, total)

    def stored_scores(self, model: str, member_ids: Sequence[str]) -> list[Item]:
        """The stored score items of `model` for these members (any order; absent ones missing)."""
        keys = [{"member_id": {"S": i}, "model": {"S": model}} for i in member_ids]
        return bulk.batch_get(self.client, self.tables("scores"), keys, sleep=self.sleep)

    def write(self, scores: Sequence[MemberScore]) -> None:
        """Put the scores (BatchWriteItem, 25 a call)."""
        bulk.batch_write(self.client, self.tables("scores"), [score_item(s) for s in scores], sleep=self.sleep)

    def mirror_missing(self, page: list[Item]) -> int:
        """Members whose activity item predates the profile mirror: read their profiles (BatchGetItem), add
        them to the page's items for this run and store the mirror (conditional UpdateItem: a profile write
        in between wins), so every later run reads the activity table alone."""
        missing = [i for i in page if "p" not in i and not is_employer(i["member_id"]["S"])]
        if not missing:
            return 0
        members = {
            m["member_id"]["S"]: m
            for m in bulk.batch_get(
                self.client,
                self.tables("members"),
                [{"member_id": i["member_id"]} for i in missing],
                projection=", ".join(_MIRRORED),
                names=_MIRRORED,
                sleep=self.sleep,
            )
        }
        return sum(concurrently(lambda item: self._backfill(item, members.get(item["member_id"]["S"])), missing))

    def _backfill(self, item: Item, member: Item | None) -> bool:
        if member is None:
            return False
        fields: dict[str, Any] = {f: bulk.plain(member[f]) if f in member else None for f in MIRRORED_FIELDS}
        item["p"] = {"B": pack_profile(**fields)}
        try:
            self.client.update_item(
                TableName=self.tables("activity"),
                Key={"member_id": item["member_id"]},
                UpdateExpression="SET p = :p",
                ConditionExpression="attribute_not_exists(p)",
                ExpressionAttributeValues={":p": item["p"]},
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def compact(self, page: list[Item], until: int) -> int:
        """Fold closed weeks' live counters into the compacted history, for the page's items that have any
        (about once a week per active member), and rewrite format-1 histories (`hw` beside them) in format 2,
        once: conditional UpdateItems, issued concurrently. The number of items rewritten."""
        ripe = [i for i in page if "hw" in i or any(p and p[0] <= until for p in map(parse_counter, i) if p)]
        table = self.tables("activity")
        return sum(concurrently(lambda i: activity.compact(self.client, table, i["member_id"]["S"], i, until), ripe))

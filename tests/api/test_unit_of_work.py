"""The one way to commit (store.unit_of_work), against moto: all of a use case's writes and its audit
entry, or none; the refusal a person reads is the first mapped condition that failed; stale reads are
retried from fresh ones, then answered with a retryable 409."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

NOW = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)


class SettingTaken(Exception):
    pass


class AlsoTaken(Exception):
    pass


def setting(name: str, medium: float = 0.3):
    from chalicelib.store.scoring_tables import ModelSetting

    return ModelSetting(name, medium=medium, high=0.6, updated_at="2026-12-04T10:00:00.000000Z", updated_by="m_1")


def new_setting(uow, name: str, *, as_name: str = "setting") -> None:
    from chalicelib.store.scoring_tables import ModelSetting

    uow.put(as_name, setting(name), condition=ModelSetting.model.does_not_exist())


def trail(target: str) -> list:
    from chalicelib.store import audit

    return audit.trail(target)


def test_the_change_and_its_audit_entry_commit_together(aws):
    from chalicelib.store.scoring_tables import ModelSetting
    from chalicelib.store.unit_of_work import unit_of_work

    with unit_of_work(NOW) as uow:
        new_setting(uow, "churn")
        uow.audit("m_admin", "thresholds", target="model#churn", detail={"medium": 0.3})
    assert ModelSetting.get("churn").medium == 0.3
    [entry] = trail("model#churn")
    assert (entry.actor, entry.action, entry.at, entry.detail) == ("m_admin", "thresholds", NOW, {"medium": 0.3})


def test_a_refused_change_leaves_neither_the_change_nor_its_audit_entry(aws):
    from chalicelib.store.scoring_tables import ModelSetting
    from chalicelib.store.unit_of_work import unit_of_work

    setting("churn", medium=0.1).save()
    with pytest.raises(SettingTaken), unit_of_work(NOW, refuse={"setting": SettingTaken}) as uow:
        new_setting(uow, "service_demand", as_name="other")  # would succeed on its own
        new_setting(uow, "churn")
        uow.audit("m_admin", "thresholds", target="model#churn")
    assert trail("model#churn") == []
    assert ModelSetting.count("service_demand") == 0
    assert ModelSetting.get("churn").medium == 0.1


def test_the_first_mapped_condition_that_failed_is_the_answer(aws):
    from chalicelib.domain.errors import Conflict
    from chalicelib.store.unit_of_work import unit_of_work

    setting("a").save()
    setting("b").save()
    for refuse, expected in (
        ({"first": SettingTaken, "second": AlsoTaken}, SettingTaken),
        ({"second": AlsoTaken, "first": SettingTaken}, AlsoTaken),
        ({"second": lambda exc: None, "first": SettingTaken}, SettingTaken),
        ({"elsewhere": SettingTaken}, Conflict),
    ):
        with pytest.raises(expected), unit_of_work(NOW, refuse=refuse) as uow:
            new_setting(uow, "a", as_name="first")
            new_setting(uow, "b", as_name="second")


def test_an_exception_in_the_block_commits_nothing(aws):
    from chalicelib.store.scoring_tables import ModelSetting
    from chalicelib.store.unit_of_work import unit_of_work

    with pytest.raises(RuntimeError), unit_of_work(NOW) as uow:
        new_setting(uow, "churn")
        uow.audit("m_admin", "thresholds", target="model#churn")
        raise RuntimeError("a rule refused it after the writes were added")
    assert ModelSetting.count("churn") == 0 and trail("model#churn") == []


def test_stale_reads_are_built_again_and_then_answered_with_a_retryable_conflict(aws):
    from chalicelib.domain.errors import Conflict
    from chalicelib.store.unit_of_work import attempt

    builds: list[int] = []

    def build(uow) -> str:
        builds.append(1)
        if len(builds) == 2:  # the second build reads what the first missed
            setting("churn").delete()
        new_setting(uow, "churn")
        return f"build {len(builds)}"

    setting("churn").save()
    assert attempt(build, NOW, retry_on={"setting"}) == "build 2"

    builds.clear()
    with pytest.raises(Conflict) as refused:
        attempt(lambda uow: (builds.append(1), new_setting(uow, "churn")), NOW, retry_on={"setting"}, attempts=3)
    assert len(builds) == 3 and refused.value.status == 409

    builds.clear()
    with pytest.raises(SettingTaken):  # not a stale read: no retry, the mapped refusal
        attempt(lambda uow: (builds.append(1), new_setting(uow, "churn")), NOW, refuse={"setting": SettingTaken})
    assert len(builds) == 1


class ContendedTransactions:
    """A before_call hook (runtime): the next `times` TransactWriteItems are cancelled by DynamoDB because
    another transaction held an item (TransactionConflict: moto never answers it, DynamoDB does)."""

    def __init__(self, times: int) -> None:
        self.left, self.seen = times, 0

    def __call__(self, operation: str, params: dict) -> None:
        from botocore.exceptions import ClientError

        if operation != "TransactWriteItems" or self.left == 0:
            return
        self.left, self.seen = self.left - 1, self.seen + 1
        reasons = [{"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}]
        raise ClientError(
            {
                "Error": {"Code": "TransactionCanceledException", "Message": "[TransactionConflict]"},
                "CancellationReasons": reasons * len(params.get("TransactItems", [1])),
            },
            operation,
        )


def test_a_transaction_conflict_is_tried_again_then_a_retryable_busy(api, aws, worker, station):
    """A contended unit of work answers 409 busy_retry with Retry-After, never a 500, and writes nothing;
    a use case that rebuilds from fresh reads (attempt: booking a seat) tries again and commits, and
    answers busy_retry only when every try was contended."""
    from tests.api.stations_world import book

    sid, ten_thirty = station["station_id"], "2026-11-27T10:30:00+08:00"
    aws.before_call = contended = ContendedTransactions(times=1)
    changed = api.as_(worker).patch("/v1/me", {"worker_group": "courier"})
    assert (changed.status, changed.json["error"]["code"]) == (409, "busy_retry"), changed.json
    assert changed.headers["Retry-After"] == "1" and contended.seen == 1
    assert api.as_(worker).get("/v1/me").json["worker_group"] != "courier"  # nothing written

    aws.before_call = contended = ContendedTransactions(times=1)
    booked = book(api, worker, sid, ten_thirty)
    assert booked.status == 201 and contended.seen == 1, booked.json

    rider = api.login("13800138555")
    aws.before_call = contended = ContendedTransactions(times=10)
    refused = book(api, rider, sid, ten_thirty)
    aws.before_call = None
    assert (refused.status, refused.json["error"]["code"]) == (409, "busy_retry"), refused.json
    assert contended.seen == 2  # the booking's two tries (seat_reservation: attempts=2), then the answer
    assert api.as_(rider).get("/v1/me/bookings").json == []

from collections import Counter

import pytest


@pytest.fixture
def employers(aws):
    """Two employers in Beijing and one in Shanghai."""
    from chalicelib.store.employer_tables import EmployerRecord

    rows = [("emp-bj-1", "美团北京", "Meituan Beijing", "beijing"), ("emp-bj-2", "顺丰北京", "SF Express Beijing", "beijing"),
            ("emp-sh-1", "饿了么上海", "Ele.me Shanghai", "shanghai")]
    for employer_id, zh, en, city in rows:
        EmployerRecord(employer_id, name_zh=zh, name_en=en, city=city, industry="delivery").save()
    return rows


@pytest.fixture
def calls(aws):
    """A Counter of DynamoDB operations made through PynamoDB while the test runs."""
    from chalicelib.store import base
    from chalicelib.store.registry import ALL_MODELS

    seen: Counter[str] = Counter()
    base.transaction()                                       # make sure the shared connection exists
    clients = {id(c): c for c in [m._get_connection().connection.client for m in ALL_MODELS]
               + [base._connection.client]}
    for client in clients.values():
        client.meta.events.register("before-call.dynamodb", lambda model, **_: seen.update([model.name]))
    return seen


def measure(calls, do):
    """The DynamoDB operations one successful call makes."""
    calls.clear()
    reply = do()
    assert reply.status in (200, 201), reply.json
    return dict(calls)

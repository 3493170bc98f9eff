import pytest


@pytest.fixture
def employers(aws):
    """Two employers in Beijing and one in Shanghai."""
    from chalicelib.store.directory import Employer

    rows = [("emp-bj-1", "美团北京", "Meituan Beijing", "beijing"), ("emp-bj-2", "顺丰北京", "SF Express Beijing", "beijing"),
            ("emp-sh-1", "饿了么上海", "Ele.me Shanghai", "shanghai")]
    for employer_id, zh, en, city in rows:
        Employer(employer_id, name_zh=zh, name_en=en, city=city, industry="delivery").save()
    return rows

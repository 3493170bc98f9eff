"""The local stack behind `make run`, end to end: a real process, real HTTP, real signals."""

from __future__ import annotations

import signal
import socket
import threading
import time

import pytest

# Each phone may receive 3 codes per 10 minutes, and the session's stack is shared: every test
# logs in with phones of its own.
ADMIN, WORKER, OTHER_WORKER, NEW_PHONE = "13800000000", "13800000010", "13800000012", "13800000020"


@pytest.mark.integration
def test_health_says_stage_local(live_stack):
    reply = live_stack.get("/v1/health")
    assert reply.status == 200
    assert reply.json["status"] == "ok" and reply.json["stage"] == "local"


@pytest.mark.integration
def test_the_banner_lists_urls_and_demo_accounts(live_stack):
    out = live_stack.output()
    assert f"{live_stack.api_url}/v1/health" in out
    assert f"{live_stack.api_url}/v1/dev/outbox?phone=" in out
    assert live_stack.moto_url in out
    assert "13800000000  admin" in out and "13800000001  staff BJ-WJ-01" in out
    assert "in memory" in out


@pytest.mark.integration
def test_seeded_worker_logs_in_over_http_and_sees_a_masked_profile(live_stack):
    token = live_stack.login(WORKER)
    me = live_stack.get("/v1/me", token=token)
    assert me.status == 200, me.json
    assert me.json["phone"] == "138****0010"
    assert me.json["name"] == "张*"  # sealed by the privacy layer, shown masked
    assert me.json["roles"] == ["worker"]
    assert (me.json["worker_group"], me.json["city"]) == ("delivery_rider", "beijing")
    assert me.json["employer"]["employer_id"] == "emp-bj-01"

    employers = live_stack.get("/v1/employers?city=nanjing", token=token)
    assert employers.status == 200 and len(employers.json) == 3


@pytest.mark.integration
def test_grant_cli_makes_a_staff_member_of_a_station(live_stack):
    done = live_stack.cli("devstack.grant", "--phone", NEW_PHONE, "--role", "staff", "--station", "st-gz-001")
    assert done.returncode == 0, done.stderr
    assert "138****0020" in done.stdout and "staff, worker" in done.stdout and "st-gz-001" in done.stdout
    assert NEW_PHONE not in done.stdout

    token = live_stack.login(NEW_PHONE)
    me = live_stack.get("/v1/me", token=token)
    assert me.status == 200, me.json
    assert me.json["roles"] == ["staff", "worker"]
    assert me.json["station_ids"] == ["st-gz-001"]


@pytest.mark.integration
def test_grant_cli_refuses_staff_without_a_station(live_stack):
    done = live_stack.cli("devstack.grant", "--phone", "13800000021", "--role", "staff")
    assert done.returncode == 2
    assert "--station" in done.stderr


@pytest.mark.integration
def test_seeded_admin_finds_a_member_by_phone_and_a_worker_may_not(live_stack):
    token = live_stack.login(ADMIN)
    found = live_stack.request("POST", "/v1/admin/members/search", {"phone": WORKER}, token=token)
    assert found.status == 200, found.json
    assert [(m["phone"], m["name"]) for m in found.json] == [("138****0010", "张*")]

    worker = live_stack.login(OTHER_WORKER)
    assert live_stack.request("POST", "/v1/admin/members/search", {"phone": WORKER}, token=worker).status == 403


@pytest.mark.integration
def test_moto_runs_transactions_one_at_a_time(live_stack):
    """The devstack's lock around moto: racing TransactWriteItems for 10 seats books exactly 10
    (without it, this race oversold or failed with 500s in about 1 trial of 3)."""
    import boto3
    from botocore.config import Config

    client = boto3.client(
        "dynamodb",
        region_name="ap-east-1",
        endpoint_url=live_stack.moto_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(max_pool_connections=64, retries={"max_attempts": 0}),
    )
    table = "devstack-race-check"
    client.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    racers, seats = 60, 10

    def book(slot: str, i: int, start: threading.Barrier, outcomes: list[str]) -> None:
        start.wait()
        try:
            client.transact_write_items(
                TransactItems=[
                    {
                        "Update": {
                            "TableName": table,
                            "Key": {"pk": {"S": slot}},
                            "UpdateExpression": "SET #b = if_not_exists(#b, :zero) + :one, #c = if_not_exists(#c, :cap)",
                            "ConditionExpression": "attribute_not_exists(#b) OR #b < #c",
                            "ExpressionAttributeNames": {"#b": "booked", "#c": "capacity"},
                            "ExpressionAttributeValues": {
                                ":zero": {"N": "0"},
                                ":one": {"N": "1"},
                                ":cap": {"N": str(seats)},
                            },
                        }
                    },
                    {
                        "Put": {
                            "TableName": table,
                            "Item": {"pk": {"S": f"{slot}#{i}"}},
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                ]
            )
            outcomes.append("booked")
        except client.exceptions.TransactionCanceledException:
            outcomes.append("full")
        except Exception as exc:  # a 500 from a torn backend would land here
            outcomes.append(repr(exc))

    for trial in range(3):
        slot, outcomes, start = f"slot-{trial}", [], threading.Barrier(racers)
        threads = [threading.Thread(target=book, args=(slot, i, start, outcomes)) for i in range(racers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        counter = client.get_item(TableName=table, Key={"pk": {"S": slot}}, ConsistentRead=True)["Item"]["booked"]
        rows = sum("Item" in client.get_item(TableName=table, Key={"pk": {"S": f"{slot}#{i}"}}) for i in range(racers))
        assert sorted(set(outcomes)) == ["booked", "full"], outcomes
        assert (outcomes.count("booked"), int(counter["N"]), rows) == (seats, seats, seats)


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as any server would
        try:
            sock.bind(("127.0.0.1", port))
            sock.listen(1)
        except OSError:
            return False
    return True


@pytest.mark.integration
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_the_stack_cleanly(launch_stack, sig):
    stack = launch_stack()
    stack.wait_healthy()
    asked = time.monotonic()
    assert stack.stop(sig) == 0, stack.output()
    assert time.monotonic() - asked < 5
    assert _port_is_free(stack.api_port) and _port_is_free(stack.moto_port)
    assert "stopped" in stack.output()


@pytest.mark.integration
@pytest.mark.parametrize("taken", ["api_port", "moto_port"])
def test_a_taken_port_is_a_clear_error(launch_stack, taken):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen(1)
        port = squatter.getsockname()[1]
        stack = launch_stack(**{taken: port})
        stack.proc.wait(30)
    assert stack.proc.returncode == 2
    env_name = "WH_API_PORT" if taken == "api_port" else "WH_MOTO_PORT"
    assert f"port {port} on 127.0.0.1" in stack.output() and "already in use" in stack.output()
    assert env_name in stack.output()


@pytest.mark.integration
def test_grant_cli_says_when_no_stack_is_running(run_module):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # free once closed: nothing listens there
    done = run_module("devstack.grant", "--phone", NEW_PHONE, "--role", "admin", WH_MOTO_PORT=str(port))
    assert done.returncode == 1
    assert "not running" in done.stderr and f"http://127.0.0.1:{port}" in done.stderr


def test_seed_is_idempotent_and_goes_through_the_privacy_layer(aws):
    """In-process (moto in this process): the seed twice gives the same data, names sealed."""
    from chalicelib.domain.members import CITIES
    from chalicelib.store.accounts_tables import MemberRecord as Member
    from chalicelib.store.employer_tables import EmployerRecord
    from devstack.seed import DEMO_MEMBERS, EMPLOYERS, PEOPLE, seed_all

    seed_all()
    seed_all()
    everyone = list(EmployerRecord.scan())
    employers = [e for e in everyone if not e.employer_id.startswith("emp-syn-")]  # the synthetic population's
    assert len(employers) == len(EMPLOYERS) >= 30
    assert len(everyone) - len(employers) == DEMO_MEMBERS // 40  # ... the same ones twice
    assert {e.city for e in employers} == set(CITIES)
    scanned = list(Member.scan())
    members = [m for m in scanned if not m.member_id.startswith("m_syn")]
    assert len(members) == len(PEOPLE)
    assert len(scanned) - len(members) == DEMO_MEMBERS
    by_phone = {m.phone_masked: m for m in members}
    zhang = by_phone["138****0010"]
    assert zhang.name_masked == "张*" and zhang.name_enc and "张伟" not in zhang.name_enc
    assert by_phone["138****0000"].roles == {"admin", "worker"}
    from devstack.seed_stations import STATIONS, station_id

    assert by_phone["138****0001"].station_ids == {station_id("BJ-WJ-01")}
    assert len(STATIONS) >= 24 and len({s.city for s in STATIONS}) >= 3

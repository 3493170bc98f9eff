"""Give a role in the RUNNING local stack (`make admin PHONE=...`, `make staff PHONE=... STATION=...`,
`make auditor PHONE=...`).

    python -m devstack.grant --phone 13800000020 --role staff --station BJ-WJ-01   (a station code or id)

Talks to the stack's moto (WH_AWS_ENDPOINT, else http://127.0.0.1:$WH_MOTO_PORT, default port
4566) and calls chalicelib.services.members.grant_by_phone, which creates the account if the
phone has none and audits the grant. Grants add to what the member already has (granting staff
to an admin keeps admin; a second station adds to the first). The member's current tokens keep
their old roles: the next login (or token refresh) carries the new ones.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from urllib.parse import urlsplit

from devstack import HOST, StackError, configure_environment, moto_port

ACTOR = "devstack-grant"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m devstack.grant", description=__doc__.split("\n\n")[0])
    parser.add_argument("--phone", required=True, help="mainland China mobile number, e.g. 13800000020")
    parser.add_argument("--role", required=True, choices=("admin", "staff", "auditor"))
    parser.add_argument("--station", default="", help="station id (required for --role staff)")
    return parser


def _answers(endpoint: str, timeout: float = 2.0) -> bool:
    parts = urlsplit(endpoint)
    try:
        with socket.create_connection((parts.hostname or HOST, parts.port or 80), timeout=timeout):
            return True
    except OSError:
        return False


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    station = args.station.strip()
    if args.role == "staff" and not station:
        parser.error("--role staff needs --station <station id> (make staff PHONE=... STATION=...)")
    if args.role != "staff" and station:
        parser.error("--station applies to --role staff only (admins and auditors are not station-bound)")

    try:
        endpoint = os.environ.get("WH_AWS_ENDPOINT") or f"http://{HOST}:{moto_port()}"
    except StackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not _answers(endpoint):
        print(
            f"error: the local stack is not running - nothing answers at {endpoint}.\n"
            "Start it with `make run` (or point WH_MOTO_PORT / WH_AWS_ENDPOINT at a running one).",
            file=sys.stderr,
        )
        return 1
    configure_environment(endpoint)

    from chalicelib.domain.validators import normalize_mobile

    phone = normalize_mobile(args.phone)
    if phone is None:
        parser.error(f"--phone {args.phone!r} is not a mainland China mobile number")

    from botocore.exceptions import BotoCoreError, ClientError
    from pynamodb.exceptions import PynamoDBException

    from chalicelib.runtime import Runtime, install
    from chalicelib.services.members import find_by_phone, grant_by_phone
    from chalicelib.settings import settings

    install(Runtime(settings))
    try:
        existing = find_by_phone(phone)
        roles = set(existing[0].roles) if existing else set()
        stations = set(existing[0].station_ids) if existing else set()
        roles.add(args.role)
        if station:
            from chalicelib.store.stations import station_ids_by_code

            stations.add(station_ids_by_code([station.upper()]).get(station.upper(), station))  # a code or an id
        profile = grant_by_phone(phone, roles, stations, actor=ACTOR)
    except (RuntimeError, PynamoDBException, BotoCoreError, ClientError) as exc:
        print(
            f"error: {endpoint} answers, but does not hold a WorkerHome local stack "
            f"(is it the moto of `make run`?): {exc}",
            file=sys.stderr,
        )
        return 1

    what = "granted" if existing else "created the account and granted"
    stations_text = f", stations: {', '.join(profile.station_ids)}" if profile.station_ids else ""
    print(f"{what} {args.role}: {profile.phone} -> roles: {', '.join(profile.roles)}{stations_text}")
    print("The new roles apply from the member's next login.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

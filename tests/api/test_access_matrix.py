"""Every route x every role: who may call it is what the route declares, nothing more.

Routes are read from the registry that `endpoint()` fills, so a new route is checked the day it
is added. A call that the role check lets through may still fail for business reasons (a bad
body, an unknown id): the matrix only asserts it was not turned away for who the caller is.
"""

import re

import pytest

from chalicelib.api.http import ROUTES

IDENTITIES = ("anonymous", "worker", "staff", "admin", "auditor")
# every account is a worker; staff, admins and auditors hold their role on top
ROLES_OF = {
    "anonymous": set(),
    "worker": {"worker"},
    "staff": {"staff", "worker"},
    "admin": {"admin", "worker"},
    "auditor": {"auditor", "worker"},
}


@pytest.fixture
def sessions(api, worker, admin):
    from chalicelib.services.members import grant_by_phone

    grant_by_phone("13700000002", {"staff"}, {"st-x"})
    grant_by_phone("13700000003", {"auditor"}, set())
    return {
        "anonymous": None,
        "worker": worker,
        "staff": api.login("13700000002"),
        "admin": admin,
        "auditor": api.login("13700000003"),
    }


def test_every_route_declares_its_roles(api):  # the api fixture imports the app, which registers the routes
    assert ROUTES, "no routes registered"
    for (method, path), access in ROUTES.items():
        assert access.roles <= {"worker", "staff", "admin", "auditor"}, (method, path)


# Erasing oneself stops one's tokens at once (tests/api/test_token_revocation.py): that route goes last.
ENDS_THE_SESSION = {("DELETE", "/v1/me")}


def test_every_route_against_every_role(api, sessions):
    seen = []
    for (method, path), access in sorted(ROUTES.items(), key=lambda route: (route[0] in ENDS_THE_SESSION, route[0])):
        url = re.sub(r"\{[^}]+\}", "x", path)
        for who in IDENTITIES:
            reply = api.as_(sessions[who]).request(method, url, {})
            code = (reply.json or {}).get("error", {}).get("code") if isinstance(reply.json, dict) else None
            if access.public:
                assert code not in ("unauthenticated", "role_not_allowed"), (method, path, who, reply.json)
            elif who == "anonymous":
                assert reply.status == 401, (method, path, who, reply.json)
            elif ROLES_OF[who] & access.roles:
                assert reply.status != 401 and code != "role_not_allowed", (method, path, who, reply.json)
            else:
                assert (reply.status, code) == (403, "role_not_allowed"), (method, path, who, reply.json)
            assert reply.status < 500, (method, path, who, reply.json)
            seen.append((method, path, who))
    assert len(seen) == len(ROUTES) * len(IDENTITIES)


def test_an_auditor_changes_nothing_beyond_their_own_account(api):
    """The auditor role opens no write: every route it may call as an auditor (not as the worker every
    account also is) is a read."""
    for (method, path), access in ROUTES.items():
        if "auditor" in access.roles and "worker" not in access.roles:
            assert method == "GET", (method, path)

"""The embedded local stack behind `make run`: moto in server mode, every table, key and secret,
demo data, and the API (chalice local), all in one process. `python -m devstack` starts it;
`python -m devstack.grant` gives roles in the running stack.

This module is imported before anything from chalicelib: it holds only the standard-library
pieces (ports, environment) that must come first, because PynamoDB reads each model's Meta
(table names, endpoint) when chalicelib.store is imported.
"""

from __future__ import annotations

import errno
import os
import socket
import sys

HOST = "127.0.0.1"
DEFAULT_MOTO_PORT = 4566
DEFAULT_API_PORT = 8000
DEFAULT_REGION = "ap-east-1"
FUNCTION_NAME = "workerhome-local"


class StackError(Exception):
    """A problem the user can fix (a port in use, a bad setting): printed without a traceback."""


def port_from_env(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        port = int(raw)
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise StackError(f"{name}={raw!r} is not a TCP port (1-65535)")
    return port


def moto_port() -> int:
    return port_from_env("WH_MOTO_PORT", DEFAULT_MOTO_PORT)


def api_port() -> int:
    return port_from_env("WH_API_PORT", DEFAULT_API_PORT)


def listening_socket(host: str, port: int, what: str, env_name: str, *, listen: bool = True) -> socket.socket:
    """Bind (and listen on) host:port now, or say clearly which port is taken and how to pick another.

    listen=False only claims the port: a client trying it meanwhile is refused at once instead
    of waiting in a backlog that nobody accepts from.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        if listen:
            sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise StackError(
                f"port {port} on {host} ({what}) is already in use - is another `make run` going? "
                f"Stop it, or choose another port: {env_name}=<port> make run"
            ) from None
        raise StackError(f"cannot listen on {host}:{port} ({what}): {exc.strerror or exc}") from None
    return sock


def configure_environment(endpoint: str) -> dict[str, str]:
    """Point this process at the local stack's moto: stage `local`, fake credentials.

    Must run before chalicelib is imported (PynamoDB models read the endpoint at import).
    Values from the caller's shell that would aim elsewhere (WH_STAGE, AWS_PROFILE, real keys)
    are overridden: the local stack never talks to AWS.
    """
    if "chalicelib.settings" in sys.modules:
        from chalicelib.settings import settings  # already imported: only fine if it already agrees

        if settings.stage != "local" or settings.aws_endpoint != endpoint:
            raise RuntimeError(
                "devstack.configure_environment() must run before chalicelib is imported "
                f"(settings already loaded with stage={settings.stage!r}, "
                f"endpoint={settings.aws_endpoint!r})"
            )
    region = os.environ.get("WH_REGION") or DEFAULT_REGION
    values = {
        "WH_STAGE": "local",
        "WH_AWS_ENDPOINT": endpoint,
        "WH_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_LAMBDA_FUNCTION_NAME": FUNCTION_NAME,
    }
    for name in (
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_SECURITY_TOKEN",
        "WH_TABLE_PREFIX",
        "WH_KMS_KEY",
        "WH_SECRETS_PARAM",
        "WH_KEYRING_PARAM",
    ):
        os.environ.pop(name, None)
    os.environ.update(values)
    return values

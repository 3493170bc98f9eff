"""The live local stack: `python -m devstack` in a subprocess on free ports, used over real HTTP
(by the integration tests and the browser tests).

tests/conftest.py sets the test process up for in-process moto (WH_STAGE=test, ...). The stack
gets a clean environment instead - none of our WH_*/AWS_* variables - so it configures itself
exactly as `make run` does.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 120.0  # the stack seeds a synthetic population; a loaded 2-core CI box is slow
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without the test suite's settings (WH_*, AWS_*, ...)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WH_", "AWS_", "POWERTOOLS_", "MOTO_", "PYTEST_"))}
    env.update({"PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1"}, **extra)
    return env


def run_module(module: str, *args: str, timeout: float = 60.0, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m <module> args...` from the repo root, with a clean environment plus `env`."""
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=clean_env(**env),
    )


@dataclass
class Reply:
    status: int
    json: Any


class LiveStack:
    def __init__(self, proc: subprocess.Popen[bytes], log_path: Path, api_port: int, moto_port: int) -> None:
        self.proc, self.log_path = proc, log_path
        self.api_port, self.moto_port = api_port, moto_port
        self.api_url = f"http://{HOST}:{api_port}"
        self.moto_url = f"http://{HOST}:{moto_port}"

    # --- process ---------------------------------------------------------------------------

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_healthy(self, timeout: float = STARTUP_TIMEOUT) -> float:
        """Seconds until GET /v1/health answered 200; fails the test with the stack's output otherwise."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.proc.poll() is not None:
                pytest.fail(f"devstack exited with {self.proc.returncode} while starting:\n{self.output()}")
            try:
                if self.get("/v1/health").status == 200:
                    return time.monotonic() - started
            except OSError:
                pass
            time.sleep(0.1)
        self.kill()
        pytest.fail(f"devstack did not answer /v1/health within {timeout:.0f} s:\n{self.output()}")

    def stop(self, sig: int = signal.SIGINT, timeout: float = 15.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                pytest.fail(f"devstack did not stop within {timeout:.0f} s of signal {sig}:\n{self.output()}")
        return self.proc.returncode

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def cli(self, module: str, *args: str) -> subprocess.CompletedProcess[str]:
        """Run `python -m <module> args...` as a developer's shell would, aimed at this stack."""
        return run_module(module, *args, WH_MOTO_PORT=str(self.moto_port), WH_API_PORT=str(self.api_port))

    # --- HTTP ------------------------------------------------------------------------------

    def request(
        self, method: str, path: str, body: Any = None, *, token: str | None = None, timeout: float = 10
    ) -> Reply:
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        req = urllib.request.Request(self.api_url + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as err:
            status, raw = err.code, err.read()
        text = raw.decode("utf-8")
        return Reply(status, json.loads(text) if text.strip() else None)

    def get(self, path: str, *, token: str | None = None) -> Reply:
        return self.request("GET", path, token=token)

    def post(self, path: str, body: Any = None, *, token: str | None = None, timeout: float = 10) -> Reply:
        return self.request("POST", path, body, token=token, timeout=timeout)

    def login(self, phone: str) -> str:
        """Log in like a person: ask for a code, read it from the dev outbox, trade it for tokens."""
        sent = self.post("/v1/auth/otp", {"phone": phone})
        assert sent.status == 202, sent.json
        outbox = self.get(f"/v1/dev/outbox?phone={phone}")
        assert outbox.status == 200 and outbox.json, f"no SMS for {phone} in the dev outbox: {outbox.json}"
        code = re.search(r"\d{6}", outbox.json[0]["body"]).group(0)
        reply = self.post("/v1/auth/token", {"phone": phone, "code": code})
        assert reply.status == 200, reply.json
        return reply.json["access_token"]


def launch(log_path: Path, *, api_port: int | None = None, moto_port: int | None = None, **env: str) -> LiveStack:
    """Start `python -m devstack` (on free ports unless given; output to log_path) without waiting for it."""
    api_port, moto_port = api_port or free_port(), moto_port or free_port()
    with open(log_path, "wb") as log:  # a file, not a pipe: a full pipe would block the stack
        proc = subprocess.Popen(
            [sys.executable, "-m", "devstack"],
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=clean_env(WH_API_PORT=str(api_port), WH_MOTO_PORT=str(moto_port), **env),
        )
    return LiveStack(proc, log_path, api_port, moto_port)

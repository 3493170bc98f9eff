"""The local stack as one object: start() brings everything up in order, stop() takes it down.

Order matters: moto first (it needs nothing), then the environment (stage local, endpoint =
that moto) BEFORE the first chalicelib import, then provisioning with the same code the tests
and the deployment use, then demo data, then the API.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

from devstack import HOST, StackError, api_port, configure_environment, listening_socket, moto_port
from devstack.moto_server import POLL_INTERVAL, MotoServer


class Stack:
    def __init__(self, host: str = HOST, moto_port_: int | None = None, api_port_: int | None = None) -> None:
        self.host = host
        self.moto = MotoServer(host, moto_port() if moto_port_ is None else moto_port_)
        self.api_port = api_port() if api_port_ is None else api_port_
        self.api_server: Any = None  # chalice.local.LocalDevServer
        self._api_thread: threading.Thread | None = None
        self.queue_worker: Any = None  # devstack.queue_worker.QueueWorker
        self.seeded: list[str] = []
        self.region = ""
        self.startup_seconds = 0.0

    @property
    def api_url(self) -> str:
        return f"http://{self.host}:{self.api_port}"

    def start(self) -> None:
        started = time.perf_counter()
        # Claim the API port first, so a taken port fails now rather than after provisioning.
        api_sock: socket.socket | None = listening_socket(self.host, self.api_port, "API", "WH_API_PORT", listen=False)
        try:
            self.moto.start()
            configure_environment(self.moto.url)

            from chalicelib.runtime import Runtime, install
            from chalicelib.settings import settings
            from infra.provision import provision

            self.region = settings.region
            provision(install(Runtime(settings)))

            from devstack.seed import seed_all

            self.seeded = seed_all()

            from chalice import local as chalice_local
            from chalice.config import Config
            from chalice.local import create_local_server

            # socketserver listens with a backlog of 5: a crowd of riders opening connections at once
            # would see dropped SYNs and one-second stalls. Real API Gateway queues far more.
            chalice_local.ThreadedHTTPServer.request_queue_size = 512

            from app import app

            api_sock.close()
            api_sock = None
            try:
                self.api_server = create_local_server(app, Config(chalice_stage="local"), self.host, self.api_port)
            except OSError as exc:
                raise StackError(
                    f"port {self.api_port} on {self.host} (API) was taken while starting: {exc}; "
                    "choose another with WH_API_PORT=<port>"
                ) from None
            from devstack.static import serve_front_ends

            serve_front_ends(self.api_server)  # /app/, /admin/, /shared/, /vendor/ on the API's port
            # serve_forever of the inner server: LocalDevServer's own prints a line of its own
            self._api_thread = threading.Thread(
                target=self.api_server.server.serve_forever,
                kwargs={"poll_interval": POLL_INTERVAL},
                name="api-server",
                daemon=True,
            )
            self._api_thread.start()
            self._start_queue_worker()
        finally:
            if api_sock is not None:
                api_sock.close()
        self.startup_seconds = time.perf_counter() - started

    def _start_queue_worker(self) -> None:
        """Lambda's SQS event sources, locally: a thread hands queued messages to app.py's handlers."""
        import app as app_module
        from chalicelib.runtime import runtime
        from devstack.queue_worker import QueueWorker, subscriptions

        sqs = runtime().client("sqs")
        self.queue_worker = QueueWorker(sqs, subscriptions(app_module, sqs, runtime().settings))
        self.queue_worker.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop whatever was started (safe to call after a failed or partial start)."""
        if self.queue_worker is not None:
            self.queue_worker.stop()
            self.queue_worker.join(timeout)
            self.queue_worker = None
        if self.api_server is not None:
            if self._api_thread is not None and self._api_thread.is_alive():
                self.api_server.shutdown()
                self._api_thread.join(timeout)
            self.api_server.server.server_close()
            self.api_server = self._api_thread = None
        self.moto.stop(timeout)

    def banner(self) -> str:
        from devstack.seed import PEOPLE

        api = self.api_url
        lines = [
            f"WorkerHome local stack is up (stage local, region {self.region}) - started in "
            f"{self.startup_seconds:.1f} s",
            f"  mini-app     {api}/app/   (phone-sized: try your browser's device mode)",
            f"  admin        {api}/admin/",
            f"  API          {api}",
            f"  health       {api}/v1/health",
            f"  dev outbox   {api}/v1/dev/outbox?phone=<phone>   (SMS login codes land here)",
            "  scoring      POST /v1/admin/scoring-runs (or the admin console): a worker thread here drains the "
            "SQS queue through app.py's handlers",
            f"  moto         {self.moto.url}   (AWS endpoint: aws --endpoint-url {self.moto.url} dynamodb list-tables)",
            "  demo data    " + "; ".join(self.seeded),
            "",
            'Demo accounts - log in with POST /v1/auth/otp {"phone": ...}, read the code at',
            f'{api}/v1/dev/outbox?phone=<phone>, then POST /v1/auth/token {{"phone": ..., "code": ...}}:',
        ]
        for p in PEOPLE:
            role = f"{p.role} {p.station_code}" if p.station_code else p.role
            lines.append(f"  {p.phone}  {role:<18} {p.name}")
        lines += [
            "",
            "Grant roles: make admin PHONE=<phone>   |   make staff PHONE=<phone> STATION=<station code>",
            "All data lives in memory in this process and is gone when it stops. Ctrl-C to stop.",
        ]
        return "\n".join(lines)

"""moto in server mode, on a werkzeug threaded server, with one lock around its WSGI application.

The pieces are moto's own (the ones `moto.server.ThreadedMotoServer` assembles): the
DomainDispatcherApplication that routes each request to a service backend, `create_backend_app`,
and MotoRequestHandler. What differs: the application is wrapped in `SerializedApp`, the listening
socket is bound up front (so a taken port is a clear error, not werkzeug's sys.exit), and stop()
also closes the socket so the port is free when the stack exits.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from typing import Any

from moto.server import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import BaseWSGIServer, make_server

from devstack import listening_socket

POLL_INTERVAL = 0.1  # how soon serve_forever notices shutdown() (socketserver's default is 0.5 s)
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class SerializedApp:
    """Handle one request at a time.

    Why: DynamoDB runs transactions serializably; moto does not lock its backends. Measured
    here, 100 threads racing TransactWriteItems for a 10-seat slot on an unlocked moto server
    oversold the slot (or left partial writes) in 11 of 18 trials. With this one lock around
    the whole application the same race gave exactly 10 bookings in 6 of 6, i.e. the emulator
    gives DynamoDB's isolation, so overbooking tests against the local stack mean something.
    The API server stays multi-threaded; only moto's request handling is serialized.

    The response is read to the end inside the lock (a lazy WSGI iterable would otherwise run
    its backend code after the lock is released). Nothing in this stack makes moto call itself
    over HTTP while handling a request; if that ever happens (e.g. a service moto implements by
    calling its own endpoint) this lock would deadlock it.
    """

    def __init__(self, app: WSGIApp) -> None:
        self._app = app
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with self._lock:
            result = self._app(environ, start_response)
            try:
                return list(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()


class QuietRequestHandler(MotoRequestHandler):
    """moto's handler without the access-log line per AWS call (errors are still logged)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class MotoServer:
    def __init__(self, host: str, port: int, *, verbose: bool | None = None) -> None:
        self.host, self.port = host, port
        self.verbose = os.environ.get("WH_MOTO_VERBOSE") == "1" if verbose is None else verbose
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> None:
        sock = listening_socket(self.host, self.port, "moto", "WH_MOTO_PORT")
        try:
            app = SerializedApp(DomainDispatcherApplication(create_backend_app))
            handler = MotoRequestHandler if self.verbose else QuietRequestHandler
            # werkzeug duplicates the descriptor of our already-listening socket
            self._server = make_server(
                self.host, self.port, app, threaded=True, request_handler=handler, fd=sock.fileno()
            )
        finally:
            sock.close()
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": POLL_INTERVAL}, name="moto-server", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        if self._server is None:
            return
        if self._thread is not None and self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout)
        self._server.server_close()
        self._server = self._thread = None

"""The process-wide dependencies that talk to AWS or read the clock, built lazily.

One Runtime per Lambda container: the first request that needs a key pays one SSM call
(both parameters at once) and one KMS Decrypt; later requests reuse them. The keys are read
again once they are `settings.keys_refresh_seconds` old (one SSM call per container every few
minutes), and at once when a ciphertext names a data key not read yet: a rotation reaches every
container within that time. Tests and the local stack install their own Runtime (a fresh moto
world, a clock they control) with `install()` instead of patching; a test injects a fault (a
failed write, a throttle) by giving its Runtime a `before_call` hook, which sees every AWS call made
by a client the runtime watches.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cached_property
from typing import Any, Protocol

from chalicelib.privacy.crypto import BlindIndex, FieldCipher, Keyring
from chalicelib.settings import Settings
from chalicelib.settings import settings as default_settings


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


BeforeCall = Callable[[str, dict[str, Any]], None]
"""(operation name, request parameters) -> None, or raise to fail the call before it is sent."""


class Runtime:
    def __init__(
        self, settings: Settings, *, clock: Clock | None = None, before_call: BeforeCall | None = None
    ) -> None:
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.before_call = before_call
        self._lock = threading.RLock()  # shared() builders may ask for a client
        self._clients: dict[str, Any] = {}

    def client(self, service: str) -> Any:
        """A boto3 client for `service`, pointed at moto when an endpoint is configured."""
        if service not in self._clients:
            import boto3

            with self._lock:
                if service not in self._clients:
                    self._clients[service] = watch(
                        boto3.client(service, region_name=self.settings.region, endpoint_url=self.settings.aws_endpoint)
                    )
        return self._clients[service]

    def shared(self, name: str, build: Callable[[], Any]) -> Any:
        """One object per runtime, built on first use (clients of libraries, caches)."""
        if name not in self._clients:
            with self._lock:
                if name not in self._clients:
                    self._clients[name] = build()
        return self._clients[name]

    def _read_parameters(self) -> dict[str, dict[str, Any]]:
        s = self.settings
        found = self.client("ssm").get_parameters(Names=[s.secrets_param, s.keyring_param], WithDecryption=True)
        by_name = {p["Name"]: json.loads(p["Value"]) for p in found["Parameters"]}
        missing = {s.secrets_param, s.keyring_param} - by_name.keys()
        if missing:
            raise RuntimeError(f"missing SSM parameters {sorted(missing)}: run `make secrets` for this stage")
        return {"secrets": by_name[s.secrets_param], "keyring": by_name[s.keyring_param]}

    @cached_property
    def _parameters(self) -> dict[str, dict[str, Any]]:
        self._keys_read_at = self.clock.now()
        return self._read_parameters()

    def reload_keys(self) -> None:
        """Read the keyring and the blind-index keys again (after a rotation); one SSM call."""
        with self._lock:
            self.__dict__["_parameters"] = self._read_parameters()
            self._keys_read_at = self.clock.now()
            if "_keyring" in self.__dict__:
                self._keyring.replace(*_keyring_doc(self._parameters["keyring"]))
            self.__dict__.pop("_blind_index", None)

    def _fresh(self) -> None:
        """Re-read the keys once they are older than settings.keys_refresh_seconds."""
        read_at = getattr(self, "_keys_read_at", None)
        if read_at is not None and (self.clock.now() - read_at).total_seconds() >= self.settings.keys_refresh_seconds:
            self.reload_keys()

    @cached_property
    def _keyring(self) -> Keyring:
        def unwrap(blob: bytes) -> bytes:
            return self.client("kms").decrypt(CiphertextBlob=blob)["Plaintext"]

        return Keyring(*_keyring_doc(self._parameters["keyring"]), unwrap, reload=self.reload_keys)

    @property
    def cipher(self) -> FieldCipher:
        """Seals under the current data key of the keyring read at most keys_refresh_seconds ago."""
        self._fresh()
        return self.shared("cipher", lambda: FieldCipher(self._keyring))

    @cached_property
    def _blind_index(self) -> BlindIndex:
        return _blind_index_of(self._parameters["secrets"])

    @property
    def blind_index(self) -> BlindIndex:
        """The blind index with its current key and, during a rotation, the previous ones."""
        self._fresh()
        return self._blind_index

    @cached_property
    def otp_pepper(self) -> bytes:
        return base64.b64decode(self._parameters["secrets"]["otp_pepper"])

    @cached_property
    def jwt_keys(self) -> tuple[str, dict[str, bytes]]:
        """(current kid, every kid -> signing secret): old kids keep verifying after a rotation."""
        jwt_doc = self._parameters["secrets"]["jwt"]
        return jwt_doc["current"], {kid: base64.b64decode(k) for kid, k in jwt_doc["keys"].items()}


def _keyring_doc(ring: dict[str, Any]) -> tuple[str, dict[str, bytes]]:
    """(current kid, kid -> wrapped data key) from the keyring parameter."""
    return ring["current"], {kid: base64.b64decode(blob) for kid, blob in ring["keys"].items()}


def _blind_index_of(secrets: dict[str, Any]) -> BlindIndex:
    """The blind index of the secrets parameter: {"blind_index": {"current", "keys"}}, or the single
    key `blind_index_key` of stages provisioned before rotation existed."""
    doc = secrets.get("blind_index") or {"current": "bi-1", "keys": {"bi-1": secrets["blind_index_key"]}}
    keys = {v: base64.b64decode(k) for v, k in doc["keys"].items()}
    return BlindIndex(keys.pop(doc["current"]), previous=list(keys.values()))


_current: Runtime | None = None
_install_lock = threading.Lock()


def runtime() -> Runtime:
    global _current
    if _current is None:
        with _install_lock:
            if _current is None:
                _current = Runtime(default_settings)
    return _current


def watch(client: Any) -> Any:
    """Let the current runtime's `before_call` hook see (and fail) every call `client` makes."""
    client.meta.events.register("before-parameter-build", _before_call, unique_id="workerhome.before_call")
    return client


def _before_call(model: Any, params: dict[str, Any], **_: Any) -> None:
    hook = runtime().before_call
    if hook is not None:
        hook(model.name, params)


def install(rt: Runtime) -> Runtime:
    """Replace the process's runtime (tests, local stack)."""
    global _current
    _current = rt
    return rt

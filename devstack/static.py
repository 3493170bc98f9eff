"""The front ends, served by the local stack on the API's own port (same origin: no CORS, no proxy).

    /                      -> 302 to /app/
    /app/...               -> miniapp/app/     (the worker mini-app)
    /admin/...             -> miniapp/admin/   (the admin console)
    /shared/...            -> miniapp/shared/  (modules both use)
    /vendor/<pkg>/<file>   -> miniapp/node_modules/<pkg>/<file>, only the files package.json lists
                              under "workerhome.vendor" (e.g. chart.js's UMD build)
    anything else          -> the API (chalice local), as before

GET and HEAD only; a directory means its index.html; anything that would leave its folder (.., encoded
slashes, symlinks out, hidden files) is a 404, as is a missing file. Files are read on each request, so
an edit shows on reload; responses say `no-cache` and carry an ETag, so a reload costs a 304.
"""

from __future__ import annotations

import functools
import hashlib
import json
import mimetypes
import posixpath
import re
from dataclasses import dataclass, field
from email.utils import formatdate
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from chalice.local import ChaliceRequestHandler

MINIAPP = Path(__file__).resolve().parents[1] / "miniapp"
MOUNTS = {"app": "app", "admin": "admin", "shared": "shared"}  # URL prefix -> folder under miniapp/
HOME = "/app/"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".map": "application/json; charset=utf-8",
    ".webmanifest": "application/manifest+json; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".ico": "image/x-icon",
    ".webp": "image/webp",
    ".woff2": "font/woff2",
    ".txt": "text/plain; charset=utf-8",
}


def content_type(path: Path) -> str:
    return CONTENT_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


@dataclass(frozen=True)
class StaticSite:
    """Where each URL prefix lives on disk, and which node_modules files may be served."""

    root: Path = MINIAPP
    vendor: dict[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def from_package_json(cls, root: Path = MINIAPP) -> StaticSite:
        """The vendor whitelist comes from miniapp/package.json: {"workerhome": {"vendor": {pkg: [files]}}}."""
        try:
            manifest = json.loads((root / "package.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            manifest = {}
        listed = manifest.get("workerhome", {}).get("vendor", {})
        return cls(root, {pkg: frozenset(files) for pkg, files in listed.items()})

    def redirect_for(self, path: str) -> str | None:
        if path == "/":
            return HOME
        if path.strip("/") in MOUNTS and not path.endswith("/"):
            return path + "/"
        return None

    def claims(self, path: str) -> bool:
        """Does this URL path belong to the front ends (rather than to the API)?"""
        first = path.lstrip("/").split("/", 1)[0]
        return path == "/" or first in MOUNTS or first == "vendor"

    def resolve(self, path: str) -> Path | None:
        """The file for a URL path, or None (missing, or outside where it may look)."""
        parts = path.lstrip("/").split("/")
        if any(p.startswith(".") or "\\" in p or "\x00" in p for p in parts[1:]):
            return None
        if parts[0] == "vendor":
            if len(parts) < 3:
                return None
            pkg_len = 2 if parts[1].startswith("@") else 1  # scoped packages: @scope/name
            pkg, rel = "/".join(parts[1 : 1 + pkg_len]), "/".join(parts[1 + pkg_len :])
            if rel not in self.vendor.get(pkg, ()):
                return None
            base = self.root / "node_modules" / pkg
        elif parts[0] in MOUNTS:
            base = self.root / MOUNTS[parts[0]]
            rel = "/".join(parts[1:])
            if rel == "" or rel.endswith("/"):
                rel += "index.html"
        else:
            return None
        if posixpath.normpath("/" + rel) != "/" + rel:  # "a//b", "a/./b" and friends
            return None
        try:
            base_real = base.resolve(strict=True)
            target = (base_real / rel).resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if not target.is_relative_to(base_real) or not target.is_file():
            return None
        return target


def etag_of(stat: Any) -> str:
    return '"' + hashlib.sha1(f"{stat.st_mtime_ns}-{stat.st_size}".encode()).hexdigest()[:16] + '"'


_QUERY = re.compile(r"\?[^\s\"']*")


class StaticSiteHandler(ChaliceRequestHandler):
    """Chalice's local request handler, answering front-end paths from disk first."""

    def __init__(self, *args: Any, site: StaticSite, **kwargs: Any) -> None:
        self.site = site
        super().__init__(*args, **kwargs)

    def _static_or_api(self) -> None:
        raw_path = urlsplit(self.path).path
        path = unquote(raw_path)
        if not self.site.claims(path):
            return self._generic_handle()
        if re.search(r"%(2f|5c|00)", raw_path, re.IGNORECASE):  # encoded separators never name a file
            return self._send_plain(HTTPStatus.NOT_FOUND, "Not found")
        if self.command not in ("GET", "HEAD"):
            return self._send_plain(HTTPStatus.METHOD_NOT_ALLOWED, "Method not allowed", {"Allow": "GET, HEAD"})
        location = self.site.redirect_for(path)
        if location:
            query = urlsplit(self.path).query
            return self._send_plain(HTTPStatus.FOUND, "", {"Location": location + (f"?{query}" if query else "")})
        target = self.site.resolve(path)
        if target is None:
            return self._send_plain(HTTPStatus.NOT_FOUND, "Not found")
        self._send_file(target)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _static_or_api

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server's name)
        """The access log without query strings: a look-up by phone must not leave the phone in it."""
        super().log_message("%s", _QUERY.sub("?…", format % args))

    def _send_file(self, target: Path) -> None:
        # Drain a body a client sent with GET, so keep-alive stays in step.
        length = int(self.headers.get("content-length") or 0)
        if length:
            self.rfile.read(length)
        stat = target.stat()
        tag = etag_of(stat)
        headers = {
            "ETag": tag,
            "Cache-Control": "no-cache",
            "X-Content-Type-Options": "nosniff",
            "Last-Modified": formatdate(stat.st_mtime, usegmt=True),
        }
        if tag in [t.strip() for t in (self.headers.get("If-None-Match") or "").split(",")]:
            self.send_response(HTTPStatus.NOT_MODIFIED)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            return
        body = target.read_bytes()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type(target))
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_plain(self, status: HTTPStatus, text: str, headers: dict[str, str] | None = None) -> None:
        length = int(self.headers.get("content-length") or 0)
        if length:
            self.rfile.read(length)
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def serve_front_ends(local_server: Any, site: StaticSite | None = None) -> StaticSite:
    """Make a chalice LocalDevServer answer the front-end paths from disk (call before serving)."""
    site = site or StaticSite.from_package_json()
    wrapped = local_server._wrapped_handler  # functools.partial(handler, app_object=, config=)
    handler = functools.partial(StaticSiteHandler, *wrapped.args, site=site, **wrapped.keywords)
    local_server._wrapped_handler = handler
    local_server.server.RequestHandlerClass = handler
    return site

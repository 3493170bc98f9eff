"""The local stack serves the front ends on the API's port: right files, right types, nothing else."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import pytest

from devstack.static import StaticSite


def fetch(base_url: str, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """One raw request (no client-side normalising of `..` or `%2e`)."""
    host = urlsplit(base_url)
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
    try:
        conn.request(method, path)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/app/", "text/html; charset=utf-8"),
        ("/app/index.html", "text/html; charset=utf-8"),
        ("/app/main.js", "text/javascript; charset=utf-8"),
        ("/app/app.css", "text/css; charset=utf-8"),
        ("/shared/api.js", "text/javascript; charset=utf-8"),
        ("/vendor/chart.js/dist/chart.umd.min.js", "text/javascript; charset=utf-8"),
    ],
)
def test_front_end_files_are_served_with_their_types(base_url, path, content_type):
    status, headers, body = fetch(base_url, path)
    assert status == 200 and headers["content-type"] == content_type and body
    assert headers["x-content-type-options"] == "nosniff" and headers["etag"]


@pytest.mark.parametrize(
    "path",
    [
        "/app/../README.md",
        "/app/%2e%2e/package.json",
        "/shared/..%2fpackage.json",
        "/app/nothing-here.js",
        "/app/.hidden",
        "/vendor/chart.js/package.json",
        "/vendor/chart.js/../../package.json",
        "/vendor/left-pad/index.js",
    ],
)
def test_no_file_outside_the_served_folders_and_whitelist(base_url, path):
    assert fetch(base_url, path)[0] == 404


def test_root_redirects_and_the_api_still_answers(base_url):
    status, headers, _ = fetch(base_url, "/")
    assert status == 302 and headers["location"] == "/app/"
    assert fetch(base_url, "/app")[1]["location"] == "/app/"
    assert fetch(base_url, "/app/", "POST")[0] == 405
    status, headers, _ = fetch(base_url, "/v1/health")
    assert status == 200 and headers["content-type"].startswith("application/json")


def test_the_vendor_whitelist_comes_from_package_json():
    site = StaticSite.from_package_json()
    assert "dist/chart.umd.min.js" in site.vendor["chart.js"]
    assert site.resolve("/vendor/chart.js/dist/chart.umd.min.js") is not None
    assert site.resolve("/vendor/chart.js/dist/chart.js") is None

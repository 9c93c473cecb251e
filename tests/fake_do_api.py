"""A small local stand-in for the DigitalOcean API (/v2/spaces/keys, /v2/cdn/endpoints).

It follows the request and response shapes of DigitalOcean's public OpenAPI: lists paged
with `links.pages.next` and `meta.total`, 201 with the key's secret only on create, 204 on
delete, errors as {"id", "message"}. Tests queue faults (401, 403, 429 with Retry-After,
5xx) and read back every request the server received.

HTTP/1.0: the server closes each connection after its answer, so no handler thread
outlives a test waiting on a keep-alive connection.
"""

from __future__ import annotations

import contextlib
import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

TOKEN = "dop_v1_" + "0123456789abcdef" * 4
TTLS = (60, 600, 3600, 86400, 604800)
MAX_PURGE_FILES = 50


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    authorization: str


@dataclass
class Fault:
    status: int
    times: int
    path: str = ""  # a path prefix; "" matches any
    method: str = ""
    retry_after: str | None = None


@dataclass
class FakeDoApi:
    """The server's state; every field may be read or set by a test (under `lock`)."""

    url: str = ""
    token: str = TOKEN
    scopes: set[str] = field(default_factory=lambda: {"spaces_key", "cdn"})
    page_size: int | None = None  # overrides per_page, so a few items already take pages
    keys: dict[str, dict[str, Any]] = field(default_factory=dict)
    endpoints: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    purged: list[list[str]] = field(default_factory=list)
    secrets: dict[str, str] = field(default_factory=dict)  # by access key: what create answered
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(
        self, status: int, times: int = 1, *, path: str = "", method: str = "", retry_after: str | None = None
    ) -> None:
        with self.lock:
            self.faults.append(Fault(status, times, path, method, retry_after))

    def add_key(self, name: str, grants: list[dict[str, str]] | None = None) -> str:
        access_key = "DO" + uuid.uuid4().hex[:18].upper()
        with self.lock:
            self.keys[access_key] = {
                "name": name,
                "access_key": access_key,
                "grants": grants if grants is not None else [{"bucket": "", "permission": "fullaccess"}],
                "created_at": "2026-12-04T10:00:00Z",
            }
        return access_key

    def add_endpoint(self, origin: str, ttl: int = 3600) -> str:
        endpoint_id = str(uuid.uuid4())
        with self.lock:
            self.endpoints[endpoint_id] = _endpoint(endpoint_id, origin, ttl)
        return endpoint_id

    def requests_to(self, method: str, path_prefix: str) -> list[Request]:
        with self.lock:
            return [r for r in self.requests if r.method == method and r.path.startswith(path_prefix)]


def _endpoint(endpoint_id: str, origin: str, ttl: int) -> dict[str, Any]:
    return {
        "id": endpoint_id,
        "origin": origin,
        "endpoint": origin.replace(".digitaloceanspaces.com", ".cdn.digitaloceanspaces.com"),
        "ttl": ttl,
        "created_at": "2026-12-04T10:00:00Z",
    }


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _handle(self, method: str) -> None:
        api = self.server.api
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode(errors="replace")
        path = unquote(parts.path)
        with api.lock:
            api.requests.append(
                Request(method, path, parse_qs(parts.query), body, self.headers.get("Authorization", ""))
            )
            fault = next(
                (
                    f
                    for f in api.faults
                    if f.times > 0 and path.startswith(f.path) and f.method in ("", method)
                ),
                None,
            )
            if fault is not None:
                fault.times -= 1
        if fault is not None:
            headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
            self._error(fault.status, "fault", "A fault the test asked for.", headers)
            return
        if self.headers.get("Authorization") != f"Bearer {api.token}":
            self._error(401, "unauthorized", "Unable to authenticate you.")
            return
        scope = "spaces_key" if path.startswith("/v2/spaces/keys") else "cdn"
        if scope not in api.scopes:
            self._error(403, "forbidden", "You are not authorized to perform this operation.")
            return
        with api.lock:
            status, answer = self._route(api, method, path, parse_qs(parts.query), body)
        self._send(status, answer)

    def _route(
        self, api: FakeDoApi, method: str, path: str, query: dict[str, list[str]], body: Any
    ) -> tuple[int, Any]:
        segments = path.strip("/").split("/")
        if segments[:3] == ["v2", "spaces", "keys"]:
            return self._keys(api, method, segments[3:], query, body)
        if segments[:3] == ["v2", "cdn", "endpoints"]:
            return self._endpoints(api, method, segments[3:], query, body)
        return 404, {"id": "not_found", "message": "The resource you were accessing could not be found."}

    def _page(
        self, api: FakeDoApi, path: str, field_name: str, items: list[Any], query: dict[str, list[str]]
    ) -> tuple[int, Any]:
        per_page = api.page_size or int(query.get("per_page", ["20"])[0])
        page = int(query.get("page", ["1"])[0])
        chunk = items[(page - 1) * per_page : page * per_page]
        pages: dict[str, str] = {}
        if page * per_page < len(items):
            pages["next"] = f"{api.url}{path}?page={page + 1}&per_page={per_page}"
            pages["last"] = f"{api.url}{path}?page={-(-len(items) // per_page)}&per_page={per_page}"
        if page > 1:
            pages["prev"] = f"{api.url}{path}?page={page - 1}&per_page={per_page}"
        return 200, {field_name: chunk, "links": {"pages": pages}, "meta": {"total": len(items)}}

    def _keys(
        self, api: FakeDoApi, method: str, rest: list[str], query: dict[str, list[str]], body: Any
    ) -> tuple[int, Any]:
        if not rest and method == "GET":
            return self._page(api, "/v2/spaces/keys", "keys", list(api.keys.values()), query)
        if not rest and method == "POST":
            if not isinstance(body, dict) or not body.get("name"):
                return 422, {"id": "unprocessable_entity", "message": "name is required"}
            access_key = "DO" + uuid.uuid4().hex[:18].upper()
            key = {
                "name": body["name"],
                "access_key": access_key,
                "grants": body.get("grants") or [],
                "created_at": "2026-12-04T11:00:00Z",
            }
            api.keys[access_key] = key
            api.secrets[access_key] = "secret-" + uuid.uuid4().hex
            return 201, {"key": {**key, "secret_key": api.secrets[access_key]}}
        if len(rest) == 1 and rest[0] in api.keys:
            if method == "PUT" and isinstance(body, dict) and body.get("name"):
                api.keys[rest[0]]["name"] = body["name"]
                return 200, {"key": api.keys[rest[0]]}
            if method == "DELETE":
                del api.keys[rest[0]]
                return 204, None
        return 404, {"id": "not_found", "message": "The resource you were accessing could not be found."}

    def _endpoints(
        self, api: FakeDoApi, method: str, rest: list[str], query: dict[str, list[str]], body: Any
    ) -> tuple[int, Any]:
        if not rest and method == "GET":
            return self._page(api, "/v2/cdn/endpoints", "endpoints", list(api.endpoints.values()), query)
        if not rest and method == "POST":
            if not isinstance(body, dict) or not body.get("origin"):
                return 422, {"id": "unprocessable_entity", "message": "origin is required"}
            ttl = body.get("ttl", 3600)
            if ttl not in TTLS:
                return 422, {"id": "unprocessable_entity", "message": "invalid ttl"}
            if any(e["origin"] == body["origin"] for e in api.endpoints.values()):
                return 409, {"id": "conflict", "message": "endpoint already exists for this origin"}
            endpoint_id = str(uuid.uuid4())
            api.endpoints[endpoint_id] = _endpoint(endpoint_id, body["origin"], ttl)
            return 201, {"endpoint": api.endpoints[endpoint_id]}
        if rest and rest[0] in api.endpoints:
            endpoint = api.endpoints[rest[0]]
            if len(rest) == 1 and method == "PUT" and isinstance(body, dict) and body.get("ttl") in TTLS:
                endpoint["ttl"] = body["ttl"]
                return 200, {"endpoint": endpoint}
            if len(rest) == 1 and method == "DELETE":
                del api.endpoints[rest[0]]
                return 204, None
            if rest[1:] == ["cache"] and method == "DELETE":
                files = body.get("files") if isinstance(body, dict) else None
                if not files or len(files) > MAX_PURGE_FILES:
                    return 422, {"id": "unprocessable_entity", "message": "files must hold 1 to 50 paths"}
                api.purged.append(list(files))
                return 204, None
        return 404, {"id": "not_found", "message": "The resource you were accessing could not be found."}

    def _error(self, status: int, error_id: str, message: str, headers: dict[str, str] | None = None) -> None:
        self._send(status, {"id": error_id, "message": message}, headers)

    def _send(self, status: int, answer: Any, headers: dict[str, str] | None = None) -> None:
        data = b"" if answer is None else json.dumps(answer).encode()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if data:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class _Server(ThreadingHTTPServer):
    api: FakeDoApi


@contextlib.contextmanager
def serve_fake_do_api() -> Iterator[FakeDoApi]:
    """Run a fake DigitalOcean API on 127.0.0.1 until the block ends."""
    server = _Server(("127.0.0.1", 0), _Handler)
    api = FakeDoApi()
    api.url = f"http://127.0.0.1:{server.server_address[1]}"
    server.api = api
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="fake-do-api", daemon=True)
    thread.start()
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()
        thread.join()

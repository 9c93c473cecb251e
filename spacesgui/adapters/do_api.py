"""KeyAdmin and CdnAdmin over the DigitalOcean API v2, with urllib3.

Errors are mapped here to core errors in plain words; the token is only ever put in the
Authorization header, never in a message or a log line. Blocking: call from worker threads.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any
from urllib.parse import quote, urlsplit

import urllib3

from spacesgui.core.do_api import (
    DEFAULT_API_URL,
    ApiRateLimited,
    ApiScopeMissing,
    ApiServerError,
    ApiTokenInvalid,
    ApiTokenMissing,
    ApiUnreachable,
    CdnEndpoint,
    CreatedKey,
    KeyGrant,
    Permission,
    SpacesKey,
    check_key_request,
    check_ttl,
    purge_batches,
)
from spacesgui.core.errors import InvalidInput, NotFound, SpacesError

log = logging.getLogger(__name__)

PER_PAGE = 200  # the API's largest page
# 429: wait as long as Retry-After says, but never longer than this; past it, say so.
MAX_RETRY_AFTER_S = 30.0
RATE_LIMIT_RETRIES = 3
# 5xx and dropped connections: wait this long before each retry, then give up and say so.
SERVER_BACKOFF_S = (0.5, 1.5, 4.0)
TIMEOUT = urllib3.Timeout(connect=10.0, read=30.0)
ENDPOINT_CHECK_PAGES = 100  # a loop guard: no account has 20,000 keys


class DoApiClient:
    """The DigitalOcean API for one personal access token. Thread-safe (urllib3's pool)."""

    def __init__(
        self,
        token: str,
        base_url: str = DEFAULT_API_URL,
        *,
        backoff_s: Sequence[float] = SERVER_BACKOFF_S,
        max_retry_after_s: float = MAX_RETRY_AFTER_S,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not token.strip():
            raise ApiTokenMissing("Enter a DigitalOcean personal access token first.")
        self._token = token.strip()
        self._base = base_url.rstrip("/")
        self._backoff = tuple(backoff_s)
        self._max_wait = max_retry_after_s
        self._sleep = sleep
        self._http = urllib3.PoolManager(timeout=TIMEOUT, retries=False)

    def close(self) -> None:
        """Close pooled connections (the API keeps them alive otherwise)."""
        self._http.clear()

    # -- KeyAdmin -------------------------------------------------------------------------
    def list_keys(self) -> list[SpacesKey]:
        return [_key(item) for item in self._pages("/v2/spaces/keys", "keys")]

    def create_key(self, name: str, grants: Sequence[KeyGrant]) -> CreatedKey:
        check_key_request(name, grants)
        body = {
            "name": name.strip(),
            "grants": [{"bucket": g.bucket, "permission": g.permission.value} for g in grants],
        }
        answer = self._call("POST", "/v2/spaces/keys", body, what="create the key")
        item = answer.get("key") or {}
        secret = str(item.get("secret_key") or "")
        if not secret:
            raise ApiServerError("DigitalOcean created the key but sent no secret key with it.")
        return CreatedKey(_key(item), secret)

    def rename_key(self, access_key: str, name: str) -> SpacesKey:
        if not name.strip():
            raise InvalidInput("A key's name cannot be empty.")
        path = f"/v2/spaces/keys/{_segment(access_key)}"
        answer = self._call("PUT", path, {"name": name.strip()}, what="rename the key")
        return _key(answer.get("key") or {"name": name.strip(), "access_key": access_key})

    def delete_key(self, access_key: str) -> None:
        self._call("DELETE", f"/v2/spaces/keys/{_segment(access_key)}", None, what="delete the key")

    # -- CdnAdmin -------------------------------------------------------------------------
    def list_endpoints(self) -> list[CdnEndpoint]:
        return [_endpoint(item) for item in self._pages("/v2/cdn/endpoints", "endpoints")]

    def create_endpoint(self, origin: str, ttl: int) -> CdnEndpoint:
        body = {"origin": origin, "ttl": check_ttl(ttl)}
        answer = self._call("POST", "/v2/cdn/endpoints", body, what="switch the CDN on")
        return _endpoint(answer.get("endpoint") or {})

    def update_endpoint_ttl(self, endpoint_id: str, ttl: int) -> CdnEndpoint:
        path = f"/v2/cdn/endpoints/{_segment(endpoint_id)}"
        answer = self._call("PUT", path, {"ttl": check_ttl(ttl)}, what="change the CDN cache time")
        return _endpoint(answer.get("endpoint") or {})

    def delete_endpoint(self, endpoint_id: str) -> None:
        path = f"/v2/cdn/endpoints/{_segment(endpoint_id)}"
        self._call("DELETE", path, None, what="switch the CDN off")

    def purge_cache(self, endpoint_id: str, paths: Sequence[str]) -> None:
        path = f"/v2/cdn/endpoints/{_segment(endpoint_id)}/cache"
        for batch in purge_batches(paths):
            self._call("DELETE", path, {"files": batch}, what="purge the CDN cache")

    # -- HTTP -----------------------------------------------------------------------------
    def _pages(self, path: str, field: str) -> Iterator[dict[str, Any]]:
        """Every item of a paged list, following links.pages.next."""
        target: str | None = f"{path}?per_page={PER_PAGE}"
        for _ in range(ENDPOINT_CHECK_PAGES):
            if target is None:
                return
            answer = self._call("GET", target, None, what="read the list")
            items = answer.get(field)
            if not isinstance(items, list):
                raise ApiServerError(f"DigitalOcean answered without a “{field}” list.")
            yield from (item for item in items if isinstance(item, dict))
            target = _next_page(answer)
        raise ApiServerError("DigitalOcean kept sending more pages; the list was cut short.")

    def _call(self, method: str, target: str, body: object, *, what: str) -> dict[str, Any]:
        """Send one request (retrying 429 and 5xx as allowed); return the JSON answer ({} for 204)."""
        url = self._base + target
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": f"Bearer {self._token}", "Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        rate_limited = 0
        failures = 0
        while True:
            try:
                response = self._http.request(method, url, body=data, headers=headers, redirect=False)
            except urllib3.exceptions.HTTPError as exc:
                failures += 1
                log.warning("DigitalOcean API %s %s: %s", method, _path_of(url), type(exc).__name__)
                if failures > len(self._backoff):
                    raise ApiUnreachable(
                        f"Could not reach the DigitalOcean API to {what}. Check the network and try again.",
                        detail=type(exc).__name__,
                    ) from exc
                self._sleep(self._backoff[failures - 1])
                continue
            status = response.status
            if status == 429:
                rate_limited += 1
                wait = _retry_after(response.headers.get("Retry-After"))
                if rate_limited > RATE_LIMIT_RETRIES or wait > self._max_wait:
                    raise ApiRateLimited(
                        f"DigitalOcean is limiting how often the API may be called, so spacesgui could not "
                        f"{what}. Wait {max(1, round(wait))} seconds and try again."
                    )
                log.info("DigitalOcean API rate limit: waiting %.1f s before retrying", wait)
                self._sleep(wait)
                continue
            if status >= 500:
                failures += 1
                log.warning("DigitalOcean API %s %s answered %d", method, _path_of(url), status)
                if failures > len(self._backoff):
                    raise ApiServerError(
                        f"The DigitalOcean API had a server error ({status}) each of {failures} times "
                        f"spacesgui tried to {what}. Try again later; DigitalOcean's status page may say more.",
                        detail=_message_of(response.data),
                    )
                self._sleep(self._backoff[failures - 1])
                continue
            return _answer(response, what)


def _answer(response: urllib3.BaseHTTPResponse, what: str) -> dict[str, Any]:
    status = response.status
    message = _message_of(response.data)
    if status == 401:
        raise ApiTokenInvalid(
            "DigitalOcean did not accept the API token: it may be mistyped, expired or revoked. "
            "Create a new personal access token in the control panel (API → Tokens) and enter it.",
            detail=message,
        )
    if status == 403:
        raise ApiScopeMissing(
            f"The API token may not {what}: it lacks the needed scope. Give the token the "
            "“spaces_key” and “cdn” scopes (create, read, update, delete) in the control panel.",
            detail=message,
        )
    if status == 404:
        raise NotFound(f"DigitalOcean could not {what}: it no longer exists.", detail=message)
    if status >= 400:
        said = f" DigitalOcean said: {message}" if message else ""
        raise SpacesError(f"DigitalOcean refused to {what} ({status}).{said}", detail=message)
    if status == 204 or not response.data:
        return {}
    try:
        answer = json.loads(response.data)
    except ValueError as exc:
        raise ApiServerError("DigitalOcean sent an answer that is not JSON.") from exc
    if not isinstance(answer, dict):
        raise ApiServerError("DigitalOcean sent an answer of an unexpected shape.")
    return answer


def _message_of(data: bytes) -> str:
    try:
        answer = json.loads(data) if data else {}
    except ValueError:
        return ""
    return str(answer.get("message", "")) if isinstance(answer, dict) else ""


def _retry_after(value: str | None) -> float:
    """Seconds to wait: Retry-After as seconds (the API's form); 1 when missing or odd."""
    try:
        return max(0.0, float(value)) if value is not None else 1.0
    except ValueError:
        return 1.0


def _next_page(answer: dict[str, Any]) -> str | None:
    """The next page's path and query; the token is only ever sent to the configured base."""
    links = answer.get("links")
    pages = links.get("pages") if isinstance(links, dict) else None
    url = pages.get("next") if isinstance(pages, dict) else None
    if not isinstance(url, str) or not url:
        return None
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _path_of(url: str) -> str:
    return urlsplit(url).path


def _segment(value: str) -> str:
    return quote(value, safe="")


def _key(item: dict[str, Any]) -> SpacesKey:
    grants = []
    for grant in item.get("grants") or ():
        if not isinstance(grant, dict):
            continue
        try:
            permission = Permission(str(grant.get("permission", "")))
        except ValueError:
            continue
        grants.append(KeyGrant(str(grant.get("bucket") or ""), permission))
    return SpacesKey(
        str(item.get("name") or ""),
        str(item.get("access_key") or ""),
        tuple(grants),
        str(item.get("created_at") or ""),
    )


def _endpoint(item: dict[str, Any]) -> CdnEndpoint:
    if not item.get("id"):
        raise ApiServerError("DigitalOcean answered without the CDN endpoint's id.")
    return CdnEndpoint(
        str(item["id"]),
        str(item.get("origin") or ""),
        str(item.get("endpoint") or ""),
        int(item.get("ttl") or 0),
        str(item.get("custom_domain") or ""),
        str(item.get("created_at") or ""),
    )

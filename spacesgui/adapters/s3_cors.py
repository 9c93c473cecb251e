"""BucketCors over boto3: read, replace and delete a Space's CORS rules; ask it what a browser would. S3Store mixes it in.

The preflight and the GET with an Origin are plain HTTP requests to the Space's own
address, sent with botocore's HTTP session (urllib3 underneath): the same proxies and
certificates as the client, and failures that s3_errors already translates. The address
is the one the client itself uses (path-style or virtual-hosted), taken from a URL it
signs, as S3LinkOps.public_url does.

Thread-safe and blocking; every call opens and closes its own connection, so nothing is
kept alive between tests or calls.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit
from xml.etree import ElementTree

from botocore.awsrequest import AWSRequest
from botocore.httpsession import URLLib3Session
from botocore.utils import get_environ_proxies

from spacesgui.adapters.s3_client import CONNECT_TIMEOUT_S, READ_TIMEOUT_S
from spacesgui.adapters.tls_trust import botocore_verify
from spacesgui.core.accounts import Account
from spacesgui.core.cors import CorsRule, validate_rules
from spacesgui.core.cors_preflight import CorsAnswer, PreflightRequest
from spacesgui.core.errors import InvalidInput, NotConfigured

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

# A signed GET of the Space for the Origin test only needs to live while it is sent.
_SIGNED_GET_EXPIRY_S = 300
# Error bodies are small XML documents; a larger answer is not read for its code.
_MAX_ERROR_BODY = 64 * 1024
# The response headers kept: those a browser reads for CORS, and Vary.
_KEPT_HEADERS = ("access-control-", "vary")


class S3CorsOps:
    """The BucketCors calls, for a class with `_client` and `_call` (S3Store)."""

    _client: S3Client
    account: Account

    if TYPE_CHECKING:

        def _call(self, operation: str, bucket: str, call: Callable[[], Any]) -> Any: ...

    def get_cors(self, bucket: str) -> tuple[CorsRule, ...]:
        """The stored rules in order; () when the server answers NoSuchCORSConfiguration."""
        try:
            response = self._call(
                "GetBucketCors", bucket, lambda: self._client.get_bucket_cors(Bucket=bucket)
            )
        except NotConfigured:
            return ()
        return tuple(_rule_from_wire(rule) for rule in response.get("CORSRules", ()))

    def put_cors(self, bucket: str, rules: Sequence[CorsRule]) -> None:
        """Replace the rules (PutBucketCors, with Content-MD5: see s3_client.MD5_OPERATIONS).

        Raises InvalidInput for no rules (S3 refuses an empty configuration: delete it
        instead) or a rule validate_rules finds fault with.
        """
        if not rules:
            raise InvalidInput("A CORS configuration needs at least one rule; delete it instead.")
        problems = validate_rules(rules)
        if problems:
            raise InvalidInput(problems[0].describe())
        configuration: Any = {"CORSRules": [_rule_to_wire(rule) for rule in rules]}
        self._call(
            "PutBucketCors",
            bucket,
            lambda: self._client.put_bucket_cors(Bucket=bucket, CORSConfiguration=configuration),
        )

    def delete_cors(self, bucket: str) -> None:
        self._call("DeleteBucketCors", bucket, lambda: self._client.delete_bucket_cors(Bucket=bucket))

    def preflight(self, bucket: str, request: PreflightRequest) -> CorsAnswer:
        """OPTIONS on the Space's address with the preflight headers a browser sends."""
        headers = {"Origin": request.origin, "Access-Control-Request-Method": request.method}
        if request.headers:
            headers["Access-Control-Request-Headers"] = ",".join(request.headers)
        url = self._space_url(bucket)
        answer: CorsAnswer = self._call(
            "Preflight", bucket, lambda: _send("OPTIONS", url, headers, self._verify())
        )
        return answer

    def get_with_origin(self, bucket: str, origin: str) -> CorsAnswer:
        """A GET of the Space (a one-key listing, signed in its URL) with an Origin header.

        Signed, as a page that lists or fetches with a presigned link would send it, so a
        private Space answers too; the signature covers no header, so adding Origin is fine.
        """

        def sign() -> str:
            return self._client.generate_presigned_url(
                "list_objects_v2", Params={"Bucket": bucket, "MaxKeys": 1}, ExpiresIn=_SIGNED_GET_EXPIRY_S
            )

        url = str(self._call("Presign", bucket, sign))
        answer: CorsAnswer = self._call(
            "GetWithOrigin", bucket, lambda: _send("GET", url, {"Origin": origin}, self._verify())
        )
        return answer

    def _verify(self) -> bool | str:
        return botocore_verify(self.account)

    def _space_url(self, bucket: str) -> str:
        """The unsigned address of the Space, as the client addresses it (path or virtual host)."""

        def sign() -> str:
            return self._client.generate_presigned_url("head_bucket", Params={"Bucket": bucket}, ExpiresIn=60)

        signed = urlsplit(str(self._call("Presign", bucket, sign)))
        return urlunsplit((signed.scheme, signed.netloc, signed.path or "/", "", ""))


def _send(method: str, url: str, headers: Mapping[str, str], verify: bool | str) -> CorsAnswer:
    """Send one request on a connection of its own and close it. Worker thread.

    `verify` is the account's (tls_trust.botocore_verify): its CA bundle, or True.
    """
    # botocore takes a CA bundle path and a (connect, read) pair here; its stubs say bool and int.
    session = URLLib3Session(
        verify=verify,  # type: ignore[arg-type]
        proxies=get_environ_proxies(url),
        timeout=(CONNECT_TIMEOUT_S, READ_TIMEOUT_S),  # type: ignore[arg-type]
    )
    try:
        prepared = AWSRequest(method=method, url=url, headers=dict(headers)).prepare()
        response = session.send(prepared)
        kept = tuple(
            (name.lower(), value)
            for name, value in response.headers.items()
            if name.lower().startswith(_KEPT_HEADERS)
        )
        body = response.content if len(response.content) <= _MAX_ERROR_BODY else b""
        code = _error_code(body) if response.status_code >= 300 else ""
        # The address without its query: a signed GET's query is a credential, not to be shown.
        return CorsAnswer(response.status_code, kept, code, url.partition("?")[0])
    finally:
        session.close()


def _error_code(body: bytes) -> str:
    """The <Code> of an S3 XML error body, or ""."""
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        return ""
    code = next((e.text for e in root.iter() if e.tag.rpartition("}")[2] == "Code"), None)
    return (code or "").strip()


def _rule_to_wire(rule: CorsRule) -> dict[str, Any]:
    wire: dict[str, Any] = {"AllowedOrigins": list(rule.origins), "AllowedMethods": list(rule.methods)}
    if rule.rule_id:
        wire["ID"] = rule.rule_id
    if rule.allowed_headers:
        wire["AllowedHeaders"] = list(rule.allowed_headers)
    if rule.expose_headers:
        wire["ExposeHeaders"] = list(rule.expose_headers)
    if rule.max_age_seconds is not None:
        wire["MaxAgeSeconds"] = rule.max_age_seconds
    return wire


def _rule_from_wire(wire: Mapping[str, Any]) -> CorsRule:
    max_age = wire.get("MaxAgeSeconds")
    return CorsRule(
        rule_id=str(wire.get("ID") or ""),
        origins=tuple(str(o) for o in wire.get("AllowedOrigins", ())),
        methods=tuple(str(m) for m in wire.get("AllowedMethods", ())),
        allowed_headers=tuple(str(h) for h in wire.get("AllowedHeaders", ())),
        expose_headers=tuple(str(h) for h in wire.get("ExposeHeaders", ())),
        max_age="" if max_age is None else str(max_age),
    )

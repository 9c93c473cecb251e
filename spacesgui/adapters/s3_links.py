"""LinkSigner over boto3: presigned GET and PUT links, public and CDN addresses. S3Store mixes it in.

Nothing here sends a request: botocore signs locally with the account's own client, so a
link uses the endpoint, addressing style and region every other call uses. The public
address is a presigned one without its query for the same reason: whatever botocore
decides about virtual-hosted or path-style addressing and key encoding, it decides once.

Thread-safe: the SigV2 client is made once, under `_state_lock`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from spacesgui.adapters.s3_client import make_client
from spacesgui.core.accounts import Account, Credentials
from spacesgui.core.object_headers import META_PREFIX
from spacesgui.core.share_links import Signature, check_expiry
from spacesgui.core.upload_links import ACL_HEADER, Header

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

# A public address needs no expiry, but botocore wants one to sign the URL that is then cut.
_ANY_EXPIRY_S = 60
# The PutObject parameter each signed header of an upload link is given as.
_PUT_PARAMS = {
    "content-type": "ContentType",
    "cache-control": "CacheControl",
    "content-disposition": "ContentDisposition",
    "content-encoding": "ContentEncoding",
    "content-language": "ContentLanguage",
    ACL_HEADER: "ACL",
}


class S3LinkOps:
    """The LinkSigner calls, for a class with `account`, `_client`, `_credentials` and `_call`."""

    account: Account
    _client: S3Client
    _credentials: Credentials
    _v2_client: S3Client | None
    _state_lock: threading.Lock

    if TYPE_CHECKING:

        def _call(self, operation: str, bucket: str, call: Callable[[], Any]) -> Any: ...

    def _sign(
        self, client: S3Client, method: str, bucket: str, key: str, expires_s: int, **params: str
    ) -> str:
        def sign() -> str:
            return client.generate_presigned_url(
                method,
                Params={"Bucket": bucket, "Key": key, **params},
                ExpiresIn=expires_s,
            )

        return str(self._call("Presign", bucket, sign))

    def presign_get_v4(self, bucket: str, key: str, expires_s: int) -> str:
        """A GET link signed with SigV4, valid for `expires_s` (1 minute to 7 days)."""
        check_expiry(expires_s, Signature.V4)
        return self._sign(self._client, "get_object", bucket, key, expires_s)

    def presign_get_v2(self, bucket: str, key: str, expires_s: int) -> str:
        """A GET link signed with SigV2 (AWSAccessKeyId, Expires, Signature): any expiry.

        The original Spaces accepted only these; AWS and many newer servers refuse them.
        """
        check_expiry(expires_s, Signature.V2)
        return self._sign(self._signing_client_v2(), "get_object", bucket, key, expires_s)

    def presign_put(self, bucket: str, key: str, expires_s: int, *, headers: Sequence[Header] = ()) -> str:
        """A link anyone can upload `key` with (HTTP PUT of the bytes), signed with SigV4.

        `headers` are signed: the uploader must send each, as it is (core/upload_links.py).
        """
        check_expiry(expires_s, Signature.V4)
        params: dict[str, Any] = {}
        metadata: dict[str, str] = {}
        for name, value in headers:
            lower = name.lower()
            if lower.startswith(META_PREFIX):
                metadata[lower.removeprefix(META_PREFIX)] = value
            else:
                params[_PUT_PARAMS[lower]] = value
        if metadata:
            params["Metadata"] = metadata
        return self._sign(self._client, "put_object", bucket, key, expires_s, **params)

    def public_url(self, bucket: str, key: str) -> str:
        """The unsigned address of `key`: it opens in a browser once the object is public."""
        signed = urlsplit(self._sign(self._client, "get_object", bucket, key, _ANY_EXPIRY_S))
        return urlunsplit((signed.scheme, signed.netloc, signed.path, "", ""))

    def cdn_url(self, bucket: str, key: str) -> str:
        """The provider's CDN address of `key` (DigitalOcean), or "" where there is none."""
        return self.account.cdn_url(bucket, key)

    def _signing_client_v2(self) -> S3Client:
        with self._state_lock:
            if self._v2_client is None:
                self._v2_client = make_client(self.account, self._credentials, signature_version="s3")
            return self._v2_client

"""Translate botocore and network failures into core errors with human messages.

This is the only module that knows botocore's exception types.
"""

from __future__ import annotations

import logging

from botocore import exceptions as bex

from spacesgui.core import errors
from spacesgui.core.tls import is_certificate_problem, tls_failure_message

log = logging.getLogger(__name__)

_AUTH_CODES = {"InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "InvalidSecurity"}  # fmt: skip
_THROTTLE_CODES = {"SlowDown", "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequests", "ServiceUnavailable", "503"}  # fmt: skip
_DIGEST_CODES = {"InvalidDigest", "BadDigest", "XAmzContentSHA256Mismatch"}
_TOO_LARGE_CODES = {"EntityTooLarge", "RequestEntityTooLarge", "413"}
_COPY_OPERATIONS = {"CopyObject", "UploadPartCopy"}
# A Space setting that is not set: an answer, not a failure (the adapter reads it as "none").
_NOT_CONFIGURED_CODES = {
    "NoSuchCORSConfiguration", "NoSuchLifecycleConfiguration", "NoSuchBucketPolicy",
    "NoSuchWebsiteConfiguration", "NoSuchTagSet", "ServerSideEncryptionConfigurationNotFoundError",
    "NoSuchPublicAccessBlockConfiguration", "ReplicationConfigurationNotFoundError",
}  # fmt: skip
# Space settings calls; some servers answer one they lack with 405 Method Not Allowed.
_SETTINGS_OPERATIONS = {
    "GetBucketAcl", "GetBucketCors", "PutBucketCors", "DeleteBucketCors", "GetBucketVersioning",
    "PutBucketVersioning", "GetBucketLifecycleConfiguration", "PutBucketLifecycleConfiguration",
    "DeleteBucketLifecycle", "GetBucketPolicy", "PutBucketPolicy", "DeleteBucketPolicy",
    "GetBucketLogging", "PutBucketLogging",
}  # fmt: skip
# Errors finishing a multipart upload: what went wrong, in words.
_MULTIPART_MESSAGES = {
    "EntityTooSmall": (
        "The server refused to join the uploaded parts: every part but the last must be at least 5 MiB."
    ),
    "InvalidPart": (
        "The server is missing one of the uploaded parts, or holds different bytes for it. "
        "Upload the file again."
    ),
    "InvalidPartOrder": "The server refused to join the uploaded parts: they were not listed in order.",
}


def translate(exc: BaseException, *, operation: str, endpoint: str, bucket: str = "") -> errors.SpacesError:
    """Return the core error that says to a person what `exc` means."""
    detail = f"{operation} on {endpoint}: {type(exc).__name__}: {exc}"
    result = _translate(exc, operation=operation, endpoint=endpoint, bucket=bucket)
    result.detail = result.detail or detail  # a core error passed through keeps its own
    return result


def _translate(exc: BaseException, *, operation: str, endpoint: str, bucket: str) -> errors.SpacesError:
    if isinstance(exc, errors.SpacesError):
        return exc
    if isinstance(exc, bex.ClientError):
        return _from_client_error(exc, operation=operation, endpoint=endpoint, bucket=bucket)
    if isinstance(exc, bex.NoCredentialsError | bex.PartialCredentialsError):
        return errors.MissingCredentials("Enter both the access key and the secret key.")
    if isinstance(exc, bex.SSLError):
        return tls_error(endpoint, str(exc))
    if isinstance(exc, bex.ConnectTimeoutError):
        return errors.Timeout(f"{endpoint} did not answer in time. Check the address and your network.")
    if isinstance(exc, bex.ReadTimeoutError):
        return errors.Timeout(f"{endpoint} stopped answering. Try again in a moment.")
    if isinstance(exc, bex.EndpointConnectionError | bex.ConnectionClosedError):
        return _from_connection_error(exc, endpoint)
    inner = getattr(exc, "kwargs", {}).get("error") if isinstance(exc, bex.HTTPClientError) else None
    if isinstance(inner, errors.SpacesError):
        return inner  # raised by a request body (the engine's reader) while it was being sent
    if isinstance(exc, bex.ResponseStreamingError | bex.IncompleteReadError):
        return errors.NetworkError(f"The connection to {endpoint} broke off during the transfer. Try again.")
    if isinstance(exc, bex.HTTPClientError):
        return errors.NetworkError(f"The connection to {endpoint} failed: {exc}")
    if isinstance(exc, bex.ParamValidationError):
        return errors.InvalidInput(f"The request was not valid: {exc}")
    if isinstance(exc, ValueError) and "endpoint" in str(exc).lower():
        return errors.InvalidEndpoint(f"“{endpoint}” is not a valid server address.")
    if isinstance(exc, bex.BotoCoreError):
        return errors.ServerError(f"{operation} failed: {exc}")
    return errors.SpacesError(f"{operation} failed unexpectedly: {exc}")


def _from_connection_error(exc: BaseException, endpoint: str) -> errors.SpacesError:
    text = repr(getattr(exc, "kwargs", {}).get("error", "")) + " " + str(exc)
    lowered = text.lower()
    if any(
        marker in lowered
        for marker in ("name or service not known", "nodename nor servname", "getaddrinfo",
                       "name resolution", "no address associated", "failed to resolve")
    ):  # fmt: skip
        return errors.UnknownHost(
            f"The server name in {endpoint} could not be found. Check the address, and whether this computer is online."
        )
    if "refused" in lowered:
        return errors.ConnectionRefused(
            f"{endpoint} refused the connection. Is the address and port right, and is the server running?"
        )
    if "ssl" in lowered or "certificate" in lowered:
        return tls_error(endpoint, text)
    return errors.NetworkError(f"Could not connect to {endpoint}. Check the address and your network.")


def tls_error(endpoint: str, text: str) -> errors.SpacesError:
    """The core error for a secure connection that failed with error text `text`."""
    message = tls_failure_message(endpoint, text)
    if is_certificate_problem(text):
        return errors.UntrustedCertificate(message)
    return errors.TlsError(message)


def _from_client_error(
    exc: bex.ClientError, *, operation: str, endpoint: str, bucket: str
) -> errors.SpacesError:
    error = exc.response.get("Error", {})
    # An empty <Message/> parses as None: never shown as the word "None".
    code = str(error.get("Code") or "")
    server_message = str(error.get("Message") or "").strip()
    status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
    space = f"“{bucket}”" if bucket else "the Space"

    if code in ("AuthorizationHeaderMalformed", "IllegalLocationConstraintException", "PermanentRedirect"):
        return errors.InvalidEndpoint(
            "The server says this Space or account is in another region. Check the account's "
            f"region and endpoint. The server said: {server_message or code}"
        )
    if code in _AUTH_CODES:
        return errors.AuthError(
            "The server did not accept these keys: the access key or the secret key is wrong. "
            "Copy both again from your provider's control panel."
        )
    if code == "RequestTimeTooSkewed":
        return errors.ClockSkew(
            "Your computer's clock is too far from the server's time, so requests are refused. "
            "Set the clock right (turn on automatic time) and try again."
        )
    if code in _THROTTLE_CODES or status == 503:
        return errors.Throttled(
            "The server is asking for fewer requests (503 Slow Down) and kept doing so after "
            "several retries. Wait a minute and try again."
        )
    if code in _NOT_CONFIGURED_CODES:
        return errors.NotConfigured(f"{operation}: {space} has no such setting ({code}).")
    if code in ("NoSuchBucket",) or (
        status == 404 and operation in ("HeadBucket", "ListObjectsV2", "ListObjects", "DeleteBucket")
    ):
        return errors.NoSuchBucket(
            f"The Space {space} does not exist on {endpoint}. Check its name and region."
        )
    if code in ("AccessDenied", "AllAccessDisabled", "403") or status == 403:
        if operation == "ListBuckets":
            return errors.ListBucketsDenied(
                "These keys are not allowed to list Spaces (they may be limited to one Space). "
                "Enter the Space name in “Open this Space” to open it directly."
            )
        return errors.AccessDenied(
            f"These keys are not allowed to do this on {space}. "
            + (f"The server said: {server_message}" if server_message else "")
        )
    if code == "BucketNotEmpty":
        return errors.BucketNotEmpty(f"The Space {space} still holds objects. Delete them first.")
    if code in ("BucketAlreadyExists", "BucketAlreadyOwnedByYou"):
        return errors.BucketAlreadyExists(
            f"A Space named {space} already exists. Space names are shared by everyone on the "
            "service; pick another name."
        )
    if code == "InvalidBucketName":
        return errors.InvalidBucketName(f"The server rejected the name {space}: {server_message or code}")
    if code in _NOT_CONFIGURED_CODES:
        return errors.NotConfigured(f"{operation}: {space} has no such setting.")
    if operation in _SETTINGS_OPERATIONS and (code == "MethodNotAllowed" or status == 405):
        return errors.NotSupported(f"This server does not support {operation}.")
    if code == "MalformedPolicy":
        return errors.InvalidInput(f"The server refused the policy: {server_message or code}")
    if code == "InvalidTargetBucketForLogging":
        return errors.InvalidInput(
            "The server will not write logs into that Space. "
            + (f"The server said: {server_message}" if server_message else "")
        )
    if code == "MalformedXML" and operation in _SETTINGS_OPERATIONS:
        return errors.InvalidInput(f"The server refused the setting as malformed: {server_message or code}")
    if code == "NoSuchUpload":
        return errors.NotFound(
            "The server no longer has this multipart upload: it was finished or cancelled, "
            "perhaps by another app or a lifecycle rule."
        )
    if operation == "ListBuckets" and (code == "404" or status == 404):
        # An S3 server always has a list of Spaces (buckets), if only an empty one: this
        # address serves something else (a web page, a path in front of the API).
        return errors.InvalidEndpoint(
            f"{endpoint} answered “not found” when asked for its Spaces, so it does not look "
            "like an S3 server. Check the address: for DigitalOcean it is "
            "https://REGION.digitaloceanspaces.com, with no Space name or path after it."
        )
    if code in ("NoSuchKey", "404") or status == 404:
        return errors.NotFound(f"{operation}: the object was not found.")
    if (code in ("PreconditionFailed", "412") or status == 412) and operation in _COPY_OPERATIONS:
        return errors.ObjectChanged(
            "The file changed on the server while it was being copied, so it was not copied. Try again."
        )
    if code in ("PreconditionFailed", "412") or status == 412:
        return errors.ObjectChanged("The object changed on the server since the download started.")
    if code == "AccessControlListNotSupported":
        return errors.NotSupported(
            f"The Space {space} has access lists (ACLs) turned off, so files in it cannot be made "
            "public or private one by one. Its owner can allow ACLs, or use a bucket policy."
        )
    if code == "NotImplemented" or status == 501:
        return errors.NotSupported(
            f"This server does not support {operation}."
            + (f" The server said: {server_message}" if server_message else "")
        )
    if code in _DIGEST_CODES:
        return errors.IntegrityError(
            "The server received different bytes than were sent (their checksum did not match)."
        )
    if code in _MULTIPART_MESSAGES:
        return errors.ServerError(
            _MULTIPART_MESSAGES[code] + (f" The server said: {server_message}" if server_message else "")
        )
    if status == 413 or code in _TOO_LARGE_CODES:
        return errors.ServerError(
            "The server refused the upload as too large (413): the file or part is bigger than "
            "it accepts in one request."
        )
    if code == "TooManyBuckets":
        return errors.ServerError("Your account has reached its limit of Spaces.")
    reason = server_message or code or f"HTTP {status}"
    return errors.ServerError(f"{operation} failed: {reason}")

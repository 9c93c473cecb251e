"""Errors the whole app speaks: each carries a message a person can act on.

Adapters translate SDK and network failures into these; nothing above the
adapters ever sees a botocore exception.
"""

from __future__ import annotations

from spacesgui.core.redaction import redact


class SpacesError(Exception):
    """Base error: `message` is for people, `detail` is for the log."""

    title = "Something went wrong"

    def __init__(self, message: str, *, detail: str = "") -> None:
        # Error texts reach the window, the log and the activity record: no secret may ride along.
        message, detail = redact(message), redact(detail)
        super().__init__(message)
        self.message = message
        self.detail = detail

    def __str__(self) -> str:
        return self.message


class InvalidInput(SpacesError):
    title = "Check what you typed"


class InvalidTarget(InvalidInput):
    """The place chosen for a copy or move cannot take it (a folder into itself)."""

    title = "Choose another folder"


class KeyTooLong(InvalidTarget):
    """A copy, move or rename would make a key longer than S3 takes: a name or a place."""

    title = "The path would be too long"


class NoAccountYet(SpacesError):
    """Something needs an account and there is none yet: a hint, not a failure."""

    title = "No account yet"


class InvalidBucketName(InvalidInput):
    title = "Invalid Space name"


class InvalidEndpoint(InvalidInput):
    title = "Invalid endpoint"


class MissingCredentials(InvalidInput):
    title = "Keys missing"


class SecretMissing(MissingCredentials):
    """The account is known but its secret is not at hand (not remembered, or the keyring lost it)."""


class AuthError(SpacesError):
    title = "Keys not accepted"


class AccessDenied(SpacesError):
    title = "Access denied"


class ListBucketsDenied(AccessDenied):
    """The keys may not list Spaces; they may still open a named one directly."""

    title = "These keys cannot list Spaces"


class NotFound(SpacesError):
    title = "Not found"


class NoSuchBucket(NotFound):
    title = "No such Space"


class NotConfigured(NotFound):
    """A Space setting that is not set: no policy, no lifecycle rules, no CORS rules."""

    title = "Not set"


class BucketNotEmpty(SpacesError):
    title = "Space is not empty"


class BucketAlreadyExists(SpacesError):
    title = "Name already taken"


class AlreadyExists(InvalidInput):
    """A new folder or file name that is already used where it would go."""

    title = "Name already in use"


class NotSupported(SpacesError):
    """The server does not do this (no ACLs, no empty folders, ...); the message says what."""

    title = "Not supported by this server"


class NoSettingsApi(NotSupported):
    """The server ignores Space settings requests (it answers GET ?acl with a file listing).

    Such a server would read every settings request as something else, so none is sent.
    """


class Throttled(SpacesError):
    title = "Server is busy"


class ClockSkew(SpacesError):
    title = "Your clock is off"


class NetworkError(SpacesError):
    title = "Cannot reach the server"


class ConnectionRefused(NetworkError):
    pass


class UnknownHost(NetworkError):
    pass


class TlsError(NetworkError):
    title = "Secure connection failed"


class UntrustedCertificate(SpacesError):
    """The server's certificate is not trusted: retrying cannot help, the account's settings can."""

    title = "The server's certificate is not trusted"


class Timeout(NetworkError):
    title = "The server did not answer"


class ListingBroken(SpacesError):
    title = "Listing failed"


class ServerError(SpacesError):
    title = "The server reported an error"


class KeyringUnavailable(SpacesError):
    title = "Keyring unavailable"


class Cancelled(SpacesError):
    title = "Cancelled"


class LocalFileError(SpacesError):
    """Something about a file on this computer; the message names the file."""

    title = "Local file problem"


class LocalFileMissing(LocalFileError):
    title = "File not found"


class LocalFileUnreadable(LocalFileError):
    title = "File cannot be read"


class LocalFileChanged(LocalFileError):
    title = "File changed while uploading"


class DiskFull(LocalFileError):
    title = "Disk full"


class LocalWriteFailed(LocalFileError):
    title = "Cannot write the file"


class IntegrityError(SpacesError):
    """The bytes that arrived are not the bytes that were sent."""

    title = "Checksum mismatch"


class ObjectChanged(SpacesError):
    """The object changed on the server since the transfer was planned."""

    title = "Object changed on the server"


class TransferStopped(Exception):
    """Raised inside a transfer when the user paused or cancelled it; never shown as an error.

    Deliberately not a SpacesError: adapters let it pass untranslated.
    """

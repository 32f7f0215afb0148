"""The errors of the sync client, all in the :class:`~deskmate.core.errors.DeskmateError` family.

Each ``str()`` is a plain sentence an agent can read in the sidebar's status line:
what went wrong and what it means for them. None of them ever carries the token.
"""

from __future__ import annotations

from deskmate.core.errors import DeskmateError


class SyncError(DeskmateError):
    """A sync could not finish; the local copy is left as it was before the failed step."""

    code = "sync.failed"


class OfflineError(SyncError):
    """The server cannot be reached (no network, DNS, refused connection, proxy down)."""

    code = "sync.offline"


class TooSlowError(OfflineError):
    """The server did not send its whole answer within the request deadline.

    An :class:`OfflineError` because it stops the sync the same way: a server or proxy
    that trickles one answer is no quicker with the next request.
    """

    code = "sync.too_slow"


class AuthError(SyncError):
    """The server refused the token (missing, unknown or revoked): sign in again."""

    code = "sync.auth"


class ForbiddenError(SyncError):
    """The server understood the token but refuses this request (HTTP 403)."""

    code = "sync.forbidden"


class ResyncRequired(SyncError):  # noqa: N818 - it names what the server asks for, not a fault
    """The server no longer understands the stored cursor (HTTP 410): start a full pass."""

    code = "sync.resync_required"


class PayloadTooLarge(SyncError):  # noqa: N818 - named after HTTP 413
    """The server refused an upload batch as too large (HTTP 413)."""

    code = "sync.too_large"


class RejectedUpload(SyncError):  # noqa: N818 - named after what happened
    """The server refused an upload batch as invalid (HTTP 422)."""

    code = "sync.invalid_upload"


class ProtocolError(SyncError):
    """The server's answer is garbled, truncated, too large or breaks protocol v1."""

    code = "sync.protocol"

"""Errors of the reference server, each mapped to one HTTP problem (RFC 9457).

Every error is a :class:`~deskmate.core.errors.DeskmateError`; the API turns it into an
``application/problem+json`` response whose ``type`` ends in :attr:`ServerError.slug`
and whose ``detail`` is the error's message. The CLI prints the same message.
"""

from __future__ import annotations

from deskmate.core.errors import DeskmateError

PROBLEM_BASE = "https://deskmate.example/problems/"


class ServerError(DeskmateError):
    """Base class of the server's errors: an HTTP status and a problem type slug."""

    code = "server.error"
    status = 500
    slug = "server-error"
    title = "Internal server error"

    @property
    def problem_type(self) -> str:
        """The problem ``type`` URI."""
        return PROBLEM_BASE + self.slug


class BadRequestError(ServerError):
    """The request is malformed (not JSON, wrong shape, bad parameter)."""

    code = "server.bad_request"
    status = 400
    slug = "bad-request"
    title = "Bad request"


class UnauthorizedError(ServerError):
    """No token, or a token the server does not know or has revoked."""

    code = "server.unauthorized"
    status = 401
    slug = "unauthorized"
    title = "Unauthorized"


class ForbiddenError(ServerError):
    """The user's role does not allow this, or the data belongs to someone else."""

    code = "server.forbidden"
    status = 403
    slug = "forbidden"
    title = "Forbidden"


class NotFoundError(ServerError):
    """No such endpoint, user or token."""

    code = "server.not_found"
    status = 404
    slug = "not-found"
    title = "Not found"


class ResyncRequiredError(ServerError):
    """The cursor cannot be continued: the client must start again from an empty cursor."""

    code = "server.resync_required"
    status = 410
    slug = "resync-required"
    title = "Resync required"


class PayloadTooLargeError(ServerError):
    """The request body or the batch is over the server's limits."""

    code = "server.payload_too_large"
    status = 413
    slug = "payload-too-large"
    title = "Payload too large"


class InvalidEventError(ServerError):
    """An uploaded consultation event breaks the upload format."""

    code = "server.invalid_event"
    status = 422
    slug = "invalid-event"
    title = "Invalid event"


class InvalidParameterError(ServerError):
    """A query parameter is out of range or of the wrong type."""

    code = "server.invalid_parameter"
    status = 422
    slug = "invalid-parameter"
    title = "Invalid parameter"


class ServerDatabaseError(ServerError):
    """The server's database cannot be opened, migrated or written."""

    code = "server.database"
    status = 503
    slug = "database-unavailable"
    title = "Database unavailable"


class ConflictError(ServerError):
    """The request clashes with the stored state (e.g. an item id already taken)."""

    code = "server.conflict"
    status = 409
    slug = "conflict"
    title = "Conflict"


class PreconditionFailedError(ServerError):
    """``If-Match`` names a version that is no longer the latest (someone else saved)."""

    code = "server.precondition_failed"
    status = 412
    slug = "edit-conflict"
    title = "Edit conflict"


class PreconditionRequiredError(ServerError):
    """An edit came without ``If-Match`` (the version it was based on)."""

    code = "server.precondition_required"
    status = 428
    slug = "if-match-required"
    title = "If-Match required"


class InvalidItemError(ServerError):
    """An item breaks the item schema; ``fields['errors']`` maps each field to its problem."""

    code = "server.invalid_item"
    status = 422
    slug = "invalid-item"
    title = "Invalid item"

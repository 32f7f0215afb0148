"""The one exception family of Deskmate.

Every error the core raises on purpose derives from :class:`DeskmateError`. Errors
that are the environment's fault (bad input, disk full, a locked or corrupt file)
carry a stable ``code`` and structured ``fields`` so a UI can turn them into a
translated sentence in one place; the ``str()`` of each is already a plain
English message that says what failed and what to do.
"""

from __future__ import annotations

from typing import Any


class DeskmateError(Exception):
    """Base class of every error Deskmate raises deliberately.

    Attributes:
        code: A stable machine-readable identifier, e.g. ``"content.invalid"``.
        fields: Structured details (file, line, item id...) for UIs and logs.
    """

    code = "deskmate.error"

    def __init__(self, message: str, **fields: Any) -> None:
        super().__init__(message)
        self.message = message
        self.fields: dict[str, Any] = fields


class ContentError(DeskmateError):
    """A content item or pack record is malformed (the input's fault)."""

    code = "content.invalid"


class StoreError(DeskmateError):
    """The local database cannot be opened, read or written."""

    code = "store.failed"


class DiskFullError(StoreError):
    """There is no space left where Deskmate keeps its data."""

    code = "store.disk_full"


class StoreLockedError(StoreError):
    """Another program holds the database's write lock longer than the busy timeout."""

    code = "store.locked"


class StoreReadOnlyError(StoreError):
    """The database file or its folder cannot be written."""

    code = "store.read_only"


class StoreCorruptError(StoreError):
    """The database file is damaged or not a database."""

    code = "store.corrupt"


class StoreOpenError(StoreError):
    """The database file cannot be opened (missing folder, permissions)."""

    code = "store.cannot_open"


class StoreIOError(StoreError):
    """The disk or network drive failed while reading or writing the database."""

    code = "store.io"


class SearchIndexError(DeskmateError):
    """The search index is missing, corrupt, locked or could not be built."""

    code = "index.failed"


class IndexNotReadyError(SearchIndexError):
    """The search index is still being opened or rebuilt (the sidebar's start-up job)."""

    code = "index.preparing"


class OperationCancelledError(DeskmateError):
    """A long job (import, rebuild) was cancelled by its caller."""

    code = "operation.cancelled"


class SettingsError(DeskmateError):
    """A setting has an invalid value, or the settings could not be saved."""

    code = "settings.failed"

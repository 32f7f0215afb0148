"""The sync client: content changes down, consultation events up (protocol v1).

Use :class:`SyncClient` for one sync (``sync_once``) and :class:`TokenVault` to keep
the agent's token in the operating system's credential store. See docs/sync-client.md.
"""

from deskmate.core.sync.client import SyncClient, SyncReport
from deskmate.core.sync.errors import (
    AuthError,
    ForbiddenError,
    OfflineError,
    ProtocolError,
    ResyncRequired,
    SyncError,
)
from deskmate.core.sync.pull import ContentPull, PullResult
from deskmate.core.sync.push import EventPush, PushResult
from deskmate.core.sync.retry import RetryPolicy
from deskmate.core.sync.transport import SyncSession
from deskmate.core.sync.vault import TokenVault

__all__ = [
    "AuthError",
    "ContentPull",
    "EventPush",
    "ForbiddenError",
    "OfflineError",
    "ProtocolError",
    "PullResult",
    "PushResult",
    "ResyncRequired",
    "RetryPolicy",
    "SyncClient",
    "SyncError",
    "SyncReport",
    "SyncSession",
    "TokenVault",
]

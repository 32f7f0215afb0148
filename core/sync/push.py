"""EventPush: uploads the consultation record's pending events, each exactly once.

Events are read oldest first, POSTed in batches, and marked uploaded only after the
server's receipt lists them (as accepted or as duplicates; both mean "stored"). A crash
between the POST and the mark therefore only sends those events again, and the server
stores each ``event_id`` once: delivery is at-least-once from here and exactly-once on
the server.

One bad event must not hold up the ones behind it: a batch the server refuses as too
large (413) or invalid (422) is halved until the culprit stands alone, and a batch with
events of an agent the token does not belong to (403) is split per agent. What the
server still refuses stays pending on this computer for a later sync and is reported.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from deskmate.core.activity.consultation_log import ConsultationLog
from deskmate.core.activity.events import ConsultationEvent
from deskmate.core.errors import OperationCancelledError
from deskmate.core.sync.errors import (
    ForbiddenError,
    PayloadTooLarge,
    ProtocolError,
    RejectedUpload,
)
from deskmate.core.sync.transport import SyncSession

log = logging.getLogger(__name__)

BATCH_SIZE = 500  # the protocol allows 1000; 500 keeps a request well under 1 MB


@dataclass
class PushResult:
    """What a push delivered.

    Attributes:
        pushed: Events the server confirmed and that are now marked uploaded.
        held_back: Events the server refused this time; they stay pending.
        problems: Plain sentences about the refusals.
    """

    pushed: int = 0
    held_back: int = 0
    problems: list[str] = field(default_factory=list)


class EventPush:
    """Uploads pending consultation events. See the module docstring.

    Args:
        events: The consultation record of this machine.
        session: The HTTP session to the server.
        batch_size: Events per request (at most 1000).
        agent_id: Upload only this agent's events: the account the token belongs to.
            Other accounts' events wait on this computer for their own sign-in (None:
            every agent's, split per agent when the server refuses some).
    """

    def __init__(
        self,
        events: ConsultationLog,
        session: SyncSession,
        batch_size: int = BATCH_SIZE,
        agent_id: str | None = None,
    ) -> None:
        self.events = events
        self.session = session
        self.batch_size = max(1, min(1000, batch_size))
        self.agent_id = agent_id
        self.result = PushResult()  # filled in per batch, so a failed run still counts

    def run(self, cancel: threading.Event | None = None) -> PushResult:
        """Upload everything pending.

        Raises:
            SyncError: the server cannot be reached or failed; events already confirmed
                stay marked, the rest stay pending.
            OperationCancelledError: ``cancel`` was set (checked between batches).
            StoreError: the consultation record cannot be read or written.
        """
        result = self.result = PushResult()
        refused: set[str] = set()  # not accepted in this run: do not offer them again
        while True:
            if cancel is not None and cancel.is_set():
                raise OperationCancelledError("The sync was cancelled; it continues next time.")
            # Ask for enough to get a full batch past the events refused earlier in this run.
            pending = self.events.pending_upload(self.batch_size + len(refused), self.agent_id)
            batch = [e for e in pending if e.event_id not in refused][: self.batch_size]
            if not batch:
                break
            stored = self._send(batch, result)
            if stored:
                self.events.mark_uploaded(stored)
            result.pushed += len(stored)
            refused.update(e.event_id for e in batch if e.event_id not in stored)
        result.held_back = len(refused)
        return result

    def _send(self, batch: Sequence[ConsultationEvent], result: PushResult) -> set[str]:
        """POST ``batch``, splitting it on 413/422/403; the ids the server has stored."""
        ids = {e.event_id for e in batch}
        try:
            ack = self.session.post_events([e.upload_dict() for e in batch])
        except (PayloadTooLarge, RejectedUpload) as exc:
            if len(batch) == 1:
                log.warning("event %s refused by the server: %s", batch[0].event_id, exc)
                result.problems.append(
                    f"An event of {batch[0].occurred_at[:10]} could not be uploaded "
                    f"({exc.message}); it stays on this computer."
                )
                return set()
            half = len(batch) // 2
            return self._send(batch[:half], result) | self._send(batch[half:], result)
        except ForbiddenError as exc:
            agents = sorted({e.agent_id for e in batch})
            if len(agents) > 1:
                stored: set[str] = set()
                for agent in agents:
                    stored |= self._send([e for e in batch if e.agent_id == agent], result)
                return stored
            result.problems.append(
                f"{len(batch)} events recorded as agent {agents[0]!r} cannot be uploaded with "
                f"this sign-in ({exc.message}); they stay on this computer."
            )
            return set()
        confirmed = (set(ack.accepted) | set(ack.duplicates)) & ids
        if not confirmed:
            raise ProtocolError(
                f"The server at {self.session.host} confirmed none of {len(batch)} uploaded "
                "events; they stay on this computer. Try again later."
            )
        return confirmed

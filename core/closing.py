"""ClosesOnExit: ``with thing:`` closes the thing at the end of the block.

For the core's long-lived resources (the knowledge base, the consultation log, the sync
client, the index build pipeline), which also stay usable without ``with``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from types import TracebackType
from typing import Self


class ClosesOnExit(ABC):
    """A context manager whose exit calls :meth:`close`, whether the block failed or not."""

    @abstractmethod
    def close(self) -> None:
        """Release what the object holds."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

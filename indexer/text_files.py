"""Reading text files exported by real tools: UTF-8 with or without BOM, or GB18030.

Excel on Chinese Windows saves "CSV" as GB18030 (GBK); everything else is UTF-8,
sometimes with a byte-order mark. Anything else is refused with a clear message
rather than imported as mojibake.
"""

from __future__ import annotations

from pathlib import Path

from deskmate.core.errors import ContentError

MAX_FILE_BYTES = 200 * 1024 * 1024


def read_text(path: Path) -> str:
    """Decode a pack file.

    Raises:
        ContentError: the file is unreadable, too large or in an unknown encoding.
    """
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ContentError(
                f"{path}: the file is {size / 1e6:.0f} MB; split it into files "
                f"under {MAX_FILE_BYTES // 1024 // 1024} MB",
                file=str(path),
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise ContentError(
            f"{path}: cannot read the file ({exc.strerror})", file=str(path)
        ) from exc
    if b"\x00" in raw[:4096]:
        raise ContentError(
            f"{path}: this is a binary file (or UTF-16); save it as UTF-8 text", file=str(path)
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        raise ContentError(
            f"{path}: the text is neither UTF-8 nor GB18030; save it as UTF-8 "
            "(in Excel: Save As → CSV UTF-8)",
            file=str(path),
        ) from None

"""Reading text files exported by real tools, refusing what cannot be decoded confidently.

Accepted: UTF-8 (with or without BOM), UTF-16 or UTF-32 with a BOM, and GB18030 that
reads as Chinese. Excel on Chinese Windows saves "CSV" as GB18030 (GBK); everything else is UTF-8,
sometimes with a byte-order mark, and Windows tools sometimes write UTF-16 with a BOM.
Almost any byte string decodes as GB18030, so a file that is not UTF-8 is only taken as
GB18030 when the decoded text looks like Chinese (:func:`looks_chinese`); Shift-JIS,
EUC-KR, Big5 or Latin-1 files are refused with a clear message rather than imported as
mojibake.
"""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

from deskmate.core.errors import ContentError

MAX_FILE_BYTES = 200 * 1024 * 1024
# A Markdown file is one item (a body of at most 1,000,000 characters, up to 4 bytes
# each in UTF-8, plus its front matter); skills.yaml and synonyms.txt are small too.
MAX_SINGLE_ITEM_FILE_BYTES = 8 * 1024 * 1024

SAVE_AS_UTF8 = "save it as UTF-8 (in Excel: Save As → CSV UTF-8; in an editor: Encoding → UTF-8)"

# GB2312 holds the 6,763 everyday Chinese characters and the full-width punctuation;
# real Chinese text in GB18030 is almost entirely made of them, Japanese decoded as
# GB18030 is not (kana land outside it).
_MIN_GB2312_SHARE = 0.9
# GB2312's level-1 characters are ordered by pinyin; Korean EUC-KR decoded as GB18030
# yields only characters with a first byte of 0xB0-0xC8 (pinyin a..r), while Chinese
# text always uses many of s..z (是 上 时 说 他 我 在 这 中 ...) and level 2 (0xC9 up).
_UPPER_ROWS_FIRST_BYTE = 0xC9
_MIN_UPPER_ROWS_SHARE = 0.05
_MIN_IDEOGRAPHS_TO_JUDGE = 10


def looks_chinese(text: str) -> bool:
    """Whether non-UTF-8 text decoded as GB18030 is plausibly Chinese, not mojibake."""
    odd = ideographs = upper_rows = foreign = 0
    for char in text:
        if char <= "\x7f":
            continue
        foreign += 1
        try:
            encoded = char.encode("gb2312")
        except UnicodeEncodeError:
            # Rare ideographs outside GB2312 are what other encodings decode to; symbols
            # such as ¥ or – are common in any text.
            odd += unicodedata.category(char).startswith("L")
            continue
        if "\u4e00" <= char <= "\u9fff":
            ideographs += 1
            upper_rows += encoded[0] >= _UPPER_ROWS_FIRST_BYTE
    if odd > (1 - _MIN_GB2312_SHARE) * foreign:
        return False
    # A few characters are too few to judge; from ten on, Chinese has some of s..z.
    return ideographs < _MIN_IDEOGRAPHS_TO_JUDGE or upper_rows >= _MIN_UPPER_ROWS_SHARE * ideographs


def _guess(raw: bytes) -> str:
    """A hint at what a refused file probably is, for the message ("" if unsure)."""
    sample = raw[:65536]
    for codec, name, first, last in (
        ("shift_jis", "Japanese Shift-JIS", "\u3040", "\u30ff"),
        ("euc_kr", "Korean EUC-KR", "\uac00", "\ud7a3"),
    ):
        try:
            text = sample.decode(codec)
        except UnicodeDecodeError:
            continue
        if any(first <= c <= last for c in text):
            return f" (it looks like {name})"
    return ""


def _decode_unicode_bom(raw: bytes, path: Path) -> str | None:
    """The text of a file that starts with a Unicode byte-order mark, else None."""
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if raw.startswith(bom):
            try:
                return raw.decode(codec)
            except UnicodeDecodeError:
                raise ContentError(
                    f"{path}: the file starts like {codec.upper()} but is damaged; {SAVE_AS_UTF8}",
                    file=str(path),
                ) from None
    return None


def decode_text(raw: bytes, path: Path) -> str:
    """Decode the bytes of a pack file, refusing what cannot be decoded confidently.

    Raises:
        ContentError: binary, damaged, or in an encoding other than UTF-8/UTF-16/GB18030.
    """
    text = _decode_unicode_bom(raw, path)
    if text is None:
        if b"\x00" in raw[:4096]:
            raise ContentError(
                f"{path}: this is a binary file (or UTF-16 without a byte-order mark); "
                f"{SAVE_AS_UTF8}",
                file=str(path),
            )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = _decode_gb18030(raw, path)
    if "\x00" in text[:4096]:
        raise ContentError(f"{path}: this is a binary file, not text", file=str(path))
    return text


def _decode_gb18030(raw: bytes, path: Path) -> str:
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is None or not looks_chinese(text):
        raise ContentError(
            f"{path}: the text is neither UTF-8 nor Chinese GB18030{_guess(raw)}; {SAVE_AS_UTF8}",
            file=str(path),
        )
    return text


def read_text(path: Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read and decode a pack file of at most ``max_bytes``.

    Raises:
        ContentError: the file is unreadable, too large or in an unknown encoding.
    """
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ContentError(
                f"{path}: the file is {size / 1e6:,.1f} MB; files of this kind may hold at "
                f"most {max_bytes / 1e6:,.0f} MB — split it into smaller files",
                file=str(path),
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise ContentError(
            f"{path}: cannot read the file ({exc.strerror})", file=str(path)
        ) from exc
    return decode_text(raw, path)

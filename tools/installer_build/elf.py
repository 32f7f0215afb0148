"""Read the ``DT_NEEDED`` entries of ELF files: which shared libraries a binary loads.

A few dozen lines of ``struct`` instead of ``objdump`` or pyelftools, so the bundle
filter (in the PyInstaller spec) and the ``Depends`` computation need no extra tool.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

_MAGIC = b"\x7fELF"
_SHT_DYNAMIC = 6
_DT_NULL = 0
_DT_NEEDED = 1


def is_elf(path: Path) -> bool:
    """True when ``path`` is a regular file starting with the ELF magic."""
    try:
        with path.open("rb") as file:
            return file.read(4) == _MAGIC
    except OSError:
        return False


def needed(path: Path) -> list[str]:
    """The sonames ``path`` lists as ``DT_NEEDED``, in order (empty for a static binary).

    Raises:
        ValueError: ``path`` is not an ELF file.
    """
    data = path.read_bytes()
    if data[:4] != _MAGIC:
        raise ValueError(f"{path} is not an ELF file")
    wide = data[4] == 2  # ELFCLASS64
    order = "<" if data[5] == 1 else ">"
    if wide:
        shoff, shentsize, shnum = (
            struct.unpack_from(order + "Q", data, 0x28)[0],
            *struct.unpack_from(order + "HH", data, 0x3A),
        )
        section = order + "IIQQQQIIQQ"
        dyn = order + "qQ"
    else:
        shoff, shentsize, shnum = (
            struct.unpack_from(order + "I", data, 0x20)[0],
            *struct.unpack_from(order + "HH", data, 0x2E),
        )
        section = order + "IIIIIIIIII"
        dyn = order + "iI"
    sections = [struct.unpack_from(section, data, shoff + i * shentsize) for i in range(shnum)]
    names: list[str] = []
    for _name, kind, _flags, _addr, offset, size, link, *_rest in sections:
        if kind != _SHT_DYNAMIC:
            continue
        strtab_offset = sections[link][4]
        for tag, value in _entries(data, dyn, offset, size):
            if tag == _DT_NEEDED:
                end = data.index(b"\0", strtab_offset + value)
                names.append(data[strtab_offset + value : end].decode())
    return names


def _entries(data: bytes, layout: str, offset: int, size: int) -> Iterator[tuple[int, int]]:
    step = struct.calcsize(layout)
    for start in range(offset, offset + size, step):
        tag, value = struct.unpack_from(layout, data, start)
        if tag == _DT_NULL:
            return
        yield tag, value


def elf_files(root: Path) -> Iterator[Path]:
    """Every ELF file under ``root`` (symbolic links are skipped: their targets are listed)."""
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink() and is_elf(path):
            yield path

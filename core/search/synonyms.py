"""SynonymTable: interchangeable words maintained by content owners (``synonyms.txt``).

One group per line, words separated by commas (``花呗, 蚂蚁花呗``); ``#`` starts a
comment. A query word from a group also searches the other words of the group,
with a slightly lower weight than the word typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from deskmate.core.errors import ContentError

_SEPARATORS = re.compile(r"[,，、;；|⇔=]+")


class SynonymTable:
    """Synonym groups, looked up by index term."""

    def __init__(self, groups: Iterable[Iterable[str]] = ()) -> None:
        self.groups: list[tuple[str, ...]] = []
        self._by_word: dict[str, list[str]] = {}
        for group in groups:
            words = tuple(dict.fromkeys(w.strip().lower() for w in group if w.strip()))
            if len(words) < 2:
                continue
            self.groups.append(words)
            for word in words:
                self._by_word.setdefault(word, []).extend(w for w in words if w != word)

    @classmethod
    def parse(cls, text: str, source: str = "synonyms.txt") -> SynonymTable:
        """Parse the text of a synonym file.

        Raises:
            ContentError: a line has only one word (a likely typo), naming the line.
        """
        groups = []
        for number, line in enumerate(text.splitlines(), start=1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            words = [w for w in _SEPARATORS.split(line) if w.strip()]
            if len(words) < 2:
                raise ContentError(
                    f"{source}, line {number}: a synonym group needs at least two words "
                    "separated by commas",
                    file=source,
                    line=number,
                )
            groups.append(words)
        return cls(groups)

    @classmethod
    def load(cls, path: Path) -> SynonymTable:
        """Read a synonym file (UTF-8); a missing file means no synonyms."""
        if not path.exists():
            return cls()
        return cls.parse(path.read_text("utf-8-sig"), source=str(path))

    def words(self) -> list[str]:
        """Every word of every group (added to the segmenter's dictionary)."""
        return [w for group in self.groups for w in group]

    def alternatives(self, word: str) -> list[str]:
        """The other words of the groups ``word`` belongs to."""
        return self._by_word.get(word.lower(), [])

    def to_text(self) -> str:
        """The table in the file format."""
        return "".join(", ".join(g) + "\n" for g in self.groups)

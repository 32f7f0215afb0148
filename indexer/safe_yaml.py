"""YAML for content packs: plain data only, no anchors or aliases, bounded nesting.

``yaml.safe_load`` builds no objects, but it still expands aliases: nine levels of
anchors referring to the previous one ten times ("billion laughs") turn 2 kB of front
matter into a billion-element structure and take the machine down. Content packs have
no use for anchors, so the loader refuses them outright, along with nesting deeper than
any pack needs.
"""

from __future__ import annotations

from typing import Any

import yaml
from deskmate.core.errors import ContentError
from deskmate.indexer.records import MAX_NESTING, clip
from yaml.composer import ComposerError
from yaml.nodes import Node


class _PackLoader(yaml.SafeLoader):
    """A SafeLoader that refuses anchors and aliases, and deep nesting."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise ComposerError(
                None,
                None,
                "anchors and aliases (&name, *name) are not allowed in content packs; "
                "write the values out in full",
                event.start_mark,
            )
        if self._depth >= MAX_NESTING:
            raise ComposerError(
                None, None, f"nested more than {MAX_NESTING} levels deep", event.start_mark
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def load_yaml(text: str, source: str, first_line: int = 1) -> Any:
    """Parse YAML text of a pack file into plain data (dicts, lists, scalars).

    Args:
        text: The YAML text.
        source: The file it came from, for messages.
        first_line: The file's line number of the text's first line (front matter
            starts on line 2), so messages point at the right line.

    Raises:
        ContentError: the text is not valid YAML, uses anchors/aliases or nests too
            deeply; the message names the line.
    """
    loader = None
    try:
        loader = _PackLoader(text)  # checks the characters: ReaderError
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark is not None else first_line
        reason = f"not valid YAML: {exc.problem or exc.context}"
        raise ContentError(
            f"{source}, line {line}: {reason}", file=source, line=line, reason=reason
        ) from None
    except (
        yaml.YAMLError,
        ValueError,
        OverflowError,
        RecursionError,
        AttributeError,
        TypeError,
    ) as exc:
        # A scalar YAML accepts but Python cannot hold (the date 2026-02-30, an integer of
        # 5,000 digits: ValueError), or a tag PyYAML's constructors trip over
        # ("!!timestamp" with no value: AttributeError).
        reason = f"not valid YAML: {clip(str(exc))}"
        raise ContentError(
            f"{source}: {reason}", file=source, line=first_line, reason=reason
        ) from None
    finally:
        if loader is not None:
            loader.dispose()

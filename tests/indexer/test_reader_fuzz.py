"""Property-based fuzzing of the pack readers (issue #15): whatever a file holds, reading
it gives items or reported problems, never an exception."""

from __future__ import annotations

import tempfile
from pathlib import Path

from deskmate.indexer.pack_import import read_pack
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.indexer.pack_files import CSV_HEADER, STAMP, csv_row, jsonl, markdown, record

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

YAML_TOKENS = [
    "id: a-1",
    "kind: faq",
    "title: 标题",
    "language: zh",
    f"updated_at: {STAMP}",
    "version: 1",
    "updated_at: 2026-02-30",
    "version: " + "9" * 5000,
    "&x ",
    "*x",
    "<<: *x",
    "!!binary aGk=",
    "!!python/object/apply:os.system ['true']",
    "!!set {a}",
    "!!timestamp x",
    "? [a]",
    "[",
    "]",
    "{",
    "}",
    ":",
    ": ",
    "- ",
    "-",
    "\n",
    "  ",
    "\t",
    '"',
    "'",
    "#",
    "---",
    "...",
    "%YAML 1.1",
    "skills:",
    "roles:",
    "code: billing",
    "targets: {billing: 3}",
    "name: {zh: 名, en: n}",
    "tags: [12315]",
    "id: [x]",
    "id: 12",
    "deleted: true",
    "null",
    "~",
    "\ufeff",
    "\x00",
    "é",
]
CSV_TOKENS = [
    ",",
    '"',
    '""',
    "\n",
    "\r\n",
    "\r",
    "|",
    "c-1",
    "标题",
    "\x00",
    " ",
    "1",
    "x",
    "\ufeff",
    "name",
    "team",
    "id",
    "deleted",
    "是",
    "9" * 5000,
    STAMP,
]
JSON_TOKENS = [
    "{",
    "}",
    "[",
    "]",
    '"id"',
    '"a-1"',
    ":",
    ",",
    '"title"',
    '"kind"',
    '"faq"',
    '"body"',
    "1e999",
    "9" * 5000,
    '"\\u0000"',
    '"\\ud800"',
    "null",
    "true",
    "\n",
    " ",
    '"',
    "\\",
    '"deleted"',
    '"contact"',
    '"updated_at"',
    f'"{STAMP}"',
]


def tokens(words: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(words) | st.text(max_size=5), max_size=60).map("".join)


def near_valid_markdown() -> st.SearchStrategy[bytes]:
    return st.tuples(tokens(YAML_TOKENS), st.booleans()).map(
        lambda t: (markdown("m-1", extra=t[0] + "\n") if t[1] else f"---\n{t[0]}\n---\n").encode(
            "utf-8"
        )
    )


def near_valid_csv() -> st.SearchStrategy[bytes]:
    return st.tuples(tokens(CSV_TOKENS), st.sampled_from(["utf-8", "gb18030", "utf-16"])).map(
        lambda t: (CSV_HEADER + csv_row("c-0") + t[0] + csv_row("c-2")).encode(t[1], "replace")
    )


def near_valid_jsonl() -> st.SearchStrategy[bytes]:
    return tokens(JSON_TOKENS).map(
        lambda t: (jsonl(record("j-0")) + t + "\n" + jsonl(record("j-2"))).encode("utf-8")
    )


def read_one(name: str, data: bytes) -> None:
    """Read one file as the importer does: problems are fine, exceptions are not."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        pack = read_pack([path])  # raises nothing: a bug shows as "could not be read"
    for problem in pack.problems:
        assert "could not be read (" not in problem.reason, problem.reason
        assert len(str(problem)) < 1000


@FUZZ
@given(st.binary(max_size=3000) | near_valid_markdown())
def test_markdown_reader_never_raises(data: bytes) -> None:
    read_one("item.md", data)


@FUZZ
@given(st.binary(max_size=3000) | near_valid_csv())
def test_csv_reader_never_raises(data: bytes) -> None:
    read_one("sheet.csv", data)


@FUZZ
@given(st.binary(max_size=3000) | near_valid_jsonl())
def test_jsonl_reader_never_raises(data: bytes) -> None:
    read_one("items.jsonl", data)


@FUZZ
@given(st.binary(max_size=3000) | tokens(YAML_TOKENS).map(lambda t: t.encode("utf-8")))
def test_skills_yaml_reader_never_raises(data: bytes) -> None:
    read_one("skills.yaml", data)


@FUZZ
@given(tokens(CSV_TOKENS))
def test_good_csv_rows_around_any_broken_row_still_import(middle: str) -> None:
    # Whatever garbage sits between two good rows on its own lines, they both import; an
    # unclosed quote in it is reported and the lines after it read again as rows.
    middle = middle.replace("\x00", "")  # a NUL makes the file binary, refused whole
    if middle.count(",") >= CSV_HEADER.count(","):
        middle = middle.replace('"', "")  # a quoted cell may then legally span the lines
    text = CSV_HEADER + csv_row("c-0") + middle + "\n" + csv_row("c-2")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sheet.csv"
        path.write_bytes(text.encode("utf-8"))
        pack = read_pack([path])
    assert "c-0" in pack.items
    assert "c-2" in pack.items or any("duplicate" in p.reason for p in pack.problems)

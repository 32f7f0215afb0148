"""Hostile and careless packs (issue #15): every bad file is a reported problem, the good
files beside it import, and nothing costs more than the schema allows."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from deskmate.core import KnowledgeBase
from deskmate.indexer.pack_import import import_pack, read_pack
from deskmate.server.content_import import import_packs
from deskmate.server.database import Database

from tests.indexer.pack_files import (
    ALIAS_BOMB,
    CSV_HEADER,
    STAMP,
    csv_row,
    jsonl,
    markdown,
    record,
    write,
)


def problems_of(report_problems: Sequence[object]) -> str:
    return "\n".join(str(p) for p in report_problems)


def test_alias_bomb_in_front_matter_is_refused_quickly(
    empty_kb: KnowledgeBase, tmp_path: Path
) -> None:
    pack = tmp_path / "p"
    write(pack / "bomb.md", markdown("bomb-1", extra=ALIAS_BOMB))
    write(pack / "good.md", markdown("good-1"))
    started = time.monotonic()
    report = import_pack(empty_kb, [pack])
    assert time.monotonic() - started < 10
    reasons = problems_of(report.problems)
    assert "bomb.md:8: the front matter is not valid YAML: anchors" in reasons
    assert "anchors and aliases" in reasons
    assert empty_kb.get("bomb-1") is None
    assert empty_kb.get("good-1") is not None


def test_alias_bomb_in_skills_yaml_is_refused_and_items_still_import(
    empty_kb: KnowledgeBase, tmp_path: Path
) -> None:
    pack = tmp_path / "p"
    write(pack / "skills.yaml", ALIAS_BOMB)
    write(pack / "items.jsonl", jsonl(record("j-1")))
    started = time.monotonic()
    report = import_pack(empty_kb, [pack])
    assert time.monotonic() - started < 10
    assert "skills.yaml:1: not valid YAML: anchors and aliases" in problems_of(report.problems)
    assert empty_kb.get("j-1") is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("skills: [billing]\n", "skill 1: 'billing' is not an entry like '- code: billing.refund'"),
        ("skills: billing\n", "'skills': must be a list"),
        ("- a\n- b\n", "must hold 'skills:' and 'roles:' lists"),
        ("skills:\n  - code: Billing Team\n", "is not a skill code"),
        ("skills:\n  - code: billing\n    name: [a, b]\n", "'name' must be text"),
        ("roles:\n  - code: r\n    targets: [billing]\n", "'targets' must map skill codes"),
        ("roles: [x]\n", "role 1: is not an entry"),
        (
            "skills:\n  - code: billing\nroles:\n  - code: r\n    targets: {billing: 9}\n",
            "levels are whole numbers 1 to 5",
        ),
    ],
)
def test_malformed_skills_yaml_is_a_problem_not_a_traceback(
    empty_kb: KnowledgeBase, tmp_path: Path, text: str, expected: str
) -> None:
    pack = tmp_path / "p"
    write(pack / "skills.yaml", text)
    write(pack / "faqs.csv", CSV_HEADER + csv_row("c-1"))
    report = import_pack(empty_kb, [pack])
    assert [str(p) for p in report.problems] == [
        f"{pack / 'skills.yaml'}: " + problems_of(report.problems).split(": ", 1)[1]
    ]
    assert expected in problems_of(report.problems)
    assert empty_kb.get("c-1") is not None


def test_a_100k_deep_jsonl_record_is_one_problem_between_good_lines(
    empty_kb: KnowledgeBase, tmp_path: Path
) -> None:
    deep = '{"id": "deep", "x": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
    write(tmp_path / "p.jsonl", jsonl(record("j-1")) + deep + jsonl(record("j-2")))
    report = import_pack(empty_kb, [tmp_path / "p.jsonl"])
    assert len(report.problems) == 1
    assert "p.jsonl:2: the record nests lists/objects more than 32 levels" in str(
        report.problems[0]
    )
    assert empty_kb.get("j-1") is not None
    assert empty_kb.get("j-2") is not None


def test_brackets_inside_strings_are_not_nesting(empty_kb: KnowledgeBase, tmp_path: Path) -> None:
    body = "[" * 500 + "{" * 500 + ' "quoted \\" [[[ " '
    write(tmp_path / "p.jsonl", jsonl(record("j-1", body=body)))
    report = import_pack(empty_kb, [tmp_path / "p.jsonl"])
    assert not report.problems
    assert empty_kb.get("j-1").body == body  # type: ignore[union-attr]


def test_a_200k_character_csv_cell_imports(empty_kb: KnowledgeBase, tmp_path: Path) -> None:
    body = "长" * 200_000
    write(tmp_path / "p.csv", CSV_HEADER + csv_row("c-1", body=body) + csv_row("c-2"))
    report = import_pack(empty_kb, [tmp_path / "p.csv"])
    assert not report.problems
    assert len(empty_kb.get("c-1").body) == 200_000  # type: ignore[union-attr]
    assert empty_kb.get("c-2") is not None


def test_an_oversized_csv_cell_is_reported_once_and_the_next_row_imports(
    empty_kb: KnowledgeBase, tmp_path: Path
) -> None:
    body = "长" * 1_200_000
    write(tmp_path / "p.csv", CSV_HEADER + csv_row("c-1", body=body) + csv_row("c-2"))
    report = import_pack(empty_kb, [tmp_path / "p.csv"])
    assert len(report.problems) == 1
    assert str(report.problems[0]).startswith(f"{tmp_path / 'p.csv'}:2: ")
    assert len(str(report.problems[0])) < 1000
    assert empty_kb.get("c-2") is not None


def test_a_broken_csv_row_does_not_swallow_the_rows_after_it(
    empty_kb: KnowledgeBase, tmp_path: Path
) -> None:
    broken = 'bad-1,"标题没有闭合的引号,问法,正文\n'
    write(tmp_path / "p.csv", CSV_HEADER + csv_row("c-1") + broken + csv_row("c-2"))
    report = import_pack(empty_kb, [tmp_path / "p.csv"])
    assert len(report.problems) == 1
    assert f"{tmp_path / 'p.csv'}:3: " in str(report.problems[0])
    assert "quote" in str(report.problems[0])
    assert empty_kb.get("c-1") is not None
    assert empty_kb.get("c-2") is not None


def test_multi_line_quoted_cells_still_import(empty_kb: KnowledgeBase, tmp_path: Path) -> None:
    text = CSV_HEADER + csv_row("c-1", body='"第一段\n第二段, 带逗号\n第三段"') + csv_row("c-2")
    write(tmp_path / "p.csv", text)
    report = import_pack(empty_kb, [tmp_path / "p.csv"])
    assert not report.problems
    assert empty_kb.get("c-1").body == "第一段\n第二段, 带逗号\n第三段"  # type: ignore[union-attr]
    assert empty_kb.get("c-2") is not None


@pytest.mark.parametrize(
    ("encoding", "title", "hint"),
    [
        ("shift_jis", "返金の手続きについて", "Japanese Shift-JIS"),
        ("euc_kr", "환불 절차 안내 고객님의 주문 번호를 확인해 주세요", "Korean EUC-KR"),
        ("latin-1", "Café crème à la carte", ""),
    ],
)
def test_non_chinese_legacy_encodings_are_refused(
    empty_kb: KnowledgeBase, tmp_path: Path, encoding: str, title: str, hint: str
) -> None:
    pack = tmp_path / "p"
    row = f"x-1,{title},,Body,,,,,zh,,{STAMP},1\n"
    write(pack / "legacy.csv", CSV_HEADER + row, encoding)
    write(pack / "good.csv", CSV_HEADER + csv_row("c-1"))
    report = import_pack(empty_kb, [pack])
    assert len(report.problems) == 1
    reason = str(report.problems[0])
    assert "legacy.csv: the text is neither UTF-8 nor Chinese GB18030" in reason
    assert hint in reason
    assert "save it as UTF-8" in reason
    assert empty_kb.get("x-1") is None
    assert empty_kb.get("c-1") is not None


def test_utf16_with_bom_and_gb18030_chinese_are_read(
    empty_kb: KnowledgeBase, tmp_path: Path
) -> None:
    pack = tmp_path / "p"
    write(pack / "u16.csv", CSV_HEADER + csv_row("u-1", title="统一码标题"), "utf-16")
    write(pack / "gb.csv", CSV_HEADER + csv_row("g-1", title="你好"), "gb18030")
    report = import_pack(empty_kb, [pack])
    assert not report.problems
    assert empty_kb.get("u-1").title == "统一码标题"  # type: ignore[union-attr]
    assert empty_kb.get("g-1").title == "你好"  # type: ignore[union-attr]


def test_huge_values_are_reported_with_a_short_echo(tmp_path: Path) -> None:
    pack = tmp_path / "p"
    huge = "题" * 50_000_000
    write(pack / "a.jsonl", jsonl(record("j-1", title=huge), record("j-2")))
    write(pack / "b.jsonl", jsonl(record("j-3", title="题" * 3_000_000)))
    write(pack / "c.md", markdown("m-1", title="题" * 1_000_000))
    write(pack / "d.csv", CSV_HEADER + csv_row("c-1", title="题" * 900_000))
    write(pack / "e.jsonl", jsonl({**record("x" * 5_000_000), "updated_at": "y" * 100_000}))
    write(pack / "f.jsonl", jsonl({**record("j-4"), "z" * 2_000_000: 1}))
    contents = read_pack([pack])
    assert len(contents.problems) == 6
    for problem in contents.problems:
        assert len(str(problem)) < 1000, str(problem)[:300]
    reasons = problems_of(contents.problems)
    assert "a.jsonl:1: the line is 50,000," in reasons
    assert "title is 3,000,000 characters; it must have at most 500" in reasons
    assert set(contents.items) == {"j-2"}


def test_server_import_reports_bad_files_and_imports_the_rest(tmp_path: Path) -> None:
    pack = tmp_path / "p"
    write(pack / "skills.yaml", "skills: [billing]\n")
    write(pack / "bomb.md", markdown("bomb-1", extra=ALIAS_BOMB))
    write(pack / "deep.jsonl", "[" * 100_000 + "\n" + jsonl(record("j-1")))
    write(pack / "sjis.csv", CSV_HEADER + f"s-1,返金について,,,,,,,zh,,{STAMP},1\n", "shift_jis")
    db = Database.open(f"sqlite:///{tmp_path / 'kb.db'}")
    try:
        report = import_packs(db, [pack])
    finally:
        db.close()
    assert report.applied
    assert report.added == 1
    assert len(report.problems) == 4

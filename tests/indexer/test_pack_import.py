"""Importing packs: every format, every kind of bad record, nothing lost."""

from __future__ import annotations

from pathlib import Path

from deskmate.core import KnowledgeBase
from deskmate.indexer.pack_import import import_pack

HEADER = "id,title,questions,body,tags,skills,product,channel,language,owner,updated_at,version\n"
ROW = (
    "{id},{title},问法一|问法二,答案正文,标签,billing.refund,支付,voice,zh,组,"
    "2026-10-01T09:00:00+08:00,1\n"
)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def test_sample_pack_imports_cleanly(sample_kb: KnowledgeBase) -> None:
    counts = sample_kb.count()
    assert counts["faq"] >= 150
    assert counts["script"] >= 40
    assert counts["expert"] >= 25
    assert sample_kb.get("faq-obsolete-000") is None  # deletion marker honoured


def test_gb18030_and_bom_csv_are_read(empty_kb: KnowledgeBase, tmp_path: Path) -> None:
    write(
        tmp_path / "p" / "gbk.csv", HEADER + ROW.format(id="g-1", title="国标编码的标题"), "gb18030"
    )
    write(
        tmp_path / "p" / "bom.csv", HEADER + ROW.format(id="b-1", title="带BOM的标题"), "utf-8-sig"
    )
    report = import_pack(empty_kb, [tmp_path / "p"])
    assert not report.problems
    assert empty_kb.get("g-1").title == "国标编码的标题"  # type: ignore[union-attr]
    assert empty_kb.get("b-1") is not None


def test_bad_records_are_reported_and_the_rest_imported(
    empty_kb: KnowledgeBase, tmp_path: Path
) -> None:
    pack = tmp_path / "p"
    write(
        pack / "faqs.csv",
        HEADER
        + ROW.format(id="ok-1", title="好记录")
        + ROW.format(id="", title="没有id")
        + ROW.format(id="ok-1", title="重复id")
        + "bad-1,少了列\n"
        + ROW.format(id="bad-2", title="坏版本").replace(",1\n", ",x\n"),
    )
    write(
        pack / "items.jsonl",
        '{"id": "j-1", "kind": "faq", "title": "截断的\n'
        '{"id": "j-2", "kind": "faq", "title": "好的", "body": "", "language": "zh", '
        '"updated_at": "2026-10-01T09:00:00+08:00", "version": 1}\n',
    )
    write(pack / "broken.md", "no front matter here")
    write(pack / "bad-yaml.md", "---\nid: [unclosed\n---\nbody")
    write(pack / "binary.csv", "id,title\n\x00\x01\x02")
    report = import_pack(empty_kb, [pack])
    reasons = "\n".join(str(p) for p in report.problems)
    assert "missing id" in reasons
    assert "duplicate id" in reasons
    assert "fewer cells" in reasons
    assert "version" in reasons
    assert "not valid JSON" in reasons
    assert "front matter" in reasons
    assert "binary" in reasons
    assert "faqs.csv:4" in reasons  # file and line of the duplicate
    assert empty_kb.get("ok-1").title == "好记录"  # type: ignore[union-attr]
    assert empty_kb.get("j-2") is not None


def test_strict_imports_nothing_when_anything_is_wrong(
    empty_kb: KnowledgeBase, tmp_path: Path
) -> None:
    pack = tmp_path / "p"
    write(pack / "faqs.csv", HEADER + ROW.format(id="ok-1", title="好记录") + "x,y\n")
    report = import_pack(empty_kb, [pack], strict=True)
    assert report.problems
    assert not report.applied
    assert empty_kb.get("ok-1") is None


def test_reimport_is_idempotent_and_deletions_apply(
    empty_kb: KnowledgeBase, tmp_path: Path
) -> None:
    pack = tmp_path / "p"
    write(pack / "faqs.csv", HEADER + ROW.format(id="a-1", title="第一条"))
    assert import_pack(empty_kb, [pack]).added == 1
    assert import_pack(empty_kb, [pack]).unchanged == 1
    write(pack / "gone.jsonl", '{"id": "a-1", "deleted": true}\n')
    (pack / "faqs.csv").unlink()
    assert import_pack(empty_kb, [pack]).deleted == 1
    assert empty_kb.search("第一条") == []


def test_bad_import_leaves_existing_content_untouched(
    sample_kb: KnowledgeBase, tmp_path: Path
) -> None:
    before = sample_kb.count()
    write(tmp_path / "bad.csv", 'garbage,"unclosed\n')
    report = import_pack(sample_kb, [tmp_path / "bad.csv"])
    assert report.problems
    assert sample_kb.count() == before
    assert sample_kb.search("花呗还款")

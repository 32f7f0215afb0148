"""The deskmate command end to end, in-process, on real data directories."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from deskmate.desktop.cli import _ui_language, main


def test_import_then_search_json(
    sample_pack: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(tmp_path / "d")
    assert main(["import", "--data-dir", data, str(sample_pack)]) == 0
    assert "0 problems" in capsys.readouterr().out
    for query, expected in (
        ("花呗还款", "faq-pay-012"),
        ("hbhk", "faq-pay-012"),
        ("refund iphone", "faq-en-refund-001"),
    ):
        assert main(["search", "--data-dir", data, "--json", query]) == 0
        out = capsys.readouterr()
        assert out.out, out.err
        rows = json.loads(out.out)
        assert rows[0]["id"] == expected
        assert {"id", "kind", "title", "snippet", "score"} <= set(rows[0])


def test_search_on_first_run_loads_the_sample_pack(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "--kind", "expert", "张伟"]) == 0  # DESKMATE_DATA_DIR from conftest
    assert "exp-001" in capsys.readouterr().out


def test_strict_import_exits_nonzero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", "utf-8")
    assert main(["import", "--strict", "--data-dir", str(tmp_path / "d"), str(bad)]) == 1
    out = capsys.readouterr().out
    assert "bad.jsonl:1" in out
    assert "NOT imported" in out


def test_missing_source_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", "--data-dir", str(tmp_path), str(tmp_path / "nope")]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_reindex(tmp_path: Path, sample_pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(tmp_path / "d")
    main(["import", "--data-dir", data, str(sample_pack)])
    assert main(["reindex", "--data-dir", data]) == 0
    assert "indexed" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("setting", "env", "expected"),
    [
        ("en", {"LANG": "zh_CN.UTF-8"}, "en"),
        ("zh_CN", {"LANG": "en_US.UTF-8"}, "zh_CN"),
        ("system", {"LC_ALL": "", "LC_MESSAGES": "", "LANG": "zh_CN.UTF-8"}, "zh_CN"),
        ("system", {"LC_ALL": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
    ],
)
def test_sync_asks_for_the_profile_in_the_sidebars_language(
    setting: str, env: dict[str, str], expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.setenv(key, env.get(key, ""))
    assert _ui_language(setting) == expected

"""The Chinese translation is complete, current, and compiled."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TS = REPO / "resources" / "translations" / "deskmate_zh_CN.ts"
QM = TS.with_suffix(".qm")
TOOLS = Path(sys.executable).parent


def sources(ts: Path) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    tree = ET.parse(ts)  # noqa: S314 - our own translation files
    for message in tree.iter("message"):
        translation = message.find("translation")
        assert translation is not None
        done = translation.get("type") not in ("unfinished", "vanished", "obsolete")
        text = translation.text or "".join(n.text or "" for n in translation)
        found[message.findtext("source") or ""] = text if done else None
    return found


def test_every_ui_string_is_translated() -> None:
    untranslated = [s for s, t in sources(TS).items() if not t]
    assert untranslated == []


def test_translation_file_covers_the_current_code(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.ts"
    files = sorted(str(p) for p in (REPO / "desktop").rglob("*.py"))
    subprocess.run(
        [str(TOOLS / "pyside6-lupdate"), *files, "-ts", str(fresh)], check=True, capture_output=True
    )
    missing = set(sources(fresh)) - set(sources(TS))
    assert not missing, f"run lupdate and translate: {sorted(missing)}"


def test_compiled_translation_is_up_to_date(tmp_path: Path) -> None:
    built = tmp_path / "built.qm"
    subprocess.run(
        [str(TOOLS / "pyside6-lrelease"), str(TS), "-qm", str(built)],
        check=True,
        capture_output=True,
    )
    assert built.read_bytes() == QM.read_bytes(), "run pyside6-lrelease on the .ts file"

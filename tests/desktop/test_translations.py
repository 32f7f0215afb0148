"""The Chinese translation is complete, current, and compiled."""

from __future__ import annotations

import ast
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtWidgets import QApplication

REPO = Path(__file__).resolve().parents[2]
TS = REPO / "resources" / "translations" / "deskmate_zh_CN.ts"
QM = TS.with_suffix(".qm")
TOOLS = Path(sys.executable).parent


def sources(ts: Path) -> dict[tuple[str, str], str | None]:
    """(context, source text) -> its translation (None: not translated yet)."""
    found: dict[tuple[str, str], str | None] = {}
    tree = ET.parse(ts)  # noqa: S314 - our own translation files
    for context in tree.iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            done = translation.get("type") not in ("unfinished", "vanished", "obsolete")
            text = translation.text or "".join(n.text or "" for n in translation)
            found[(name, message.findtext("source") or "")] = text if done else None
    return found


def _is_text(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def test_every_translated_string_is_a_literal_lupdate_can_see() -> None:
    """A wrapper such as ``def _tr(text): return translate("Ctx", text)`` hides its strings
    from lupdate (they stayed English in zh_CN), and ``tr("Ctx", "text")`` makes lupdate
    read the context as the text: each call takes literals."""
    hidden = []
    for path in sorted((REPO / "desktop").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr == "translate":
                if isinstance(func.value, ast.Name) and func.value.id == "painter":
                    continue  # QPainter.translate(point): no text
                count = 2
            elif (isinstance(func, ast.Attribute) and func.attr == "tr") or (
                isinstance(func, ast.Name) and func.id == "tr"
            ):
                count = 1
            else:
                continue
            wanted = node.args[:count]
            if len(wanted) < count or not all(_is_text(a) for a in wanted):
                hidden.append(f"{path.relative_to(REPO)}:{node.lineno}: {ast.unparse(node)[:80]}")
    assert hidden == []


def test_the_sidebar_shows_translated_strings_from_helper_modules(qapp: QApplication) -> None:
    """The home list's heading and the placeholder labels, in zh_CN, at run time."""
    from deskmate.desktop.i18n import install_translators, remove_translators
    from deskmate.desktop.placeholder_labels import placeholder_label
    from PySide6.QtCore import QCoreApplication

    translators = install_translators(qapp, "zh_CN")
    try:
        assert placeholder_label("customer_name") == "客户姓名"
        heading = QCoreApplication.translate("SidebarWindow", "Recent and frequently used")
        assert heading != "Recent and frequently used"
    finally:
        remove_translators(qapp, translators)


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

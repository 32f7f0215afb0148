"""UI language: Simplified Chinese or English, following the system unless chosen."""

from __future__ import annotations

import logging
from importlib import resources

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)
LANGUAGES = ("zh_CN", "en")
# The application property naming the UI language installed (searches prefer its items).
_LANGUAGE_PROPERTY = "deskmateLanguage"


def resolve_language(setting: str) -> str:
    """``zh_CN`` or ``en`` from the setting (``system`` follows the system locale)."""
    if setting in LANGUAGES:
        return setting
    return "zh_CN" if QLocale.system().name().lower().startswith("zh") else "en"


def install_translators(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Load Deskmate's and Qt's own translations for ``language`` (English needs none)."""
    translators: list[QTranslator] = []
    app.setProperty(_LANGUAGE_PROPERTY, language)
    if language == "en":
        return translators
    # One joinpath step at a time: the frozen app's MultiplexedPath (Python 3.11) takes one.
    qm = resources.files("deskmate.resources") / "translations" / f"deskmate_{language}.qm"
    ours = QTranslator(app)
    if ours.load(str(qm)):
        translators.append(ours)
    else:
        log.warning("translation %s not found; showing English", qm)
    qt = QTranslator(app)
    if qt.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        translators.append(qt)
    for translator in translators:
        app.installTranslator(translator)
    return translators


def remove_translators(app: QCoreApplication, translators: list[QTranslator]) -> None:
    """Undo ``install_translators`` (before switching language)."""
    for translator in translators:
        app.removeTranslator(translator)
    translators.clear()
    app.setProperty(_LANGUAGE_PROPERTY, None)


def content_language() -> str | None:
    """The items' language matching the UI's (``zh``/``en``); None before one is installed.

    Searches rank items in the agent's language first among equally relevant hits.
    """
    app = QCoreApplication.instance()
    value = app.property(_LANGUAGE_PROPERTY) if app is not None else None
    if not value:
        return None
    return "zh" if str(value).startswith("zh") else "en"

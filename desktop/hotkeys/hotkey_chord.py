"""Turning a key sequence string such as ``"Ctrl+Alt+G"`` into one checked key combination."""

from __future__ import annotations

from dataclasses import dataclass

from deskmate.desktop.hotkeys.errors import HotkeyError
from PySide6.QtCore import QCoreApplication, QKeyCombination, Qt
from PySide6.QtGui import QKeySequence

_PORTABLE = QKeySequence.SequenceFormat.PortableText
_MODIFIER_KEYS = frozenset(
    {
        Qt.Key.Key_Control,
        Qt.Key.Key_Alt,
        Qt.Key.Key_Shift,
        Qt.Key.Key_Meta,
        Qt.Key.Key_AltGr,
        Qt.Key.Key_Super_L,
        Qt.Key.Key_Super_R,
        Qt.Key.Key_CapsLock,
        Qt.Key.Key_NumLock,
        Qt.Key.Key_ScrollLock,
        Qt.Key.Key_unknown,
    }
)


@dataclass(frozen=True)
class HotkeyChord:
    """One key pressed together with modifiers.

    Attributes:
        key: The key, e.g. ``Qt.Key.Key_G``.
        ctrl: Whether Ctrl is held.
        alt: Whether Alt is held.
        shift: Whether Shift is held.
        meta: Whether the Windows / Super key is held (Qt calls it Meta).
        text: The combination in Qt's portable text, e.g. ``"Ctrl+Alt+G"``, for messages.
    """

    key: Qt.Key
    ctrl: bool
    alt: bool
    shift: bool
    meta: bool
    text: str


def parse_hotkey(sequence: str) -> HotkeyChord:
    """Parse a ``QKeySequence`` portable string into a :class:`HotkeyChord`.

    Args:
        sequence: E.g. ``"Ctrl+Alt+G"`` or ``"Ctrl+Alt+Space"`` (case does not matter).

    Raises:
        HotkeyError: Not a key combination, more than one, or no Ctrl/Alt/Windows key (a
            global key without one would swallow normal typing in every program).
    """
    keys = QKeySequence.fromString(sequence.strip(), _PORTABLE)
    if keys.count() == 0 or _first_combination(keys).key() in _MODIFIER_KEYS:
        raise HotkeyError(
            QCoreApplication.translate(
                "GlobalHotkeys",
                "“%1” is not a key combination Deskmate understands; choose another key in "
                "Settings.",
            ).replace("%1", sequence),
            key=sequence,
        )
    if keys.count() > 1:
        raise HotkeyError(
            QCoreApplication.translate(
                "GlobalHotkeys",
                "“%1” is several key presses; a global key must be one combination such as "
                "Ctrl+Alt+G.",
            ).replace("%1", sequence),
            key=sequence,
        )
    combination = _first_combination(keys)
    modifiers = combination.keyboardModifiers()
    text = QKeySequence(combination).toString(_PORTABLE)
    chord = HotkeyChord(
        key=combination.key(),
        ctrl=bool(modifiers & Qt.KeyboardModifier.ControlModifier),
        alt=bool(modifiers & Qt.KeyboardModifier.AltModifier),
        shift=bool(modifiers & Qt.KeyboardModifier.ShiftModifier),
        meta=bool(modifiers & Qt.KeyboardModifier.MetaModifier),
        text=text,
    )
    if not (chord.ctrl or chord.alt or chord.meta):
        raise HotkeyError(
            QCoreApplication.translate(
                "GlobalHotkeys",
                "%1 would stop that key from typing in every program; a global key needs "
                "Ctrl, Alt or the Windows key, e.g. Ctrl+Alt+G.",
            ).replace("%1", text),
            key=text,
        )
    return chord


def _first_combination(keys: QKeySequence) -> QKeyCombination:
    # QKeySequence supports [] (operator[]) at runtime; PySide's stub does not declare it.
    combination: QKeyCombination = keys[0]  # type: ignore[index]
    return combination

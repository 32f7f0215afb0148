"""Suggestions for what the agent already has: copied text and the selection (issue #18).

Opt-in (the ``suggest_from_clipboard`` setting, which IT may lock). While it is on:

- a **copy** anywhere (the CLIPBOARD; on X11 only CLIPBOARD, never the PRIMARY selection
  that changes on every mouse drag) searches the copied text;
- the **suggest hotkey** searches the PRIMARY selection on X11, the clipboard elsewhere.

Copies Deskmate made itself (its Copy, Ctrl+C in the sidebar) are ignored: the process
owns the clipboard then, or one of its windows has the focus. Text goes through
:func:`~deskmate.core.suggest_text.suggestion_query` (plain text only, at most 2,000
characters, nothing secret-looking); a refused copy is ignored silently (agents copy
all day), a refused hotkey press says why in the status line. Nothing of the text is
logged.

The suggestions are a normal search shown **without taking the keyboard**: the window is
never activated; a hidden sidebar is shown docked with ``WA_ShowWithoutActivating``. The
search is recorded like a typed one, with ``detail.source`` set (``clipboard``,
``selection``, ``paste``): its text stays in the local consultation record and the upload
leaves it out (:meth:`ConsultationEvent.upload_dict`). The source stays until the box is
cleared or typed over (no longer begins with the suggested text's start), so a copied
text the agent refines is still not uploaded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from deskmate.core.suggest_text import MAX_INPUT_CHARS, SuggestTextError, suggestion_query
from deskmate.desktop.activity_recorder import ActivityRecorder
from deskmate.desktop.context_pop import dialog_open
from deskmate.desktop.error_wording import suggest_refused_text
from deskmate.desktop.query_shown import QueryShown
from deskmate.desktop.sidebar import SidebarWindow
from PySide6.QtCore import QMimeData, QObject, Qt, Signal
from PySide6.QtGui import QClipboard
from PySide6.QtWidgets import QApplication, QDialog

log = logging.getLogger(__name__)
PAINTED_LOG = "clipboard suggestions painted:"
_SHOW_WITHOUT_ACTIVATING = "_q_showWithoutActivating"
PREFIX_CHARS = 4  # the box still begins with this much of the suggested text: still theirs


def deskmate_has_focus(window: SidebarWindow) -> bool:
    """Whether the agent is in Deskmate (the sidebar or one of its dialogs) right now."""
    active = QApplication.activeWindow()
    return active is window or isinstance(active, QDialog)


class ClipboardSuggest(QObject):
    """Watches the clipboard (when enabled) and shows suggestions without taking focus.

    Args:
        window: The sidebar.
        recorder: The consultation record (the query's source is set on it).
        reveal: Shows a hidden sidebar without activating it (docked when docking is on).
        clipboard: The clipboard (default: the application's).

    Signals:
        suggested(str, str): the query searched and its source.
        refused(str): the code of a refusal (never the text).
    """

    suggested = Signal(str, str)
    refused = Signal(str)

    def __init__(
        self,
        window: SidebarWindow,
        recorder: ActivityRecorder,
        reveal: Callable[[], None],
        parent: QObject | None = None,
        clipboard: QClipboard | None = None,
    ) -> None:
        super().__init__(parent)
        self.window = window
        self.recorder = recorder
        self._reveal = reveal
        self.clipboard = QApplication.clipboard() if clipboard is None else clipboard
        self.enabled = False
        self.source = ""  # the source of the query in the box ("" = typed)
        self._suggested = ""
        self.last_refusal = ""  # the code of the latest refusal
        self._shown = QueryShown(window, self._log_painted)
        window.search_box.textChanged.connect(self._box_changed)

    def set_enabled(self, enabled: bool) -> None:
        """Watch copies (True) or ignore them (False); the setting's value."""
        if enabled == self.enabled:
            return
        self.enabled = enabled
        if enabled:
            self.clipboard.changed.connect(self._clipboard_changed)
        else:
            self.clipboard.changed.disconnect(self._clipboard_changed)
        log.info("suggestions from copied text %s", "on" if enabled else "off")

    # -- where text comes from -----------------------------------------------------------

    def _clipboard_changed(self, mode: QClipboard.Mode) -> None:
        if mode != QClipboard.Mode.Clipboard:
            return  # the X11 selection changes on every drag: only the hotkey reads it
        if self.clipboard.ownsClipboard() or deskmate_has_focus(self.window):
            return  # Deskmate's own copy (an answer, a filled script)
        if dialog_open():
            return  # settings or a gap note open: the results behind it would go unseen
        self._offer(QClipboard.Mode.Clipboard, "clipboard", explain=False)

    def from_selection(self) -> None:
        """The suggest hotkey: the X11 selection, or the clipboard where there is none."""
        if not self.enabled:
            return
        if self.clipboard.supportsSelection():
            self._offer(QClipboard.Mode.Selection, "selection", explain=True)
        else:
            self._offer(QClipboard.Mode.Clipboard, "clipboard", explain=True)

    def _offer(self, mode: QClipboard.Mode, source: str, *, explain: bool) -> None:
        data: QMimeData | None = self.clipboard.mimeData(mode)  # None: nothing there
        text: str | None
        if data is None or not data.formats():
            text, plain = "", True  # nothing selected or copied: "no words", not "not text"
        else:
            # An image or files may carry a text form too (a path, a URL): not searched.
            plain = data.hasText() and not data.hasImage() and not data.hasUrls()
            text = data.text() if data.hasText() else None
        self.suggest(text, source, plain_text=plain, explain=explain)

    # -- searching -------------------------------------------------------------------------

    def suggest(
        self, text: str | None, source: str, *, plain_text: bool = True, explain: bool = True
    ) -> bool:
        """Search ``text`` for suggestions without taking focus; whether it was searched.

        Args:
            text: The copied, selected or pasted text (None: no text form).
            source: ``clipboard``, ``selection`` or ``paste`` (kept with the record).
            plain_text: False for an image or files.
            explain: Say in the status line why refused text was not searched.
        """
        try:
            found = suggestion_query(text, plain_text=plain_text)
        except SuggestTextError as exc:
            log.info("%s text not searched: %s", source, exc.code)  # never the text
            self.last_refusal = exc.code
            self.refused.emit(exc.code)
            if explain:
                self.window.toast(suggest_refused_text(exc.code, MAX_INPUT_CHARS))
            return False
        log.info("suggestions for %s text of %d characters", source, len(found.query))
        self.source = source
        self._suggested = found.query
        self.recorder.set_query_source(source)  # before the search can be recorded
        if not self.window.isVisible():
            self._reveal()
        self._shown.show(found.query)
        self.suggested.emit(found.query, source)
        return True

    def _log_painted(self, _request: int) -> None:
        # For the X11 tests (read from outside the process): counts only, never the text.
        log.info(
            "%s %d results, Deskmate active: %s",
            PAINTED_LOG,
            self.window.model.rowCount(),
            QApplication.activeWindow() is not None,
        )

    def _box_changed(self, text: str) -> None:
        """Typed over or cleared: later queries are the agent's own again."""
        if not self.source:
            return
        start = self._suggested[:PREFIX_CHARS]
        if not text.strip() or not text.startswith(start):
            self.source = ""
            self._suggested = ""
            self.recorder.set_query_source("")


def show_without_activating(window: SidebarWindow, show: Callable[[], None]) -> None:
    """Run ``show`` (which maps the window) without the window taking the focus.

    Qt reads ``WA_ShowWithoutActivating`` only when it creates the native window; for one
    that exists, the xcb platform reads the window handle's ``_q_showWithoutActivating``
    property on each show (and maps with ``_NET_WM_USER_TIME`` 0: "do not focus").
    Both are set for this show only, so the next summon activates as before.
    """
    attribute = Qt.WidgetAttribute.WA_ShowWithoutActivating
    had = window.testAttribute(attribute)
    window.setAttribute(attribute, True)
    handle = window.windowHandle()
    if handle is not None:
        handle.setProperty(_SHOW_WITHOUT_ACTIVATING, True)
    try:
        show()
    finally:
        window.setAttribute(attribute, had)
        handle = window.windowHandle()  # a new one if the flags changed while hidden
        if handle is not None:
            handle.setProperty(_SHOW_WITHOUT_ACTIVATING, had)

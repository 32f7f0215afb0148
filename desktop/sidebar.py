"""SidebarWindow: the search box, results per keystroke, the opened item, the status line.

Keyboard first: the box has focus on summon; ↑/↓ move, Enter opens, Ctrl+1…9 open
the n-th hit, Ctrl+C copies, Esc goes back, then clears, then hides; Ctrl+L shows
"My learning". Searches run on the SearchRunner's thread; every event goes to the
ActivityRecorder. The window wires its parts together; each feature lives in its own
module: recording searches (search_session), the empty box (home_list), copying and
contacts (item_actions, copy_shortcut), favourites, filter_bar, item_history (back /
forward), zoom (text size), expert_browser.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import replace

from deskmate.core import KnowledgeBase
from deskmate.core.activity.events import ConsultationEvent
from deskmate.core.content.model import Item
from deskmate.core.knowledge_base import Hit
from deskmate.desktop import sidebar_reads
from deskmate.desktop.activity_recorder import ActivityRecorder
from deskmate.desktop.expert_browser import ExpertBrowser
from deskmate.desktop.favourites import FavouriteActions, Favourites
from deskmate.desktop.filter_bar import FilterBar
from deskmate.desktop.history_view import HistoryView
from deskmate.desktop.home_list import HomeList
from deskmate.desktop.index_progress import IndexProgress
from deskmate.desktop.item_actions import ItemActions
from deskmate.desktop.item_history import ItemHistory
from deskmate.desktop.item_view import ItemView
from deskmate.desktop.jobs import JobRunner, Lane
from deskmate.desktop.learning_view import LearningView
from deskmate.desktop.notice_banner import NoticeBanner
from deskmate.desktop.results_page import ResultsPage
from deskmate.desktop.search_keys import SearchBoxKeys
from deskmate.desktop.search_refine import SearchRefiner
from deskmate.desktop.search_runner import SearchResult, SearchRunner
from deskmate.desktop.search_session import SearchSession
from deskmate.desktop.sidebar_toolbar import SidebarToolbar
from deskmate.desktop.zoom import TextZoom
from PySide6.QtCore import QEvent, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

WINDOW_TITLE = "Deskmate"
RESULT_LIMIT = 12  # about two screens of a 900 px sidebar; more is scrolling, not answers


class SidebarWindow(QWidget):
    """The main window (docked or floating)."""

    hide_requested = Signal()
    gap_requested = Signal()
    settings_requested = Signal()
    dock_toggle_requested = Signal()
    pin_toggled = Signal(bool)
    learning_shown = Signal()
    propose_requested = Signal(str, str)  # title, id of the item to edit ("" for a new FAQ)
    results_painted = Signal(int)  # request number; for the latency benchmark

    def __init__(
        self,
        kb: KnowledgeBase,
        recorder: ActivityRecorder,
        parent: QWidget | None = None,
        jobs: JobRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.kb = kb
        self.recorder = recorder
        self.setWindowTitle(WINDOW_TITLE)
        self.setObjectName("sidebar")
        # The app's runner, or one of its own (widget tests); only its own is stopped here.
        self._owns_jobs = jobs is None
        self.jobs = jobs if jobs is not None else JobRunner()
        if self._owns_jobs:
            self.jobs.problem.connect(self.toast)
        self.runner = SearchRunner(kb, self.jobs, self)
        self.runner.results.connect(self._show_results)
        self.kind: str | None = None  # the kind filter
        self._query = ""
        self.session = SearchSession(recorder, lambda: self._query, self)
        self._open: tuple[Future[ConsultationEvent], float] | None = None
        self.painted_request = 0  # the newest request whose results are on screen
        self._build()
        # Question-like text: the lexical rows first, then the fused ranking.
        self.refiner = SearchRefiner(kb, self.jobs, self.runner, self.results_page, self)
        self.refiner.answered.connect(self._show_refined)
        self._shortcuts()
        self.favourites = Favourites(kb, self.jobs, lambda: recorder.log.agent_id, self)
        self.favourite_actions = FavouriteActions(self, self.favourites)
        self.item_history = ItemHistory(self)
        self.zoom = TextZoom(self)
        self.zoom.changed.connect(
            lambda p: self.toast(self.tr("Text size %1 %").replace("%1", str(p)))
        )
        self.home = HomeList(self)
        self.favourites.load()
        if kb.index_ready:
            self.filter_bar.load(kb, self.jobs)
        self.show_home()

    # -- layout ------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 4)
        self.toolbar = SidebarToolbar()
        bar = self.toolbar
        self.search_box = bar.search_box
        self.search_box.textChanged.connect(self._on_text)
        self.gap_button, self.history_button = bar.gap_button, bar.history_button
        self.learning_button, self.pin_button = bar.learning_button, bar.pin_button
        self.dock_button, self.settings_button = bar.dock_button, bar.settings_button
        self._filter_group = bar.filter_group
        self.gap_button.clicked.connect(self.gap_requested)
        self.history_button.clicked.connect(self.show_history)
        self.learning_button.clicked.connect(self.show_learning)
        self.pin_button.toggled.connect(self.pin_toggled)
        self.dock_button.clicked.connect(self.dock_toggle_requested)
        self.settings_button.clicked.connect(self.settings_requested)
        bar.kind_chosen.connect(self._on_filter)
        self.filter_bar = FilterBar()
        self.filter_bar.changed.connect(self.refresh_list)
        bar.filter_row.addWidget(self.filter_bar)
        layout.addWidget(bar)
        self.notice_banner = NoticeBanner()
        self.notice_banner.open_requested.connect(self.open_item)
        self.notice_banner.learning_requested.connect(self.show_learning)
        layout.addWidget(self.notice_banner)
        self.index_progress = IndexProgress()
        layout.addWidget(self.index_progress)

        self.pages = QStackedWidget()
        results_page = ResultsPage()
        self.section_label, self.empty_label = results_page.section_label, results_page.empty_label
        self.model, self.delegate = results_page.model, results_page.delegate
        self.results = results_page.results
        SearchBoxKeys(self.search_box, self.results, self.open_row)
        self.results.activated.connect(self._open_index)
        self.results.clicked.connect(self._open_index)
        self.empty_label.linkActivated.connect(self._on_empty_link)
        self.item_view = ItemView()
        self.item_view.back_requested.connect(self.back)
        self.item_view.feedback.connect(self.recorder.feedback)
        self.item_view.flag_requested.connect(lambda _id: self.gap_requested.emit())
        self.item_view.related_requested.connect(self.open_item)
        self.item_view.propose_requested.connect(self._propose_edit)
        self.history = HistoryView()
        self.history.back_requested.connect(self.back)
        self.history.open_requested.connect(self.open_item)
        self.learning = LearningView()
        self.learning.back_requested.connect(self.back)
        self.learning.open_requested.connect(self.open_item)
        self.expert_browser = ExpertBrowser()  # the home of the "Experts" filter
        self.expert_browser.open_requested.connect(self.open_item)
        self.expert_browser.back_requested.connect(lambda: self._filter_group.button(0).click())
        for page in (
            results_page,
            self.item_view,
            self.history,
            self.learning,
            self.expert_browser,
        ):
            self.pages.addWidget(page)
        self.results_page = results_page
        layout.addWidget(self.pages, 1)

        self.status = QLabel()
        self.status.setObjectName("statusLine")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self._status_base = ""
        self._toast = QTimer(self, singleShot=True, interval=4000)
        self._toast.timeout.connect(lambda: self.status.setText(self._status_base))

    def _shortcuts(self) -> None:
        for n in range(1, 10):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{n}"), self)
            shortcut.activated.connect(lambda row=n - 1: self.open_row(row))
        self.item_actions = ItemActions(self)  # Ctrl+C anywhere, copies, contacts
        self.copy_router, self.copied_flash = self.item_actions.router, self.item_actions.flash
        QShortcut(QKeySequence("Esc"), self).activated.connect(self.escape)
        QShortcut(QKeySequence("Ctrl+L"), self).activated.connect(self.show_learning)

    # -- status ------------------------------------------------------------------------

    def set_status(self, text: str) -> None:
        """The permanent status line (online/offline, last sync, item counts)."""
        self._status_base = text
        if not self._toast.isActive():
            self.status.setText(text)

    @property
    def permanent_status(self) -> str:
        """The status line without any passing message."""
        return self._status_base

    def toast(self, text: str) -> None:
        """A short confirmation or problem in the status line."""
        self.status.setText(text)
        self._toast.start()

    # -- searching ---------------------------------------------------------------------

    def summon(self) -> None:
        """Show, raise and focus the search box with its text selected."""
        self.show()
        self.raise_()
        self.activateWindow()
        if self.pages.currentWidget() is not self.results_page:
            self.back()
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def add_header(self, widget: QWidget) -> None:
        """Put ``widget`` (e.g. the case header) between the toolbar and the results."""
        layout = self.layout()
        if isinstance(layout, QVBoxLayout):  # always: built in _build
            layout.insertWidget(1, widget)

    def show_query(self, text: str) -> None:
        """Search for ``text`` as if typed (a context pop), on the results page."""
        if self.pages.currentWidget() is not self.results_page:
            self.back()
        self.search_box.setText(text)
        self.search_box.selectAll()

    def _on_text(self, text: str) -> None:
        self._end_open()
        if self.pages.currentWidget() is not self.results_page:
            self.pages.setCurrentWidget(self.results_page)
        self._query = text
        if not text.strip():
            self.session.end()
            self.runner.cancel_pending()
            self.show_home()
            return
        self._search()
        self.session.typed()

    def _search(self) -> None:
        self.runner.search(
            self._query,
            [self.kind] if self.kind else None,
            RESULT_LIMIT,
            product=self.filter_bar.product,
            channel=self.filter_bar.channel,
        )

    def index_prepared(self) -> None:
        """The search index is ready: hide the progress and search what is in the box."""
        self.index_progress.hide()
        self.filter_bar.load(self.kb, self.jobs)
        if self._query.strip():
            self._search()

    def _on_filter(self, kind: str | None) -> None:
        self.kind = kind
        self.refresh_list()
        self.search_box.setFocus()

    def refresh_list(self) -> None:
        """Search the box's text again (a filter or the favourites changed), or the home list."""
        if self._query.strip():
            self._search()
        else:
            self.show_home()

    def _show_results(self, result: SearchResult) -> None:
        why = result.problem or self.tr("Nothing found for “%s”.") % result.text
        searched = result.problem_code != "index.preparing"
        self.results_page.show_hits(self.favourites.arrange(result.hits), why, offer_gap=searched)
        self.painted_request = result.request
        self.results_painted.emit(result.request)
        self.session.painted(result.text, len(result.hits))

    def _show_refined(self, result: SearchResult) -> None:
        # Stale (a newer text, an opened item, a cleared box): what is on screen stays.
        if self.refiner.is_current(result) and self.pages.currentWidget() is self.results_page:
            why = self.tr("Nothing found for “%s”.") % result.text
            arranged = replace(result, hits=self.favourites.arrange(result.hits))
            self.session.last_count = self.refiner.apply(arranged, why)

    def show_home(self) -> None:
        """Empty box: pinned, recent and frequent items, or the expert directory."""
        self.home.show()

    def remember_usage(self, recent_ids: Sequence[str], frequent_ids: Sequence[str]) -> None:
        """Seed the empty-box list from the consultation record (read once, at start)."""
        self.home.remember(recent_ids, frequent_ids)

    # -- opening -----------------------------------------------------------------------

    def open_row(self, row: int) -> None:
        """Open the n-th visible hit (Ctrl+1…9)."""
        hit = self.model.hit(row)
        if hit is not None:
            self.open_item(hit.id)

    def _open_index(self, index: QModelIndex) -> None:
        self.open_row(index.row())

    def open_item(self, item_id: str) -> None:
        """Show an item and record that it was consulted."""
        item = self.kb.get(item_id)
        if item is None:
            self.toast(self.tr("This item is no longer in the knowledge base."))
            return
        self.session.opened()
        self._end_open()
        self.home.opened(item.id)
        self.item_view.show_item(item, self.kb.skill_names, (), self.item_actions.known_values)
        self.favourite_actions.item_shown(item.id)
        self.item_history.visited(item.id)
        self.pages.setCurrentWidget(self.item_view)
        self.item_view.focus_first()
        self._open = (self.recorder.open(item.id, self._query.strip()), time.monotonic())
        skill_names = dict(self.kb.skill_names)
        self.jobs.submit(
            "related",
            lambda _ctx: sidebar_reads.related_hits(self.kb, item, skill_names),
            lane=Lane.READER,
            key="related",
            on_done=lambda hits: self._show_related(item.id, hits),
            on_error=lambda _exc: None,  # no related items (e.g. index still preparing)
        )

    def _show_related(self, item_id: str, hits: list[Hit]) -> None:
        shown = self.item_view.item
        if shown is not None and shown.id == item_id:
            self.item_view.show_related(hits)

    def _end_open(self) -> None:
        if self._open is not None:
            opened, since = self._open
            self._open = None
            self.recorder.dwell(opened, int((time.monotonic() - since) * 1000))

    def current_item(self) -> Item | None:
        """The open item, if the item page is showing."""
        return self.item_view.item if self.pages.currentWidget() is self.item_view else None

    def current_query(self) -> str:
        """What is in the search box."""
        return self._query.strip()

    # -- keys --------------------------------------------------------------------------

    def copy_current(self) -> None:
        """Ctrl+C: copy the open item, or the selected hit's answer from the list."""
        self.item_actions.copy_current()

    def escape(self) -> None:
        """Esc: back from an item, else clear the box, else hide."""
        if self.pages.currentWidget() not in (self.results_page, self.expert_browser):
            self.back()
        elif self.search_box.text():
            self.search_box.clear()
        else:
            self.hide_requested.emit()

    def back(self) -> None:
        """Return to the result list with the box focused."""
        self._end_open()
        self.pages.setCurrentWidget(self.results_page)
        self.search_box.setFocus()
        if not self._query.strip():
            # The home as it is now (the expert directory for that filter): what was opened
            # or pinned on the item page since the list was last read is on it.
            self.show_home()

    def show_history(self) -> None:
        """The agent's own recent activity (read by a job; the page fills when it ends)."""
        self._end_open()
        self.pages.setCurrentWidget(self.history)
        self.refresh_history()

    def refresh_history(self) -> None:
        """Read the history again when it is open (the record changed hands)."""
        if self.pages.currentWidget() is not self.history:
            return

        def read(_ctx: object) -> sidebar_reads.History:
            # recent() waits for the recorder's queued writes: on this lane, not the GUI's.
            return sidebar_reads.history(self.kb, self.recorder.recent(100))

        self.jobs.submit(
            "history", read, lane=Lane.READER, key="history", on_done=self._show_history
        )

    def _show_history(self, found: sidebar_reads.History) -> None:
        self.history.show_events(found.events, found.items)

    def show_learning(self) -> None:
        """My learning: the agent's own profile (the controller fills it in)."""
        self._end_open()
        self.pages.setCurrentWidget(self.learning)
        self.notice_banner.hide()  # the view lists the notices
        self.learning.scroll_area.setFocus()
        self.learning_shown.emit()

    def _on_empty_link(self, link: str) -> None:
        if link == "propose":
            self.propose_requested.emit(self._query.strip(), "")
        else:
            self.gap_requested.emit()

    def _propose_edit(self, item_id: str) -> None:
        item = self.item_view.item
        self.propose_requested.emit(item.title if item else "", item_id)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        """Qt: a theme (palette) or font change re-lays out the result rows."""
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange):
            self.delegate.forget_layouts()
            self.results.doItemsLayout()
        super().changeEvent(event)

    def shutdown(self) -> None:
        """On quit: record the session's end and stop the search thread."""
        self._toast.stop()
        self.copied_flash.stop()
        self.end_session()
        self.runner.stop()
        if self._owns_jobs:
            self.jobs.shutdown()

    def end_session(self) -> None:
        """On hide or quit: close the open item and the search session."""
        self.session.settle.stop()
        self.session.record()
        self._end_open()
        self.session.end()

"""HomeList: what the empty box shows — pinned, recent and frequent items, or the experts.

The ids are kept in memory (seeded at start from the consultation record, updated on
open); the items are read on the reader lane, so clearing the box never waits for the
database. With the "Experts" filter the home is the expert directory instead. Moved out
of the sidebar window (issue #18).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from deskmate.core.knowledge_base import Hit
from deskmate.desktop import sidebar_reads
from deskmate.desktop.jobs import Lane
from PySide6.QtCore import QCoreApplication, QObject

if TYPE_CHECKING:
    from deskmate.desktop.sidebar import SidebarWindow


RECENT = 20  # recently opened items remembered for the empty box


class HomeList(QObject):
    """The sidebar's empty-box list."""

    def __init__(self, window: SidebarWindow) -> None:
        super().__init__(window)
        self._window = window
        self.recent_ids: list[str] = []  # newest first
        self.frequent_ids: list[str] = []

    def show(self) -> None:
        """Show the home (read by a job) if the list or the directory is on screen."""
        w = self._window
        if w.pages.currentWidget() not in (w.results_page, w.expert_browser):
            return  # an item or history is on screen: nothing would show what is read
        browse = w.kind == "expert"  # the directory is this filter's home
        w.pages.setCurrentWidget(w.expert_browser if browse else w.results_page)
        if browse:
            w.expert_browser.load(w.kb, w.jobs)
            return
        ids = list(dict.fromkeys([*self.recent_ids, *self.frequent_ids[:5]]))
        kind, pinned = w.kind, w.favourites.ids
        product, channel = w.filter_bar.product, w.filter_bar.channel
        if not ids and not pinned:
            self._show_items([])
            return
        kb = w.kb
        w.jobs.submit(
            "home",
            lambda _ctx: sidebar_reads.home_hits(kb, pinned, ids, kind, product, channel),
            lane=Lane.READER,
            key="home",
            on_done=self._show_items,
        )

    def opened(self, item_id: str) -> None:
        """``item_id`` was opened: first among the recent ones."""
        self.recent_ids = [item_id, *(i for i in self.recent_ids if i != item_id)][:RECENT]

    def remember(self, recent_ids: Sequence[str], frequent_ids: Sequence[str]) -> None:
        """Seed the list from the consultation record (read once, at start)."""
        self.recent_ids = list(dict.fromkeys([*self.recent_ids, *recent_ids]))
        self.frequent_ids = list(frequent_ids)
        w = self._window
        if not w.current_query() and w.pages.currentWidget() is w.results_page:
            self.show()

    def _show_items(self, hits: list[Hit]) -> None:
        w = self._window
        if w.current_query() or w.pages.currentWidget() is not w.results_page:
            return  # the agent typed or moved on while the items were read
        # The window's translation context: these strings were its own before the move.
        if any(h.id in w.favourites.ids for h in hits):
            heading = QCoreApplication.translate(
                "SidebarWindow", "Pinned, recent and frequently used"
            )
        else:
            heading = (
                QCoreApplication.translate("SidebarWindow", "Recent and frequently used")
                if hits
                else QCoreApplication.translate("SidebarWindow", "Type to search")
            )
        w.results_page.show_section(hits, heading)

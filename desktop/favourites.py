"""The sidebar's favourites: pin/unpin, the ★ on pinned rows, pinned items on the home screen.

The pinned ids are kept in memory for the GUI (a toggle shows at once) and written to
the local store on the writer lane (:mod:`deskmate.core.favourites`); they are read on
the reader lane when the sidebar starts, and again when a sign-in changes who records.
Ctrl+D (the browsers' "bookmark") pins the open item or the selected result; the result
list's context menu and the item page's ☆ button do the same.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from deskmate.core import KnowledgeBase
from deskmate.core.favourites import load_favourites, pinned_first, save_favourites, toggled
from deskmate.core.knowledge_base import Hit
from deskmate.desktop.jobs import JobRunner, Lane
from deskmate.desktop.sidebar_reads import STAR, starred
from PySide6.QtCore import QCoreApplication, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QListView, QMenu, QToolButton, QWidget

if TYPE_CHECKING:
    from deskmate.desktop.sidebar import SidebarWindow


class Favourites(QObject):
    """The agent's pinned items.

    Args:
        kb: Where the list is stored (its ``meta`` table).
        jobs: The app's job runner (reads on the reader lane, writes on the writer's).
        agent_id: Whose list it is, asked each time (a sign-in can change it).

    Signals:
        changed(): the list was loaded or toggled.
    """

    changed = Signal()

    def __init__(
        self,
        kb: KnowledgeBase,
        jobs: JobRunner,
        agent_id: Callable[[], str],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._kb = kb
        self._jobs = jobs
        self._agent_id = agent_id
        self._ids: list[str] = []
        self._loaded = False

    def load(self) -> None:
        """Read the stored list (once, at start; see :meth:`reload` for a sign-in)."""
        agent = self._agent_id()
        self._jobs.submit(
            "favourites",
            lambda _ctx: load_favourites(self._kb, agent),
            lane=Lane.READER,
            key="favourites-load",
            on_done=self._loaded_ids,
        )

    def _loaded_ids(self, ids: list[str]) -> None:
        # Pins made before the read finished are kept in front of the stored ones.
        self._ids = list(dict.fromkeys([*self._ids, *ids])) if not self._loaded else self._ids
        self._loaded = True
        self.changed.emit()

    def reload(self, *, take_over: bool = False) -> None:
        """Read the list of the agent now recording (a sign-in changed who that is).

        ``take_over``: the first account signed in on this machine profile; the pins made
        before the sign-in become theirs, as the activity recorded before it does.
        Otherwise (another person on a shared PC) their own list replaces the shown one.
        """
        carried, agent = (list(self._ids) if take_over else []), self._agent_id()

        def read(_ctx: object) -> list[str]:
            ids = list(dict.fromkeys([*carried, *load_favourites(self._kb, agent)]))
            if carried:
                save_favourites(self._kb, agent, ids)
            return ids

        # Its own key: a pin saved right after (key "favourites-save") must not cancel the read
        # of the new agent's list (and then save the previous agent's list under their id).
        self._jobs.submit("favourites", read, key="favourites-load", on_done=self._replace)

    def _replace(self, ids: list[str]) -> None:
        self._ids = ids
        self._loaded = True
        self.changed.emit()

    @property
    def ids(self) -> list[str]:
        """Pinned item ids, newest pin first."""
        return list(self._ids)

    def is_pinned(self, item_id: str) -> bool:
        """Whether ``item_id`` is pinned."""
        return item_id in self._ids

    def toggle(self, item_id: str) -> bool:
        """Pin ``item_id``, or unpin it if it was pinned; returns whether it is pinned now."""
        self._ids = toggled(self._ids, item_id)
        pinned, agent, kb = item_id in self._ids, self._agent_id(), self._kb

        def save(_ctx: object) -> None:
            # Read, change, write in the one job: the shown list may still be another
            # agent's (a sign-in's reload queued before this), never to be stored as theirs.
            stored = [i for i in load_favourites(kb, agent) if i != item_id]
            save_favourites(kb, agent, [item_id, *stored] if pinned else stored)

        self._jobs.submit("favourites-save", save)
        self.changed.emit()
        return item_id in self._ids

    def arrange(self, hits: Sequence[Hit]) -> list[Hit]:
        """Search hits with pinned ones first among equal scores, and starred."""
        return [starred(h) if h.id in self._ids else h for h in pinned_first(hits, self._ids)]


class PinButton(QToolButton):
    """The item page's ☆/★ button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pinItem")
        self.setCheckable(True)
        self.setAutoRaise(True)
        self.show_state(False)

    def show_state(self, pinned: bool) -> None:
        """Show whether the open item is pinned."""
        self.setChecked(pinned)
        self.setText(STAR if pinned else "☆")
        tip = self.tr("Unpin (Ctrl+D)") if pinned else self.tr("Pin to the home screen (Ctrl+D)")
        self.setToolTip(tip)
        self.setAccessibleName(tip)


def result_menu(
    view: QListView,
    pos: QPoint,
    hit: Hit,
    pinned: bool,
    toggle: Callable[[str], None],
) -> QMenu:
    """The result list's context menu for ``hit`` (returned so tests can trigger it)."""
    menu = QMenu(view)
    menu.setObjectName("resultMenu")
    label = (
        QCoreApplication.translate("Favourites", "Unpin from the home screen")
        if pinned
        else QCoreApplication.translate("Favourites", "Pin to the home screen")
    )
    action = menu.addAction(label + "\tCtrl+D")
    action.setObjectName("pinAction")
    action.triggered.connect(lambda: toggle(hit.id))
    menu.popup(view.viewport().mapToGlobal(pos))
    return menu


class FavouriteActions(QObject):
    """Wires favourites into the sidebar: the ☆ button, Ctrl+D, the context menu, refreshes.

    Args:
        window: The sidebar.
        favourites: The agent's list.
    """

    def __init__(self, window: SidebarWindow, favourites: Favourites) -> None:
        super().__init__(window)
        self._window = window
        self.favourites = favourites
        self.pin_button = PinButton()
        self.pin_button.clicked.connect(self._toggle_open)
        window.item_view.title_row.addWidget(self.pin_button, 0, Qt.AlignmentFlag.AlignTop)
        QShortcut(QKeySequence("Ctrl+D"), window).activated.connect(self.toggle_current)
        window.copy_router.claim(QKeySequence("Ctrl+D"))
        results = window.results
        results.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        results.customContextMenuRequested.connect(self._menu)
        self.menu: QMenu | None = None  # the last context menu (tests trigger its action)
        favourites.changed.connect(self._changed)

    def item_shown(self, item_id: str) -> None:
        """The item page now shows ``item_id``: show whether it is pinned."""
        self.pin_button.show_state(self.favourites.is_pinned(item_id))

    def toggle_current(self) -> None:
        """Ctrl+D: pin or unpin the open item, else the selected result."""
        window = self._window
        item = window.current_item()
        if item is not None:
            self._toggle(item.id)
            return
        if window.pages.currentWidget() is window.results_page:
            hit = window.model.hit(window.results.currentIndex().row())
            if hit is not None:
                self._toggle(hit.id)

    def _toggle_open(self) -> None:
        item = self._window.current_item()
        if item is not None:
            self._toggle(item.id)

    def _toggle(self, item_id: str) -> None:
        pinned = self.favourites.toggle(item_id)
        self._window.toast(
            self.tr("Pinned to the home screen.") if pinned else self.tr("Unpinned.")
        )

    def _menu(self, pos: QPoint) -> None:
        results = self._window.results
        hit = self._window.model.hit(results.indexAt(pos).row())
        if hit is not None:
            self.menu = result_menu(
                results, pos, hit, self.favourites.is_pinned(hit.id), self._toggle
            )

    def _changed(self) -> None:
        item = self._window.current_item()
        if item is not None:
            self.item_shown(item.id)
        self._window.refresh_list()

"""DeskmateApp: puts the sidebar together — knowledge, record, dock, hotkeys, tray.

Everything with logic lives in core/; this module only wires Qt objects to it and
turns problems into sentences in the status line instead of crash dialogs.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Mapping

from deskmate.core import DeskmateError, KnowledgeBase
from deskmate.core.activity.account import BindOutcome, SignedInAccount
from deskmate.core.activity.consultation_log import ConsultationLog, ItemUsage
from deskmate.core.activity.events import EventKind
from deskmate.core.learning import LearningStore
from deskmate.core.paths import Paths
from deskmate.core.search.vector_job import VectorJob
from deskmate.core.settings import Settings, SettingsStore
from deskmate.desktop.activity_recorder import ActivityRecorder
from deskmate.desktop.autostart import set_start_at_login
from deskmate.desktop.background_sync import BackgroundSync
from deskmate.desktop.docking.dock_controller import DockController
from deskmate.desktop.docking.edge_reservation import edge_reservation_for
from deskmate.desktop.gap_dialog import GapDialog
from deskmate.desktop.hotkeys.global_hotkeys import GlobalHotkeys, HotkeyError, global_hotkeys_for
from deskmate.desktop.i18n import install_translators, resolve_language
from deskmate.desktop.icons import app_icon
from deskmate.desktop.learning_controller import LearningController
from deskmate.desktop.local_time import local_time
from deskmate.desktop.settings_dialog import SettingsDialog
from deskmate.desktop.sidebar import SidebarWindow
from deskmate.desktop.single_instance import InstanceServer, send_to_running
from deskmate.desktop.theme import apply_theme
from deskmate.desktop.tray import TrayIcon
from deskmate.indexer.sample_pack import load_sample_pack_if_empty
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QDialog

log = logging.getLogger(__name__)

ENCODE_DELAY_MS = 30_000  # after start-up, items lacking a vector are encoded


class DeskmateApp(QObject):
    """The running sidebar application (one per process)."""

    _sample_loaded = Signal(str)

    def __init__(self, app: QApplication, paths: Paths, dock: bool = True) -> None:
        super().__init__()
        self.app = app
        self.paths = paths
        self.settings_store = SettingsStore(paths.config_dir)
        self.settings: Settings = self.settings_store.load()
        language = resolve_language(self.settings.language)
        self._translators = install_translators(app, language)
        self.theme = apply_theme(app, self.settings.theme)
        app.setWindowIcon(app_icon())
        app.setQuitOnLastWindowClosed(False)

        self.kb = KnowledgeBase.open(paths.data_dir)
        self._vector_job: VectorJob | None = None
        self.recorder = ActivityRecorder(
            ConsultationLog.open(paths.data_dir, self.settings.agent_id), self
        )
        self.window = SidebarWindow(self.kb, self.recorder)
        self.window.installEventFilter(self)
        self.recorder.problem.connect(self.window.toast)
        self.window.hide_requested.connect(self.hide_sidebar)
        self.window.gap_requested.connect(self.flag_gap)
        self.window.settings_requested.connect(self.open_settings)
        self.window.dock_toggle_requested.connect(self.toggle_dock)
        self.window.pin_toggled.connect(self._set_pinned)

        self.dock = DockController(
            self.window,
            edge_reservation_for(app),
            edge=self.settings.dock_edge,
            screen_name=self.settings.dock_screen,
            width=self.settings.dock_width,
        )
        self.dock.placement_changed.connect(self._remember_placement)
        self._use_dock = dock and self.settings.docked

        self.hotkeys: GlobalHotkeys = global_hotkeys_for(app)
        self.hotkeys.activated.connect(self._on_hotkey)
        self.hotkey_problems: list[str] = []
        self._register_hotkeys()

        self.tray = TrayIcon(self)
        self.tray.show_requested.connect(self.summon)
        self.tray.settings_requested.connect(self.open_settings)
        self.tray.sync_requested.connect(self._sync_now)
        self.tray.quit_requested.connect(self.quit)

        self.sync = BackgroundSync(self.kb, self.recorder.log, self, language=language)
        self.sync.configure(self.settings.server_url, self.settings.proxy_url)
        self.sync.started.connect(lambda: self.window.toast(self.tr("Syncing…")))
        self.sync.account_bound.connect(self._account_bound)
        self.sync.finished.connect(self._sync_finished)
        # Who signed in on this machine profile (None before the first sign-in): their
        # name is the agent id of the record and of the learning outbox.
        self.account: SignedInAccount | None = self._read_account()
        self.learning = LearningController(
            LearningStore(paths.data_dir, self.account.name if self.account else None),
            self.window, self.sync, self.tray, self,
        )
        self.learning.summon_requested.connect(self.summon)

        self.instance = InstanceServer(paths.data_dir, self)
        self.instance.command.connect(self.handle_command)
        self._sample_loaded.connect(self._after_sample)
        self._gap_dialog: GapDialog | None = None
        self._settings_dialog: SettingsDialog | None = None
        # Written by the start-up thread before it signals, read on the UI thread after.
        self._usage_lists: tuple[list[str], list[str]] = ([], [])
        self.refresh_status()
        for problem in [*self.settings_store.problems, *self.hotkey_problems]:
            self.window.toast(problem)

    # -- start and stop ----------------------------------------------------------------

    def start(self) -> None:
        """Show the sidebar (docked unless undocked last time) and load the sample pack."""
        if self._use_dock:
            self.dock.dock()
        else:
            self.window.resize(self.settings.dock_width, 700)
        self.window.show()
        self.window.summon()
        # benchmarks/installed_start.py times start-up from outside with this line.
        log.info("search box ready at %.3f (epoch seconds)", time.time())
        self.window.runner.warm_up()
        if self.dock.problem:
            self.window.toast(self.dock.problem)
        if not sum(self.kb.count().values()) and not self.settings.server_url:
            self.window.set_status(self.tr("Loading the sample knowledge pack…"))
        threading.Thread(target=self._prepare, name="deskmate-prepare", daemon=True).start()

    def _prepare(self) -> None:
        """Off the UI thread: the first-run sample pack, then this agent's usage signals."""
        message = ""
        try:
            if not self.settings.server_url:  # with a server, its content replaces the sample
                load_sample_pack_if_empty(self.kb)
            record = self.recorder.log
            counts = record.usage_counts()
            feed_usage(self.kb, counts)
            opened = (e for e in record.recent(60) if e.kind == EventKind.OPEN)
            recent = [e.item_id for e in opened if e.item_id]
            frequent = sorted(counts, key=lambda item_id: -counts[item_id].consulted)[:5]
            self._usage_lists = (recent, frequent)
        except DeskmateError as exc:
            message = exc.message
        self._sample_loaded.emit(message)

    def _start_encoding(self) -> None:
        # Items without a vector (a first run, a new pack) are encoded in the background;
        # a job stopped with the app resumes here next time.
        if self._vector_job is None or self._vector_job.join(0):
            self._vector_job = self.kb.semantic.start_encoding()

    def _after_sample(self, problem: str) -> None:
        # Not during start-up: the agent's first searches come first.
        QTimer.singleShot(ENCODE_DELAY_MS, self._start_encoding)
        if problem:
            self.window.toast(problem)
        self.refresh_status()
        self.window.remember_usage(*self._usage_lists)
        self.learning.load()
        if self.settings.server_url:
            self._sync_now()

    def quit(self) -> None:
        """Record the end of the session, release the dock strip and hotkeys, exit."""
        self.sync.stop()
        if self._vector_job is not None:
            self._vector_job.cancel()
            self._vector_job.join(3)  # it stops after its batch, before the store closes
        self.learning.shutdown()
        self.window.shutdown()
        self.hotkeys.unregister_all()
        self.dock.release()
        self.tray.hide()
        self.instance.close()
        self.recorder.close()
        self.kb.close()
        self.app.quit()

    # -- commands ----------------------------------------------------------------------

    def handle_command(self, command: str) -> None:
        """A command from the hotkeys, a second launch or the tray."""
        if command == "summon":
            self.summon()
        elif command == "flag-gap":
            self.flag_gap()
        elif command == "quit":
            self.quit()

    def summon(self) -> None:
        """Bring the sidebar forward with the search box focused."""
        if self._use_dock and not self.window.isVisible():
            self.dock.dock()
        self.window.summon()

    def hide_sidebar(self) -> None:
        """Hide (Esc on an empty box, or close when hiding is on)."""
        self.window.end_session()
        self.window.hide()

    def _on_hotkey(self, name: str) -> None:
        self.handle_command("flag-gap" if name == "gap" else "summon")

    def flag_gap(self) -> None:
        """Open the gap dialog with the current query and item; record on Enter."""
        if self._gap_dialog is not None:
            self._gap_dialog.raise_()
            self._gap_dialog.activateWindow()
            return
        item = self.window.current_item()
        dialog = GapDialog(self.window.current_query(), item.id if item else None,
                           item.title if item else None)
        dialog.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        dialog.propose_requested.connect(self.learning.propose)
        self._gap_dialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        dialog.finished.connect(lambda result: self._gap_done(dialog, result))

    def _gap_done(self, dialog: GapDialog, result: int) -> None:
        self._gap_dialog = None
        if result == QDialog.DialogCode.Accepted and dialog.flag is not None:
            self.recorder.gap(dialog.flag)
            self.window.toast(self.tr("Gap recorded. Thank you — the knowledge team will see it."))
        dialog.deleteLater()

    def _sync_now(self) -> None:
        problem = self.sync.sync_now()
        if problem:
            self.window.toast(problem)

    def _sync_finished(self, summary: str, problem: str) -> None:
        self.refresh_status()
        self.window.toast(problem or self.tr("Synced: %s") % summary)
        if not problem and not self.window.current_query():
            self.window.show_home()

    # -- dock, hotkeys, settings ---------------------------------------------------------

    def toggle_dock(self) -> None:
        """Dock at the edge, or float as a normal window."""
        self._use_dock = not self._use_dock
        if self._use_dock:
            self.dock.dock()
        else:
            self.dock.undock()
        self.window.show()
        self._save(dataclasses.replace(self.settings, docked=self._use_dock))

    def _set_pinned(self, pinned: bool) -> None:
        self.dock.set_pinned(pinned)
        self._save(dataclasses.replace(self.settings, always_on_top=pinned))

    def _remember_placement(self, edge: str, screen: str, width: int, docked: bool) -> None:
        self._save(dataclasses.replace(self.settings, dock_edge=edge, dock_screen=screen,
                                       dock_width=width, docked=docked))

    def _register_hotkeys(self) -> None:
        self.hotkeys.unregister_all()
        self.hotkey_problems = []
        for name, sequence in (("summon", self.settings.summon_hotkey),
                               ("gap", self.settings.gap_hotkey)):
            try:
                self.hotkeys.register(name, sequence)
            except HotkeyError as exc:
                log.warning("hotkey %s (%s): %s", name, sequence, exc.message)
                self.hotkey_problems.append(exc.message)

    def settings_dialog(self) -> SettingsDialog:
        """A settings dialog wired to this app (sign-in, the signed-in account)."""
        dialog = SettingsDialog(self.settings, self.settings_store.locked_keys(),
                                self.hotkey_problems, self.window, account=self.account)
        dialog.sign_in_requested.connect(lambda url, token: self._sign_in(dialog, url, token))
        self._settings_dialog = dialog
        dialog.finished.connect(lambda _result: self._settings_closed(dialog))
        return dialog

    def _settings_closed(self, dialog: SettingsDialog) -> None:
        if self._settings_dialog is dialog:
            self._settings_dialog = None

    def open_settings(self) -> None:
        """The settings dialog; changes apply at once."""
        dialog = self.settings_dialog()
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.result_settings is None:
            return
        new = dialog.result_settings
        old, self.settings = self.settings, new
        if (new.summon_hotkey, new.gap_hotkey) != (old.summon_hotkey, old.gap_hotkey):
            self._register_hotkeys()
            for problem in self.hotkey_problems:
                self.window.toast(problem)
        if (new.dock_edge, new.dock_screen, new.dock_width) != (
            old.dock_edge, old.dock_screen, old.dock_width
        ):
            self.dock.set_edge(new.dock_edge)
            self.dock.set_screen(new.dock_screen)
            self.dock.set_width(new.dock_width)
        if new.theme != old.theme:
            self.theme = apply_theme(self.app, new.theme)
        if new.start_at_login != old.start_at_login:
            try:
                set_start_at_login(new.start_at_login)
            except DeskmateError as exc:
                self.window.toast(exc.message)
        if (new.server_url, new.proxy_url) != (old.server_url, old.proxy_url):
            self.sync.configure(new.server_url, new.proxy_url)
            self.refresh_status()
        if new.language != old.language:
            self.window.toast(self.tr("The new language applies when Deskmate restarts."))
        self._save(new)

    def _sign_in(self, dialog: SettingsDialog, server_url: str, token: str) -> None:
        self.sync.configure(server_url, self.settings.proxy_url)
        try:
            problem = self.sync.sign_in(token)
        except DeskmateError as exc:  # a malformed token: nothing was kept
            dialog.show_sign_in_result(exc.message)
            return
        # Kept in the credential store, or for this session only (problem says so): sync.
        dialog.show_sign_in_result(problem or self.tr("Signed in. Syncing now…"))
        self._sync_now()

    def _read_account(self) -> SignedInAccount | None:
        try:
            return self.recorder.log.account()
        except DeskmateError as exc:  # the record's database cannot be read right now
            log.warning("cannot read who is signed in: %s", exc.message)
            return None

    def _account_bound(self, outcome: BindOutcome) -> None:
        """The sync asked the server who the token belongs to: record as them from now on."""
        self.account = outcome.account
        self.learning.store.agent_id = outcome.account.name
        if self._settings_dialog is not None:
            self._settings_dialog.show_account(outcome.account)
        notice = self._account_notice(outcome)
        if notice:
            self.window.toast(notice)
            if self._settings_dialog is not None:
                self._settings_dialog.show_sign_in_result(notice)
        if outcome.changed:
            self.window.refresh_history()

    def _account_notice(self, outcome: BindOutcome) -> str:
        """The one-line notice of :meth:`BindOutcome.notice`, in the UI's language."""
        name = outcome.account.name
        if outcome.claimed:
            return (
                self.tr("Activity recorded before you signed in will be uploaded as %1: "
                        "%2 in all.").replace("%1", name).replace("%2", str(outcome.claimed))
            )
        if outcome.previous is not None:
            return (
                self.tr("Signed in as %1. Activity recorded as %2 stays on this computer "
                        "until %2 signs in again.")
                .replace("%1", name).replace("%2", outcome.previous)
            )
        return ""

    def _save(self, settings: Settings) -> None:
        self.settings = settings
        try:
            self.settings_store.save(settings)
        except DeskmateError as exc:
            self.window.toast(exc.message)

    def refresh_status(self) -> None:
        """Online/offline, last sync and item counts in the status line."""
        counts = self.kb.count()
        problem = self.kb.get_meta("sync.last_problem") or ""
        online = bool(self.settings.server_url) and not problem.startswith("Offline")
        if not self.settings.server_url:
            mode = self.tr("Offline (no server configured)")
        elif online:
            mode = self.tr("Online")
        else:
            mode = self.tr("Offline: working from the local copy")
        stamp = self.kb.get_meta("last_sync")
        last_sync = local_time(stamp) if stamp else self.tr("never")
        self.window.set_status(
            self.tr("%1 · last sync: %2 · %3 FAQs, %4 scripts, %5 experts")
            .replace("%1", mode).replace("%2", last_sync)
            .replace("%3", str(counts.get("faq", 0))).replace("%4", str(counts.get("script", 0)))
            .replace("%5", str(counts.get("expert", 0)))
        )
        self.tray.set_online(online)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Closing the window hides it when the tray or a hotkey can bring it back."""
        if watched is self.window and event.type() == QEvent.Type.Close:
            can_return = self.tray.available or not self.hotkey_problems
            if self.settings.hide_on_close and can_return:
                event.ignore()
                self.hide_sidebar()
                return True
            self.quit()
            return True
        return super().eventFilter(watched, event)


def feed_usage(kb: KnowledgeBase, counts: Mapping[str, ItemUsage]) -> int:
    """Give the knowledge base the consultation counts (items agents use rise a little).

    Returns:
        The number of items whose usage was passed on.
    """
    for item_id, usage in counts.items():
        kb.record_usage(item_id, usage.consulted, usage.helpful, usage.unhelpful)
    return len(counts)


def display_problem(environ: Mapping[str, str], platform: str = sys.platform) -> str | None:
    """Why no window can be shown here, or None (Qt would abort the process instead)."""
    if platform != "linux" or environ.get("QT_QPA_PLATFORM"):
        return None
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "No graphical display was found (DISPLAY is not set), so the sidebar cannot open. "
        "Start Deskmate from a desktop session, or use `deskmate search ...` in a terminal."
    )


def run_sidebar(paths: Paths, dock: bool = True, command: str = "summon") -> int:
    """Run the sidebar until quit, or pass ``command`` to the running one; exit status."""
    problem = display_problem(os.environ)
    if problem:
        print(f"deskmate: {problem}", file=sys.stderr)  # noqa: T201 - no window possible
        return 2
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(["deskmate"])
    if send_to_running(paths.data_dir, command):
        log.info("passed %r to the running Deskmate", command)
        return 0
    app.setApplicationName("Deskmate")
    app.setOrganizationName("Deskmate")
    app.setDesktopFileName("deskmate")
    try:
        deskmate = DeskmateApp(app, paths, dock=dock)
    except DeskmateError as exc:
        log.exception("cannot start: %s", exc.message)
        print(f"deskmate: {exc.message}")  # noqa: T201 - before any window exists
        return 2
    deskmate.start()
    if command != "summon":
        deskmate.handle_command(command)
    _quit_on_terminate(deskmate)
    return app.exec()


def _quit_on_terminate(deskmate: DeskmateApp) -> None:
    """SIGTERM/SIGINT (log-off, IT tooling, Ctrl+C) quit cleanly: queued events are written."""
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_args: QTimer.singleShot(0, deskmate.quit))
    # Python runs signal handlers only between bytecodes; a slow no-op timer gives it the
    # chance while Qt sits in its C++ event loop.
    heartbeat = QTimer(deskmate)
    heartbeat.timeout.connect(lambda: None)
    heartbeat.start(500)

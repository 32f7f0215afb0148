"""DeskmateApp: puts the sidebar together — knowledge, record, dock, hotkeys, tray.

Everything with logic lives in core/; this module only wires Qt objects to it and
turns problems into sentences in the status line instead of crash dialogs.
"""

from __future__ import annotations

import dataclasses
import gc
import logging
import os
import time

from deskmate.core import DeskmateError, KnowledgeBase
from deskmate.core.activity.consultation_log import ConsultationLog
from deskmate.core.context_request import ContextError, ContextRequest
from deskmate.core.learning import LearningStore
from deskmate.core.paths import Paths
from deskmate.core.settings import Settings, SettingsStore
from deskmate.desktop.account_session import AccountSession
from deskmate.desktop.activity_recorder import ActivityRecorder
from deskmate.desktop.autostart import set_start_at_login
from deskmate.desktop.background_sync import BackgroundSync
from deskmate.desktop.clipboard_suggest import ClipboardSuggest, show_without_activating
from deskmate.desktop.context_pop import ContextPop
from deskmate.desktop.crm_insert import CrmInsert
from deskmate.desktop.docking.all_desktops import OnAllDesktops, placement_for
from deskmate.desktop.docking.dock_controller import DockController
from deskmate.desktop.docking.edge_reservation import edge_reservation_for
from deskmate.desktop.error_wording import (
    dock_problem_text,
    settings_read_text,
    wording,
)
from deskmate.desktop.exception_hooks import ExceptionHooks
from deskmate.desktop.gap_dialog import GapDialog
from deskmate.desktop.hotkeys.global_hotkeys import GlobalHotkeys, HotkeyError, global_hotkeys_for
from deskmate.desktop.i18n import install_translators, remove_translators, resolve_language
from deskmate.desktop.icons import app_icon
from deskmate.desktop.idle_memory import IdleMemory
from deskmate.desktop.item_encoding import ItemEncoding
from deskmate.desktop.jobs import JobRunner
from deskmate.desktop.keystrokes import keystrokes_for
from deskmate.desktop.learning_controller import LearningController
from deskmate.desktop.paste_box import PasteBox
from deskmate.desktop.settings_dialog import SettingsDialog
from deskmate.desktop.sidebar import SidebarWindow
from deskmate.desktop.single_instance import InstanceServer
from deskmate.desktop.startup import StartupPreparation, Usage
from deskmate.desktop.status_line import StatusLine
from deskmate.desktop.theme import apply_theme
from deskmate.desktop.tray import TrayIcon
from deskmate.desktop.watchdog import MainThreadWatchdog
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QDialog

log = logging.getLogger(__name__)


class DeskmateApp(QObject):
    """The running sidebar application (one per process).

    Start-up opens only the database here (milliseconds); :meth:`start` shows the window
    and then opens or rebuilds the search index as a job with progress and Cancel.
    """

    def __init__(self, app: QApplication, paths: Paths, dock: bool = True) -> None:
        super().__init__()
        self.app = app
        self.paths = paths
        self.settings_store = SettingsStore(paths.config_dir)
        self.settings: Settings = self.settings_store.load()
        language = resolve_language(self.settings.language)
        self.language = language
        self._translators = install_translators(app, language)
        self.theme = apply_theme(app, self.settings.theme)
        app.setWindowIcon(app_icon())
        app.setQuitOnLastWindowClosed(False)

        self.jobs = JobRunner()
        self.kb = KnowledgeBase.open(paths.data_dir, prepare_index=False)
        # Holds the GIL ~0.1 s: while the window is being built, not once it is on screen.
        self.jobs.submit("dictionary", lambda _ctx: self.kb.load_dictionary())
        self.recorder = ActivityRecorder(
            ConsultationLog.open(paths.data_dir, self.settings.agent_id), self, jobs=self.jobs
        )
        self.window = SidebarWindow(self.kb, self.recorder, jobs=self.jobs)
        self.jobs.problem.connect(self.window.toast)
        # What escapes a job or a slot: logged, and shown in the agent's words.
        self.exception_hooks = ExceptionHooks(self)
        self.exception_hooks.reported.connect(self.window.toast)
        self.exception_hooks.install()
        # Debug setting: log every GUI-thread stall over 50 ms with its stack.
        self.watchdog: MainThreadWatchdog | None = None
        if os.environ.get("DESKMATE_WATCHDOG", "") not in ("", "0"):
            self.watchdog = MainThreadWatchdog()
            self.watchdog.start()
        self.window.installEventFilter(self)
        self.recorder.problem.connect(self.window.toast)
        self.window.hide_requested.connect(self.hide_sidebar)
        self.window.gap_requested.connect(self.flag_gap)
        self.window.settings_requested.connect(self.open_settings)
        self.window.dock_toggle_requested.connect(self.toggle_dock)
        self.window.pin_toggled.connect(self._set_pinned)
        self.window.zoom.set_percent(self.settings.text_zoom)
        self.window.zoom.changed.connect(
            lambda percent: self._save(dataclasses.replace(self.settings, text_zoom=percent))
        )

        self.dock = DockController(
            self.window,
            edge_reservation_for(app),
            edge=self.settings.dock_edge,
            screen_name=self.settings.dock_screen,
            width=self.settings.dock_width,
        )
        self.dock.placement_changed.connect(self._remember_placement)
        self._use_dock = dock and self.settings.docked
        self.desktops = OnAllDesktops(self.window, placement_for(app), self)  # sticky

        self.hotkeys: GlobalHotkeys = global_hotkeys_for(app)
        self.hotkeys.activated.connect(self._on_hotkey)
        self.hotkey_problems: list[str] = []
        self._register_hotkeys()

        self.tray = TrayIcon(self)
        self.tray.show_requested.connect(self.summon)
        self.tray.settings_requested.connect(self.open_settings)
        self.tray.sync_requested.connect(self._sync_now)
        self.tray.quit_requested.connect(self.quit)
        self.status_line = StatusLine(
            self.kb, self.jobs, self.window, self.tray, lambda: self.settings.server_url, self
        )

        self.sync = BackgroundSync(
            self.kb, self.recorder.log, self, language=language, jobs=self.jobs
        )
        self.sync.configure(self.settings.server_url, self.settings.proxy_url)
        self.sync.started.connect(lambda: self.window.toast(self.tr("Syncing…")))
        self.sync.finished.connect(self._sync_finished)
        # Who signed in on this machine profile (None before the first sign-in): their
        # name is the agent id of the record and of the learning outbox.
        self.session = AccountSession(
            self.window, self.sync, self.recorder.log, language, self._account_named, self
        )
        account = self.session.account
        self.learning = LearningController(
            LearningStore(paths.data_dir, account.name if account else None),
            self.window,
            self.sync,
            self.tray,
            self,
        )
        self.learning.summon_requested.connect(self.summon)
        self.recorder.gap_recorded.connect(self._send_gap_now)

        # With a server, its content replaces the sample pack.
        self.startup = StartupPreparation(
            self.kb,
            self.recorder.log,
            self.jobs,
            self.window,
            load_sample=not self.settings.server_url,
            parent=self,
        )
        self.startup.prepared.connect(self._after_prepare)
        # Items lacking a vector are encoded in the background, after start-up.
        self.encoding = ItemEncoding(self.kb, self.jobs, self)
        self.encoding.progressed.connect(self._encoding_progress)
        # After bulk work, what only it needed (pypinyin's dictionary) is given back.
        self.idle_memory = IdleMemory(self.jobs, parent=self)
        for done in (self.startup.prepared, self.encoding.finished, self.sync.finished):
            done.connect(self.idle_memory.soon)
        self.context = ContextPop(self.window, self.recorder, self.summon, self)
        # Suggestions for copied/selected text (opt-in) and the paste box (issue #18).
        self.suggest = ClipboardSuggest(self.window, self.recorder, self._reveal_quietly, self)
        self.suggest.set_enabled(self.settings.suggest_from_clipboard)
        self.paste_box = PasteBox(self.window, self.suggest)
        self.crm_insert = CrmInsert(self.window, keystrokes_for(app.platformName()), self.jobs)
        self.instance = InstanceServer(paths.data_dir, self)
        self.instance.command.connect(self.handle_command)
        self._gap_dialog: GapDialog | None = None
        self._quitting = False
        self.refresh_status()
        for problem in self.settings_store.problems:
            log.warning("settings: %s", problem)  # the core's English detail, for IT
        if self.settings_store.problems:
            self.window.toast(
                self.settings_store.problems[0] if language == "en" else settings_read_text()
            )
        for problem in self.hotkey_problems:  # worded by the hotkeys module, translated
            self.window.toast(problem)

    # -- start and stop ----------------------------------------------------------------

    def start(self) -> None:
        """Show the sidebar at once, then prepare the index and load the sample pack."""
        if self._use_dock:
            self.dock.dock()
        else:
            self.window.resize(self.settings.dock_width, 700)
        self.window.show()
        self.window.summon()
        gc.freeze()  # what was imported and built so far: a rebuild's collections skip it
        # benchmarks/installed_start.py times start-up from outside with this line.
        log.info("search box ready at %.3f (epoch seconds)", time.time())
        if self.dock.problem:
            log.warning("dock: %s", self.dock.problem)
            self.window.toast(dock_problem_text())
        self.startup.start()

    def _after_prepare(self, usage: Usage) -> None:
        self.encoding.start()
        # What start-up loaded (dictionaries, index readers, widgets) lives as long as the
        # app: out of the collector's sight, a full collection no longer walks it while
        # holding the GIL (245 ms pauses of every thread at 100k items before).
        gc.freeze()
        self.refresh_status()
        self.window.remember_usage(*usage)
        self.learning.load()
        if self.settings.server_url:
            self._sync_now()

    def _encoding_progress(self, percent: int) -> None:
        self.window.toast(self.tr("Preparing search by meaning… %1%").replace("%1", str(percent)))

    def quit(self) -> None:
        """Record the end of the session, release the dock strip and hotkeys, exit.

        Jobs are cancelled and waited for a bounded time; the knowledge base is closed
        only when none is left running (an abandoned job dies with the process, and
        SQLite's transactions and the index's aside-then-swap build leave nothing
        half-written).
        """
        if self._quitting:  # closing the window below comes back here
            return
        self._quitting = True
        self.sync.stop()
        self.encoding.cancel()  # stops after its batch; the next start resumes
        self.idle_memory.stop()
        self.learning.shutdown()
        self.window.shutdown()
        self.window.hide()  # gone at once for the agent, while the jobs get their bounded wait
        self.hotkeys.unregister_all()
        self.suggest.set_enabled(False)  # no more copies reach a window that is going away
        self.dock.release()
        self.desktops.close()
        self.tray.hide()
        self.instance.close()
        begun = time.monotonic()
        abandoned = self.jobs.shutdown()
        log.info("quit: jobs stopped in %.2f s", time.monotonic() - begun)
        self.recorder.close()
        if not abandoned:
            self.kb.close()
        log.info("quit: data closed after %.2f s", time.monotonic() - begun)
        self.exception_hooks.uninstall()
        remove_translators(self.app, self._translators)
        if self.watchdog is not None:
            self.watchdog.stop()
        self.app.quit()

    # -- commands ----------------------------------------------------------------------

    def handle_command(self, command: str) -> None:
        """A command from the hotkeys, a second launch or the tray."""
        if command == "summon":
            self.summon()
        elif command == "flag-gap":
            self.flag_gap()
        elif command == "quit":
            log.info("quit requested through the instance channel")
            self.quit()
        elif command.startswith("{"):  # a context pop (validated by the channel)
            try:
                self.context.apply(ContextRequest.from_message(command))
            except ContextError as exc:
                log.warning("context pop refused: %s", exc.message)

    def summon(self) -> None:
        """Bring the sidebar forward with the search box focused."""
        if self._use_dock and not self.window.isVisible():
            self.dock.dock()
        self.crm_insert.remember_target()  # the CRM the agent comes from: Insert types there
        self.desktops.bring_here()  # to the agent's current desktop, not theirs to it
        self.window.summon()

    def hide_sidebar(self) -> None:
        """Hide (Esc on an empty box, or close when hiding is on)."""
        self.window.end_session()
        self.window.hide()

    def _on_hotkey(self, name: str) -> None:
        if name == "suggest":
            self.suggest.from_selection()  # never takes the focus from the CRM
            return
        self.handle_command("flag-gap" if name == "gap" else "summon")

    def _reveal_quietly(self) -> None:
        """Show the hidden sidebar (docked if docking is on) without taking the focus."""

        def show() -> None:
            if self._use_dock:
                self.dock.dock()
            self.window.show()

        show_without_activating(self.window, show)

    def flag_gap(self) -> None:
        """Open the gap dialog with the current query and item; record on Enter."""
        if self._gap_dialog is not None:
            self._gap_dialog.raise_()
            self._gap_dialog.activateWindow()
            return
        item = self.window.current_item()
        dialog = GapDialog(
            self.window.current_query(), item.id if item else None, item.title if item else None
        )
        dialog.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        dialog.case_edit.setText(self.context.case)
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

    def _send_gap_now(self) -> None:
        """A gap flag goes to the knowledge team at once, not at the next periodic sync.

        Offline, or before signing in, it waits in the record like everything else; the
        status line already says why, so nothing more is shown here.
        """
        if self.sync.configured:
            self.sync.sync_now()

    def _sync_now(self) -> None:
        problem = self.sync.sync_now()
        if problem:
            self.window.toast(problem)

    def _sync_finished(self, summary: str, problem: str) -> None:
        self.refresh_status()
        self.window.toast(problem or self.tr("Synced: %s") % summary)
        if not problem:  # items that came without a usable vector are encoded here
            self.encoding.start()
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
        self._save(
            dataclasses.replace(
                self.settings, dock_edge=edge, dock_screen=screen, dock_width=width, docked=docked
            )
        )

    def _register_hotkeys(self) -> None:
        self.hotkeys.unregister_all()
        self.hotkey_problems = []
        wanted = [("summon", self.settings.summon_hotkey), ("gap", self.settings.gap_hotkey)]
        if self.settings.suggest_from_clipboard:  # off: the key stays free for other programs
            wanted.append(("suggest", self.settings.suggest_hotkey))
        for name, sequence in wanted:
            try:
                self.hotkeys.register(name, sequence)
            except HotkeyError as exc:
                log.warning("hotkey %s (%s): %s", name, sequence, exc.message)
                self.hotkey_problems.append(exc.message)

    def settings_dialog(self) -> SettingsDialog:
        """A settings dialog wired to this app (sign-in, the signed-in account)."""
        dialog = SettingsDialog(
            self.settings,
            self.settings_store.locked_keys(),
            self.hotkey_problems,
            self.window,
            account=self.session.account,
        )
        dialog.sign_in_requested.connect(lambda url, token: self._sign_in(dialog, url, token))
        self.session.dialog = dialog
        dialog.finished.connect(lambda _result: self._settings_closed(dialog))
        return dialog

    def _settings_closed(self, dialog: SettingsDialog) -> None:
        if self.session.dialog is dialog:
            self.session.dialog = None

    def open_settings(self) -> None:
        """The settings dialog; changes apply at once."""
        dialog = self.settings_dialog()
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.result_settings is None:
            return
        new = dialog.result_settings
        old, self.settings = self.settings, new
        self.suggest.set_enabled(new.suggest_from_clipboard)
        if _hotkey_settings(new) != _hotkey_settings(old):
            self._register_hotkeys()
            for problem in self.hotkey_problems:
                self.window.toast(problem)
        if (new.dock_edge, new.dock_screen, new.dock_width) != (
            old.dock_edge,
            old.dock_screen,
            old.dock_width,
        ):
            self.dock.set_edge(new.dock_edge)
            self.dock.set_screen(new.dock_screen)
            self.dock.set_width(new.dock_width)
        if new.theme != old.theme:
            self.theme = apply_theme(self.app, new.theme)
        self.window.zoom.set_percent(new.text_zoom)  # the same size again changes nothing
        if new.start_at_login != old.start_at_login:
            try:
                set_start_at_login(new.start_at_login)
            except DeskmateError as exc:
                self.window.toast(wording(exc))
        if (new.server_url, new.proxy_url) != (old.server_url, old.proxy_url):
            self.sync.configure(new.server_url, new.proxy_url)
            self.refresh_status()
        if new.language != old.language:
            self.window.toast(self.tr("The new language applies when Deskmate restarts."))
        self._save(new)

    def _sign_in(self, dialog: SettingsDialog, server_url: str, token: str) -> None:
        self.session.sign_in(dialog, server_url, token, self.settings.proxy_url, self._sync_now)

    def _account_named(self, name: str) -> None:
        """The server said whose the token is: the learning outbox records as them."""
        self.learning.store.agent_id = name

    def _save(self, settings: Settings) -> None:
        self.settings = settings
        try:
            self.settings_store.save(settings)
        except DeskmateError as exc:
            self.window.toast(wording(exc))

    def refresh_status(self) -> None:
        """Online/offline, last sync and item counts in the status line (read by a job)."""
        self.status_line.refresh()

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


def _hotkey_settings(settings: Settings) -> tuple[object, ...]:
    """What decides the registered global hotkeys (suggest's only while it is on)."""
    s = settings
    return (s.summon_hotkey, s.gap_hotkey, s.suggest_hotkey, s.suggest_from_clipboard)

"""AccountSession: who is signed in on this machine profile, signing in, and account changes.

The token an agent enters is kept by the sync (the OS credential store); the first sync
asks the server whose it is, and from then on the record and the learning outbox are
kept under that name (core/activity/account.py). This class turns those steps into what
the agent sees: the settings dialog's sign-in line, the notice when activity recorded
before the sign-in (or under another name) is claimed, and a refreshed history.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from deskmate.core import DeskmateError
from deskmate.core.activity.account import BindOutcome, SignedInAccount
from deskmate.core.activity.consultation_log import ConsultationLog
from deskmate.desktop.background_sync import BackgroundSync
from deskmate.desktop.error_wording import credential_store_text, wording
from deskmate.desktop.settings_dialog import SettingsDialog
from deskmate.desktop.sidebar import SidebarWindow
from PySide6.QtCore import QObject

log = logging.getLogger(__name__)


class AccountSession(QObject):
    """The signed-in account and the sign-in flow of one running sidebar.

    Args:
        window: The sidebar (notices, history, favourites).
        sync: The background sync (keeps the token, binds the account).
        record: The consultation record (who is signed in).
        language: The UI language ("en": the vault's English reasons are shown as is).
        on_account: Called with the account's name when it is bound (the learning outbox
            records under it from then on).
    """

    def __init__(
        self,
        window: SidebarWindow,
        sync: BackgroundSync,
        record: ConsultationLog,
        language: str,
        on_account: Callable[[str], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._window = window
        self._sync = sync
        self._language = language
        self._on_account = on_account
        #: The settings dialog while it is open (it shows the account and sign-in results).
        self.dialog: SettingsDialog | None = None
        #: Who signed in on this machine profile (None before the first sign-in).
        self.account: SignedInAccount | None = self._read(record)
        sync.account_bound.connect(self.bound)

    @staticmethod
    def _read(record: ConsultationLog) -> SignedInAccount | None:
        try:
            return record.account()
        except DeskmateError as exc:  # the record's database cannot be read right now
            log.warning("cannot read who is signed in: %s", exc.message)
            return None

    def sign_in(
        self,
        dialog: SettingsDialog,
        server_url: str,
        token: str,
        proxy_url: str,
        sync_now: Callable[[], None],
    ) -> None:
        """Keep ``token`` for ``server_url`` and sync; the dialog says how it went."""
        self._sync.configure(server_url, proxy_url)
        try:
            problem = self._sync.sign_in(token)
        except DeskmateError as exc:  # a malformed token: nothing was kept
            dialog.show_sign_in_result(wording(exc))
            return
        # Kept in the credential store, or for this session only (problem says so): sync.
        if problem and self._language != "en":  # the vault words its reason in English
            log.warning("sign-in: %s", problem)
            problem = credential_store_text()
        dialog.show_sign_in_result(problem or self.tr("Signed in. Syncing now…"))
        sync_now()

    def bound(self, outcome: BindOutcome) -> None:
        """The sync asked the server who the token belongs to: record as them from now on."""
        self.account = outcome.account
        self._on_account(outcome.account.name)
        if self.dialog is not None:
            self.dialog.show_account(outcome.account)
        notice = self.notice(outcome)
        if notice:
            self._window.toast(notice)
            if self.dialog is not None:
                self.dialog.show_sign_in_result(notice)
        if outcome.changed:
            self._window.refresh_history()
            self._window.favourites.reload(take_over=outcome.first)

    def notice(self, outcome: BindOutcome) -> str:
        """The one-line notice of :meth:`BindOutcome.notice`, in the UI's language."""
        name = outcome.account.name
        if outcome.claimed:
            return (
                self.tr("Activity recorded before you signed in will be uploaded as %1: %2 in all.")
                .replace("%1", name)
                .replace("%2", str(outcome.claimed))
            )
        if outcome.previous is not None:
            return (
                self.tr(
                    "Signed in as %1. Activity recorded as %2 stays on this computer "
                    "until %2 signs in again."
                )
                .replace("%1", name)
                .replace("%2", outcome.previous)
            )
        return ""

"""Sync results in the UI's language.

The Qt-free core words its reports and problems in English (they also go to logs and the
command line); the sidebar shows them translated. A report becomes a translated summary
from its counts; a problem becomes a translated sentence chosen by its error code, with
the core's precise English sentence kept for the English UI (it names hosts and
statuses), and in the log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

if TYPE_CHECKING:  # the sync client is imported lazily, after the window is up
    from deskmate.core.sync.client import SyncReport


def report_text(report: SyncReport) -> str:
    """What a finished sync did, e.g. "3 new, 1 updated, 0 deleted · 12 records sent"."""
    if report.not_modified and not (report.pushed or report.learning_sent):
        return QCoreApplication.translate("SyncWording", "everything is up to date")
    parts = [
        QCoreApplication.translate("SyncWording", "%1 new, %2 updated, %3 deleted")
        .replace("%1", str(report.added))
        .replace("%2", str(report.updated))
        .replace("%3", str(report.deleted))
    ]
    if report.pushed:
        parts.append(
            QCoreApplication.translate("SyncWording", "%1 activity records sent").replace(
                "%1", str(report.pushed)
            )
        )
    if report.learning_sent:
        parts.append(
            QCoreApplication.translate("SyncWording", "%1 learning changes sent").replace(
                "%1", str(report.learning_sent)
            )
        )
    return " · ".join(parts)


def sync_sentences() -> dict[str, str]:
    """The translated sentence of each sync error code."""
    return {
        "sync.offline": QCoreApplication.translate(
            "SyncWording",
            "The server cannot be reached. Deskmate works from the local copy and sends "
            "your records when the connection is back.",
        ),
        "sync.auth": QCoreApplication.translate(
            "SyncWording",
            "The server did not accept your sign-in. Open Settings, Account, and sign in again.",
        ),
        "sync.forbidden": QCoreApplication.translate(
            "SyncWording",
            "Your account may not do this on the server. Ask your Deskmate administrator.",
        ),
        "sync.resync_required": QCoreApplication.translate(
            "SyncWording", "The server asked for a full download; it starts again at the next sync."
        ),
        "sync.too_large": QCoreApplication.translate(
            "SyncWording",
            "The server refused a batch as too large; the records stay and go in smaller batches.",
        ),
        "sync.invalid_upload": QCoreApplication.translate(
            "SyncWording",
            "The server refused some records; they are kept aside. Tell your IT team.",
        ),
        "sync.protocol": QCoreApplication.translate(
            "SyncWording",
            "The server sent something Deskmate cannot use; nothing was changed. "
            "Tell your IT team.",
        ),
        "store.disk_full": QCoreApplication.translate(
            "SyncWording", "The disk is full; free some space and sync again."
        ),
        "operation.cancelled": QCoreApplication.translate(
            "SyncWording", "The sync was cancelled; it continues next time."
        ),
        "sync.too_slow": QCoreApplication.translate(
            "SyncWording",
            "The server answers too slowly. Deskmate works from the local copy and tries "
            "again later.",
        ),
        "sync.failed": QCoreApplication.translate(
            "SyncWording",
            "The sync did not finish; nothing was lost and it tries again at the next sync.",
        ),
    }


def problem_text(code: str, english: str, language: str) -> str:
    """The problem of a sync for the UI: the core's sentence in English, else by its code.

    Never the core's English inside a translated frame: a code without a sync sentence
    (a store error, say) is worded by :mod:`deskmate.desktop.error_wording`.
    """
    if language == "en" or not english:
        return english
    sentence = sync_sentences().get(code)
    if sentence is not None:
        return sentence
    from deskmate.core.errors import DeskmateError
    from deskmate.desktop.error_wording import wording  # it imports this module

    coded = DeskmateError(english)
    coded.code = code
    return wording(coded)

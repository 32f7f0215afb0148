"""Error codes to sentences in the UI's language: the one place the sidebar words problems.

The core raises :class:`DeskmateError` subclasses that carry a stable ``code`` and
structured ``fields``; their English ``message`` is for logs and the command line. Every
dialog, toast and status line of the sidebar goes through :func:`wording`, so a zh_CN
agent never sees an English sentence: a known code becomes a translated sentence filled
from its fields, an unknown one a translated general sentence that names the log. A bug
(any other exception) becomes :func:`unexpected_error_text`: a short apology and where
the log is; its traceback is in that log.
"""

from __future__ import annotations

import errno
import logging
import logging.handlers
from collections.abc import Callable

from deskmate.core.errors import DeskmateError
from deskmate.desktop.sync_wording import sync_sentences
from PySide6.QtCore import QCoreApplication

OFFLINE_CODES = frozenset({"sync.offline", "sync.too_slow"})


# Called with literals only, so that lupdate finds every sentence (a helper taking the text
# as a variable hides them from it, and the Chinese UI would show English).
translate = QCoreApplication.translate


def _store_sentences() -> dict[str, Callable[[dict[str, object]], str]]:
    def with_path(text: str) -> Callable[[dict[str, object]], str]:
        return lambda fields: text.replace("%1", str(fields.get("path", "")))

    return {
        "store.locked": with_path(
            translate(
                "ErrorWording",
                "The knowledge database is in use by another program (%1). Close other Deskmate "
                "windows and try again; nothing was lost.",
            )
        ),
        "store.read_only": with_path(
            translate(
                "ErrorWording",
                "Deskmate cannot write to its data folder (%1 is read-only). Ask IT to give you "
                "write permission; searching still works.",
            )
        ),
        "store.disk_full": with_path(
            translate(
                "ErrorWording",
                "The disk holding Deskmate's data (%1) is full. Free some space and try again; "
                "nothing was changed.",
            )
        ),
        "store.corrupt": with_path(
            translate(
                "ErrorWording",
                "The knowledge database %1 is damaged. Quit Deskmate, move the file aside and "
                "sync again to rebuild it.",
            )
        ),
        "store.cannot_open": with_path(
            translate(
                "ErrorWording",
                "Deskmate cannot open its database %1. Check that the folder exists and that "
                "you may use it.",
            )
        ),
        "store.io": with_path(
            translate(
                "ErrorWording",
                "Reading or writing %1 failed (a disk or network drive problem). Try again; if "
                "it keeps happening, tell your IT team.",
            )
        ),
        "store.failed": with_path(
            translate(
                "ErrorWording",
                "The knowledge database %1 could not be used. Try again; if it keeps happening, "
                "tell your IT team.",
            )
        ),
        "index.failed": _index_failed,
        "index.preparing": lambda _fields: translate(
            "ErrorWording",
            "The search index is still being prepared; search works as soon as it is ready.",
        ),
        "operation.cancelled": lambda _fields: translate(
            "ErrorWording", "Cancelled; nothing was changed."
        ),
        "content.invalid": lambda _fields: translate(
            "ErrorWording",
            "Some content could not be read; it was left out. Tell your knowledge editors.",
        ),
        "settings.failed": lambda _fields: translate(
            "ErrorWording",
            "The settings could not be saved. Check that your profile folder is writable.",
        ),
    }


def _index_failed(fields: dict[str, object]) -> str:
    code = fields.get("errno")
    if code == errno.ENOSPC:
        return translate(
            "ErrorWording",
            "The disk is full, so the search index could not be rebuilt. Deskmate keeps "
            "searching the previous index; free some space and restart Deskmate.",
        )
    if code in (errno.EACCES, errno.EPERM, errno.EROFS):
        return translate(
            "ErrorWording",
            "Deskmate cannot write to its data folder, so the search index could not be "
            "rebuilt. It keeps searching the previous index; ask IT for write permission.",
        )
    return translate(
        "ErrorWording",
        "The search index could not be prepared. Deskmate keeps searching the last good "
        "index; restart Deskmate to try again.",
    )


def wording(error: DeskmateError) -> str:
    """The sentence to show for ``error``, in the UI's language."""
    sentence = _store_sentences().get(error.code)
    if sentence is not None:
        return sentence(error.fields)
    sync = sync_sentences()
    if error.code in sync:
        return sync[error.code]
    return (
        translate(
            "ErrorWording", "Deskmate could not finish this (%1). The details are in the log: %2"
        )
        .replace("%1", error.code)
        .replace("%2", log_location())
    )


def unexpected_error_text() -> str:
    """The short apology for a bug; its traceback is already in the log."""
    return translate(
        "ErrorWording", "Sorry, something went wrong inside Deskmate. The details are in %1."
    ).replace("%1", log_location())


def is_offline(code: str) -> bool:
    """Whether a sync that ended with ``code`` means the server cannot be reached."""
    return code in OFFLINE_CODES


def log_location() -> str:
    """Where the log file is (the first rotating file handler of the root logger)."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.handlers.RotatingFileHandler):
            return str(handler.baseFilename)
    return translate("ErrorWording", "the log")


# -- sentences the core words in English for logs, reworded for the agent ----------------


def dock_problem_text() -> str:
    """Why the sidebar stays on top instead of docking (the exact cause is in the log)."""
    return translate(
        "ErrorWording",
        "This desktop does not let Deskmate reserve a strip at the screen edge; "
        "it stays on top instead.",
    )


def settings_read_text() -> str:
    """Some settings (the agent's file or IT's defaults) could not be read; see the log."""
    return translate(
        "ErrorWording",
        "Some settings could not be read, so their defaults are used. The details are in %1.",
    ).replace("%1", log_location())


def setting_problem_text(key: str) -> str:
    """A value typed in the settings dialog is not acceptable."""
    if key == "server_url":
        return translate(
            "ErrorWording",
            "The server address is not valid. Enter it as https://deskmate.example.com.",
        )
    return translate("ErrorWording", "This setting is not valid: %1.").replace("%1", key)


def gap_flag_problem_text(field: str, limit: int) -> str:
    """A gap flag's field the agent typed is too long (or otherwise refused)."""
    if field == "note":
        return translate(
            "ErrorWording", "The note is too long; shorten it to %1 characters or fewer."
        ).replace("%1", str(limit))
    if field == "interaction_id":
        return translate(
            "ErrorWording", "The case reference is too long; it can have at most %1 characters."
        ).replace("%1", str(limit))
    return translate("ErrorWording", "This gap cannot be recorded as entered; check the fields.")


def credential_store_text() -> str:
    """The sign-in is kept for this session only (no safe credential store)."""
    return translate(
        "ErrorWording",
        "Signed in for this session only: this computer has no safe place to keep your "
        "sign-in, so you will have to sign in again after a restart.",
    )


def suggest_refused_text(code: str, limit: int) -> str:
    """Why copied, selected or pasted text was not searched (issue #18)."""
    if code == "suggest.not_text":
        return translate("ErrorWording", "Only plain text can be searched; this is not text.")
    if code == "suggest.too_long":
        return translate(
            "ErrorWording", "The text is too long to search: at most %1 characters."
        ).replace("%1", str(limit))
    if code == "suggest.secret":
        return translate(
            "ErrorWording",
            "The text looks like a password, key or card number, so it was not searched.",
        )
    return translate("ErrorWording", "There are no words to search for in this text.")

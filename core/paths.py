"""Paths: where Deskmate keeps data, settings and logs, decided once in the entry point.

Nothing computes user directories at import time; commands build a :class:`Paths`
and pass it on, so tests simply pass ``tmp_path``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "deskmate"


@dataclass(frozen=True)
class Paths:
    """The directories of one Deskmate installation."""

    data_dir: Path
    config_dir: Path
    log_dir: Path

    @classmethod
    def resolve(
        cls, data_dir: Path | str | None = None, config_dir: Path | str | None = None
    ) -> Paths:
        """Resolve the directories.

        Explicit arguments win, then ``DESKMATE_DATA_DIR`` / ``DESKMATE_CONFIG_DIR`` /
        ``DESKMATE_LOG_DIR``, then the platform's per-user directories.
        """
        data = (
            data_dir
            or os.environ.get("DESKMATE_DATA_DIR")
            or platformdirs.user_data_dir(APP_NAME, appauthor=False)
        )
        config = (
            config_dir
            or os.environ.get("DESKMATE_CONFIG_DIR")
            or platformdirs.user_config_dir(APP_NAME, appauthor=False)
        )
        logs = os.environ.get("DESKMATE_LOG_DIR") or platformdirs.user_log_dir(
            APP_NAME, appauthor=False
        )
        return cls(Path(data).expanduser(), Path(config).expanduser(), Path(logs).expanduser())

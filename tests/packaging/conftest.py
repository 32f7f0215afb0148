"""The installer build helpers live in packaging/installer_build, outside the wheel."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# packaging/ itself is no package (it must never shadow the PyPI `packaging`).
sys.path.insert(0, str(ROOT / "packaging"))

"""The ``deskmate-server`` entry point: says which extra to install when it is missing.

``pip install .`` (what `make run` installs) leaves out the server's dependencies; they come
with the ``server`` extra (``pip install -e '.[server]'``; `make test` installs them too).
"""

from __future__ import annotations

import sys
from importlib.util import find_spec

# The server's own dependencies (pyproject.toml's "server" extra), by import name.
SERVER_MODULES = ("fastapi", "uvicorn", "jinja2", "psycopg")


def main() -> int:
    """Run ``deskmate-server``, or explain how to install what it needs; the exit status."""
    missing = [name for name in SERVER_MODULES if find_spec(name) is None]
    if missing:
        sys.stderr.write(
            f"deskmate-server needs {', '.join(missing)}, which `make run` does not install "
            "(the sidebar does not need them). Install the server's extra:\n\n"
            "    .venv/bin/pip install -e '.[server]' --config-settings editable_mode=strict\n"
        )
        return 2
    from deskmate.server.cli import main as cli_main

    return cli_main()

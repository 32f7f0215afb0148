"""`make run` and `make test` set-up steps (``python3 -m tools.dev_setup --help``).

python3 -m tools.dev_setup packages run|test   install (as root) or name the missing
                                               Debian packages, then stop
python3 -m tools.dev_setup with-postgres -- CMD...
                                               run CMD with a private PostgreSQL
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from tools.private_postgres import PostgresError, run_with_postgres
from tools.system_packages import PURPOSES, MissingSystemPackagesError, ensure

ROOT = Path(__file__).resolve().parents[1]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python3 -m tools.dev_setup",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    packages = commands.add_parser("packages", help="check/install the system packages")
    packages.add_argument("purpose", choices=sorted(PURPOSES))
    packages.add_argument("--venv", type=Path, default=ROOT / ".venv")
    packages.add_argument("--list", action="store_true", help="only print the package list")
    postgres = commands.add_parser("with-postgres", help="run a command with a private PostgreSQL")
    postgres.add_argument("--dir", type=Path, default=ROOT / "build" / "pg")
    postgres.add_argument("cmd", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    try:
        if args.command == "packages":
            if args.list:
                print(" ".join(PURPOSES[args.purpose]))
                return 0
            ensure(args.purpose, args.venv)
            return 0
        cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
        if not cmd:
            parser.error("with-postgres needs a command after --")
        return run_with_postgres(cmd, args.dir)
    except (MissingSystemPackagesError, PostgresError) as exc:
        print(f"\n{exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

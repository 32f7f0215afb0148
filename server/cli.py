"""The ``deskmate-server`` command: serve the API and administer users, tokens and content.

Subcommands: ``serve``, ``import``, ``encode``, ``user add``, ``token issue``, ``token revoke``,
``demo``, ``repair-no-results`` and ``openapi``. ``--db`` defaults to ``$DESKMATE_SERVER_DB`` or
``sqlite:///<per-user data directory>/server.db``; ``serve`` and ``demo`` take
``--secret-file`` (server/server_secret.py).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from contextlib import ExitStack
from importlib.metadata import version
from pathlib import Path
from typing import TextIO

from deskmate.core.errors import DeskmateError
from deskmate.core.logging_config import configure_logging
from deskmate.core.paths import Paths
from deskmate.indexer.pack_import import ImportReport
from deskmate.indexer.sample_pack import sample_pack_path
from deskmate.server.app import build_app
from deskmate.server.auth import (
    Role,
    add_user,
    issue_token,
    revoke_tokens,
    set_learning_role,
)
from deskmate.server.content_import import import_packs
from deskmate.server.database import Database
from deskmate.server.encode_command import encode_command
from deskmate.server.item_vectors import configure_encoder_threads
from deskmate.server.learning.assessments import import_scores
from deskmate.server.learning.demo_history import (
    DEMO_AGENT,
    DEMO_EDITOR,
    DEMO_MANAGER,
    seed_demo_history,
)
from deskmate.server.learning.profiles import refresh_profiles
from deskmate.server.no_result_repair import repair_no_results
from deskmate.server.reencode import BATCH
from deskmate.server.server_secret import SECRET_ENV, SECRET_FILE_ENV
from deskmate.server.serving import MAX_WORKERS, default_db_url, listen, serve
from deskmate.server.workbench.authorship import remove_user
from deskmate.server.workbench.server_settings import all_settings, set_setting

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def _secret_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--secret-file",
        type=Path,
        default=None,
        metavar="PATH",
        help="the server secret that signs console sessions, created 0600 if missing "
        f"(default: ${SECRET_FILE_ENV}, ${SECRET_ENV}, else <sqlite db>.secret or "
        "<data dir>/server.secret); every server of one database needs the same one",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``deskmate-server``."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        default=None,
        metavar="URL",
        help="database URL: sqlite:///path or postgresql+psycopg://user:pw@host/db "
        "(default: $DESKMATE_SERVER_DB or sqlite:///<data dir>/server.db)",
    )
    common.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    parser = argparse.ArgumentParser(
        prog="deskmate-server", description="Deskmate's reference sync server."
    )
    parser.add_argument(
        "--version", action="version", version=f"deskmate-server {version('deskmate')}"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    serve = sub.add_parser("serve", parents=[common], help="serve the API")
    serve.add_argument("--host", default=DEFAULT_HOST, help="address to listen on")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (0: any free one)")
    _secret_option(serve)
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="server processes sharing the port (default 1); the server keeps no state in "
        "memory, so any number can serve one database",
    )

    imp = sub.add_parser("import", parents=[common], help="import content packs")
    imp.add_argument("sources", nargs="+", type=Path, metavar="PACK", help="pack folders/files")
    imp.add_argument("--strict", action="store_true", help="any bad record: import nothing")

    enc = sub.add_parser(
        "encode",
        parents=[common],
        help="encode the published items that lack a vector of the current model (after a "
        "model upgrade, or items imported where the encoder could not load); resumable, "
        "Ctrl-C stops between batches",
    )
    enc.add_argument("--dry-run", action="store_true", help="only say how many need encoding")
    enc.add_argument(
        "--batch", type=int, default=BATCH, metavar="N", help=f"items per commit (default {BATCH})"
    )

    user = sub.add_parser("user", help="manage users").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    add = user.add_parser("add", parents=[common], help="add a user")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--team", default=None)
    add.add_argument(
        "--learning-role", default=None, metavar="ROLE", help="the skills.yaml role to aim at"
    )
    user.add_parser(
        "delete",
        parents=[common],
        help="delete a user and their tokens (their items go to the editor group)",
    ).add_argument("name")
    set_role = user.add_parser(
        "set-role", parents=[common], help="set the skills.yaml role a user's profile aims at"
    )
    set_role.add_argument("name")
    set_role.add_argument("learning_role", metavar="ROLE", help="a role code, or '-' for none")

    scores = sub.add_parser(
        "import-scores", parents=[common], help="import test/QA scores (agent,skill,score,date)"
    )
    scores.add_argument("file", type=Path, metavar="FILE.csv")
    scores.add_argument("--strict", action="store_true", help="any bad line: import nothing")
    sub.add_parser(
        "refresh-profiles", parents=[common], help="recompute the learning profiles that changed"
    )

    sub.add_parser(
        "repair-no-results",
        parents=[common],
        help="stored no_result events whose search had results become nothing_opened",
    )

    token = sub.add_parser("token", help="manage API tokens").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    token.add_parser("issue", parents=[common], help="issue a token (printed once)").add_argument(
        "name"
    )
    token.add_parser("revoke", parents=[common], help="revoke every token of a user").add_argument(
        "name"
    )

    setting = sub.add_parser("setting", help="server settings").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    setting.add_parser("show", parents=[common], help="list the settings that are set")
    set_one = setting.add_parser(
        "set",
        parents=[common],
        help="owners-publish on|off, verify-days.kind.KIND N, verify-days.tag.TAG N",
    )
    set_one.add_argument("name")
    set_one.add_argument("value", help="the value, or '-' to go back to the default")

    demo = sub.add_parser(
        "demo", parents=[common], help="serve the sample pack with a demo agent on loopback"
    )
    demo.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (0: any free one)")
    _secret_option(demo)

    sub.add_parser("openapi", help="print the OpenAPI document (JSON)")
    return parser


def say(text: str, out: TextIO | None = None) -> None:
    """Write one line of the command's output (stdout unless told otherwise)."""
    (out or sys.stdout).write(text + "\n")


def print_report(report: ImportReport, out: TextIO) -> None:
    """Print an import report the way ``deskmate import`` does."""
    for problem in report.problems:
        say(f"  ! {problem}", out)
    state = "imported" if report.applied else "NOT imported (--strict and problems found)"
    say(
        f"{report.files} files, {report.records} records {state}: {report.added} added, "
        f"{report.updated} updated, {report.unchanged} unchanged, {report.deleted} deleted, "
        f"{len(report.problems)} problems",
        out,
    )


def _cmd_demo(db: Database, port: int) -> int:
    # Imported without vectors first, so the demo answers at once (encoding the 253 items
    # takes 30-60 s); serve()'s background encoding then gives them their vectors.
    with ExitStack() as stack:
        report = import_packs(db, [sample_pack_path(stack)], encoder=lambda: None)
    if report.problems:
        print_report(report, sys.stderr)
    seed_demo_history(db)
    token = issue_token(db, DEMO_AGENT)
    sock = listen(DEFAULT_HOST, port)
    bound_port = sock.getsockname()[1]
    # The console's sign-in tokens go to stderr: stdout stays two lines.
    for name in (DEMO_MANAGER, DEMO_EDITOR):
        say(
            f"console: http://{DEFAULT_HOST}:{bound_port}/console/ - sign in as {name} "
            f"with {issue_token(db, name)}",
            sys.stderr,
        )
    # Exactly two lines on stdout, for `eval "$(deskmate-server demo)"`-style use.
    sys.stdout.write(f"DESKMATE_SERVER=http://{DEFAULT_HOST}:{bound_port}\n")
    sys.stdout.write(f"DESKMATE_TOKEN={token}\n")
    sys.stdout.flush()
    serve(db, sock)
    return 0


def _cmd_import_scores(db: Database, path: Path, strict: bool) -> int:
    result = import_scores(db, path, strict=strict)
    for _line, problem in result.problems:
        say(f"{path.name}: {problem}", sys.stderr)
    kept = " (none, because of --strict)" if strict and result.problems else ""
    say(f"imported {result.stored} scores{kept}; {len(result.problems)} lines refused")
    return 1 if result.problems else 0


def _run(args: argparse.Namespace) -> int:
    if args.command == "openapi":
        say(json.dumps(build_app(None).openapi(), indent=2, ensure_ascii=False))
        return 0
    db = Database.open(args.db or default_db_url())
    try:
        return _dispatch(db, args)
    finally:
        db.close()


def _dispatch_learning(db: Database, args: argparse.Namespace) -> int:
    match args.command:
        case "user":
            role = None if args.learning_role == "-" else args.learning_role
            set_learning_role(db, args.name, role)
            say(f"{args.name} now aims at the role {role or '(none)'}")
        case "import-scores":
            return _cmd_import_scores(db, args.file, args.strict)
        case "repair-no-results":
            with db.write() as conn:
                repaired = repair_no_results(conn)
            say(
                f"{repaired.events} no_result events were searches with results: now "
                f"nothing_opened; {repaired.signals} gap signals re-labelled; "
                f"{repaired.topics_removed} undecided topics made only of them removed"
            )
        case "refresh-profiles":
            report = refresh_profiles(db)
            say(
                f"computed {report.computed} profiles, {report.reused} unchanged, "
                f"in {report.seconds:.1f} s"
            )
    return 0


def _dispatch_admin(db: Database, args: argparse.Namespace) -> None:
    match args.command, args.action:
        case "user", "delete":
            owned = remove_user(db, args.name)
            plural = "s" * (owned != 1)
            say(f"deleted {args.name}; {owned} item{plural} they owned go to the editor group")
        case "setting", "show":
            for name, value in sorted(all_settings(db).items()):
                say(f"{name} = {value}")
        case "setting", "set":
            stored = set_setting(db, args.name, None if args.value == "-" else args.value)
            say(f"{args.name} = {stored if stored is not None else '(default)'}")
        case "token", "issue":
            say(issue_token(db, args.name))
        case "token", "revoke":
            count = revoke_tokens(db, args.name)
            say(f"revoked {count} token{'s' * (count != 1)} of {args.name}")


def _dispatch_content(db: Database, args: argparse.Namespace) -> int:
    if args.command == "encode":
        if args.batch < 1:
            raise DeskmateError(f"--batch takes a positive number, not {args.batch}")
        return encode_command(db, dry_run=args.dry_run, batch=args.batch)
    report = import_packs(db, args.sources, strict=args.strict)
    print_report(report, sys.stdout)
    return 1 if args.strict and report.problems else 0


def _dispatch(db: Database, args: argparse.Namespace) -> int:
    if getattr(args, "secret_file", None) is not None:
        # Through the environment: `serve --workers N` processes read it there too.
        os.environ[SECRET_FILE_ENV] = str(args.secret_file.expanduser().resolve())
    match args.command, getattr(args, "action", None):
        case "serve", _:
            if not 1 <= args.workers <= MAX_WORKERS:
                raise DeskmateError(f"--workers takes 1 to {MAX_WORKERS}, not {args.workers}")
            serve(db, listen(args.host, args.port), args.workers, args.verbose)
        case (("import" | "encode"), _):
            return _dispatch_content(db, args)
        case "user", "add":
            user = add_user(db, args.name, args.role, args.team, args.learning_role)
            team = f" (team {user.team})" if user.team else ""
            say(f"added {user.role.value} {user.name}{team}")
        case ("user", "set-role") | ("import-scores" | "refresh-profiles" | "repair-no-results", _):
            return _dispatch_learning(db, args)
        case ("user", "delete") | ("setting" | "token", _):
            _dispatch_admin(db, args)
        case "demo", _:
            return _cmd_demo(db, args.port)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``deskmate-server``; returns the exit status."""
    args = build_parser().parse_args(argv)
    configure_logging(Paths.resolve().log_dir, getattr(args, "verbose", False))
    try:
        configure_encoder_threads()  # imports and publishing encode in this process
        return _run(args)
    except DeskmateError as exc:
        say(f"deskmate-server: {exc.message}", sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

"""The ``deskmate`` command: the sidebar (issue #3) and its subcommands.

Subcommands: ``import`` a content pack, ``reindex`` the search index, ``search``
the local knowledge, ``sync`` once with the server; ``--selftest`` checks an
installation (IT runs it after deploying). Every command takes
``--data-dir`` (default: the platform's per-user data directory, or
``DESKMATE_DATA_DIR``).
"""

from __future__ import annotations

import argparse
import json
import locale
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from deskmate.core.context_request import ContextError, ContextRequest, looks_like_url
from deskmate.core.errors import DeskmateError
from deskmate.core.logging_config import configure_logging
from deskmate.core.paths import Paths

if TYPE_CHECKING:
    from deskmate.core import KnowledgeBase
    from deskmate.indexer.pack_import import ImportReport

# The store, the search engine and Qt's widgets are imported where a command needs them:
# a deskmate:// link hands its query to the running sidebar in a fraction of the ~2 s
# they take to import on a busy PC (benchmarks/context_pop.py).

KIND_LABELS = {"faq": "FAQ", "script": "话术", "expert": "专家"}
SUBCOMMANDS = frozenset({"encode", "import", "reindex", "search", "sync"})


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        type=Path,
        help="where the knowledge is kept "
        "(default: $DESKMATE_DATA_DIR or the per-user data directory)",
    )
    common.add_argument(
        "--config-dir",
        type=Path,
        help="settings directory (default: $DESKMATE_CONFIG_DIR or the per-user config directory)",
    )
    common.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    return common


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``deskmate``."""
    from importlib.metadata import version  # ~80 ms; a deskmate:// link never needs it

    common = _common()
    parser = argparse.ArgumentParser(
        prog="deskmate", parents=[common], description="Deskmate knowledge sidebar and tools."
    )
    parser.add_argument("--version", action="version", version=f"deskmate {version('deskmate')}")
    parser.add_argument(
        "--summon",
        action="store_true",
        help="show the running sidebar with the search box focused (for desktop shortcuts)",
    )
    parser.add_argument(
        "--flag-gap",
        action="store_true",
        help="open the running sidebar's gap dialog (for desktop shortcuts)",
    )
    parser.add_argument(
        "--floating", action="store_true", help="start as a floating window, not docked"
    )
    parser.add_argument(
        "--selftest",
        action="store_true",
        help="check the installation (settings, data, search, UI offscreen, server); "
        "exit 0 only if all checks pass",
    )
    parser.add_argument(
        "--autostart",
        action="store_true",
        help="start only if start_at_login is on (used by IT's machine-wide autostart entry)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    imp = sub.add_parser("import", parents=[common], help="import a content pack")
    imp.add_argument(
        "sources",
        nargs="+",
        type=Path,
        metavar="SOURCE",
        help="pack folder(s) or files (.md, .csv, .jsonl)",
    )
    imp.add_argument(
        "--strict", action="store_true", help="any bad record: import nothing and exit 1"
    )
    sub.add_parser("reindex", parents=[common], help="rebuild the search index from the store")
    sub.add_parser(
        "encode", parents=[common], help="encode items lacking a vector (semantic search)"
    )
    search = sub.add_parser("search", parents=[common], help="search the local knowledge")
    search.add_argument("query", nargs="+", help="what to look for (Chinese, pinyin, English)")
    search.add_argument("--json", action="store_true", help="print a JSON array")
    search.add_argument(
        "--kind",
        action="append",
        choices=["faq", "script", "expert"],
        help="only this kind (repeatable)",
    )
    search.add_argument("--limit", type=int, default=10, help="at most this many hits")
    search.add_argument("--product", help="only items of this product (e.g. 宽带)")
    search.add_argument("--channel", help="only items for this channel (voice, chat, email)")
    search.add_argument(
        "--show",
        action="store_true",
        help="show the query in the sidebar (the running one, or start it) instead of printing",
    )
    search.add_argument(
        "--case", default="", help="with --show: the CRM case the activity is linked to"
    )
    search.add_argument(
        "--customer-lang", default="", help="with --show: the customer's language (zh, en)"
    )
    sync = sub.add_parser("sync", parents=[common], help="sync with the server once")
    sync.add_argument(
        "--server",
        metavar="URL",
        help="the sync server (default: $DESKMATE_SERVER or server_url in the settings)",
    )
    return parser


def _print_report(report: ImportReport, out: TextIO) -> None:
    for problem in report.problems:
        print(f"  ! {problem}", file=out)
    state = "imported" if report.applied else "NOT imported (--strict and problems found)"
    print(
        f"{report.files} files, {report.records} records {state}: {report.added} added, "
        f"{report.updated} updated, {report.unchanged} unchanged, {report.deleted} deleted, "
        f"{len(report.problems)} problems",
        file=out,
    )


def _cmd_import(kb: KnowledgeBase, args: argparse.Namespace) -> int:
    from deskmate.indexer.pack_import import import_pack
    from tqdm import tqdm

    with tqdm(total=0, unit="file", desc="reading", disable=None, leave=False) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        report = import_pack(kb, args.sources, strict=args.strict, progress=progress)
    _print_report(report, sys.stdout)
    return 1 if args.strict and report.problems else 0


def _cmd_reindex(kb: KnowledgeBase) -> int:
    from tqdm import tqdm

    total = sum(kb.count().values())
    with tqdm(total=total, unit="item", desc="indexing", disable=None) as bar:

        def progress(done: int, _total: int) -> None:
            bar.n = done
            bar.refresh()

        count = kb.rebuild_index(progress)
    print(f"indexed {count} items")
    return 0


def _cmd_encode(kb: KnowledgeBase) -> int:
    from tqdm import tqdm

    with tqdm(total=0, unit="item", desc="encoding", disable=None) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        report = kb.semantic.encode_items(progress)
    print(f"{report.encoded} items encoded, {report.kept} kept, {report.failed} failed")
    print(f"semantic search: {kb.semantic.status()}")
    return 1 if report.failed else 0


def _cmd_search(kb: KnowledgeBase, args: argparse.Namespace) -> int:
    from deskmate.core.search.snippets import HighlightedText
    from deskmate.desktop.terminal_text import terminal_text, wants_bold
    from deskmate.indexer.sample_pack import load_sample_pack_if_empty

    load_sample_pack_if_empty(kb)
    hits = kb.search(
        " ".join(args.query),
        limit=args.limit,
        kinds=args.kind,
        product=args.product or None,
        channel=args.channel or None,
    )
    for field in ("product", "channel"):
        wanted = getattr(args, field)
        if wanted and not hits and wanted not in (known := kb.filter_values(field)):
            print(f"no item has the {field} {wanted!r}; known: {', '.join(known)}", file=sys.stderr)
    if args.json:
        rows = [
            {
                "id": h.id,
                "kind": h.kind,
                "title": h.title,
                "title_spans": [list(span) for span in h.marked_title.spans],
                "snippet": h.snippet.text,
                "snippet_spans": [list(span) for span in h.snippet.spans],
                "score": h.score,
                "language": h.language,
                "product": h.product,
            }
            for h in hits
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not hits:
        print("no results")
    bold = wants_bold(sys.stdout)
    for n, h in enumerate(hits, start=1):
        title = terminal_text(h.marked_title, bold)
        where = terminal_text(HighlightedText(h.id), bold=False)
        print(f"{n:2}. [{KIND_LABELS.get(h.kind, h.kind)}] {title}  ({where}, {h.score:.2f})")
        print(f"    {terminal_text(h.snippet, bold)}")
    return 0


def _cmd_sync(kb: KnowledgeBase, paths: Paths, args: argparse.Namespace) -> int:
    """One sync; exit 3 when the token is refused, 4 when offline, 2 on other failures."""
    # Imported here so the other commands never load requests and keyring.
    from deskmate.core.activity.consultation_log import ConsultationLog
    from deskmate.core.settings import SettingsStore
    from deskmate.core.sync import AuthError, OfflineError, SyncClient, TokenVault
    from deskmate.core.sync.transport import check_token
    from tqdm import tqdm

    if not args.verbose:
        # urllib3 warns on every retry; the one-line result below already says what failed.
        logging.getLogger("urllib3").setLevel(logging.ERROR)
    settings = SettingsStore(paths.config_dir).load()
    server = args.server or os.environ.get("DESKMATE_SERVER") or settings.server_url
    if not server:
        print(
            "deskmate: no sync server: pass --server, set DESKMATE_SERVER or set server_url "
            "in the settings",
            file=sys.stderr,
        )
        return 2
    token = os.environ.get("DESKMATE_TOKEN") or TokenVault(server).load()
    if not token:
        print(
            f"deskmate: Sign in again: there is no token for {server} "
            "(set DESKMATE_TOKEN or sign in from the sidebar).",
            file=sys.stderr,
        )
        return 3
    try:
        check_token(token)
    except AuthError as exc:  # a token that cannot even be sent
        print(f"deskmate: {exc.message}", file=sys.stderr)
        return 3
    with (
        ConsultationLog.open(paths.data_dir, settings.agent_id) as events,
        SyncClient(
            kb,
            events,
            server,
            token,
            language=_ui_language(settings.language),
            proxy=settings.proxy_url or None,
        ) as client,
        tqdm(total=0, unit="change", desc="syncing", disable=None, leave=False) as bar,
    ):

        def progress(done: int, _total: int) -> None:
            bar.n = done
            bar.refresh()

        report = client.sync_once(progress)
    if report.account_notice:
        print(f"  * {report.account_notice}")
    for warning in report.warnings:
        print(f"  ! {warning}")
    if report.problem is not None:
        print(f"deskmate: {report.problem}", file=sys.stderr)
        if isinstance(report.error, AuthError):
            return 3
        return 4 if isinstance(report.error, OfflineError) else 2
    print(f"{report.summary()} (signed in as {report.account})")
    return 0


def _ui_language(setting: str) -> str:
    """The sidebar's language without Qt: the setting, else the locale (as i18n does)."""
    if setting in ("zh_CN", "en"):
        return setting
    # POSIX precedence: the first of these that is set names the messages' language.
    names = [os.environ.get(k, "") for k in ("LC_ALL", "LC_MESSAGES", "LANG")]
    name = next((n for n in names if n), locale.getlocale()[0] or "")
    return "zh_CN" if name.lower().startswith("zh") else "en"


def _wants_autostart(paths: Paths) -> bool:
    """Whether a machine-wide autostart entry should start the sidebar for this user.

    IT's entry (``/etc/xdg/autostart``, the HKLM Run key) runs for everyone; the
    effective ``start_at_login`` (IT's default, the agent's choice unless locked) decides.
    """
    from deskmate.core.settings import SettingsStore

    wanted = SettingsStore(paths.config_dir).load().start_at_login
    logging.getLogger(__name__).info("autostart: start_at_login is %s", wanted)
    return wanted


def _run_sidebar(paths: Paths, args: argparse.Namespace, command: str = "") -> int:
    """Start the sidebar, or hand the wish to the one already running."""
    # No Qt yet: a running sidebar takes the wish over its socket at once.
    from deskmate.desktop.instance_handover import hand_over

    # "autostart" is no command a running sidebar acts on: a second autostart stays quiet.
    if not command:
        command = "flag-gap" if args.flag_gap else "autostart" if args.autostart else "summon"
    if hand_over(paths.data_dir, command):
        # A context message holds the customer's words: log its kind, not its text.
        kind = "context" if command[:1] == "{" else command
        logging.getLogger(__name__).info("passed %r to the running Deskmate", kind)
        return 0
    # Qt's widgets are imported here so `deskmate search` stays light for scripts and IT, and
    # works on an install without the `desktop` extra (a server host).
    try:
        from deskmate.desktop.launch import run_sidebar
    except ImportError as exc:
        if (exc.name or "").split(".")[0] not in {"PySide6", "shiboken6", "Xlib"}:
            raise
        print(
            f"deskmate: the sidebar needs {exc.name}, which this installation lacks (the "
            "server or base install has no window). Install the app with "
            "`pip install 'deskmate[desktop]'`; `deskmate search` works without it.",
            file=sys.stderr,
        )
        return 3

    return run_sidebar(paths, dock=not getattr(args, "floating", False), command=command)


def _split_url(argv: list[str]) -> tuple[str | None, list[str]]:
    """A URL the OS passed (``deskmate %u``, ``deskmate.exe "%1"``) and the other arguments.

    The first argument that looks like a URL counts, before any subcommand; an option's
    value (``--data-dir /srv/dm``) is never one, as a path has no scheme.
    """
    for n, arg in enumerate(argv):
        if arg in SUBCOMMANDS:
            break
        if not arg.startswith("-") and looks_like_url(arg):
            return arg, [*argv[:n], *argv[n + 1 :]]
    return None, argv


def _pop(paths: Paths, url: str | None, args: argparse.Namespace) -> int:
    """Pop the sidebar on a URL's or ``search --show``'s context; 2 when it is refused."""
    try:
        if url is not None:
            request = ContextRequest.from_url(url)
        else:
            request = ContextRequest.build(" ".join(args.query), args.case, args.customer_lang)
    except ContextError as exc:
        # The reason only: the refused text may be a customer's words or a payload.
        logging.getLogger(__name__).warning("context refused: %s", exc.message)
        print(f"deskmate: {exc.message}", file=sys.stderr)
        return 2
    return _run_sidebar(paths, args, request.to_message())


def _run_command(kb: KnowledgeBase, paths: Paths, args: argparse.Namespace) -> int:
    if args.command == "import":
        return _cmd_import(kb, args)
    if args.command == "reindex":
        return _cmd_reindex(kb)
    if args.command == "encode":
        return _cmd_encode(kb)
    if args.command == "sync":
        return _cmd_sync(kb, paths, args)
    return _cmd_search(kb, args)


def _parse_link_options(rest: list[str]) -> argparse.Namespace:
    """What the OS runs for a link: the common options and --floating; the rest is ignored.

    Read without building the whole parser (its --version reads the package metadata).
    """
    parser = argparse.ArgumentParser(prog="deskmate", parents=[_common()])
    parser.add_argument("--floating", action="store_true")
    args, _ignored = parser.parse_known_args(rest)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``deskmate`` console script."""
    url, rest = _split_url(list(sys.argv[1:] if argv is None else argv))
    args = _parse_link_options(rest) if url is not None else build_parser().parse_args(rest)
    paths = Paths.resolve(args.data_dir, args.config_dir)
    configure_logging(paths.log_dir, args.verbose)
    if url is not None or (args.command == "search" and args.show):
        return _pop(paths, url, args)
    if args.selftest:
        from deskmate.desktop.selftest import run_selftest

        return run_selftest(paths)
    if args.command is None:
        if args.autostart and not _wants_autostart(paths):
            return 0
        return _run_sidebar(paths, args)
    from deskmate.core import KnowledgeBase

    try:
        with KnowledgeBase.open(paths.data_dir) as kb:
            return _run_command(kb, paths, args)
    except DeskmateError as exc:
        print(f"deskmate: {exc.message}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # `deskmate search ... | head`: the reader left; that is not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())

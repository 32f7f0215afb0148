"""Helpers shared by the benchmark scripts: importing Deskmate, timing, tables, machine info."""

from __future__ import annotations

import logging
import os
import platform
import resource
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent


def import_deskmate() -> tuple[Any, Any]:
    """Return ``(KnowledgeBase, Item)`` from the installed ``deskmate.core``.

    The benchmarks measure the package as installed (``make setup``), found the one ordinary
    way: ``python -m benchmarks.<name>`` from the repository root, with the project's venv.
    """
    try:
        from deskmate.core import Item, KnowledgeBase
    except ModuleNotFoundError as exc:
        if exc.name not in ("deskmate", "deskmate.core"):
            raise
        raise SystemExit(
            "deskmate is not installed in this Python: run `make setup`, then "
            "`.venv/bin/python -m benchmarks.<name>` from the repository root"
        ) from exc
    return KnowledgeBase, Item


def machine_line() -> str:
    """One line describing the machine, the interpreter and the load average now."""
    cores = os.cpu_count()
    try:
        import psutil  # type: ignore[import-untyped,unused-ignore]

        physical = psutil.cpu_count(logical=False)
        memory = f", {psutil.virtual_memory().total / 2**30:.1f} GiB RAM"
    except ImportError:
        physical, memory = None, ""
    load = ""
    if hasattr(os, "getloadavg"):
        load = ", load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"machine: {platform.machine()} {platform.processor() or ''}".rstrip()
        + f", {cores} logical cores ({physical} physical){memory}, "
        + f"{platform.system()} {platform.release()}, Python {platform.python_version()}{load}"
    )


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far, in MiB (ru_maxrss is KiB on Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (2**20 if sys.platform == "darwin" else 1024)


def setup_logging() -> None:
    """Show warnings from the libraries under test with their logger name, on stderr."""
    logging.basicConfig(level=logging.WARNING, format="[log] %(name)s %(levelname)s: %(message)s")


def current_rss_mib() -> float:
    """Current resident set size in MiB (psutil), or NaN if psutil is missing."""
    try:
        import psutil  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        return float("nan")
    return float(psutil.Process().memory_info().rss) / 2**20


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile of ``values`` (NaN when empty)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(pct / 100.0 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary_ms(seconds: Sequence[float]) -> tuple[float, float, float, float]:
    """Return (p50, p95, max, mean) in milliseconds."""
    if not seconds:
        nan = float("nan")
        return nan, nan, nan, nan
    ms = [s * 1000.0 for s in seconds]
    return percentile(ms, 50), percentile(ms, 95), max(ms), statistics.fmean(ms)


def fmt(value: Any, digits: int = 2) -> str:
    """Format numbers compactly for tables; pass strings through."""
    if isinstance(value, float):
        if value != value:  # NaN
            return "-"
        return f"{value:.{digits}f}"
    return str(value)


def print_table(
    headers: Sequence[str], rows: Sequence[Sequence[Any]], title: str = "", digits: int = 2
) -> None:
    """Print an aligned plain-text table (numbers right-aligned, text left-aligned)."""
    cells = [[fmt(v, digits) for v in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
    numeric = [all(isinstance(row[i], int | float) for row in rows) for i in range(len(headers))]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ).rstrip()

    if title:
        print(f"\n{title}")
    print(line(list(headers)))
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print(line(row))


#: The PostgreSQL the server benchmarks use unless told otherwise (what .ci/run creates).
DEFAULT_PG = "postgresql+psycopg://deskmate:deskmate@127.0.0.1:5432/deskmate_test"


def scratch_database(backend: str, pg_url: str, tmp: Path, prefix: str) -> tuple[str, str | None]:
    """A fresh server database URL: a SQLite file in ``tmp``, or a new PostgreSQL schema.

    Returns:
        The URL and the schema to drop afterwards (None for SQLite).
    """
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    if backend == "sqlite":
        return f"sqlite:///{tmp / f'{prefix}.db'}", None
    schema = f"{prefix}_{uuid.uuid4().hex[:8]}"
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    url = make_url(pg_url)
    url = url.set(query={**url.query, "options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False), schema


def drop_scratch_schema(pg_url: str, schema: str | None) -> None:
    """Drop a schema made by :func:`scratch_database` (nothing for SQLite)."""
    if not schema:
        return
    from sqlalchemy import create_engine, text

    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()

"""The ``Depends`` of the .deb, computed from what the bundle's binaries really load.

Every ELF file in the bundle lists the shared libraries it needs (``DT_NEEDED``). Those
the bundle carries itself (Qt, libpython, numpy's OpenBLAS...) need nothing; each other
one is found the way the dynamic loader finds it (``ldconfig -p``), its Debian package
is asked of dpkg, and the minimum version comes from that package's ``shlibs`` file,
as ``dpkg-shlibdeps`` does. A library the build machine does not have is an error:
the package would install but not start.
"""

from __future__ import annotations

import re
import subprocess
import sysconfig
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from tools.installer_build.elf import elf_files, needed

DPKG_INFO = Path("/var/lib/dpkg/info")
_SONAME = re.compile(r"^(?P<name>.+)\.so\.(?P<version>[^/]+)$")
_SONAME_DASHED = re.compile(r"^(?P<name>.+)-(?P<version>[0-9][0-9.]*)\.so$")


class DependsError(RuntimeError):
    """A library the bundle needs cannot be traced to an installed Debian package."""


@dataclass(frozen=True)
class Need:
    """One library the bundle loads from the system, and who needs it (for messages)."""

    soname: str
    needed_by: str


def system_needs(bundle: Path) -> list[Need]:
    """The sonames bundle binaries need that the bundle does not provide, sorted."""
    provided = {p.name for p in bundle.rglob("*.so*")}
    found: dict[str, str] = {}
    for path in elf_files(bundle):
        for soname in needed(path):
            if soname not in provided:
                found.setdefault(soname, path.relative_to(bundle).as_posix())
    return [Need(soname, by) for soname, by in sorted(found.items())]


def soname_key(soname: str) -> tuple[str, str] | None:
    """``("libX11", "6")`` for ``libX11.so.6``: the key of a ``shlibs`` line."""
    for pattern in (_SONAME, _SONAME_DASHED):
        match = pattern.match(soname)
        if match:
            return match["name"], match["version"]
    return None


def parse_shlibs(text: str) -> dict[tuple[str, str], str]:
    """``{(library, version): dependency}`` from a ``shlibs`` file (udeb lines skipped)."""
    entries: dict[tuple[str, str], str] = {}
    for line in text.splitlines():
        parts = line.split(None, 2)
        if len(parts) < 3 or line.startswith("#") or parts[0].endswith(":"):
            continue
        entries[(parts[0], parts[1])] = parts[2].strip()
    return entries


def parse_ldconfig(text: str, multiarch: str) -> dict[str, str]:
    """``{soname: path}`` from ``ldconfig -p``, keeping this architecture's libraries."""
    paths: dict[str, str] = {}
    for line in text.splitlines():
        soname, _, path = line.strip().partition(" => ")
        name = soname.split(" (", 1)[0]
        if path and f"/{multiarch}/" in path:
            paths.setdefault(name, path)
    return paths


def _ldconfig_paths() -> dict[str, str]:
    multiarch = sysconfig.get_config_var("MULTIARCH") or "x86_64-linux-gnu"
    out = subprocess.run(
        ["/sbin/ldconfig", "-p"], capture_output=True, text=True, check=True
    ).stdout
    return parse_ldconfig(out, multiarch)


def _path_variants(path: str) -> list[str]:
    """The path as dpkg may have recorded it on a merged-/usr system."""
    variants = [path, str(Path(path).resolve())]
    for candidate in list(variants):
        if candidate.startswith("/usr/"):
            variants.append(candidate[4:])
        else:
            variants.append("/usr" + candidate)
    return list(dict.fromkeys(variants))


def _dpkg_owners(paths: Iterable[str]) -> dict[str, str]:
    """``{path: package}`` for the paths dpkg knows (``dpkg-query -S``)."""
    wanted = list(dict.fromkeys(paths))
    if not wanted:
        return {}
    result = subprocess.run(
        ["dpkg-query", "-S", *wanted], capture_output=True, text=True, check=False
    )
    owners: dict[str, str] = {}
    for line in result.stdout.splitlines():
        packages, _, path = line.rpartition(": ")
        if packages and "," not in packages:  # diversions list several; not a library's case
            owners[path] = packages.split(":", 1)[0]
    return owners


def _shlibs_of(package: str) -> dict[tuple[str, str], str]:
    for name in sorted(DPKG_INFO.glob(f"{package}.shlibs")) + sorted(
        DPKG_INFO.glob(f"{package}:*.shlibs")
    ):
        return parse_shlibs(name.read_text(encoding="utf-8"))
    return {}


@dataclass
class Resolver:
    """Where the facts about the system come from (swapped for fakes in tests)."""

    locate: Callable[[], Mapping[str, str]] = _ldconfig_paths
    owners: Callable[[Iterable[str]], Mapping[str, str]] = _dpkg_owners
    shlibs: Callable[[str], Mapping[tuple[str, str], str]] = _shlibs_of


def depends_for(needs: Iterable[Need], resolver: Resolver | None = None) -> list[str]:
    """The ``Depends`` entries for ``needs``, one per package, sorted.

    Raises:
        DependsError: a library is not installed here, or no package owns it.
    """
    resolver = resolver or Resolver()
    located = resolver.locate()
    needs = list(needs)
    missing = [n for n in needs if n.soname not in located]
    variants = {n.soname: _path_variants(located[n.soname]) for n in needs if n not in missing}
    owners = resolver.owners(p for paths in variants.values() for p in paths)
    depends: dict[str, str] = {}
    for need in needs:
        if need in missing:
            continue
        package = next((owners[p] for p in variants[need.soname] if p in owners), None)
        if package is None:
            missing.append(need)
            continue
        key = soname_key(need.soname)
        entry = resolver.shlibs(package).get(key) if key else None
        depends.setdefault(package, entry or package)
    if missing:
        listed = ", ".join(f"{n.soname} (needed by {n.needed_by})" for n in missing)
        raise DependsError(
            f"These libraries are not installed from a Debian package on this machine: "
            f"{listed}. Install them (apt-get install ...) and build again."
        )
    return sorted(depends.values())

"""Computes the package list from the folders (see pyproject.toml for everything else).

Each top-level folder is one sub-namespace of ``deskmate``; every directory below it that
holds an ``__init__.py`` becomes a package. Listing them by hand is how a new sub-package
silently goes missing from the wheel, so this is computed.
"""

from pathlib import Path

from setuptools import setup

ROOTS = {
    "core": "deskmate.core",
    "desktop": "deskmate.desktop",
    "indexer": "deskmate.indexer",
    "server": "deskmate.server",
    "resources": "deskmate.resources",
}


def _packages() -> dict[str, str]:
    here = Path(__file__).parent
    # "deskmate" itself is an implicit namespace package: no folder of its own, so a
    # checkout root on sys.path can never shadow the installed one.
    found: dict[str, str] = {}
    for folder, name in ROOTS.items():
        for init in sorted((here / folder).rglob("__init__.py")):
            rel = init.parent.relative_to(here)
            found[".".join([name, *rel.parts[1:]])] = rel.as_posix()
    return found


PACKAGES = _packages()
if __name__ == "__main__":  # setuptools runs this file as __main__
    setup(packages=list(PACKAGES), package_dir=PACKAGES)

"""Guards for the deskmate.* namespace mapping onto the top-level folders."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _setup_packages() -> dict[str, str]:
    spec = importlib.util.spec_from_file_location("deskmate_setup", ROOT / "setup.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    packages = module.PACKAGES
    assert isinstance(packages, dict)
    return packages


def test_every_folder_with_python_code_is_a_packaged_package() -> None:
    packages = set(_setup_packages().values())
    for folder in ("core", "desktop", "indexer", "server", "resources"):
        for py in (ROOT / folder).rglob("*.py"):
            assert py.parent.relative_to(ROOT).as_posix() in packages, (
                f"{py.parent} has Python files but no __init__.py: it would be left out "
                "of the wheel"
            )


def test_no_bare_top_level_imports_resolve_to_the_checkout() -> None:
    import deskmate.core

    assert "deskmate" in Path(deskmate.core.__file__).parts

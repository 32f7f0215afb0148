"""The .deb's Depends come from the ELF files' DT_NEEDED, minus what the bundle carries."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

import pytest

from tools.installer_build.debdeps import (
    DependsError,
    Need,
    Resolver,
    depends_for,
    parse_ldconfig,
    parse_shlibs,
    soname_key,
    system_needs,
)
from tools.installer_build.elf import elf_files, needed

LS = Path("/bin/ls")


def _ldconfig() -> dict[str, str]:
    out = subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, text=True, check=True)
    return {
        line.split()[0]: line.rsplit(" => ", 1)[1]
        for line in out.stdout.splitlines()
        if " => " in line
    }


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """A tiny bundle: ls as the app, carrying its own libselinux (as PyInstaller would)."""
    root = tmp_path / "bundle"
    (root / "_internal").mkdir(parents=True)
    shutil.copy(LS, root / "deskmate")
    shutil.copy(_ldconfig()["libselinux.so.1"], root / "_internal" / "libselinux.so.1")
    (root / "_internal" / "notes.txt").write_text("not an ELF file")
    return root


def test_needed_reads_dt_needed() -> None:
    assert needed(LS)[-1] == "libc.so.6"
    assert "libselinux.so.1" in needed(LS)


def test_needed_refuses_what_is_not_elf(tmp_path: Path) -> None:
    text = tmp_path / "x.so"
    text.write_text("hello")
    with pytest.raises(ValueError, match="not an ELF file"):
        needed(text)


def test_system_needs_leave_out_what_the_bundle_carries(bundle: Path) -> None:
    assert sorted(p.name for p in elf_files(bundle)) == ["deskmate", "libselinux.so.1"]
    sonames = {n.soname for n in system_needs(bundle)}
    assert "libselinux.so.1" not in sonames  # carried in _internal
    assert {"libc.so.6", "libpcre2-8.so.0"} <= sonames  # libselinux's own needs count too


@pytest.mark.skipif(shutil.which("dpkg-query") is None, reason="needs a Debian system")
def test_depends_on_this_machine_are_versioned_packages(bundle: Path) -> None:
    depends = depends_for(system_needs(bundle))
    assert any(d.startswith("libc6 (>= ") for d in depends)
    assert any(d.startswith("libpcre2-8-0") for d in depends)
    assert not any(d.startswith("libselinux1") for d in depends)


def _fake(
    located: dict[str, str], owners: dict[str, str], shlibs: dict[str, dict[tuple[str, str], str]]
) -> Resolver:
    def owner_of(paths: Iterable[str]) -> dict[str, str]:
        return {p: owners[p] for p in paths if p in owners}

    return Resolver(
        locate=lambda: located, owners=owner_of, shlibs=lambda package: shlibs.get(package, {})
    )


def test_one_entry_per_package_with_the_shlibs_version() -> None:
    resolver = _fake(
        {
            "libX11.so.6": "/usr/lib/x86_64-linux-gnu/libX11.so.6",
            "libX11-xcb.so.1": "/usr/lib/x86_64-linux-gnu/libX11-xcb.so.1",
            "libfoo-2.0.so": "/lib/x86_64-linux-gnu/libfoo-2.0.so",
        },
        {
            "/usr/lib/x86_64-linux-gnu/libX11.so.6": "libx11-6",
            "/usr/lib/x86_64-linux-gnu/libX11-xcb.so.1": "libx11-xcb1",
            # merged /usr: dpkg recorded the /usr path of a library found under /lib
            "/usr/lib/x86_64-linux-gnu/libfoo-2.0.so": "libfoo2",
        },
        {"libx11-6": {("libX11", "6"): "libx11-6 (>= 2:1.6.0)"}},
    )
    needs = [
        Need("libX11.so.6", "a"),
        Need("libX11-xcb.so.1", "b"),
        Need("libfoo-2.0.so", "c"),
        Need("libX11.so.6", "d"),
    ]
    assert depends_for(needs, resolver) == ["libfoo2", "libx11-6 (>= 2:1.6.0)", "libx11-xcb1"]


def test_a_library_nobody_provides_is_an_error() -> None:
    resolver = _fake({"libknown.so.1": "/usr/lib/libknown.so.1"}, {}, {})
    with pytest.raises(DependsError, match=r"libgone\.so\.2 \(needed by plugins/x\.so\)"):
        depends_for([Need("libgone.so.2", "plugins/x.so")], resolver)
    with pytest.raises(DependsError, match="libknown"):  # installed, but from no package
        depends_for([Need("libknown.so.1", "deskmate")], resolver)


def test_parsers() -> None:
    assert soname_key("libX11.so.6") == ("libX11", "6")
    assert soname_key("libfoo-2.0.so") == ("libfoo", "2.0")
    assert soname_key("weird") is None
    assert parse_shlibs("libX11 6 libx11-6 (>= 2:1.6.0)\nudeb: libX11 6 libx11-6-udeb\n") == {
        ("libX11", "6"): "libx11-6 (>= 2:1.6.0)"
    }
    text = (
        "2 libs found in cache\n"
        "\tlibz.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libz.so.1\n"
        "\tlibz.so.1 (libc6) => /lib/i386-linux-gnu/libz.so.1\n"
    )
    assert parse_ldconfig(text, "x86_64-linux-gnu") == {
        "libz.so.1": "/lib/x86_64-linux-gnu/libz.so.1"
    }

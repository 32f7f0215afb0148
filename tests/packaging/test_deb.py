"""The Debian package: control file, tree layout, maintainer scripts, a real dpkg-deb build."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tools.installer_build.deb import (
    DEB_DIR,
    MAINTAINER_SCRIPTS,
    DebInfo,
    build_deb,
    control_text,
    stage,
)

ROOT = Path(__file__).resolve().parents[2]
ICON = ROOT / "resources" / "icons" / "deskmate.svg"


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    root = tmp_path / "deskmate"
    (root / "_internal").mkdir(parents=True)
    shutil.copy("/bin/ls", root / "deskmate")  # any ELF program stands in for the app
    (root / "_internal" / "data.txt").write_text("x")
    return root


def test_control_names_version_depends_and_recommends() -> None:
    info = DebInfo("0.1.0", 3, "amd64", ("libc6 (>= 2.36)", "libx11-6"), 1234)
    text = control_text(info)
    assert info.filename == "deskmate_0.1.0-3_amd64.deb"
    assert "Version: 0.1.0-3\n" in text
    assert "Installed-Size: 1234\n" in text
    assert "Depends: libc6 (>= 2.36), libx11-6, debconf (>= 0.5) | debconf-2.0\n" in text
    recommends = next(line for line in text.splitlines() if line.startswith("Recommends:"))
    assert "fonts-noto-cjk" in recommends
    assert "gnome-keyring" in recommends


def test_stage_lays_out_the_tree(bundle: Path, tmp_path: Path) -> None:
    root = tmp_path / "root"
    stage(bundle, root, ICON)
    assert (root / "opt/deskmate/deskmate").is_file()
    assert (root / "usr/bin/deskmate").readlink() == Path("/opt/deskmate/deskmate")
    desktop = (root / "usr/share/applications/deskmate.desktop").read_text()
    # Issue #18: deskmate:// links (xdg-open, a browser) start or reach the sidebar.
    assert "Exec=/usr/bin/deskmate %u\n" in desktop
    assert "MimeType=x-scheme-handler/deskmate;\n" in desktop
    assert "Icon=deskmate\n" in desktop
    assert (root / "usr/share/icons/hicolor/scalable/apps/deskmate.svg").is_file()
    for script in MAINTAINER_SCRIPTS:
        assert (root / "DEBIAN" / script).stat().st_mode & 0o777 == 0o755
    assert (root / "opt/deskmate/_internal/data.txt").stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize("script", MAINTAINER_SCRIPTS)
def test_maintainer_scripts_are_valid_posix_sh(script: str) -> None:
    subprocess.run(["sh", "-n", str(DEB_DIR / script)], check=True)


def test_debconf_asks_the_server_url_autostart_and_locks() -> None:
    templates = (DEB_DIR / "templates").read_text()
    names = [
        line.split(": ", 1)[1] for line in templates.splitlines() if line.startswith("Template: ")
    ]
    assert names == ["deskmate/server_url", "deskmate/autostart", "deskmate/locked"]
    config = (DEB_DIR / "config").read_text()
    for name in names:
        assert f"db_input low {name}" in config or f"db_input medium {name}" in config


@pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="needs dpkg-deb")
def test_build_deb_makes_an_installable_package(bundle: Path, tmp_path: Path) -> None:
    deb = build_deb(
        bundle,
        tmp_path / "root",
        tmp_path / "out",
        version="9.8.7",
        revision=2,
        icon=ICON,
        compression="fast",
    )
    assert deb.name.startswith("deskmate_9.8.7-2_")

    def field(name: str) -> str:
        return subprocess.run(
            ["dpkg-deb", "-f", str(deb), name], capture_output=True, text=True, check=True
        ).stdout.strip()

    assert field("Version") == "9.8.7-2"
    assert field("Depends").startswith("libc6 (>= ")  # from ls's own DT_NEEDED
    listing = subprocess.run(
        ["dpkg-deb", "-c", str(deb)], capture_output=True, text=True, check=True
    ).stdout
    assert "root/root" in listing  # --root-owner-group: no fakeroot needed
    assert "./opt/deskmate/deskmate" in listing
    assert "./usr/bin/deskmate -> /opt/deskmate/deskmate" in listing

"""The Debian package: the bundle in /opt/deskmate, the command, menu entry, icon, debconf.

The tree is staged under ``build/`` and packed with ``dpkg-deb --root-owner-group``, so
neither root nor fakeroot is needed to build. The maintainer scripts and the debconf
templates live in ``packaging/deb/`` as plain files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tools.installer_build.debdeps import depends_for, system_needs

DEB_DIR = Path(__file__).resolve().parents[2] / "packaging" / "deb"
MAINTAINER_SCRIPTS = ("config", "postinst", "prerm", "postrm")
# Chinese text needs a CJK font; the sign-in token needs a Secret Service provider.
RECOMMENDS = (
    "fonts-noto-cjk | fonts-wqy-microhei | fonts-wqy-zenhei",
    "gnome-keyring | keepassxc | kwalletmanager",
)
# The maintainer scripts use debconf; Qt loads libdbus at run time for the tray menu.
EXTRA_DEPENDS = ("debconf (>= 0.5) | debconf-2.0",)
COMPRESSION = {"fast": ["-Zgzip", "-z1"], "best": ["-Zxz", "-z6"]}


@dataclass(frozen=True)
class DebInfo:
    """What goes into ``DEBIAN/control``."""

    version: str
    revision: int
    architecture: str
    depends: tuple[str, ...]
    installed_size_kib: int

    @property
    def full_version(self) -> str:
        """The Debian version: upstream version and package revision."""
        return f"{self.version}-{self.revision}"

    @property
    def filename(self) -> str:
        """``deskmate_<version>-<revision>_<arch>.deb``, as Debian names packages."""
        return f"deskmate_{self.full_version}_{self.architecture}.deb"


def control_text(info: DebInfo) -> str:
    """The ``DEBIAN/control`` file."""
    depends = ", ".join([*info.depends, *EXTRA_DEPENDS])
    return (
        "Package: deskmate\n"
        f"Version: {info.full_version}\n"
        f"Architecture: {info.architecture}\n"
        "Maintainer: Deskmate maintainers <deskmate@example.com>\n"
        f"Installed-Size: {info.installed_size_kib}\n"
        f"Depends: {depends}\n"
        f"Recommends: {', '.join(RECOMMENDS)}\n"
        "Section: misc\n"
        "Priority: optional\n"
        "Description: Knowledge sidebar for contact-centre agents\n"
        " Deskmate keeps an offline copy of FAQs, call scripts and the expert\n"
        " directory and searches them per keystroke in Chinese, pinyin and English,\n"
        " in a sidebar docked at the screen edge.\n"
        " .\n"
        " Machine-wide settings: /etc/deskmate/settings.json (see the debconf\n"
        " questions); check an installation with `deskmate --selftest`.\n"
    )


def host_architecture() -> str:
    """The Debian architecture of this machine (``amd64``, ``arm64``...)."""
    return subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()


def _tree_size_kib(root: Path) -> int:
    total = 0
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += -(-path.stat().st_size // 1024)
    return total


def stage(bundle: Path, staging: Path, icon: Path) -> None:
    """Lay out the package tree (without ``DEBIAN/control``) under ``staging``."""
    if staging.exists():
        shutil.rmtree(staging)
    shutil.copytree(bundle, staging / "opt" / "deskmate", symlinks=True)
    (staging / "usr" / "bin").mkdir(parents=True)
    (staging / "usr" / "bin" / "deskmate").symlink_to("/opt/deskmate/deskmate")
    apps = staging / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    shutil.copyfile(DEB_DIR / "deskmate.desktop", apps / "deskmate.desktop")
    icons = staging / "usr" / "share" / "icons" / "hicolor" / "scalable" / "apps"
    icons.mkdir(parents=True)
    shutil.copyfile(icon, icons / "deskmate.svg")
    debian = staging / "DEBIAN"
    debian.mkdir()
    shutil.copyfile(DEB_DIR / "templates", debian / "templates")
    for script in MAINTAINER_SCRIPTS:
        shutil.copyfile(DEB_DIR / script, debian / script)
        (debian / script).chmod(0o755)
    for path in staging.rglob("*"):  # a umask of 077 must not make the app unreadable
        if not path.is_symlink():
            mode = 0o755 if path.is_dir() or os.access(path, os.X_OK) else 0o644
            path.chmod(mode)


def build_deb(
    bundle: Path,
    staging: Path,
    out_dir: Path,
    *,
    version: str,
    revision: int,
    icon: Path,
    compression: str = "best",
) -> Path:
    """Stage and pack the .deb; returns its path.

    Raises:
        tools.installer_build.debdeps.DependsError: a library cannot be traced to a package.
        subprocess.CalledProcessError: ``dpkg-deb`` failed.
    """
    stage(bundle, staging, icon)
    info = DebInfo(
        version=version,
        revision=revision,
        architecture=host_architecture(),
        depends=tuple(depends_for(system_needs(bundle))),
        installed_size_kib=_tree_size_kib(staging) - _tree_size_kib(staging / "DEBIAN"),
    )
    (staging / "DEBIAN" / "control").write_text(control_text(info), encoding="utf-8")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / info.filename
    subprocess.run(
        [
            "dpkg-deb",
            "--root-owner-group",
            *COMPRESSION[compression],
            "--build",
            str(staging),
            str(target),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return target

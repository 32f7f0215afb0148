"""The MSI definition: built with wixl, its tables hold the properties and registry rows."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from deskmate.core.machine_policy import POLICY_KEY
from deskmate.core.settings import SETTING_NAMES

from tools.installer_build.wxs import PROPERTIES, build_with_wixl, generate_wxs, msi_version

needs_msitools = pytest.mark.skipif(
    shutil.which("wixl") is None or shutil.which("msiinfo") is None,
    reason="needs wixl and msitools (apt-get install wixl msitools; .ci/run does)",
)


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """A small Windows-shaped bundle: the exe, nested folders, a symlink to skip."""
    root = tmp_path / "deskmate"
    (root / "_internal" / "PySide6" / "plugins").mkdir(parents=True)
    (root / "deskmate.exe").write_bytes(b"MZ fake exe")
    (root / "_internal" / "python311.dll").write_bytes(b"dll")
    (root / "_internal" / "PySide6" / "plugins" / "qwindows.dll").write_bytes(b"plugin")
    (root / "_internal" / "base_library.zip").write_bytes(b"zip")
    (root / "_internal" / "link.dll").symlink_to("python311.dll")
    return root


def _table(msi: Path, name: str) -> list[list[str]]:
    out = subprocess.run(
        ["msiinfo", "export", str(msi), name], capture_output=True, text=True, check=True
    ).stdout
    return [line.split("\t") for line in out.splitlines()[3:]]


def test_msi_version_keeps_the_numeric_release() -> None:
    assert msi_version("0.1.0") == "0.1.0"
    assert msi_version("1.2.3.dev4") == "1.2.3"
    with pytest.raises(ValueError, match="numeric"):
        msi_version("dev")


def test_properties_map_to_settings() -> None:
    assert set(PROPERTIES) >= {
        "SERVERURL",
        "LOCKSETTINGS",
        "AUTOSTART",
        "HOTKEY_SUMMON",
        "HOTKEY_GAP",
    }
    assert set(PROPERTIES.values()) - {"locked"} <= SETTING_NAMES


def test_wxs_lists_every_file_with_stable_guids(bundle: Path) -> None:
    text = generate_wxs(bundle, "0.1.0")
    assert generate_wxs(bundle, "0.1.0") == text  # same bundle, same source, same GUIDs
    ns = {"w": "http://schemas.microsoft.com/wix/2006/wi"}
    root = ET.fromstring(text.split("-->", 1)[1])  # noqa: S314 - our own output
    sources = sorted(f.get("Source", "") for f in root.iterfind(".//w:File", ns))
    assert sources == [
        "$(var.BundleDir)/_internal/PySide6/plugins/qwindows.dll",
        "$(var.BundleDir)/_internal/base_library.zip",
        "$(var.BundleDir)/_internal/python311.dll",
        "$(var.BundleDir)/deskmate.exe",
    ]
    product = root.find("w:Product", ns)
    assert product is not None
    assert product.get("Version") == "0.1.0"
    package = product.find("w:Package", ns)
    assert package is not None
    assert package.get("InstallScope") == "perMachine"


@needs_msitools
def test_wixl_builds_an_msi_with_the_policy_rows(bundle: Path, tmp_path: Path) -> None:
    wxs = tmp_path / "Deskmate.wxs"
    wxs.write_text(generate_wxs(bundle, "0.1.0"), encoding="utf-8")
    msi = build_with_wixl(wxs, bundle, tmp_path / "out" / "Deskmate.msi")
    assert msi.stat().st_size > 0

    files = {row[2].split("|")[-1] for row in _table(msi, "File")}
    assert files == {"deskmate.exe", "python311.dll", "qwindows.dll", "base_library.zip"}
    registry = {(row[2], row[3]): row[4] for row in _table(msi, "Registry")}
    for prop, value_name in PROPERTIES.items():
        assert registry[(POLICY_KEY, value_name)] == f"[{prop}]"
    run = registry[(r"SOFTWARE\Microsoft\Windows\CurrentVersion\Run", "Deskmate")]
    assert run == '"[INSTALLDIR]deskmate.exe" --autostart'
    # Each property is read back from the registry when an upgrade does not repeat it.
    searches = {row[0]: row[1] for row in _table(msi, "AppSearch")}
    assert set(searches) == {f"{p}_SAVED" for p in PROPERTIES}
    actions = {row[0]: row for row in _table(msi, "CustomAction")}
    assert actions["RestoreSERVERURL"][2:4] == ["SERVERURL", "[SERVERURL_SAVED]"]
    sequence = {row[0]: (row[1], int(row[2])) for row in _table(msi, "InstallExecuteSequence")}
    assert sequence["RestoreSERVERURL"] == ("NOT SERVERURL AND SERVERURL_SAVED", 51)
    assert sequence["AppSearch"][1] < 51 < sequence["CostFinalize"][1]
    upgrade = _table(msi, "Upgrade")
    assert {row[-1] for row in upgrade} == {"WIX_UPGRADE_DETECTED", "WIX_DOWNGRADE_DETECTED"}
    properties = dict(row[:2] for row in _table(msi, "Property"))
    assert properties["ALLUSERS"] == "1"  # per machine
    assert properties["ProductVersion"] == "0.1.0"
    shortcut = _table(msi, "Shortcut")
    assert shortcut[0][4] == "[INSTALLDIR]deskmate.exe"


def test_msi_registers_the_url_scheme_in_a_feature_it_can_leave_out(
    bundle: Path, tmp_path: Path
) -> None:
    """Issue #18: the HKCR deskmate key (URL Protocol) opens deskmate.exe "%1"; REMOVE=UrlScheme."""
    wxs = tmp_path / "Deskmate.wxs"
    wxs.write_text(generate_wxs(bundle, "0.1.0"), encoding="utf-8")
    msi = build_with_wixl(wxs, bundle, tmp_path / "out" / "Deskmate.msi")
    # Registry rows: Registry, Root (0 = HKCR), Key, Name, Value, Component.
    hkcr = {(row[2], row[3]): row[4] for row in _table(msi, "Registry") if row[1] == "0"}
    assert hkcr[("deskmate", "URL Protocol")] == ""
    assert hkcr[(r"deskmate\shell\open\command", "")] == '"[INSTALLDIR]deskmate.exe" "%1"'
    assert hkcr[("deskmate", "")].startswith("URL:")
    pairs = {(row[0], row[1]) for row in _table(msi, "FeatureComponents")}
    assert ("UrlScheme", "UrlSchemeHandler") in pairs
    assert ("Deskmate", "UrlSchemeHandler") not in pairs
    assert {row[0] for row in _table(msi, "Feature")} == {"Deskmate", "UrlScheme"}


def test_group_policy_template_matches_the_settings() -> None:
    """Every ADMX policy writes a real setting under the key the app reads; strings exist."""
    folder = Path(__file__).resolve().parents[2] / "packaging" / "windows"
    ns = {"p": "http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions"}
    admx = ET.parse(folder / "deskmate.admx").getroot()  # noqa: S314 - our own file
    adml = ET.parse(folder / "en-US" / "deskmate.adml").getroot()  # noqa: S314
    strings = {s.get("id") for s in adml.iterfind(".//p:string", ns)}
    presentations = {p.get("id") for p in adml.iterfind(".//p:presentation", ns)}
    names: set[str | None] = set()
    for policy in admx.iterfind(".//p:policy", ns):
        assert policy.get("key") == POLICY_KEY
        assert policy.get("class") == "Machine"
        value_names = [policy.get("valueName")] + [
            e.get("valueName") for e in policy.iterfind("p:elements/*", ns)
        ]
        names.update(v for v in value_names if v)
        for ref in re.findall(r"\$\(string\.(\w+)\)", ET.tostring(policy, encoding="unicode")):
            assert ref in strings
        if policy.get("presentation"):
            assert policy.get("presentation", "")[len("$(presentation.") : -1] in presentations
    assert names - {"locked"} <= SETTING_NAMES
    assert set(PROPERTIES.values()) <= names  # everything the MSI sets, GPO can set too

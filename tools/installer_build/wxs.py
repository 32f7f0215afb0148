r"""The WiX source of the per-machine MSI, generated from the bundle's file list.

The MSI installs the bundle into ``Program Files\Deskmate``, adds a Start-menu shortcut,
a machine-wide ``Run`` entry (``deskmate.exe --autostart``: the app starts only while
``start_at_login`` is on) and writes its public properties into the policy key the app
reads (``HKLM\SOFTWARE\Policies\Deskmate``, see ``core/machine_policy.py``)::

    msiexec /i Deskmate-0.1.0-x64.msi /qn SERVERURL=https://kb.example.com LOCKSETTINGS=server_url

An upgrade that does not repeat a property keeps the value installed before (each
property is read back from the registry first). The source uses WiX 3 syntax and only
what ``wixl`` (msitools) also understands, so it is built and inspected on Linux in the
tests, and built on Windows with the WiX Toolset (docs/it-deployment.md).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

UPGRADE_CODE = "{F57AC0A0-E4D3-4D9D-9658-008E39D14DDF}"
_GUID_NAMESPACE = uuid.UUID("0a92ca97-d782-4572-ac55-d64429c240eb")
POLICY_KEY = r"SOFTWARE\Policies\Deskmate"
RUN_KEY = r"SOFTWARE\Microsoft\Windows\CurrentVersion\Run"
URL_SCHEME_KEY = "deskmate"  # HKCR\deskmate: deskmate://search?q=… links (issue #18)
URL_SCHEME_FEATURE = "UrlScheme"  # IT leaves it out with REMOVE=UrlScheme
# Public property -> registry value (= setting name, or "locked").
PROPERTIES = {
    "SERVERURL": "server_url",
    "LOCKSETTINGS": "locked",
    "AUTOSTART": "start_at_login",
    "HOTKEY_SUMMON": "summon_hotkey",
    "HOTKEY_GAP": "gap_hotkey",
    "LANGUAGE": "language",
}
_WIX_NS = "http://schemas.microsoft.com/wix/2006/wi"


def msi_version(version: str) -> str:
    """The MSI ProductVersion (numbers only, at most three) of a package version."""
    match = re.match(r"\d+(?:\.\d+){0,2}", version)
    if not match:
        raise ValueError(f"{version!r} has no numeric release part for the MSI")
    return match.group(0)


def _ident(prefix: str, rel: str) -> str:
    """A stable MSI identifier for a path (letters, digits; at most 72 characters)."""
    return prefix + hashlib.sha1(rel.encode(), usedforsecurity=False).hexdigest()[:32].upper()


def _guid(rel: str) -> str:
    """A component GUID that stays the same for the same path across builds."""
    return "{" + str(uuid.uuid5(_GUID_NAMESPACE, rel)).upper() + "}"


def _sub(parent: ET.Element, tag: str, **attrs: str) -> ET.Element:
    return ET.SubElement(parent, tag, attrs)


def _add_tree(directory: ET.Element, bundle: Path, folder: Path, refs: list[str]) -> None:
    for path in sorted(folder.iterdir()):
        rel = path.relative_to(bundle).as_posix()
        if path.is_symlink():
            continue  # only Linux bundles have them; the target is listed itself
        if path.is_dir():
            child = _sub(directory, "Directory", Id=_ident("D", rel), Name=path.name)
            _add_tree(child, bundle, path, refs)
            continue
        component = _sub(directory, "Component", Id=_ident("C", rel), Guid=_guid(rel), Win64="yes")
        _sub(
            component,
            "File",
            Id=_ident("F", rel),
            Name=path.name,
            Source=f"$(var.BundleDir)/{rel}",
            KeyPath="yes",
        )
        refs.append(component.get("Id", ""))


def _remembered_properties(product: ET.Element) -> None:
    """Public properties, each read back from the registry when not given (upgrades)."""
    execute = ET.Element("InstallExecuteSequence")
    ui = ET.Element("InstallUISequence")
    for n, (prop, value_name) in enumerate(PROPERTIES.items()):
        _sub(product, "Property", Id=prop, Secure="yes")
        saved = _sub(product, "Property", Id=f"{prop}_SAVED")
        _sub(
            saved,
            "RegistrySearch",
            Id=f"Saved{n}",
            Root="HKLM",
            Key=POLICY_KEY,
            Name=value_name,
            Type="raw",
            Win64="yes",
        )
        _sub(product, "CustomAction", Id=f"Restore{prop}", Property=prop, Value=f"[{prop}_SAVED]")
        for sequence in (execute, ui):
            # Right after AppSearch (50): wixl misplaces After="AppSearch".
            custom = _sub(sequence, "Custom", Action=f"Restore{prop}", Sequence=str(51 + n))
            custom.text = f"NOT {prop} AND {prop}_SAVED"
    product.extend([execute, ui])


def _url_scheme(product: ET.Element, install_dir: ET.Element, exe: str) -> None:
    """The HKCR ``deskmate`` key as a URL protocol, in its own feature so IT can leave it out.

    ``msiexec /i Deskmate.msi REMOVE=UrlScheme`` installs without it (wixl has no
    component conditions, so a feature is the switch); the app validates every link.
    """
    component = _sub(
        install_dir, "Component", Id="UrlSchemeHandler", Guid=_guid("url-scheme"), Win64="yes"
    )
    key = URL_SCHEME_KEY
    _sub(
        component,
        "RegistryValue",
        Root="HKCR",
        Key=key,
        Type="string",
        Value="URL:Deskmate search",
        KeyPath="yes",
    )
    _sub(
        component,
        "RegistryValue",
        Root="HKCR",
        Key=key,
        Name="URL Protocol",
        Type="string",
        Value="",
    )
    _sub(
        component,
        "RegistryValue",
        Root="HKCR",
        Key=rf"{key}\DefaultIcon",
        Type="string",
        Value=f"[INSTALLDIR]{exe},0",
    )
    _sub(
        component,
        "RegistryValue",
        Root="HKCR",
        Key=rf"{key}\shell\open\command",
        Type="string",
        Value=f'"[INSTALLDIR]{exe}" "%1"',
    )
    feature = _sub(
        product,
        "Feature",
        Id=URL_SCHEME_FEATURE,
        Title="deskmate:// links from a CRM or CTI toolbar",
        Level="1",
    )
    _sub(feature, "ComponentRef", Id="UrlSchemeHandler")


def generate_wxs(bundle: Path, version: str) -> str:
    """The .wxs text for ``bundle`` (a PyInstaller onedir folder) at ``version``.

    File sources are ``$(var.BundleDir)/...``: pass ``-dBundleDir=...`` to candle
    (``-D BundleDir=...`` to wixl).
    """
    exe = "deskmate.exe" if (bundle / "deskmate.exe").exists() else "deskmate"
    ET.register_namespace("", _WIX_NS)
    wix = ET.Element("Wix", xmlns=_WIX_NS)
    product = _sub(
        wix,
        "Product",
        Id="*",
        Name="Deskmate",
        Language="1033",
        Version=msi_version(version),
        Manufacturer="Deskmate",
        UpgradeCode=UPGRADE_CODE,
    )
    _sub(
        product,
        "Package",
        InstallerVersion="500",
        Compressed="yes",
        InstallScope="perMachine",
        Description=f"Deskmate {version}",
    )
    _sub(
        product,
        "MajorUpgrade",
        DowngradeErrorMessage="A newer version of Deskmate is already installed.",
    )
    _sub(product, "Media", Id="1", Cabinet="deskmate.cab", EmbedCab="yes")
    _sub(product, "Property", Id="ARPNOMODIFY", Value="1")
    _remembered_properties(product)

    target = _sub(product, "Directory", Id="TARGETDIR", Name="SourceDir")
    program_files = _sub(target, "Directory", Id="ProgramFiles64Folder")
    install_dir = _sub(program_files, "Directory", Id="INSTALLDIR", Name="Deskmate")
    refs: list[str] = []
    _add_tree(install_dir, bundle, bundle, refs)

    machine = _sub(
        install_dir, "Component", Id="MachineSettings", Guid=_guid("machine-settings"), Win64="yes"
    )
    for n, (prop, value_name) in enumerate(PROPERTIES.items()):
        # An empty value (property not given) means "not set" to the app.
        attrs = {"KeyPath": "yes"} if n == 0 else {}
        _sub(
            machine,
            "RegistryValue",
            Root="HKLM",
            Key=POLICY_KEY,
            Name=value_name,
            Type="string",
            Value=f"[{prop}]",
            **attrs,
        )
    # wixl has no component conditions, so the Run entry is always there and the app
    # decides: `--autostart` exits at once unless start_at_login is on for the user.
    _sub(
        machine,
        "RegistryValue",
        Root="HKLM",
        Key=RUN_KEY,
        Name="Deskmate",
        Type="string",
        Value=f'"[INSTALLDIR]{exe}" --autostart',
    )
    refs.append("MachineSettings")

    menu = _sub(target, "Directory", Id="ProgramMenuFolder")
    shortcut = _sub(
        menu, "Component", Id="StartMenuShortcut", Guid=_guid("start-menu"), Win64="yes"
    )
    _sub(
        shortcut,
        "Shortcut",
        Id="DeskmateShortcut",
        Name="Deskmate",
        Description="Knowledge sidebar",
        Target=f"[INSTALLDIR]{exe}",
        WorkingDirectory="INSTALLDIR",
    )
    _sub(
        shortcut,
        "RegistryValue",
        Root="HKLM",
        Key=r"SOFTWARE\Deskmate",
        Name="shortcut",
        Type="integer",
        Value="1",
        KeyPath="yes",
    )
    refs.append("StartMenuShortcut")

    feature = _sub(product, "Feature", Id="Deskmate", Title="Deskmate", Level="1")
    for ref in refs:
        _sub(feature, "ComponentRef", Id=ref)
    _url_scheme(product, install_dir, exe)
    ET.indent(wix)
    header = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f"<!-- Generated by build_installer.py from {bundle.name}/ (Deskmate {version}); "
        "regenerate, do not edit. -->\n"
    )
    return header + ET.tostring(wix, encoding="unicode") + "\n"


def build_with_wixl(wxs: Path, bundle: Path, msi: Path) -> Path:
    """Build ``msi`` from ``wxs`` with wixl (msitools); returns ``msi``.

    Raises:
        FileNotFoundError: wixl is not installed.
        subprocess.CalledProcessError: wixl refused the source (its output is attached).
    """
    wixl = shutil.which("wixl")
    if wixl is None:
        raise FileNotFoundError("wixl is not installed (apt-get install wixl)")
    msi.parent.mkdir(parents=True, exist_ok=True)
    # wixl only finds sources by relative paths: run it beside the bundle.
    subprocess.run(
        [
            wixl,
            "--arch",
            "x64",
            "-D",
            f"BundleDir={bundle.name}",
            "-o",
            str(msi.resolve()),
            str(wxs.resolve()),
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=bundle.parent,
    )
    return msi

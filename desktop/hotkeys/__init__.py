"""Global hotkeys: keys that reach Deskmate while another program has the focus.

Typical use::

    from deskmate.desktop.hotkeys import HotkeyError, global_hotkeys_for

    hotkeys = global_hotkeys_for(app)
    hotkeys.activated.connect(on_hotkey)          # on_hotkey("summon") / on_hotkey("gap")
    try:
        hotkeys.register("summon", "Ctrl+Alt+Space")
        hotkeys.register("gap", "Ctrl+Alt+G")
    except HotkeyError as error:
        show_to_agent(error.message)
    app.aboutToQuit.connect(hotkeys.close)

The X11 backend lives in :mod:`.x11_hotkeys` (needs python-xlib), the Windows one in
:mod:`.windows_hotkeys`.
"""

from deskmate.desktop.hotkeys.errors import HotkeyError
from deskmate.desktop.hotkeys.global_hotkeys import (
    GlobalHotkeys,
    global_hotkeys_for,
    is_wayland_session,
)
from deskmate.desktop.hotkeys.hotkey_chord import HotkeyChord, parse_hotkey
from deskmate.desktop.hotkeys.unsupported_hotkeys import UnsupportedGlobalHotkeys

__all__ = [
    "GlobalHotkeys",
    "HotkeyChord",
    "HotkeyError",
    "UnsupportedGlobalHotkeys",
    "global_hotkeys_for",
    "is_wayland_session",
    "parse_hotkey",
]

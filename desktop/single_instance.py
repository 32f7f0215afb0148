"""One sidebar per user and data directory; later launches pass their wish to it.

``deskmate --summon`` and ``deskmate --flag-gap`` (the desktop-shortcut fallback where
global hotkeys are impossible, e.g. Wayland) and a plain second ``deskmate`` connect to
the running instance's local socket, send one word and exit.
"""

from __future__ import annotations

import getpass
import hashlib
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

COMMANDS = frozenset({"summon", "flag-gap", "quit"})
_TIMEOUT_MS = 1000


def instance_name(data_dir: Path) -> str:
    """The local socket name of the instance serving ``data_dir`` for this user."""
    digest = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:12]
    return f"deskmate-{getpass.getuser()}-{digest}"


def send_to_running(data_dir: Path, command: str) -> bool:
    """Deliver ``command`` to a running instance; False when none is running."""
    socket = QLocalSocket()
    socket.connectToServer(instance_name(data_dir))
    if not socket.waitForConnected(_TIMEOUT_MS):
        return False
    socket.write(command.encode() + b"\n")
    socket.flush()
    socket.waitForBytesWritten(_TIMEOUT_MS)
    socket.disconnectFromServer()
    return True


class InstanceServer(QObject):
    """Listens for commands from later launches."""

    command = Signal(str)

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._server = QLocalServer(self)
        self._server.newConnection.connect(self._accept)
        name = instance_name(data_dir)
        if not self._server.listen(name):
            # A crashed instance can leave its socket file behind; nobody answered on it.
            QLocalServer.removeServer(name)
            self._server.listen(name)
        self.listening = self._server.isListening()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)

    def _read(self, socket: QLocalSocket) -> None:
        while socket.canReadLine():
            word = bytes(socket.readLine().data()).decode(errors="replace").strip()
            if word in COMMANDS:
                self.command.emit(word)

    def close(self) -> None:
        """Stop listening."""
        self._server.close()

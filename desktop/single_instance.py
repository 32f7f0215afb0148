"""One sidebar per user and data directory; later launches pass their wish to it.

``deskmate --summon`` and ``deskmate --flag-gap`` (the desktop-shortcut fallback where
global hotkeys are impossible, e.g. Wayland) and a plain second ``deskmate`` connect to
the running instance's local socket, send one word and exit. A context pop
(``deskmate search --show``, a ``deskmate://`` link) sends one JSON line instead
(:meth:`ContextRequest.to_message`); the receiver validates it again.
"""

from __future__ import annotations

import logging
from pathlib import Path

from deskmate.core.context_request import MAX_MESSAGE_BYTES, ContextError, ContextRequest
from deskmate.desktop.instance_handover import hand_over, instance_name
from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

COMMANDS = frozenset({"summon", "flag-gap", "quit"})
_TIMEOUT_MS = 1000
log = logging.getLogger(__name__)


__all__ = ["COMMANDS", "InstanceServer", "instance_name", "send_to_running"]


def send_to_running(data_dir: Path, command: str) -> bool:
    """Deliver ``command`` to a running instance; False when none is running."""
    delivered = hand_over(data_dir, command)  # a plain Unix socket where possible
    if delivered is not None:
        return delivered
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
            line = bytes(socket.readLine(MAX_MESSAGE_BYTES + 2).data())
            if not line.endswith(b"\n"):
                # Longer than any message a launch sends: drop the connection, not the UI.
                log.warning("dropped an overlong message (over %d bytes)", MAX_MESSAGE_BYTES)
                socket.abort()
                return
            word = line.decode(errors="replace").strip()
            if word in COMMANDS:
                self.command.emit(word)
            elif word.startswith("{"):
                try:
                    request = ContextRequest.from_message(word)
                except ContextError as exc:
                    log.warning("refused a context message: %s", exc.message)
                    continue
                self.command.emit(request.to_message())  # the validated, canonical form
        if socket.bytesAvailable() > MAX_MESSAGE_BYTES:
            log.warning("dropped an overlong message (over %d bytes)", MAX_MESSAGE_BYTES)
            socket.abort()

    def close(self) -> None:
        """Stop listening."""
        self._server.close()

"""The Deskmate desktop app: the ``deskmate`` command and (issue #3) the PySide6 sidebar."""

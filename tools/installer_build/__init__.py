"""Build helpers behind ``build_installer.py``: the bundle, the .deb, the WiX source.

Deliberately not part of the ``deskmate`` namespace: nothing here ships in the app.
"""

"""Developer commands, run from the repository root: ``python -m tools.<name>``.

``dev_setup``, ``system_packages`` and ``private_postgres`` set up `make run` and `make test`
(system packages, a private PostgreSQL); they use the standard library only, since they run
with the system ``python3`` before the virtual environment exists. ``installer_build`` is
what ``build_installer.py`` runs in the project's venv. Not part of the wheel (setup.py
packages the deskmate.* folders).
"""

"""Developer set-up for `make run` and `make test`: system packages and a private PostgreSQL.

Standard library only: these modules run with the system ``python3`` before the
virtual environment exists. Not part of the wheel (setup.py packages the deskmate.* folders).
"""

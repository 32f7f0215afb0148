"""deskmate-server: the reference knowledge server (issue #4)."""

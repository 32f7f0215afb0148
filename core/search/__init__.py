"""search package of Deskmate."""

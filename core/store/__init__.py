"""store package of Deskmate."""

"""content package of Deskmate."""

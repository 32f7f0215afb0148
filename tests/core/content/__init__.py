"""Tests of deskmate.core.content."""

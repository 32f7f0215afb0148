"""Tests of deskmate.core.sync."""

"""Tests of deskmate.core.search."""

"""Tests of deskmate.core.store."""

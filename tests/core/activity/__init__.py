"""Tests of deskmate.core.activity."""

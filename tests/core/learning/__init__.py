"""Tests of deskmate.core.learning."""

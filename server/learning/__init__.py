"""Learning profiles, assignments and the knowledge-gap queue (docs/learning.md)."""

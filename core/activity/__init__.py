"""The consultation record: what agents searched, opened, copied, rated and flagged."""

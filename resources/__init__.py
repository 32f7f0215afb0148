"""Bundled data: the sample content pack (``sample_pack/``)."""

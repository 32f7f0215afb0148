"""Semantic search (issue #16): item vectors, their encoding job and their fusion.

Above ``search`` and ``store`` (it ties the encoder of ``search`` to the vectors kept in
the ``store``), below the knowledge base that uses it (docs/search.md).
"""

"""Hostile submissions for ``tests/test_hostile.py``: one attack per module.

Each module is the source of a notebook cell (or of a file submitted beside the notebooks),
kept as real code so that ruff reads it. The test reads it as text and never imports it:
importing one would run the attack in the test process.
"""

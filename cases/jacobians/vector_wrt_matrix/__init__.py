"""Case ``vector_wrt_matrix``: its math (``math.py``), its notebook's text (``text.py``),
its answers (``answers.py``)."""

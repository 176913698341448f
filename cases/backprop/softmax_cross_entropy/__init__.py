"""Case ``softmax_cross_entropy``: its math (``math.py``), its notebook's text (``text.py``),
its answers (``answers.py``)."""

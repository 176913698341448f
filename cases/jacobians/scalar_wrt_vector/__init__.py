"""Case ``scalar_wrt_vector``: its math (``math.py``), its notebook's text (``text.py``),
its answers (``answers.py``)."""

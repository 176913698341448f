"""Case ``affine_wrt_input``: its math (``math.py``), its notebook's text (``text.py``),
its answers (``answers.py``)."""

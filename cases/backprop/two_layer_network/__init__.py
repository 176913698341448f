"""Case ``two_layer_network``: its math (``math.py``), its notebook's text (``text.py``),
its answers (``answers.py``)."""

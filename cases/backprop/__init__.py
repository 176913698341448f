"""Assignment ``backprop``: the Jacobians of a small network, after the course document's five.

Softmax and its cross-entropy, an affine layer with respect to its input and its bias, a tanh
activation, and a two-layer network's batch-mean loss with respect to the first layer's
weights, built by chaining Jacobians, with the shortcut frameworks compute as an ungraded task
next to it. The same rule holds: output axes, then input axes, after a leading batch axis when
the output is per example.

The second, public sizes are chosen as in :mod:`cases.jacobians` (``B = 3``, then 7, 5, and 9
for the two-layer network's fourth size), and so are the hidden ranges. Solutions read every
size from their inputs. What students read teaches with questions and with worked examples on
other functions, and never holds a graded answer or the shape part 1 asks for
(``tests/test_student_material.py``).
"""

ASSIGNMENT = "backprop"

CASE_FOLDERS = ("softmax", "softmax_cross_entropy", "affine_wrt_input", "affine_wrt_bias",
                "tanh", "two_layer_network")
"""The case folders, in the order of the assignment's notebooks."""

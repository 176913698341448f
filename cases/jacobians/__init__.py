"""Assignment ``jacobians``: the five cases of the course document, one folder each.

The math is the *correct* math of the course document; where the document's code has a slip,
the notebook says so, and the case follows the math:

- the per-example loss is ``1/2 ||y_b - yhat_b||^2``, an output of shape ``(1,)`` per
  example (the document's ``0.5 * np.square(y - yhat)`` has shape ``(B, D)``);
- the batch-averaged loss is one number, kept as shape ``(1,)``.

Every check runs on the notebook's sizes (the document's: ``B = 256``, ``D = 10``,
``output_dim = 10``, ``input_dim = 20``) and then on a second, public set, the same in every
case: ``B = 3``, and 7, 5 for the next sizes. Small, so that the references stored for them
cost little; odd and all different, from each other and from the notebook's, so that a size
typed in (``reshape(256, 1, 10)``, ``np.eye(10)``), two sizes swapped, or code right only
when two sizes coincide (``B == D``) fails at home; never half or twice the notebook's size of
the same name (``D = 5`` against ``D = 10``), which a diagnosis would take for a factor 2.
Hidden sizes are drawn from 3-40 for ``B`` and 2-13 for the others.

The solutions (each folder's ``text.py``) are the course document's einsum code, turned into
functions that read their sizes from their inputs (the document hard-codes
``output_dim = 10``, which would fail the hidden tests). Everything else in the texts is what
students read: it teaches with questions and with worked examples on other functions, and
never holds a graded answer or the shape part 1 asks for (``tests/test_student_material.py``).
"""

ASSIGNMENT = "jacobians"

CASE_FOLDERS = ("scalar_wrt_scalar", "scalar_wrt_vector", "vector_wrt_matrix",
                "scalar_wrt_matrix", "elementwise_nonlinearity")
"""The case folders, in the order of the assignment's notebooks."""

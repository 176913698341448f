"""What the notebook of case ``affine_wrt_bias`` says, and its solution cells.

Read by the course builder only: the grader never imports it.
"""

from __future__ import annotations

from course.notebook_text import BATCH, NotebookText, jacobian_shape_cell

TEXT = NotebookText(
    math=r"""
**The function.** The same affine layer,

$$z = W x + b, \qquad b \in \mathbb{R}^n,$$

now as a function of its bias `b`, of shape `(output_dim,)` and shared by the batch; `x` has
shape `(B, input_dim)` and `z` shape `(B, output_dim)`.

**Goal.** Compute $\nabla_b z$ for every example of the batch: what a training step needs
to update the bias.
""",
    shape_hint="""\
## 1. Shape analysis

- What is the shape of one example's output, its row of `z`?
- The input is `b`, shared by the batch: what are its axes?
- Is the output per example, although `b` is shared? (Think of `W` in notebook 03 of
  `jacobians`.)

Complete `jacobian_shape(B, output_dim, input_dim)`: the shape of `dz_db`.""",
    jacobian_shape=jacobian_shape_cell(
        "Shape of the Jacobian of z = W x + b with respect to b, for a batch of B examples.",
        {"B": BATCH, "output_dim, input_dim": "The numbers of rows and columns of W."},
        "(B, output_dim, output_dim)"),
    code_hint=r"""
## 2. Code the Jacobian

For one example, $z_i = \sum_k W_{ik} x_k + b_i$.

- What is $\partial z_i / \partial b_j$ when $j = i$? When $j \neq i$?
- Does it depend on $W$, on $x$, on which example it is?

You have the tools: a matrix that is zero unless two indices are equal comes from `np.eye`
(notebook 03 of `jacobians`), and the same matrix for every example is copied along the batch
axis by a vector of ones (notebook 03 of this assignment). The zeros are part of the Jacobian.

(A training step chains these Jacobians with the loss's and sums them over the batch: that is
where the familiar "sum of the upstream gradient over the batch" comes from.)

**Mistakes students make here.** Check your answer against each:

- A matrix of ones: does $z_i$ depend on $b_j$ when $j \neq i$?
- Only the diagonal, with the shape of `z`: where are the zeros?
- No batch axis, or the examples summed: is the output per example?
- A size typed in.

Write `dz_db(W, b, x)`: the Jacobian, with the shape you predicted in part 1.
""",
    function='''\
def dz_db(W, b, x):
    """Jacobian of z_b = W x_b + b with respect to b, for each example b.

    Parameters
    ----------
    W : ndarray, shape (output_dim, input_dim)
    b : ndarray, shape (output_dim,)
    x : ndarray, shape (B, input_dim)

    Returns
    -------
    ndarray
        The Jacobian, with the shape you predicted in part 1.
    """
    ### BEGIN SOLUTION
    B, output_dim = x.shape[0], W.shape[0]
    return np.einsum("b,ij->bij", np.ones(B), np.eye(output_dim))
    ### END SOLUTION''',
)

"""What the notebook of case ``scalar_wrt_matrix`` says, and its solution cells.

Read by the course builder only: the grader never imports it.
"""

from __future__ import annotations

from course.notebook_text import BATCH, NotebookText, jacobian_shape_cell

TEXT = NotebookText(
    math=r"""
**The function.** The squared-error loss of a linear layer, averaged over the batch:

$$L(W) = \frac{1}{B} \sum_{b=1}^{B} \frac{1}{2}\,\lVert y_b - W x_b \rVert_2^2,
\qquad W \in \mathbb{R}^{n \times m},$$

with `n = output_dim` and `m = input_dim`: `y` has shape `(B, output_dim)`, `W` shape
`(output_dim, input_dim)` and `x` shape `(B, input_dim)`. The loss is one number, kept as
shape `(1,)`.

**Goal.** Compute $\nabla_W L$, the gradient a training step would use.
""",
    shape_hint="""\
## 1. Shape analysis

- Is the output one number per example, or one number for the whole batch? Which axes does
  the mean over the batch remove?
- How does the rule keep a scalar output?
- What are the axes of the input `W`?

Complete `jacobian_shape(B, output_dim, input_dim)`: the shape of `dloss_dW`.""",
    jacobian_shape=jacobian_shape_cell(
        "Shape of the Jacobian of the batch-averaged loss with respect to W.",
        {"B": BATCH, "output_dim, input_dim": "The numbers of rows and columns of W."},
        "(1, output_dim, input_dim)"),
    code_hint=r"""
## 2. Code the Jacobian with the chain rule

The loss of example $b$ depends on $W$ through its prediction $\hat{y}_b = W x_b$. So, per
example, its Jacobian is the product of two Jacobians you have coded:

| per example | the derivative of | with respect to | coded in |
|---|---|---|---|
| $\partial L_b / \partial \hat{y}_b$ | the loss | the prediction | 02, with `D = output_dim` |
| $\partial \hat{y}_b / \partial W$ | the prediction | the weights | 03 |

1. Compute both inside `dloss_dW`, from `y`, `W` and `x`, and write their shapes, with the
   batch axis, in a comment. Which axis do they share?
2. **Chain them per example**: multiply, and sum over the shared axis (the entries of
   $\hat{y}$), keeping the batch axis.
3. **Average over the batch.** Which axis does the mean remove, and which must stay?

Step 2 on other Jacobians: per example, a Jacobian `G` with axes `(p, q)` chained with a
Jacobian `F` with axes `(q, r)` is a matrix product, one `einsum` in which the shared axis's
letter appears in both inputs and not after `->`:

```python
rng = np.random.default_rng(0)
G = rng.standard_normal((4, 2, 3))           # 4 examples, a (2, 3) Jacobian each
F = rng.standard_normal((4, 3, 5))           # 4 examples, a (3, 5) Jacobian each
chained = np.einsum("npq,nqr->npr", G, F)    # sums over q, keeps the examples' n
assert np.allclose(chained, G @ F)
```

Your second factor has two input axes: give each its own letter.

> **A shortcut that circulates** writes step 2 with a letter repeated inside one operand,
> as in `bjjk`. What does a repeated letter read? Try it on a small matrix:
> ```python
> M = np.arange(9.0).reshape(3, 3)
> assert np.all(np.einsum("jj->j", M) == np.diag(M))   # only the diagonal M[j, j]
> ```
> So that contraction reads only the entries `[b, j, j, k]` of the second factor, and the
> loss's letter does not appear after its `->`. Which entries of the second factor are zero
> (notebook 03)? Why does the shortcut still give the right numbers for this layer, and what
> would it get wrong for a factor that is not zero off that diagonal, or for an output with
> more than one entry?

**Mistakes students make here.** Check your answer against each:

- A sum over the batch where the loss takes the mean: off by a factor `B`.
- The gradient of one example (say, example 0) instead of the mean over the batch.
- The loss's axis of size 1 lost in the mean: does your result keep it?
- The sign of the loss's Jacobian, as in notebooks 01 and 02.

Write `dloss_dW(y, W, x)`: the Jacobian, with the shape you predicted in part 1.
""",
    function='''\
def dloss_dW(y, W, x):
    """Jacobian of the batch-averaged loss mean_b 1/2 ||y_b - W x_b||^2 with respect to W.

    Parameters
    ----------
    y : ndarray, shape (B, output_dim)
        Targets.
    W : ndarray, shape (output_dim, input_dim)
        The weights.
    x : ndarray, shape (B, input_dim)
        The inputs.

    Returns
    -------
    ndarray
        The Jacobian, with the shape you predicted in part 1.
    """
    ### BEGIN SOLUTION
    output_dim = W.shape[0]
    diff = y - np.einsum("rc,bc->br", W, x)  # (B, output_dim)
    dloss_dyhat = -np.einsum("i,bj->bij", np.ones(1), diff)  # (B, 1, output_dim)
    dyhat_dW = np.einsum(
        "ij,bk->bijk",
        np.eye(output_dim),
        x)  # (B, output_dim, output_dim, input_dim)
    return np.mean(
        np.einsum("bij,bjjk->bjk", dloss_dyhat, dyhat_dW),
        axis=0,
        keepdims=True)  # (1, output_dim, input_dim)
    ### END SOLUTION''',
)

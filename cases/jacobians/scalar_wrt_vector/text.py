"""What the notebook of case ``scalar_wrt_vector`` says, and its solution cells.

Read by the course builder only: the grader never imports it.
"""

from __future__ import annotations

from course.notebook_text import BATCH, NotebookText, jacobian_shape_cell

TEXT = NotebookText(
    math=r"""
**The function.** The squared-error loss of a vector prediction:

$$L(y, \hat{y}) = \frac{1}{2}\,\lVert y - \hat{y} \rVert_2^2
= \frac{1}{2} \sum_{k=1}^{D} (y_k - \hat{y}_k)^2, \qquad y, \hat{y} \in \mathbb{R}^D.$$

A batch arrives as `y` and `yhat` of shape `(B, D)`; each example's loss is one number, kept
as shape `(1,)`.

**Goal.** Compute $\nabla_{\hat{y}} L$ for every example of the batch.
""",
    shape_hint="""\
## 1. Shape analysis

- What is the shape of one example's output, its loss? (It is one number: how does the rule
  keep it?)
- What is the shape of one example's input, its row of `yhat`?
- Is the output per example?

Complete `jacobian_shape(B, D)`: the shape of `dloss_dyhat` for a batch of `B` examples, built
from the arguments.""",
    jacobian_shape=jacobian_shape_cell(
        "Shape of the Jacobian of each example's loss with respect to yhat.",
        {"B": BATCH, "D": "The number of entries of one prediction."},
        "(B, 1, D)"),
    code_hint=r"""
## 2. Code the Jacobian

**One entry at a time.** Differentiate one example's loss,
$L = \frac{1}{2}\sum_k (y_k - \hat{y}_k)^2$, with respect to one entry $\hat{y}_j$. Which terms
of the sum depend on $\hat{y}_j$? What is left of the sum once you differentiate?

The same method on another function: $s = \sum_k c_k u_k^3$ has
$\frac{\partial s}{\partial u_j} = 3 c_j u_j^2$, because only the term $k = j$ depends on
$u_j$. Checked against a finite difference:

```python
c = np.array([1.0, -2.0, 0.5])
u = np.array([0.3, 1.2, -0.7])
s = lambda u: np.sum(c * u ** 3)
step = 1e-6
nudged = u + step * np.eye(3)[1]             # move u[1] only
assert np.isclose((s(nudged) - s(u)) / step, 3 * c[1] * u[1] ** 2, rtol=1e-4)
```

Then give each example's $D$ derivatives the rule's axes, as in notebook 01: a vector of ones
of length 1 inserts the loss's axis where its letter goes.

> **A slip that circulates.** Code for this case often computes
> `loss = 0.5 * np.square(y - yhat)  # Shape: (B, 1)`. Check that comment: what shape does
> this array have when `y` and `yhat` have shape `(B, D)`, and is each of its rows the loss of
> one example? Which axis would you sum over to get each example's loss? The gradient code
> written next to such a line is the Jacobian of the summed loss of the math above.

**Mistakes students make here.** Check your answer against each:

- The loss's axis of size 1 left out: count your Jacobian's axes against the rule.
- A division by `D` (the loss is a sum over the entries, not their mean) or by `B` (each
  example has its own loss).
- The sign, as in notebook 01.
- A size typed in.

Write `dloss_dyhat(y, yhat)`: the Jacobian, with the shape you predicted in part 1.
""",
    function='''\
def dloss_dyhat(y, yhat):
    """Jacobian of each example's loss 1/2 ||y_b - yhat_b||^2 with respect to yhat.

    Parameters
    ----------
    y, yhat : ndarray, shape (B, D)
        Targets and predictions.

    Returns
    -------
    ndarray
        The Jacobian, with the shape you predicted in part 1.
    """
    ### BEGIN SOLUTION
    return -np.einsum("i,bj->bij", np.ones(1), y - yhat)
    ### END SOLUTION''',
)

"""What the notebook of case ``softmax_cross_entropy`` says, and its solution cells.

Read by the course builder only: the grader never imports it.
"""

from __future__ import annotations

from course.notebook_text import BATCH, NotebookText, jacobian_shape_cell

TEXT = NotebookText(
    math=r"""
**The function.** The cross-entropy of a softmax, the loss of a classifier, as a function of
its scores (logits) $h$:

$$L(y, h) = -\sum_{i=1}^{D} y_i \log \mathrm{softmax}(h)_i,
\qquad y, h \in \mathbb{R}^D,$$

where $y$ is the label, one-hot (a 1 at the true class, 0 elsewhere). A batch arrives as `y`
and `h` of shape `(B, D)`; each example's loss is one number, kept as shape `(1,)`.

**Goal.** Compute $\nabla_h L$ for every example of the batch.
""",
    shape_hint="""\
## 1. Shape analysis

- What is the shape of one example's output, its loss? How does the rule keep a scalar?
- What is the shape of one example's input, its row of `h`?
- Is the output per example?

Complete `jacobian_shape(B, D)`: the shape of `dloss_dh` for a batch of `B` examples.""",
    jacobian_shape=jacobian_shape_cell(
        "Shape of the Jacobian of each example's cross-entropy with respect to h.",
        {"B": BATCH, "D": "The number of classes."},
        "(B, 1, D)"),
    code_hint=r"""
## 2. Code the Jacobian with the chain rule

Per example, the loss is a function of $\log a$, and $\log a$ is a function of $h$:
$L = -\sum_i y_i \log a_i$ with $a = \mathrm{softmax}(h)$. Work it out in four steps:

1. **The loss with respect to $\log a$.** What is $\partial L / \partial (\log a_i)$? What
   shape has this Jacobian with the batch axis (the loss keeps its axis of size 1)?
2. **$\log a$ with respect to $h$.** Write $\log a_i = h_i - \log \sum_k e^{h_k}$ and
   differentiate with respect to $h_j$. (The derivative of $\log \sum_k e^{h_k}$ with respect
   to $h_j$ is a ratio you met in notebook 01.) Which entries of this Jacobian are zero?
3. **Chain them** per example: multiply, and sum over the axis they share, the entries of
   $\log a$. (Per example, chaining a Jacobian with axes `(p, q)` and one with axes `(q, r)`
   is one `einsum` whose letter for `q` appears in both inputs and not after `->`.)
4. **Simplify, on paper.** The label is one-hot, so $\sum_i y_i = 1$. The result is short,
   and it is the one every framework computes: compare it with the numbers your chain gives.

**Mistakes students make here.** Check your answer against each:

- The derivative with respect to the probabilities $a$ instead of the scores $h$: the
  function's argument is `h`, and softmax stands between them.
- Softmax taken over the batch axis, which mixes the examples.
- The sign of the loss lost on the way.
- A mean over the batch: each example has its own loss here.
- The loss's axis of size 1 left out.

Compute `a` stably, as in notebook 01. Write `dloss_dh(y, h)`: the Jacobian, with the shape
you predicted in part 1.
""",
    function='''\
def dloss_dh(y, h):
    """Jacobian of each example's loss -sum_i y_bi log softmax(h_b)_i with respect to h.

    Parameters
    ----------
    y : ndarray, shape (B, D)
        One-hot labels.
    h : ndarray, shape (B, D)
        Scores (logits).

    Returns
    -------
    ndarray
        The Jacobian, with the shape you predicted in part 1.
    """
    ### BEGIN SOLUTION
    D = h.shape[1]
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)  # (B, D)
    dloss_dlog_a = -np.einsum("i,bj->bij", np.ones(1), y)  # (B, 1, D)
    dlog_a_dh = np.eye(D) - np.einsum("i,bj->bij", np.ones(D), a)  # (B, D, D)
    return np.einsum("bij,bjk->bik", dloss_dlog_a, dlog_a_dh)  # (B, 1, D)
    ### END SOLUTION''',
)

"""What the notebook of case ``scalar_wrt_scalar`` says, and its solution cells.

Read by the course builder only: the grader never imports it.
"""

from __future__ import annotations

from course.notebook_text import BATCH, NotebookText, jacobian_shape_cell

TEXT = NotebookText(
    math=r"""
**The function.** A squared-error loss of one prediction:

$$L(y, \hat{y}) = \frac{1}{2}\,(y - \hat{y})^2, \qquad y, \hat{y} \in \mathbb{R}.$$

In code, a batch of `B` examples arrives as arrays `y` and `yhat` of shape `(B, 1)`, and the
loss of each example is kept as an array of shape `(1,)`, so `loss` has shape `(B, 1)`.

**Goal.** Compute $\frac{dL}{d\hat{y}}$ for every example of the batch.
""",
    shape_hint="""\
## 1. Shape analysis

Before any code, the shape. Answer three questions, then apply the rule:

- What is the shape of one example's output, its loss?
- What is the shape of one example's input, its part of `yhat`?
- Is the output per example? If so, the Jacobian has a batch axis in front.

Complete `jacobian_shape(B)` so that it returns the shape of the Jacobian `dloss_dyhat` for a
batch of `B` examples, as a tuple of ints. The test calls it with other sizes too: build the
tuple from `B`.""",
    jacobian_shape=jacobian_shape_cell(
        "Shape of the Jacobian of each example's loss with respect to yhat.",
        {"B": BATCH},
        "(B, 1, 1)"),
    code_hint=r"""
## 2. Code the Jacobian

**The derivative.** For one example, differentiate $L = \frac{1}{2}(y - \hat{y})^2$ with
respect to $\hat{y}$. The chain rule reaches inside the square: what does the derivative of
$y - \hat{y}$ with respect to $\hat{y}$ contribute?

**Placing axes with `einsum`.** `np.einsum` names each axis with a letter, and the letters
after `->` say which axes the result has, in which order. A letter written after `->` is kept;
a letter of the inputs missing after `->` is summed over. Two examples, on arrays of their own:

```python
u = np.array([1.0, 2.0])              # shape (2,)
v = np.array([10.0, 20.0, 30.0])      # shape (3,)
outer = np.einsum("i,j->ij", u, v)    # every product u[i] * v[j]
assert outer.shape == (2, 3) and outer[1, 2] == 2.0 * 30.0
swapped = np.einsum("i,j->ji", u, v)  # the same products, the axes in the other order
assert swapped.shape == (3, 2) and swapped[2, 1] == outer[1, 2]
```

A vector of ones of length 1 multiplies by 1, and its letter gives the result a new axis of
size 1, wherever that letter is written after `->`:

```python
g = np.arange(6.0).reshape(3, 2)             # shape (3, 2)
tall = np.einsum("nk,i->nki", g, np.ones(1))  # a new axis of size 1, last
assert tall.shape == (3, 2, 1) and np.all(tall[:, :, 0] == g)
```

Your Jacobian's axes go in the rule's order: the batch axis, then the loss's axes, then the
axes of one example's `yhat`. Where does the loss's axis of size 1 go? (Indexing with `None`,
or `reshape` with sizes read from the arguments, can place it too.)

**Mistakes students make here.** Check your answer against each:

- A sign error: does your Jacobian carry what the derivative of $y - \hat{y}$ contributes?
- The derivative returned as it comes out of the arithmetic, with the shape of `yhat`: where
  is the loss's own axis?
- A mean over the batch: each example has its own loss, and nothing here is averaged.
- A size typed in, such as `256`: the hidden tests use other sizes.

Write `dloss_dyhat(y, yhat)`: the Jacobian, with the shape you predicted in part 1.
""",
    function='''\
def dloss_dyhat(y, yhat):
    """Jacobian of each example's loss 1/2 (y_b - yhat_b)^2 with respect to yhat.

    Parameters
    ----------
    y, yhat : ndarray, shape (B, 1)
        Targets and predictions, one number per example.

    Returns
    -------
    ndarray
        The Jacobian, with the shape you predicted in part 1.
    """
    ### BEGIN SOLUTION
    return -np.einsum("i,bj->bij", np.ones(1), y - yhat)
    ### END SOLUTION''',
)

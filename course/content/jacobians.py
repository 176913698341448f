"""The prose and the solution code of the `jacobians` notebooks, keyed by case.

Solutions are the course document's einsum code, turned into functions that read their sizes
from their inputs (the document hard-codes ``output_dim = 10``, which would fail the hidden
tests). Everything else is what students read: it teaches with questions and with worked
examples on other functions, and never holds a graded answer or the shape part 1 asks for
(``tests/test_student_material.py``).
"""

from __future__ import annotations

from .text import BATCH, NotebookText, jacobian_shape_cell

SCALAR_WRT_SCALAR = NotebookText(
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


SCALAR_WRT_VECTOR = NotebookText(
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


VECTOR_WRT_MATRIX = NotebookText(
    math=r"""
**The function.** A linear layer:

$$\hat{y} = W x, \qquad W \in \mathbb{R}^{n \times m},\; x \in \mathbb{R}^m,\;
\hat{y} \in \mathbb{R}^n,$$

with `n = output_dim` and `m = input_dim`. In code, `W` has shape `(output_dim, input_dim)`
and is shared by the batch, `x` has shape `(B, input_dim)`, and
`yhat = np.einsum("ij,bj->bi", W, x)` has shape `(B, output_dim)`.

**Goal.** Compute $\nabla_W \hat{y}$: how each output of each example varies with each
entry of `W`.
""",
    shape_hint="""\
## 1. Shape analysis

- What is the shape of one example's output, its row of `yhat`?
- The input is `W`, one matrix shared by the whole batch: what are its axes?
- Is the output per example, although `W` is shared? What does the rule say about the batch
  axis then?

Complete `jacobian_shape(B, output_dim, input_dim)`: the shape of `dyhat_dW` for a batch of `B`
examples.""",
    jacobian_shape=jacobian_shape_cell(
        "Shape of the Jacobian of yhat = W x with respect to W, for a batch of B examples.",
        {"B": BATCH, "output_dim, input_dim": "The numbers of rows and columns of W."},
        "(B, output_dim, output_dim, input_dim)"),
    code_hint=r"""
## 2. Code the Jacobian

**One entry at a time.** For one example, $\hat{y}_i = \sum_k W_{ik} x_k$. Differentiate
output $i$ with respect to one entry $W_{jk}$ of the matrix:

- Which entries $\partial \hat{y}_i / \partial W_{jk}$ are zero, and why? (Which row of $W$
  does output $i$ use?)
- What are the others equal to?

**Zeros off a diagonal, with the identity matrix.** A derivative that is zero unless two
indices are equal carries a Kronecker delta, $\delta_{ij}$: that is `np.eye(n)`. In `einsum`
it is multiplied in like any array, and nothing is summed as long as every letter appears
after `->`. A worked example on another function, the outer product $P = u\,v^\top$ (entries
$P_{jk} = u_j v_k$) as a function of $u$: $\partial P_{jk} / \partial u_i = \delta_{ji}\,v_k$.

```python
u = np.array([1.0, -2.0, 0.5])
v = np.array([4.0, 3.0])
dP_du = np.einsum("ji,k->jki", np.eye(3), v)   # P's axes (j, k), then u's axis i
assert dP_du.shape == (3, 2, 3)

# One slice against a finite difference: move u[0], watch P.
step = 1e-6
nudged = u + step * np.eye(3)[0]
assert np.allclose((np.outer(nudged, v) - np.outer(u, v)) / step, dP_du[:, :, 0])
```

Your Jacobian needs one more letter: each example has its own $x$. Where does the batch's
letter go, in the inputs and after `->`?

> **A slip that circulates:** `output_dim = 10` written as a constant, as code for this case
> often has it. The hidden tests use other sizes: read every size from the arguments' shapes.

**Mistakes students make here.** Check your answer against each:

- The indices of `W` swapped: is your entry `[b, i, j, k]` the derivative of output `i` of
  example `b` with respect to `W[j, k]`?
- The batch summed or averaged away: is the output per example?
- A size typed in for the identity matrix.

Write `dyhat_dW(W, x)`: the Jacobian, with the shape you predicted in part 1.
""",
    function='''\
def dyhat_dW(W, x):
    """Jacobian of yhat_b = W x_b with respect to W, for each example b.

    Parameters
    ----------
    W : ndarray, shape (output_dim, input_dim)
        The weights, shared by the batch.
    x : ndarray, shape (B, input_dim)
        The inputs.

    Returns
    -------
    ndarray
        The Jacobian, with the shape you predicted in part 1.
    """
    ### BEGIN SOLUTION
    output_dim = W.shape[0]
    return np.einsum("ij,bk->bijk", np.eye(output_dim), x)
    ### END SOLUTION''',
)


SCALAR_WRT_MATRIX = NotebookText(
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


ELEMENTWISE_NONLINEARITY = NotebookText(
    math=r"""
**The function.** An elementwise nonlinearity, here the logistic sigmoid:

$$a = \sigma(h), \quad a_i = \sigma(h_i) = \frac{1}{1 + e^{-h_i}}, \qquad a, h \in \mathbb{R}^D.$$

A batch arrives as `h` of shape `(B, D)`, and `a` has shape `(B, D)`.

**Goal.** Compute $\nabla_h a$ for every example of the batch.
""",
    shape_hint="""\
## 1. Shape analysis

- What is the shape of one example's output, its row of `a`? Of its input, its row of `h`?
- Is the output per example?

Complete `jacobian_shape(B, D)`: the shape of `da_dh` for a batch of `B` examples.""",
    jacobian_shape=jacobian_shape_cell(
        "Shape of the Jacobian of a = sigmoid(h) with respect to h, for a batch of B examples.",
        {"B": BATCH, "D": "The number of entries of one example."},
        "(B, D, D)"),
    code_hint=r"""
## 2. Code the Jacobian

**Which entries are zero?** $a_i = \sigma(h_i)$ depends on $h_i$ alone. Which entries
$\partial a_i / \partial h_j$ of one example's Jacobian are zero, and why? What are the others?

**The derivative of the sigmoid.** Differentiate $\sigma(t) = 1 / (1 + e^{-t})$. Can you
write $\sigma'(t)$ with $\sigma(t)$ itself? Check your formula at one point: $\sigma'(0) = 1/4$.

**A diagonal matrix with `einsum`.** The derivative of an elementwise function, taken entry by
entry, has the shape of `h`: it is only the diagonal of each example's Jacobian. The identity
matrix supplies the missing axis. A worked example on another elementwise function, `exp`,
for one example:

```python
v = np.array([0.5, -1.0, 2.0])                           # one example of 3 entries
dexp_dv = np.einsum("i,ij->ij", np.exp(v), np.eye(3))    # exp' = exp, on the diagonal
assert np.allclose(dexp_dv, np.diag(np.exp(v)))
assert dexp_dv[0, 1] == 0.0                              # exp(v[0]) ignores v[1]
```

A batch has one such matrix per example: where does the batch's letter go, in the inputs and
after `->`? (`np.diag` builds the matrix of one example only.)

**Mistakes students make here.** Check your answer against each:

- The elementwise derivative returned alone, with the shape of `h`: that is only the diagonal.
- A full matrix where the entries off the diagonal must be zero.
- The derivative evaluated at the wrong quantity: if your formula for $\sigma'(t)$ uses
  $\sigma(t)$, is that what your code passes in, or `h` itself?
- A size typed in for the identity matrix.

Write `da_dh(h)`: the Jacobian, with the shape you predicted in part 1.
""",
    function='''\
def da_dh(h):
    """Jacobian of a = sigmoid(h) with respect to h, for each example.

    Parameters
    ----------
    h : ndarray, shape (B, D)
        Pre-activations.

    Returns
    -------
    ndarray
        The Jacobian, with the shape you predicted in part 1.
    """
    ### BEGIN SOLUTION
    D = h.shape[1]
    sigmoid = lambda x: 1 / (1 + np.exp(-x))
    dsigmoid_dargument = lambda x: sigmoid(x) * (1 - sigmoid(x))
    return np.einsum(
        "bi,ij->bij",
        dsigmoid_dargument(h),
        np.eye(D),
    )
    ### END SOLUTION''',
)


TEXTS: dict[str, NotebookText] = {
    "scalar_wrt_scalar": SCALAR_WRT_SCALAR,
    "scalar_wrt_vector": SCALAR_WRT_VECTOR,
    "vector_wrt_matrix": VECTOR_WRT_MATRIX,
    "scalar_wrt_matrix": SCALAR_WRT_MATRIX,
    "elementwise_nonlinearity": ELEMENTWISE_NONLINEARITY,
}
"""By case key."""

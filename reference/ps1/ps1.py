# ---
# jupyter:
#   jupytext:
#     notebook_metadata_filter: language_info
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
#   language_info:
#     name: python
# ---

# %% [markdown]
# # PS1: Sigmoid & Softmax
#
# Every classifier in this course ends the same way: a layer computes scores, a **sigmoid** (two classes) or a
# **softmax** (many classes) turns the scores into probabilities, and a **cross-entropy** loss compares those
# probabilities with the targets. In this problem set you write all of these pieces yourself in NumPy, derive
# their gradients, build and differentiate a network with one hidden layer, check your gradients numerically,
# and finally train a single neuron with PyTorch on the *majority* task from the lecture.
#
# | part | what you build |
# | --- | --- |
# | 1 | the activations `sigmoid`, `sigmoid_grad`, `softmax`, `softmax_jacobian` |
# | 2 | the losses `binary_cross_entropy`, `cross_entropy`, `softmax_cross_entropy` and their gradients |
# | 3 | a two-layer network: forward pass, gradients, number of parameters |
# | 4 | a numerical gradient checker |
# | 5 | mini-batch training with PyTorch (on a GPU when there is one) |
#
# ### How this notebook works
#
# * Each function has a cell ending in `# YOUR CODE HERE` / `raise NotImplementedError()`: replace those two
#   lines with your code. Do not rename the function or change its arguments.
# * Right below it, a **"Check your work"** cell runs a few asserts on small inputs you can verify by hand. Run it!
#   Passing it is necessary but not sufficient: hidden tests with many more inputs run when your notebook is graded
#   (in the cell below the check).
# * Written answers go into the markdown cells that say `YOUR ANSWER HERE`. Use LaTeX: `$\sigma'(x)$` gives $\sigma'(x)$.
# * Do not add, delete or copy the provided cells (a deleted grading cell earns no points). Before you submit:
#   *Kernel → Restart & Run All*, and check that nothing fails. Keep your top-level code fast (the whole notebook
#   runs in seconds).
#
# ### Conventions the hidden tests check (details in each part)
#
# * **Arrays in, arrays out.** A float input keeps its dtype (`float32` in, `float32` out); an integer input is
#   treated as `float64`. With several inputs, only the *float arrays* decide the dtype: when they are all `float32` the
#   result is `float32`; when `float32` and `float64` arrays are mixed, **either** result dtype is accepted (judged at
#   `float32` accuracy). **Python numbers** (`b`, `h`, `lr`) never decide the dtype, and a 0-d array (`np.array(0.5)`)
#   counts as a number. Hint: `a.dtype.kind == "f"` tells you whether `a` is a float array, `a.astype(np.float64)`
#   converts, and `np.result_type(dtype1, dtype2, ...)` promotes.
# * **Never modify an input.** The inputs you get are ordinary writable arrays, so nothing stops `x -= x.max()`, but it
#   changes the caller's data. Work on new arrays (`z = x - x.max()`) or on your own copy (`x = x.copy()`). The checks
#   below verify it, and the hidden tests charge it once, in a test about exactly that.
#   (`numerical_gradient` and `gradient_check` may perturb `x` while they run, but must leave it bit for bit as it was.)
# * **A mistake costs points once, where it is.** When a function calls another graded function (for example
#   `two_layer_grads` calling your `sigmoid_grad`), the hidden tests grade it with a correct version of the one it calls,
#   so a bug in `sigmoid_grad` is charged in `sigmoid_grad` only. Reuse your functions without fear.
# * **Batches are rows.** `x` has shape `(N, D)`: one example per row.
# * **Losses are means over the batch**, and every gradient is the gradient of that mean.
# * **Stable** means finite, correct, and *no `RuntimeWarning`* (overflow, divide by zero, invalid value) for inputs
#   as large as $|x| = 10^4$ (in `float32`: $10^3$).

# %% [markdown]
# ### Points
#
# Each function is graded by hidden tests worth the points below; each written answer is graded by hand.
#
# <!-- autograder: points table -->

# %% [markdown]
# ### Notation: lecture and code
#
# The lecture writes one example at a time as a column vector; the code stores a whole batch with **one example per row**.
# The numbers are the same, the layout is transposed.
#
# | lecture | code | meaning |
# | --- | --- | --- |
# | $x$ (column vector) | `x`, shape `(N, D)` | inputs, one example per row |
# | $\mathrm{net} = W \cdot x$ | `z = x @ W + b`, `W` shape `(D_in, D_out)` | the weighted sum ("net input", *logits*) of a layer |
# | $T$, one-hot $y$ | `y` (one-hot rows), `t` (0/1 targets) | the **targets**: what the network should output |
# | $Y$, $\hat y$ | `y_hat` (softmax), `o` (sigmoid) | the **outputs** of the network: predicted probabilities |
# | $\sigma$ | `sigmoid` | the logistic function $\sigma(x) = 1/(1 + e^{-x})$ |
#
# So in the lecture a layer computes $Y = \sigma(W \cdot x)$ for one example; in NumPy it computes
# `sigmoid(x @ W + b)` for all $N$ examples at once. A bias can be folded into $W$ by appending a constant
# input 1; in the code we keep it separate as `b`.

# %% deletable=false editable=false nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
import numpy as np
import torch
import matplotlib.pyplot as plt


# %% [markdown]
# ## Part 1: activations
#
# ### 1.1 The sigmoid
#
# $$\sigma(x) = \frac{1}{1 + e^{-x}}$$
#
# squashes any real number into $(0, 1)$: large positive inputs give values near 1, large negative inputs values
# near 0, and $\sigma(0) = \tfrac12$. A neuron with a sigmoid output can therefore be read as the probability
# of class 1 in a two-class problem, and it is the classic non-linearity of hidden units.
#
# **The numerical trap.** Written literally, `1 / (1 + np.exp(-x))` computes $e^{1000}$ for $x = -1000$: that overflows
# to `inf` with a `RuntimeWarning` (the final answer 0 happens to be right, but the warning is not allowed here, and
# the same mistake elsewhere gives `nan`). The cure is to exponentiate only numbers $\le 0$. Let $e = e^{-|x|} \in (0, 1]$:
#
# $$\sigma(x) = \frac{1}{1 + e} \quad (x \ge 0), \qquad \sigma(x) = \frac{e^{x}}{1 + e^{x}} = \frac{e}{1 + e} \quad (x < 0).$$
#
# Careful with `np.where(cond, a, b)`: NumPy evaluates **both** `a` and `b` on every element before choosing,
# so neither may overflow anywhere.
#
# Write `sigmoid(x)` for an array of any shape (also a 0-d array or a Python number).

# %% nbgrader={"grade": false, "grade_id": "solution_sigmoid", "locked": false, "schema_version": 3, "solution": true, "task": false}
def sigmoid(x):
    """Element-wise logistic sigmoid of x, an array of any shape (or a number).

    Returns an array shaped like x, with values in [0, 1] (float32 stays float32; integers become float64).
    Stable: no overflow warning even for |x| = 1e4. x is not modified.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x)
    if x.dtype.kind != "f":  # integers (and bools) are treated as float64
        x = x.astype(np.float64)
    # e = exp(-|x|) lies in (0, 1], so it never overflows, and
    #   x >= 0:  sigma(x) = 1 / (1 + exp(-x))      = 1 / (1 + e)
    #   x <  0:  sigma(x) = exp(x) / (1 + exp(x))  = e / (1 + e)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))
    ### END SOLUTION


# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "check_sigmoid", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# Check your work: run this cell after writing sigmoid.
s0 = sigmoid(np.array(0.0))
assert np.isclose(s0, 0.5), f"sigmoid(0) should be 0.5; got {s0}"
x = np.array([[-1.0, 0.0, 1.0], [2.0, -2.0, 3.0]])
x_before = x.copy()
s = sigmoid(x)
assert isinstance(s, np.ndarray) and s.shape == (2, 3), f"sigmoid should return an array shaped like x, (2, 3); got {type(s).__name__} of shape {np.shape(s)}"
assert np.array_equal(x, x_before), f"sigmoid must not modify its input: x was {x_before.tolist()}, now {x.tolist()}"
assert np.allclose(s[0], [0.26894142, 0.5, 0.73105858]), f"sigmoid([-1, 0, 1]) should be [0.26894, 0.5, 0.73106]; got {s[0]}"
assert np.allclose(s + sigmoid(-x), 1.0), f"sigmoid(-x) should equal 1 - sigmoid(x); got sigmoid(x) + sigmoid(-x) = {s + sigmoid(-x)}"
# Any overflow / divide / invalid warning becomes an error inside these blocks:
with np.errstate(over="raise", divide="raise", invalid="raise"):
    big = sigmoid(np.array([-1e4, 1e4]))
    big32 = sigmoid(np.array([-1e3, 1e3], dtype=np.float32))
assert np.allclose(big, [0.0, 1.0]), f"sigmoid([-1e4, 1e4]) should be [0, 1]; got {big}"
assert np.allclose(big32, [0.0, 1.0]), f"sigmoid of float32 [-1e3, 1e3] should be [0, 1]; got {big32}"
assert big32.dtype == np.float32, f"a float32 input should give a float32 output; got {big32.dtype}"
assert sigmoid(np.array([0, 1])).dtype == np.float64, "an integer input should give a float64 output"
print("sigmoid: visible checks passed")

# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "grade_sigmoid", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The hidden tests for sigmoid run here when your notebook is graded.
### BEGIN HIDDEN TESTS
from autograder.notebook import grade_cell
grade_cell("sigmoid")
### END HIDDEN TESTS

# %% [markdown]
# ### 1.2 The sigmoid's derivative
#
# Backpropagation needs $\sigma'(x)$. It has a famously convenient form in terms of the sigmoid's own **output**
# $s = \sigma(x)$: derive it first, in the written question below, then write the code. The forward pass has
# already computed $s$, so the backward pass gets the derivative almost for free, without another exponential. Note that `sigmoid_grad` takes **`s`, not `x`**: `sigmoid_grad(sigmoid(x))` is $\sigma'(x)$.

# %% [markdown] deletable=false editable=false nbgrader={"grade": false, "grade_id": "question_sigmoid_derivative", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Written question.** Starting from $\sigma(x) = 1/(1 + e^{-x})$, derive
# $\sigma'(x) = \sigma(x)\,(1 - \sigma(x))$. Then show where $\sigma'$ is largest and what its largest value is.

# %% [markdown] nbgrader={"grade": true, "grade_id": "written_sigmoid_derivative", "locked": false, "points": 3, "schema_version": 3, "solution": true, "task": false}
# ### BEGIN SOLUTION
# By the chain rule, with $\sigma(x) = (1 + e^{-x})^{-1}$:
# $$\sigma'(x) = -(1 + e^{-x})^{-2}\cdot(-e^{-x}) = \frac{e^{-x}}{(1 + e^{-x})^2}
# = \frac{1}{1 + e^{-x}}\cdot\frac{e^{-x}}{1 + e^{-x}} = \sigma(x)\,\bigl(1 - \sigma(x)\bigr),$$
# because $1 - \sigma(x) = \frac{1 + e^{-x} - 1}{1 + e^{-x}} = \frac{e^{-x}}{1 + e^{-x}}$.
#
# **Maximum.** Write $s = \sigma(x) \in (0, 1)$. The parabola $s(1 - s) = \tfrac14 - (s - \tfrac12)^2$ is largest at
# $s = \tfrac12$, where it equals $\tfrac14$; and $\sigma(x) = \tfrac12$ exactly when $x = 0$ ($\sigma$ is strictly increasing).
# (Equivalently, $\sigma''(x) = \sigma'(x)(1 - 2\sigma(x)) = 0 \iff \sigma(x) = \tfrac12 \iff x = 0$.)
# So $\sigma'$ peaks at $x = 0$ with $\sigma'(0) = \tfrac14$, and it decays to 0 on both sides.
#
# === BEGIN MARK SCHEME ===
# * 1 point: a correct derivative by the chain/quotient rule, $\sigma'(x) = e^{-x}/(1 + e^{-x})^2$.
# * 1 point: rewriting it as $\sigma(1 - \sigma)$, with the step $1 - \sigma = e^{-x}/(1 + e^{-x})$ shown.
# * 1 point: the maximum $\tfrac14$ at $x = 0$ **with a reason** (the parabola $s(1-s)$ peaks at $s = \tfrac12$, or $\sigma'' = 0$).
#   A bare statement "0.25 at 0" without justification earns 0.5.
# === END MARK SCHEME ===
# ### END SOLUTION

# %% nbgrader={"grade": false, "grade_id": "solution_sigmoid_grad", "locked": false, "schema_version": 3, "solution": true, "task": false}
def sigmoid_grad(s):
    """Derivative of the sigmoid, written through the sigmoid's output.

    s: the output s = sigmoid(x) of the forward pass (not x), any shape.
    Returns an array shaped like s: the slope d sigmoid / dx at the x that produced s.
    """
    ### BEGIN SOLUTION
    s = np.asarray(s)
    if s.dtype.kind != "f":
        s = s.astype(np.float64)
    return s * (1 - s)
    ### END SOLUTION


# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "check_sigmoid_grad", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# Check your work: run this cell after writing sigmoid_grad.
s = np.array([0.5, 0.0, 1.0])
s_before = s.copy()
g = sigmoid_grad(s)
assert isinstance(g, np.ndarray) and g.shape == (3,), f"sigmoid_grad should return an array shaped like s, (3,); got {type(g).__name__} of shape {np.shape(g)}"
assert np.array_equal(s, s_before), f"sigmoid_grad must not modify its input: s was {s_before.tolist()}, now {s.tolist()}"
assert np.allclose(g, [0.25, 0.0, 0.0]), f"sigmoid_grad([0.5, 0, 1]) should be [0.25, 0, 0]; got {g}"
g0 = sigmoid_grad(sigmoid(np.array(0.0)))
assert np.isclose(g0, 0.25), f"the sigmoid's slope at x = 0 should be 0.25; got {g0}"
g2 = sigmoid_grad(np.array([0.2]))
assert np.allclose(g2, [0.16]), f"sigmoid_grad([0.2]) should be [0.16] (it takes the output s = 0.2, not x); got {g2}"
g32 = sigmoid_grad(np.array([0.5, 0.2], dtype=np.float32))
assert g32.dtype == np.float32, f"a float32 input should give a float32 output; got {g32.dtype}"
print("sigmoid_grad: visible checks passed")

# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "grade_sigmoid_grad", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The hidden tests for sigmoid_grad run here when your notebook is graded.
### BEGIN HIDDEN TESTS
from autograder.notebook import grade_cell
grade_cell("sigmoid_grad")
### END HIDDEN TESTS

# %%
# Plot (a): the sigmoid and its derivative. Re-run this cell after writing sigmoid and sigmoid_grad.
try:
    xs = np.linspace(-8, 8, 401)
    s_values = sigmoid(xs)
    ds_values = sigmoid_grad(s_values)
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.plot(xs, s_values, label=r"$\sigma(x)$")
    ax.plot(xs, ds_values, label=r"$\sigma'(x)$, from sigmoid_grad")
    ax.axhline(0, color="gray", lw=0.5)
    ax.set_xlabel("x")
    ax.set_title("The sigmoid and its derivative")
    ax.legend(loc="upper left")
    plt.show()
except NotImplementedError:
    print("Plot skipped: write sigmoid and sigmoid_grad above, then re-run this cell.")


# %% [markdown]
# Compare the plot with your answer to the written question above. The derivative has a small maximum, so every
# sigmoid layer a gradient passes through shrinks it by at least that factor, and for $|x| \gtrsim 5$ (a *saturated*
# unit) the slope is almost 0. This is one reason why
# deep stacks of sigmoids train slowly (*vanishing gradients*), and it matters again for the choice of the loss in Part 2.

# %% [markdown]
# ### 1.3 The softmax
#
# With $C$ classes the last layer produces $C$ scores $z_1, \dots, z_C$ (*logits*). The softmax turns them into a
# probability distribution:
#
# $$\mathrm{softmax}(z)_i = \frac{e^{z_i}}{\sum_{j=1}^{C} e^{z_j}}.$$
#
# Every output is positive, the outputs sum to 1, and the order of the scores is kept: the largest logit gets the
# largest probability. It is a smooth ("soft") version of *argmax*, which is what makes it trainable by gradient descent.
#
# **Stability.** $e^{1000}$ overflows. But adding the same constant $c$ to every logit does not change the softmax
# (you prove this below), so subtract the row's maximum first: then every exponent is $\le 0$, every $e^{z_j - m}$ is in
# $(0, 1]$, and the denominator is at least 1.
#
# For a 2-D input apply the softmax to **every row independently** (each row is one example). Reductions like
# `x.max(axis=-1, keepdims=True)` keep a length-1 axis so that the result broadcasts back against `x`; the same code
# then works for 1-D and 2-D inputs.

# %% [markdown] deletable=false editable=false nbgrader={"grade": false, "grade_id": "question_shift_invariance", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Written question.** Show that $\mathrm{softmax}(z + c\mathbf{1}) = \mathrm{softmax}(z)$ for every
# real constant $c$ (the same $c$ added to every logit). Then explain why choosing $c = -\max_j z_j$ makes the
# computation stable.

# %% [markdown] nbgrader={"grade": true, "grade_id": "written_shift_invariance", "locked": false, "points": 3, "schema_version": 3, "solution": true, "task": false}
# ### BEGIN SOLUTION
# For every $i$,
# $$\mathrm{softmax}(z + c\mathbf{1})_i = \frac{e^{z_i + c}}{\sum_j e^{z_j + c}} = \frac{e^{c}\,e^{z_i}}{e^{c}\sum_j e^{z_j}}
# = \frac{e^{z_i}}{\sum_j e^{z_j}} = \mathrm{softmax}(z)_i,$$
# since $e^{c} > 0$ is a common factor of the numerator and every term of the denominator, and cancels.
#
# With $c = -m$, $m = \max_j z_j$, every exponent $z_j - m \le 0$, so every $e^{z_j - m} \in (0, 1]$: nothing can
# overflow, however large the logits. The largest term is $e^0 = 1$, so the denominator is at least 1 and can neither
# underflow to 0 nor cause a division by zero. Without the shift, $z = (1000, 0)$ gives $e^{1000} = \infty$ and
# $\infty/\infty = \mathrm{nan}$; with it, the same computation gives $(1, e^{-1000}) \approx (1, 0)$.
#
# === BEGIN MARK SCHEME ===
# * 1 point: writing $e^{z_i + c} = e^{c} e^{z_i}$ in numerator and denominator.
# * 1 point: cancelling $e^{c}$ (noting it is nonzero / positive) to conclude equality for every component.
# * 1 point: stability: after subtracting the max all exponents are $\le 0$ (no overflow) **and** the denominator is
#   $\ge 1$ (no division by 0 / underflow). Only one of the two: 0.5.
# === END MARK SCHEME ===
# ### END SOLUTION

# %% nbgrader={"grade": false, "grade_id": "solution_softmax", "locked": false, "schema_version": 3, "solution": true, "task": false}
def softmax(x):
    """Softmax of a 1-D array of logits, or of every row of a 2-D array (each row one example).

    Returns an array shaped like x: entries in [0, 1] that sum to 1 along the last axis.
    Stable for logits as large as |x| = 1e4; x is not modified.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x)
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    # Shift every row so that its largest entry is 0: exp() then lies in (0, 1] (no overflow),
    # the denominator is at least 1 (no division by 0), and the result does not change.
    z = x - x.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)
    ### END SOLUTION


# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "check_softmax", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# Check your work: run this cell after writing softmax.
p = softmax(np.array([1.0, 2.0, 3.0]))
assert isinstance(p, np.ndarray) and p.shape == (3,), f"softmax of a 1-D array should keep its shape (3,); got {type(p).__name__} of shape {np.shape(p)}"
assert np.allclose(p, [0.09003057, 0.24472847, 0.66524096]), f"softmax([1, 2, 3]) should be [0.09003, 0.24473, 0.66524]; got {p}"
x = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
x_before = x.copy()
s = softmax(x)
assert np.array_equal(x, x_before), f"softmax must not modify its input: x was {x_before.tolist()}, now {x.tolist()}"
assert isinstance(s, np.ndarray) and s.shape == (2, 3), f"softmax should keep the shape (2, 3); got {type(s).__name__} of shape {np.shape(s)}"
assert np.allclose(s.sum(axis=1), 1.0), f"every row of a softmax should sum to 1; got row sums {s.sum(axis=1)}"
assert np.allclose(s[1], 1 / 3), f"equal logits should give equal probabilities 1/3; got {s[1]}"
assert np.allclose(s[0], p), f"each row should be the softmax of that row alone: row 0 should be {p}; got {s[0]}"
assert np.allclose(softmax(x + 100.0), s), "adding a constant to every logit should not change the softmax"
# Any overflow / divide / invalid warning becomes an error inside this block:
with np.errstate(over="raise", divide="raise", invalid="raise"):
    big = softmax(np.array([[1e4, 0.0, -1e4]]))
    # two rows far apart: each row needs its own maximum
    far = softmax(np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -1001.0, -1002.0]]))
assert np.allclose(big, [[1.0, 0.0, 0.0]]), f"softmax([1e4, 0, -1e4]) should be [1, 0, 0]; got {big}"
expected = [[0.09003057, 0.24472847, 0.66524096], [0.66524096, 0.24472847, 0.09003057]]
assert np.allclose(far, expected), f"rows 1000 apart should each be a softmax of their own: expected {expected}; got {far.tolist()}"
assert softmax(np.array([1.0, 2.0], dtype=np.float32)).dtype == np.float32, "a float32 input should give a float32 output"
print("softmax: visible checks passed")

# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "grade_softmax", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The hidden tests for softmax run here when your notebook is graded.
### BEGIN HIDDEN TESTS
from autograder.notebook import grade_cell
grade_cell("softmax")
### END HIDDEN TESTS

# %% [markdown]
# **Temperature.** Dividing the logits by a *temperature* $T$ before the softmax, $\mathrm{softmax}(z / T)$, changes
# how confident the distribution is: a small $T$ makes it sharper (in the limit, all mass on the largest logit, the
# argmax), a large $T$ flattens it towards the uniform distribution. $T = 1$ is the plain softmax. The plot uses your
# `softmax`.

# %%
# Plot (b): the softmax of one logit vector at several temperatures.
try:
    logits = np.array([2.0, 1.0, 0.5, -1.0])
    temperatures = [0.5, 1, 2, 5]
    probabilities = [softmax(logits / T) for T in temperatures]
    fig, ax = plt.subplots(figsize=(7, 3.5))
    width = 0.8 / len(temperatures)
    positions = np.arange(len(logits))
    for k, (T, p) in enumerate(zip(temperatures, probabilities)):
        ax.bar(positions + (k - (len(temperatures) - 1) / 2) * width, p, width, label=f"T = {T}")
    ax.set_xticks(positions, [f"z = {z:g}" for z in logits])
    ax.set_ylabel("probability")
    ax.set_title("softmax(z / T): a small T sharpens, a large T flattens")
    ax.legend()
    plt.show()
except NotImplementedError:
    print("Plot skipped: write softmax above, then re-run this cell.")

# %% [markdown]
# ### The sigmoid is a two-class softmax
#
# With two classes, take the logits $(z, 0)$. Then
# $$\mathrm{softmax}(z, 0)_1 = \frac{e^{z}}{e^{z} + e^{0}} = \frac{1}{1 + e^{-z}} = \sigma(z).$$
# More generally, for logits $(z_1, z_2)$ the first probability is $\sigma(z_1 - z_2)$: only the *difference* of the two logits
# matters (shift invariance again). So a single sigmoid output unit is exactly a softmax over two classes whose second
# logit is fixed at 0, and binary cross-entropy is the two-class cross-entropy. The cell below checks this with your functions.

# %%
try:
    z = np.linspace(-6, 6, 13)
    two_class = softmax(np.stack([z, np.zeros_like(z)], axis=1))[:, 0]
    print("softmax([z, 0])[0] equals sigmoid(z) for z from -6 to 6:", np.allclose(two_class, sigmoid(z)))
except NotImplementedError:
    print("Skipped: write sigmoid and softmax above, then re-run this cell.")


# %% [markdown]
# ### 1.4 The softmax Jacobian
#
# Each softmax output depends on **every** logit (through the denominator), so its derivative is a matrix, the
# Jacobian $J_{ij} = \partial s_i / \partial z_j$. With $s = \mathrm{softmax}(z)$:
#
# $$J_{ij} = s_i\,(\delta_{ij} - s_j), \qquad\text{i.e.}\qquad J = \mathrm{diag}(s) - s\,s^{\top},$$
#
# where $\delta_{ij}$ is 1 if $i = j$ and 0 otherwise. Like `sigmoid_grad`, it is written through the **output** $s$.
# $J$ is symmetric, and each of its rows sums to 0 (the outputs always sum to 1, so their total cannot change).
# `np.diag` and `np.outer` are all you need. The input is one 1-D softmax output of length $C$; the result is $(C, C)$.

# %% nbgrader={"grade": false, "grade_id": "solution_softmax_jacobian", "locked": false, "schema_version": 3, "solution": true, "task": false}
def softmax_jacobian(s):
    """Jacobian of the softmax, written through its output.

    s: one 1-D softmax output s = softmax(z) of length C.
    Returns the (C, C) matrix J with J[i, j] = d s_i / d z_j (row i: output i; column j: logit j).
    """
    ### BEGIN SOLUTION
    s = np.asarray(s)
    if s.dtype.kind != "f":
        s = s.astype(np.float64)
    return np.diag(s) - np.outer(s, s)  # diag(s) - s s^T
    ### END SOLUTION


# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "check_softmax_jacobian", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# Check your work: run this cell after writing softmax_jacobian.
J = softmax_jacobian(np.array([0.5, 0.5]))
assert isinstance(J, np.ndarray) and J.shape == (2, 2), f"the Jacobian of a length-2 softmax should be a (2, 2) array; got {type(J).__name__} of shape {np.shape(J)}"
assert np.allclose(J, [[0.25, -0.25], [-0.25, 0.25]]), f"softmax_jacobian([0.5, 0.5]) should be [[0.25, -0.25], [-0.25, 0.25]]; got {J.tolist()}"
s = np.array([0.2, 0.3, 0.5])
s_before = s.copy()
J = softmax_jacobian(s)
assert np.array_equal(s, s_before), f"softmax_jacobian must not modify its input: s was {s_before.tolist()}, now {s.tolist()}"
assert J.shape == (3, 3), f"the Jacobian of a length-3 softmax should be (3, 3); got {J.shape}"
assert np.isclose(J[0, 0], 0.2 * 0.8), f"J[0, 0] should be s_0 (1 - s_0) = 0.16; got {J[0, 0]}"
assert np.isclose(J[0, 2], -0.2 * 0.5), f"J[0, 2] should be -s_0 s_2 = -0.1; got {J[0, 2]}"
assert np.allclose(J, J.T), f"the softmax Jacobian should be symmetric; got {J.tolist()}"
assert np.allclose(J.sum(axis=1), 0.0), f"every row of the softmax Jacobian should sum to 0; got row sums {J.sum(axis=1)}"
J32 = softmax_jacobian(s.astype(np.float32))
assert J32.dtype == np.float32, f"a float32 input should give a float32 output; got {J32.dtype}"
print("softmax_jacobian: visible checks passed")

# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "grade_softmax_jacobian", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The hidden tests for softmax_jacobian run here when your notebook is graded.
### BEGIN HIDDEN TESTS
from autograder.notebook import grade_cell
grade_cell("softmax_jacobian")
### END HIDDEN TESTS

# %% [markdown]
# ## Part 2: losses and their gradients
#
# A loss measures how far the outputs $\hat y$ are from the targets $y$; training minimises its **mean over the batch**
# (PyTorch's default). This part builds the cross-entropy family and the gradients that make it so convenient.
#
# ### 2.1 One-hot targets
#
# Class labels come as integers $0, \dots, C-1$; the losses want them as **one-hot** rows: label 2 of $C = 4$ classes
# becomes $(0, 0, 1, 0)$. Then $y_k$ is 1 for the correct class and 0 elsewhere, and sums like $\sum_k y_k \log \hat y_k$
# pick out exactly the correct class. A label outside $[0, C)$ is a bug in the data: raise a `ValueError` with a helpful
# message instead of silently producing a wrong matrix (or a confusing `IndexError`). NumPy's *fancy indexing*
# `Y[rows, cols] = 1.0` sets one entry per row.

# %% nbgrader={"grade": false, "grade_id": "solution_one_hot", "locked": false, "schema_version": 3, "solution": true, "task": false}
def one_hot(labels, num_classes):
    """One-hot encode a 1-D array of integer labels in [0, num_classes).

    Returns a float64 array of shape (N, num_classes) with a single 1.0 per row, in the label's column.
    Raises ValueError for a label outside [0, num_classes).
    """
    ### BEGIN SOLUTION
    labels = np.asarray(labels)
    if labels.ndim != 1 or (labels.size and labels.dtype.kind not in "iu"):
        raise ValueError(f"labels must be a 1-D array of integers; got shape {labels.shape}, dtype {labels.dtype}")
    if np.any(labels < 0) or np.any(labels >= num_classes):
        raise ValueError(f"every label must be in [0, {num_classes}); got {labels}")
    y = np.zeros((labels.shape[0], num_classes), dtype=np.float64)
    y[np.arange(labels.shape[0]), labels.astype(np.intp)] = 1.0
    return y
    ### END SOLUTION


# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "check_one_hot", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# Check your work: run this cell after writing one_hot.
labels = np.array([0, 2])
Y = one_hot(labels, 3)
assert isinstance(Y, np.ndarray) and Y.shape == (2, 3), f"one_hot([0, 2], 3) should be an array of shape (2, 3); got {type(Y).__name__} of shape {np.shape(Y)}"
assert np.array_equal(Y, [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]), f"one_hot([0, 2], 3) should be [[1, 0, 0], [0, 0, 1]]; got {Y.tolist()}"
assert Y.dtype == np.float64, f"one_hot should return float64; got {Y.dtype}"
assert labels.tolist() == [0, 2], f"one_hot must not modify its input: labels was [0, 2], now {labels.tolist()}"
for bad in ([3], [-1]):
    try:
        one_hot(np.array(bad), 3)
    except ValueError:
        pass
    else:
        raise AssertionError(f"one_hot({bad}, 3) should raise ValueError: {bad[0]} is not in [0, 3)")
print("one_hot: visible checks passed")

# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "grade_one_hot", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The hidden tests for one_hot run here when your notebook is graded.
### BEGIN HIDDEN TESTS
from autograder.notebook import grade_cell
grade_cell("one_hot")
### END HIDDEN TESTS

# %% [markdown]
# ### 2.2 Binary cross-entropy
#
# One sigmoid output $o = P(t = 1 \mid x)$ and a target $t \in \{0, 1\}$. The model gives the observed target the
# probability $o^{t}(1 - o)^{1 - t}$ (that is, $o$ if $t = 1$ and $1 - o$ if $t = 0$); the negative logarithm of it is the
# **binary cross-entropy**
#
# $$\mathrm{BCE}(o, t) = -\bigl[t \log o + (1 - t) \log(1 - o)\bigr],$$
#
# averaged over all elements. It is 0 for a confident correct prediction and grows without bound for a confident wrong one.
#
# **Clamping, as PyTorch does.** $\log 0 = -\infty$, so a probability of exactly 0 or 1 would give an infinite (or
# `nan` $= 0 \cdot \infty$) loss. `torch.nn.BCELoss` clamps each log at $-100$; do the same (`np.maximum(log_value, -100)`).
# `np.log(0)` also emits a divide-by-zero `RuntimeWarning`, which is not allowed: since that `-inf` is expected and
# clamped right away, silence exactly that warning, and only around the logs, with the context manager
# `np.errstate(divide="ignore")`.
# `np.log1p(-o)` computes $\log(1 - o)$ accurately even when $o$ is tiny.
#
# Return the loss as a Python `float` (or a NumPy float scalar).

# %% nbgrader={"grade": false, "grade_id": "solution_binary_cross_entropy", "locked": false, "schema_version": 3, "solution": true, "task": false}
def binary_cross_entropy(o, t):
    """Mean binary cross-entropy of probabilities o against 0/1 targets t (arrays of the same shape).

    Returns a float: the loss averaged over all elements, each log clamped at -100 (as torch.nn.BCELoss),
    so that o = 0 or 1 gives a finite loss.
    """
    ### BEGIN SOLUTION
    o, t = np.asarray(o), np.asarray(t)
    floats = [a.dtype for a in (o, t) if a.dtype.kind == "f"]
    dtype = np.result_type(*floats) if floats else np.float64
    o, t = o.astype(dtype), t.astype(dtype)
    # log(0) = -inf is expected here and clamped right away, so silence only that warning
    with np.errstate(divide="ignore"):
        log_o = np.maximum(np.log(o), -100)
        log_1mo = np.maximum(np.log1p(-o), -100)  # log(1 - o), accurate also for tiny o
    return float(-np.mean(t * log_o + (1 - t) * log_1mo))
    ### END SOLUTION


# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "check_binary_cross_entropy", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# Check your work: run this cell after writing binary_cross_entropy.
o, t = np.array([0.5, 0.5]), np.array([1.0, 0.0])
loss = binary_cross_entropy(o, t)
assert np.ndim(loss) == 0, f"binary_cross_entropy should return a float (a scalar); got {type(loss).__name__} of shape {np.shape(loss)}"
assert np.isclose(loss, np.log(2)), f"predicting 0.5 should cost log 2 = 0.69315 per example; got {loss}"
o, t = np.array([0.9, 0.2]), np.array([1.0, 0.0])
loss = binary_cross_entropy(o, t)
assert np.isclose(loss, 0.16425203), f"BCE([0.9, 0.2], [1, 0]) = -(log 0.9 + log 0.8) / 2 = 0.16425 (a mean over the 2 examples); got {loss}"
assert o.tolist() == [0.9, 0.2] and t.tolist() == [1.0, 0.0], f"binary_cross_entropy must not modify its inputs: o, t are now {o.tolist()}, {t.tolist()}"
loss1 = binary_cross_entropy(np.array([0.9]), np.array([1.0]))
assert np.isclose(loss1, -np.log(0.9)), f"one example: BCE([0.9], [1]) should be -log 0.9 = 0.10536; got {loss1}"
# Any overflow / divide / invalid warning becomes an error inside this block:
with np.errstate(over="raise", divide="raise", invalid="raise"):
    wrong = binary_cross_entropy(np.array([0.0]), np.array([1.0]))
    right = binary_cross_entropy(np.array([1.0, 0.0]), np.array([1.0, 0.0]))
assert np.isclose(wrong, 100.0), f"o = 0 with t = 1 should cost 100 (the log is clamped at -100); got {wrong}"
assert np.isclose(right, 0.0), f"perfect predictions should cost 0; got {right}"
print("binary_cross_entropy: visible checks passed")

# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "grade_binary_cross_entropy", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The hidden tests for binary_cross_entropy run here when your notebook is graded.
### BEGIN HIDDEN TESTS
from autograder.notebook import grade_cell
grade_cell("binary_cross_entropy")
### END HIDDEN TESTS

# %% [markdown]
# ### 2.3 Cross-entropy
#
# The same idea for $C$ classes: the model gives the correct class the probability $\hat y_{\text{correct}}$, and the
# loss is its negative log. With one-hot targets this is
#
# $$\mathrm{CE}(\hat y, y) = -\sum_{k=1}^{C} y_k \log \hat y_k ,$$
#
# averaged over the rows of the batch (sum over the classes of a row, then the mean over the rows). `y_hat` holds
# probabilities (for example softmax outputs); clamp each log at $-100$ as in 2.2.

# %% nbgrader={"grade": false, "grade_id": "solution_cross_entropy", "locked": false, "schema_version": 3, "solution": true, "task": false}
def cross_entropy(y_hat, y):
    """Mean cross-entropy of probability rows y_hat (N, C) against one-hot rows y (N, C).

    Returns a float: the loss of each row (example), averaged over the N rows; each log clamped at -100.
    """
    ### BEGIN SOLUTION
    y_hat, y = np.asarray(y_hat), np.asarray(y)
    floats = [a.dtype for a in (y_hat, y) if a.dtype.kind == "f"]
    dtype = np.result_type(*floats) if floats else np.float64
    y_hat, y = y_hat.astype(dtype), y.astype(dtype)
    with np.errstate(divide="ignore"):  # log(0) = -inf, clamped right away
        log_y_hat = np.maximum(np.log(y_hat), -100)
    return float(-np.mean(np.sum(y * log_y_hat, axis=1)))
    ### END SOLUTION


# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "check_cross_entropy", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# Check your work: run this cell after writing cross_entropy.
y_hat = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]])
y = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
loss = cross_entropy(y_hat, y)
assert np.ndim(loss) == 0, f"cross_entropy should return a float (a scalar); got {type(loss).__name__} of shape {np.shape(loss)}"
assert np.isclose(loss, 0.28990925), f"CE should be -(log 0.7 + log 0.8) / 2 = 0.28991 (a mean over rows); got {loss}"
assert y_hat[0].tolist() == [0.7, 0.2, 0.1] and y[0].tolist() == [1.0, 0.0, 0.0], "cross_entropy must not modify its inputs"
loss1 = cross_entropy(y_hat[:1], y[:1])
assert np.isclose(loss1, -np.log(0.7)), f"one row: CE should be -log 0.7 = 0.35667; got {loss1}"
# Raschka's worked example (STAT 453, lecture 8): 4 examples, 3 classes, labels 0, 1, 2, 2
Y = np.eye(3)[[0, 1, 2, 2]]
A = np.array([[0.3792, 0.3104, 0.3104], [0.3072, 0.4147, 0.2780], [0.4263, 0.2248, 0.3490], [0.2668, 0.2978, 0.4354]])
loss = cross_entropy(A, Y)
assert np.isclose(loss, 0.93351623), f"the mean of the per-example losses [0.9697, 0.8802, 1.0527, 0.8315] is 0.9335; got {loss}"
# Any overflow / divide / invalid warning becomes an error inside this block:
with np.errstate(over="raise", divide="raise", invalid="raise"):
    wrong = cross_entropy(np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]]))
assert np.isclose(wrong, 100.0), f"probability 0 for the correct class should cost 100 (clamped log); got {wrong}"
print("cross_entropy: visible checks passed")

# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "grade_cross_entropy", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The hidden tests for cross_entropy run here when your notebook is graded.
### BEGIN HIDDEN TESTS
from autograder.notebook import grade_cell
grade_cell("cross_entropy")
### END HIDDEN TESTS

# %% [markdown]
# ### 2.4 Cross-entropy from logits
#
# In practice the softmax and the cross-entropy are fused into one function of the **logits** $z$ (PyTorch's
# `torch.nn.functional.cross_entropy`). The log of a softmax simplifies to
#
# $$\log \mathrm{softmax}(z)_k = z_k - \log \sum_j e^{z_j} = (z_k - m) - \log \sum_j e^{z_j - m}, \qquad m = \max_j z_j,$$
#
# the **log-sum-exp trick**. Computing `np.log(softmax(z))` instead fails for very negative logits: the softmax
# underflows to exactly 0 and its log is $-\infty$. The log-softmax formula never takes the log of anything smaller than 1,
# so this loss is exact: **no clamp** here. The result is the mean cross-entropy of 2.3 for $\hat y = \mathrm{softmax}(z)$.

# %% nbgrader={"grade": false, "grade_id": "solution_softmax_cross_entropy", "locked": false, "schema_version": 3, "solution": true, "task": false}
def softmax_cross_entropy(logits, y):
    """Mean cross-entropy of softmax(logits) against one-hot rows y, computed from the logits (N, C).

    Returns a float: the same value as cross_entropy(softmax(logits), y), but exact (no clamp) and stable
    for logits as large as |z| = 1e4.
    """
    ### BEGIN SOLUTION
    logits, y = np.asarray(logits), np.asarray(y)
    floats = [a.dtype for a in (logits, y) if a.dtype.kind == "f"]
    dtype = np.result_type(*floats) if floats else np.float64
    logits, y = logits.astype(dtype), y.astype(dtype)
    # log-softmax by the log-sum-exp trick: log y_hat = (z - m) - log sum_j exp(z_j - m)
    z = logits - logits.max(axis=1, keepdims=True)
    log_y_hat = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-np.mean(np.sum(y * log_y_hat, axis=1)))
    ### END SOLUTION


# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "check_softmax_cross_entropy", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# Check your work: run this cell after writing softmax_cross_entropy.
loss = softmax_cross_entropy(np.array([[1.0, 2.0, 3.0]]), np.array([[0.0, 0.0, 1.0]]))
assert np.ndim(loss) == 0, f"softmax_cross_entropy should return a float (a scalar); got {type(loss).__name__} of shape {np.shape(loss)}"
assert np.isclose(loss, 0.40760596), f"-log softmax([1, 2, 3])[2] = -log 0.66524 = 0.40761; got {loss}"
logits = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]])
y = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
logits_before = logits.copy()
loss = softmax_cross_entropy(logits, y)
assert np.array_equal(logits, logits_before), f"softmax_cross_entropy must not modify its input: logits are now {logits.tolist()}"
assert np.isclose(loss, 1.57445863), f"the mean of -log softmax([1, 2, 3])[1] = 1.40761 and -log softmax([0.5, -1, 2])[0] = 1.74131 is 1.57446; got {loss}"
# Any overflow / divide / invalid warning becomes an error inside this block:
with np.errstate(over="raise", divide="raise", invalid="raise"):
    big = softmax_cross_entropy(np.array([[1e4, 0.0, -1e4]]), np.array([[0.0, 1.0, 0.0]]))
assert np.isclose(big, 1e4), f"logits [1e4, 0, -1e4] with class 1 correct should cost exactly 1e4 (no clamp); got {big}"
# Two rows far apart: each row needs its own shift (a shift by the largest logit of the whole batch underflows row 2)
with np.errstate(over="raise", divide="raise", invalid="raise"):
    apart = softmax_cross_entropy(np.array([[1e4, 0.0], [-1e4, 0.0]]), np.array([[1.0, 0.0], [1.0, 0.0]]))
assert np.isclose(apart, 5e3), f"rows [1e4, 0] and [-1e4, 0], both with class 0 correct, cost about 0 and 1e4: the mean is 5000; got {apart}"
print("softmax_cross_entropy: visible checks passed")

# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "grade_softmax_cross_entropy", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The hidden tests for softmax_cross_entropy run here when your notebook is graded.
### BEGIN HIDDEN TESTS
from autograder.notebook import grade_cell
grade_cell("softmax_cross_entropy")
### END HIDDEN TESTS

# %% [markdown]
# ### Which PyTorch loss takes what
#
# PyTorch has the same two families, and mixing them up is a classic silent bug (training runs, just worse):
#
# | PyTorch loss | expects | ours |
# | --- | --- | --- |
# | `torch.nn.CrossEntropyLoss` (`F.cross_entropy`) | **logits** $(N, C)$, and class indices | `softmax_cross_entropy` |
# | `torch.nn.BCEWithLogitsLoss` | **logits** (before the sigmoid) | the sigmoid and `binary_cross_entropy` in one, stable |
# | `torch.nn.BCELoss` (`F.binary_cross_entropy`) | **probabilities** (after a sigmoid), logs clamped at $-100$ | `binary_cross_entropy` |
# | `torch.nn.NLLLoss` | **log-probabilities** (after `log_softmax`) | `cross_entropy` applied to $\log \hat y$ |
#
# Feeding softmax probabilities to `CrossEntropyLoss` applies a second softmax; feeding logits to `BCELoss` is an error
# or nonsense. The model of Part 5 ends in a sigmoid, so `train` uses the BCE on probabilities; a model that ends in
# logits would use `BCEWithLogitsLoss`, the more stable choice.

# %% [markdown]
# ### 2.5 The gradient of the cross-entropy with respect to the logits
#
# The reason softmax and cross-entropy belong together: for one example the gradient of the loss with respect to the
# logits turns out to be remarkably simple. Derive it in the written question below (the softmax Jacobian of 1.4 is
# the tool), including what the **mean** over a batch of $N$ rows changes, then write the code: the result has the
# logits' shape $(N, C)$.

# %% [markdown] deletable=false editable=false nbgrader={"grade": false, "grade_id": "question_ce_gradient", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Written question.** For one example with logits $z \in \mathbb{R}^C$, $\hat y = \mathrm{softmax}(z)$ and a
# one-hot target $y$, derive $\dfrac{\partial \mathrm{CE}}{\partial z_j} = \hat y_j - y_j$ for
# $\mathrm{CE} = -\sum_k y_k \log \hat y_k$. (You may use the softmax Jacobian of 1.4.) What changes for the mean over a batch of $N$ examples?

# %% [markdown] nbgrader={"grade": true, "grade_id": "written_ce_gradient", "locked": false, "points": 4, "schema_version": 3, "solution": true, "task": false}
# ### BEGIN SOLUTION
# By the chain rule and the softmax Jacobian $\partial \hat y_k / \partial z_j = \hat y_k(\delta_{kj} - \hat y_j)$:
# $$\frac{\partial \mathrm{CE}}{\partial z_j} = -\sum_k \frac{y_k}{\hat y_k}\,\frac{\partial \hat y_k}{\partial z_j}
# = -\sum_k \frac{y_k}{\hat y_k}\,\hat y_k(\delta_{kj} - \hat y_j) = -\sum_k y_k \delta_{kj} + \hat y_j \sum_k y_k = -y_j + \hat y_j,$$
# using $\sum_k y_k = 1$ (one-hot, or any probability vector).
#
# (Alternatively: $\log \hat y_k = z_k - \log\sum_l e^{z_l}$, so $\mathrm{CE} = -\sum_k y_k z_k + \log \sum_l e^{z_l}$ because
# $\sum_k y_k = 1$, and $\partial \mathrm{CE}/\partial z_j = -y_j + e^{z_j}/\sum_l e^{z_l} = \hat y_j - y_j$.)
#
# For the mean $\frac1N\sum_n \mathrm{CE}_n$, row $n$'s logits appear only in $\mathrm{CE}_n$, so the gradient with respect to
# row $n$ is $(\hat y^{(n)} - y^{(n)})/N$: in matrix form $(\hat Y - Y)/N$.
#
# === BEGIN MARK SCHEME ===
# * 1 point: correct chain rule setup (through the softmax Jacobian, or rewriting CE with log-sum-exp).
# * 1 point: correct Jacobian / derivative of $\log\sum_l e^{z_l}$ used in the computation.
# * 1 point: using $\sum_k y_k = 1$ to reach $\hat y_j - y_j$ (the step must be visible).
# * 1 point: the batch mean: each row's gradient is divided by $N$ (other rows do not contribute).
# === END MARK SCHEME ===
# ### END SOLUTION

# %% nbgrader={"grade": false, "grade_id": "solution_softmax_cross_entropy_grad", "locked": false, "schema_version": 3, "solution": true, "task": false}
def softmax_cross_entropy_grad(logits, y):
    """Gradient of softmax_cross_entropy(logits, y) (the mean over the batch) with respect to the logits.

    logits and y: (N, C). Returns an (N, C) array: entry [n, k] is d loss / d logits[n, k].
    """
    ### BEGIN SOLUTION
    logits, y = np.asarray(logits), np.asarray(y)
    floats = [a.dtype for a in (logits, y) if a.dtype.kind == "f"]
    dtype = np.result_type(*floats) if floats else np.float64
    logits, y = logits.astype(dtype), y.astype(dtype)
    return (softmax(logits) - y) / logits.shape[0]
    ### END SOLUTION


# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "check_softmax_cross_entropy_grad", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# Check your work: run this cell after writing softmax_cross_entropy_grad.
g = softmax_cross_entropy_grad(np.array([[1.0, 2.0, 3.0]]), np.array([[0.0, 0.0, 1.0]]))
assert isinstance(g, np.ndarray) and g.shape == (1, 3), f"the gradient should be an array shaped like the logits, (1, 3); got {type(g).__name__} of shape {np.shape(g)}"
assert np.allclose(g, [[0.09003057, 0.24472847, -0.33475904]]), f"for one example the gradient should be [[0.09003, 0.24473, -0.33476]]; got {g}"
logits = np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]])
y = np.array([[0.0, 0.0, 1.0], [0.0, 0.0, 1.0]])
logits_before = logits.copy()
g2 = softmax_cross_entropy_grad(logits, y)
assert np.array_equal(logits, logits_before), f"softmax_cross_entropy_grad must not modify its input: logits are now {logits.tolist()}"
assert np.allclose(g2, np.vstack([g, g]) / 2), f"the same example twice (N = 2): the loss is a mean, so each row should be half the one-example gradient, {(g / 2).tolist()}; got {g2.tolist()}"
assert np.allclose(g2.sum(axis=1), 0.0), f"each row of the gradient should sum to 0; got {g2.sum(axis=1)}"
# Any overflow / divide / invalid warning becomes an error inside this block:
with np.errstate(over="raise", divide="raise", invalid="raise"):
    big = softmax_cross_entropy_grad(np.array([[1e4, 0.0, -1e4]]), np.array([[0.0, 1.0, 0.0]]))
assert np.allclose(big, [[1.0, -1.0, 0.0]]), f"logits [1e4, 0, -1e4] with class 1 correct should give [[1, -1, 0]]; got {big}"
print("softmax_cross_entropy_grad: visible checks passed")

# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "grade_softmax_cross_entropy_grad", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The hidden tests for softmax_cross_entropy_grad run here when your notebook is graded.
### BEGIN HIDDEN TESTS
from autograder.notebook import grade_cell
grade_cell("softmax_cross_entropy_grad")
### END HIDDEN TESTS

# %% [markdown]
# ### 2.6 Logistic regression: one sigmoid neuron
#
# A single neuron $o = \sigma(x w + b)$ trained with the mean BCE is *logistic regression*. The chain rule gives the
# same pattern as 2.5: with $z = x w + b$,
# $\partial\,\mathrm{BCE}/\partial z = o - t$ per example (the $\sigma'$ from the sigmoid cancels against the
# $1/o$ and $1/(1-o)$ from the logs). Collecting the $N$ examples of the batch:
#
# Work out $\partial L/\partial w$ and $\partial L/\partial b$ for the mean loss $L$ yourself: each example contributes
# through its own $z_n = x_n w + b$, and the mean brings a $1/N$. Check the shapes with a small example on paper.
#
# Shapes: `x` is $(N, D)$, `t` is $(N,)$, `w` is $(D,)$ and `b` is a number; return `(dw, db)` with `dw` shaped like `w`
# and `db` a scalar. Use your `sigmoid`.

# %% nbgrader={"grade": false, "grade_id": "solution_logistic_regression_grad", "locked": false, "schema_version": 3, "solution": true, "task": false}
def logistic_regression_grad(x, t, w, b):
    """Gradients of the mean BCE of one sigmoid neuron o = sigmoid(x @ w + b) over a batch.

    x (N, D) inputs, t (N,) 0/1 targets, w (D,) weights, b a number.
    Returns (dw, db): d loss / dw, shaped like w (D,), and d loss / db, a scalar.
    """
    ### BEGIN SOLUTION
    x, t, w = np.asarray(x), np.asarray(t), np.asarray(w)
    floats = [a.dtype for a in (x, t, w) if a.dtype.kind == "f"]
    dtype = np.result_type(*floats) if floats else np.float64
    x, t, w = x.astype(dtype), t.astype(dtype), w.astype(dtype)
    o = sigmoid(x @ w + b)  # (N,) predicted probabilities; NumPy promotion handles the scalar b
    error = o - t           # dL/dz for each example, before the 1/N of the mean
    return x.T @ error / x.shape[0], error.mean()
    ### END SOLUTION


# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "check_logistic_regression_grad", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# Check your work: run this cell after writing logistic_regression_grad.
x = np.array([[1.0, 2.0], [3.0, 4.0]])
t = np.array([1.0, 0.0])
dw, db = logistic_regression_grad(x, t, np.zeros(2), 0.0)
# with w = 0 and b = 0 every o is 0.5, so o - t = [-0.5, 0.5]
assert isinstance(dw, np.ndarray) and dw.shape == (2,), f"dw should be an array shaped like w, (2,); got {type(dw).__name__} of shape {np.shape(dw)}"
assert np.allclose(dw, [0.5, 0.5]), f"dw should be [0.5, 0.5] here (the mean over the 2 examples of (o - t) x); got {dw}"
assert np.ndim(db) == 0 and np.isclose(db, 0.0), f"db should be the scalar 0 here; got {db!r}"
# a case where the bias matters and db is not 0
x = np.array([[1.0, 2.0], [3.0, -1.0]])
t = np.array([1.0, 0.0])
w = np.array([0.5, -0.25])
dw, db = logistic_regression_grad(x, t, w, 0.5)
assert np.allclose(dw, [1.16820547, -0.82986594]), f"for w = [0.5, -0.25], b = 0.5: dw should be [1.16821, -0.82987]; got {dw}"
assert np.ndim(db) == 0 and np.isclose(db, 0.26355493), f"for w = [0.5, -0.25], b = 0.5: db should be the scalar 0.26355; got {db!r}"
assert x.tolist() == [[1.0, 2.0], [3.0, -1.0]] and t.tolist() == [1.0, 0.0] and w.tolist() == [0.5, -0.25], "logistic_regression_grad must not modify x, t or w"
dw, db = logistic_regression_grad(x[:1], t[:1], np.zeros(2), 0.0)
assert np.allclose(dw, [-0.5, -1.0]) and np.isclose(db, -0.5), f"one example: dw = [-0.5, -1], db = -0.5; got {dw}, {db}"
# Any overflow / divide / invalid warning becomes an error inside this block:
with np.errstate(over="raise", divide="raise", invalid="raise"):
    dw, db = logistic_regression_grad(np.array([[1e4, 1.0], [-1e4, 1.0]]), np.array([0.0, 1.0]), np.array([1.0, 0.0]), 0.0)
assert np.allclose(dw, [1e4, 0.0]) and np.isclose(db, 0.0), f"z = [1e4, -1e4] with t = [0, 1] should give dw = [10000, 0], db = 0; got {dw}, {db}"
dw32, _ = logistic_regression_grad(x.astype(np.float32), t.astype(np.float32), w.astype(np.float32), 0.5)
assert dw32.dtype == np.float32, f"float32 arrays with a Python float b should give float32 (a Python number never decides the dtype); got {dw32.dtype}"
print("logistic_regression_grad: visible checks passed")

# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "grade_logistic_regression_grad", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The hidden tests for logistic_regression_grad run here when your notebook is graded.
### BEGIN HIDDEN TESTS
from autograder.notebook import grade_cell
grade_cell("logistic_regression_grad")
### END HIDDEN TESTS

# %% [markdown] deletable=false editable=false nbgrader={"grade": false, "grade_id": "question_ce_vs_mse", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Written question.** Why do we train classifiers with the cross-entropy rather than the squared error
# $\frac12(o - t)^2$? Give the probabilistic reason (what does minimising the cross-entropy mean?), and compare the
# gradients $\partial L/\partial z$ of both losses for a sigmoid output $o = \sigma(z)$ when the neuron is saturated and wrong
# (e.g. $t = 1$, $z = -10$).

# %% [markdown] nbgrader={"grade": true, "grade_id": "written_ce_vs_mse", "locked": false, "points": 3, "schema_version": 3, "solution": true, "task": false}
# ### BEGIN SOLUTION
# **Maximum likelihood.** A sigmoid (softmax) output is a probability: the model says $P(t = 1 \mid x) = o$. The likelihood
# of the training targets is $\prod_n o_n^{t_n}(1 - o_n)^{1 - t_n}$ (for $C$ classes $\prod_n \prod_k \hat y_{n,k}^{\,y_{n,k}}$), and
# its negative log, divided by $N$, is exactly the mean (binary) cross-entropy. Minimising the cross-entropy therefore *is*
# maximum-likelihood estimation for a Bernoulli (categorical) model of the labels. The squared error is the maximum-likelihood
# loss for Gaussian noise on a real-valued target, which is the wrong model for 0/1 labels.
#
# **Gradients.** With $o = \sigma(z)$:
# $$\text{squared error: } \frac{\partial}{\partial z}\tfrac12(o - t)^2 = (o - t)\,\sigma'(z) = (o - t)\,o\,(1 - o), \qquad
# \text{cross-entropy: } \frac{\partial\,\mathrm{BCE}}{\partial z} = o - t.$$
# For $t = 1$, $z = -10$: $o \approx 4.5\cdot10^{-5}$; the cross-entropy gradient is $\approx -1$ (a full-size step towards the
# right answer), but the squared-error gradient is $\approx -1 \cdot 4.5\cdot10^{-5}$, almost 0: the factor $\sigma'(z) \le \tfrac14$
# vanishes when the unit saturates, so a confidently wrong neuron barely learns. The cross-entropy's log cancels the $\sigma'$,
# and its penalty grows without bound for confident mistakes. (Also: for logistic regression the cross-entropy is convex in
# $w$, the squared error is not.)
#
# === BEGIN MARK SCHEME ===
# * 1 point: minimising (mean) cross-entropy = maximising the likelihood (negative log-likelihood of a Bernoulli/categorical
#   model); mentioning that squared error corresponds to a Gaussian model is a plus but not required.
# * 1 point: squared-error gradient through the sigmoid contains $\sigma'(z) = o(1 - o)$, which is $\approx 0$ for a saturated unit.
# * 1 point: cross-entropy gradient is $o - t$ (no $\sigma'$ factor), so it stays large for a confident wrong prediction.
# === END MARK SCHEME ===
# ### END SOLUTION

# %% [markdown]
# ## Part 3: a network with one hidden layer
#
# Now put the pieces together. For a batch `x` of shape $(N, D_x)$:
#
# $$z_1 = x W_1 + b_1, \qquad h = \sigma(z_1), \qquad z_2 = h W_2 + b_2, \qquad \hat y = \mathrm{softmax}(z_2),$$
#
# with $W_1$ $(D_x, H)$, $b_1$ $(H,)$, $W_2$ $(H, D_y)$, $b_2$ $(D_y,)$, and the loss
# $L = \frac1N \sum_n \mathrm{CE}(\hat y_n, y_n)$ for one-hot targets `y` $(N, D_y)$. Adding the 1-D biases to $(N, \cdot)$
# matrices *broadcasts* them to every row.
#
# Reuse your own functions from Parts 1 and 2: that is how real code is written.
#
# ### 3.1 The forward pass

# %% nbgrader={"grade": false, "grade_id": "solution_two_layer_forward", "locked": false, "schema_version": 3, "solution": true, "task": false}
def two_layer_forward(x, W1, b1, W2, b2):
    """Forward pass of the network softmax(sigmoid(x W1 + b1) W2 + b2).

    Returns y_hat, the (N, Dy) class probabilities, one row per example.
    """
    ### BEGIN SOLUTION
    arrays = [np.asarray(a) for a in (x, W1, b1, W2, b2)]
    floats = [a.dtype for a in arrays if a.dtype.kind == "f"]
    dtype = np.result_type(*floats) if floats else np.float64
    x, W1, b1, W2, b2 = (a.astype(dtype) for a in arrays)
    h = sigmoid(x @ W1 + b1)     # (N, H) hidden activations
    return softmax(h @ W2 + b2)  # (N, Dy) class probabilities
    ### END SOLUTION


# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "check_two_layer_forward", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# Check your work: run this cell after writing two_layer_forward.
x = np.array([[1.0, 2.0], [3.0, -1.0], [0.0, 0.5]])  # N = 3, Dx = 2
W1, b1 = np.zeros((2, 4)), np.zeros(4)               # H = 4: every hidden unit outputs sigmoid(0) = 0.5
W2, b2 = np.zeros((4, 2)), np.array([0.0, np.log(3.0)])
y_hat = two_layer_forward(x, W1, b1, W2, b2)
assert isinstance(y_hat, np.ndarray) and y_hat.shape == (3, 2), f"y_hat should be an array of shape (N, Dy) = (3, 2); got {type(y_hat).__name__} of shape {np.shape(y_hat)}"
assert np.allclose(y_hat, [[0.25, 0.75]] * 3), f"with zero weights every row of y_hat is softmax(b2) = softmax([0, log 3]) = [0.25, 0.75]; got {y_hat.tolist()}"
# non-zero weights and biases
W1 = np.array([[1.0, -1.0, 0.5, 0.0], [0.0, 2.0, -1.0, 1.0]])
b1 = np.array([0.5, -1.0, 0.25, 2.0])
W2 = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 1.0], [0.5, 0.5]])
inputs = [x, W1, b1, W2, b2]
copies = [a.copy() for a in inputs]
y_hat = two_layer_forward(*inputs)
assert all(np.array_equal(a, c) for a, c in zip(inputs, copies)), "two_layer_forward must not modify its inputs"
expected = [[0.16697283, 0.83302717], [0.11813366, 0.88186634], [0.1356617, 0.8643383]]
assert np.allclose(y_hat, expected), f"for these weights and biases y_hat should be {expected}; got {y_hat.tolist()}"
# Any overflow / divide / invalid warning becomes an error inside this block:
with np.errstate(over="raise", divide="raise", invalid="raise"):
    y_big = two_layer_forward(np.array([[1e4, -1e4], [-1e4, 1e4]]), W1, b1, W2, b2)
assert np.allclose(y_big, [[0.10923177, 0.89076823]] * 2), f"inputs of size 1e4 saturate the hidden units: y_hat should be [[0.10923, 0.89077]] * 2; got {y_big.tolist()}"
print("two_layer_forward: visible checks passed")

# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "grade_two_layer_forward", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The hidden tests for two_layer_forward run here when your notebook is graded.
### BEGIN HIDDEN TESTS
from autograder.notebook import grade_cell
grade_cell("two_layer_forward")
### END HIDDEN TESTS

# %% [markdown]
# ### 3.2 Backpropagation to the input
#
# The gradient flows backwards through the same steps, one step per layer. Two rules do all the work (rows are
# examples): a layer $z = aW + b$ sends an upstream gradient $\delta = \partial L/\partial z$ back to its input as
# $\delta W^{\top}$, and an element-wise activation $h = \sigma(z)$ multiplies the gradient element-wise by its
# derivative. Derive the whole chain from $\hat y$ back to $x$ in the written question below first, with the shape
# of every step; then write the code (your `sigmoid_grad` and the result of 2.5 are the pieces).
# The gradient with respect to the input is what adversarial examples and saliency maps are made of.

# %% [markdown] deletable=false editable=false nbgrader={"grade": false, "grade_id": "question_two_layer_dx", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Written question.** Derive $\dfrac{\partial L}{\partial x}$ for the network of Part 3 with the mean
# cross-entropy loss $L$, step by step through $z_2$, $h$, $z_1$ and $x$. State the shape of every intermediate gradient,
# and say where the transposes and the element-wise product come from.

# %% [markdown] nbgrader={"grade": true, "grade_id": "written_two_layer_dx", "locked": false, "points": 4, "schema_version": 3, "solution": true, "task": false}
# ### BEGIN SOLUTION
# Work with one example (a row $x$ of length $D_x$) and divide by $N$ at the end; rows do not interact, so stacking the
# rows gives the batch formula.
#
# 1. **Output layer.** By the $\hat y - y$ result (2.5), $\delta_2 = \partial L/\partial z_2 = (\hat y - y)/N$, a row of length $D_y$
#    (batch: $(N, D_y)$).
# 2. **Through $W_2$.** $z_{2,k} = \sum_j h_j W_{2,jk} + b_{2,k}$, so $\partial z_{2,k}/\partial h_j = W_{2,jk}$ and
#    $\partial L/\partial h_j = \sum_k \delta_{2,k} W_{2,jk}$, i.e. $\partial L/\partial h = \delta_2 W_2^{\top}$: $(N, D_y)(D_y, H) = (N, H)$.
#    The transpose appears because the sum runs over the *second* index of $W_2$.
# 3. **Through the sigmoid.** $h_j = \sigma(z_{1,j})$ depends only on $z_{1,j}$ (the Jacobian is diagonal), so
#    $\delta_1 = \partial L/\partial z_1 = (\delta_2 W_2^{\top}) \circ \sigma'(z_1) = (\delta_2 W_2^{\top}) \circ h \circ (1 - h)$, shape $(N, H)$:
#    an element-wise product, not a matrix product.
# 4. **Through $W_1$.** As in step 2, $\partial L/\partial x = \delta_1 W_1^{\top}$: $(N, H)(H, D_x) = (N, D_x)$, the shape of $x$.
#
# Altogether $\dfrac{\partial L}{\partial x} = \dfrac1N\Bigl(\bigl((\hat y - y) W_2^{\top}\bigr) \circ \sigma'(z_1)\Bigr) W_1^{\top}$.
#
# === BEGIN MARK SCHEME ===
# * 1 point: $\partial L/\partial z_2 = (\hat y - y)/N$ (the $1/N$ may appear at any step, but must appear).
# * 1 point: back through $W_2$ with the transpose, $\delta_2 W_2^{\top}$, shape $(N, H)$.
# * 1 point: element-wise product with $\sigma'(z_1) = h(1 - h)$, with the reason (element-wise activation, diagonal Jacobian).
# * 1 point: back through $W_1$, $\delta_1 W_1^{\top}$, final shape $(N, D_x)$; shapes stated for the steps.
# === END MARK SCHEME ===
# ### END SOLUTION

# %% nbgrader={"grade": false, "grade_id": "solution_two_layer_grad_x", "locked": false, "schema_version": 3, "solution": true, "task": false}
def two_layer_grad_x(x, y, W1, b1, W2, b2):
    """Gradient of the mean cross-entropy of the two-layer network with respect to its input x.

    x (N, Dx), one-hot y (N, Dy), parameters as in two_layer_forward.
    Returns an (N, Dx) array: entry [n, i] is d loss / d x[n, i].
    """
    ### BEGIN SOLUTION
    arrays = [np.asarray(a) for a in (x, y, W1, b1, W2, b2)]
    floats = [a.dtype for a in arrays if a.dtype.kind == "f"]
    dtype = np.result_type(*floats) if floats else np.float64
    x, y, W1, b1, W2, b2 = (a.astype(dtype) for a in arrays)
    # forward pass, keeping what the backward pass needs
    h = sigmoid(x @ W1 + b1)              # (N, H)
    y_hat = softmax(h @ W2 + b2)          # (N, Dy)
    # backward pass
    dz2 = (y_hat - y) / x.shape[0]        # dL/dz2, (N, Dy)
    dz1 = (dz2 @ W2.T) * sigmoid_grad(h)  # dL/dz1, (N, H)
    return dz1 @ W1.T                     # dL/dx,  (N, Dx)
    ### END SOLUTION


# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "check_two_layer_grad_x", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# Check your work: run this cell after writing two_layer_grad_x.
# A network small enough to do by hand: Dx = H = 1, Dy = 2, one example at x = -0.25.
# z1 = 2 * (-0.25) + 0.5 = 0, h = 0.5, sigma'(z1) = 0.25; z2 = 0.5 * [0.5, -0.5] + [0.25, -0.25] = [0.5, -0.5],
# y_hat = [0.7311, 0.2689]; y = [1, 0]. The answer is -0.13447: check it against your derivation.
x, y = np.array([[-0.25]]), np.array([[1.0, 0.0]])
W1, b1 = np.array([[2.0]]), np.array([0.5])
W2, b2 = np.array([[0.5, -0.5]]), np.array([0.25, -0.25])
inputs = [x, y, W1, b1, W2, b2]
copies = [a.copy() for a in inputs]
gx = two_layer_grad_x(*inputs)
assert all(np.array_equal(a, c) for a, c in zip(inputs, copies)), "two_layer_grad_x must not modify its inputs"
assert isinstance(gx, np.ndarray) and gx.shape == (1, 1), f"dL/dx should be an array shaped like x, (1, 1); got {type(gx).__name__} of shape {np.shape(gx)}"
assert np.allclose(gx, [[-0.13447071]]), f"dL/dx should be [[-0.13447]] (see the comment above); got {gx.tolist()}"
# two different examples (N = 2): the loss is their mean
x2, y2 = np.array([[-0.25], [0.75]]), np.array([[1.0, 0.0], [0.0, 1.0]])
gx2 = two_layer_grad_x(x2, y2, W1, b1, W2, b2)
assert np.allclose(gx2, [[-0.06723536], [0.08390237]]), f"for x = [[-0.25], [0.75]] and labels 0, 1, dL/dx should be [[-0.06724], [0.08390]]; got {gx2.tolist()}"
gx0 = two_layer_grad_x(np.ones((3, 2)), np.eye(2)[[0, 1, 0]], np.zeros((2, 4)), np.zeros(4), np.ones((4, 2)), np.zeros(2))
assert gx0.shape == (3, 2), f"dL/dx should have the shape of x, (3, 2); got {gx0.shape}"
assert np.allclose(gx0, 0.0), f"with W1 = 0 the output does not depend on x, so dL/dx should be 0; got {gx0.tolist()}"
# Any overflow / divide / invalid warning becomes an error inside this block:
with np.errstate(over="raise", divide="raise", invalid="raise"):
    g_big = two_layer_grad_x(np.array([[1e4], [-1e4]]), y2, W1, b1, W2, b2)
assert np.allclose(g_big, 0.0), f"inputs of size 1e4 saturate the hidden unit (sigma' = 0), so dL/dx should be 0; got {g_big.tolist()}"
print("two_layer_grad_x: visible checks passed")

# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "grade_two_layer_grad_x", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The hidden tests for two_layer_grad_x run here when your notebook is graded.
### BEGIN HIDDEN TESTS
from autograder.notebook import grade_cell
grade_cell("two_layer_grad_x")
### END HIDDEN TESTS

# %% [markdown]
# ### 3.3 The gradients of the parameters
#
# Training needs the gradients with respect to the **weights**. Each comes from the same $\delta$'s: a layer
# $z = a W + b$ with upstream gradient $\delta = \partial L/\partial z$ has
#
# $$\frac{\partial L}{\partial W} = a^{\top} \delta, \qquad \frac{\partial L}{\partial b} = \sum_{n} \delta_n \quad(\text{the column sums of } \delta).$$
#
# The sum over the batch appears because the same $W$ and $b$ are used for every row; the $1/N$ of the mean is already
# inside $\delta_2$. Return a dict with the keys `"W1"`, `"b1"`, `"W2"`, `"b2"`, each gradient shaped exactly like its parameter.

# %% nbgrader={"grade": false, "grade_id": "solution_two_layer_grads", "locked": false, "schema_version": 3, "solution": true, "task": false}
def two_layer_grads(x, y, W1, b1, W2, b2):
    """Gradients of the mean cross-entropy of the two-layer network with respect to its parameters.

    Returns a dict {"W1": (Dx, H), "b1": (H,), "W2": (H, Dy), "b2": (Dy,)}: each gradient shaped like its parameter.
    """
    ### BEGIN SOLUTION
    arrays = [np.asarray(a) for a in (x, y, W1, b1, W2, b2)]
    floats = [a.dtype for a in arrays if a.dtype.kind == "f"]
    dtype = np.result_type(*floats) if floats else np.float64
    x, y, W1, b1, W2, b2 = (a.astype(dtype) for a in arrays)
    h = sigmoid(x @ W1 + b1)
    y_hat = softmax(h @ W2 + b2)
    dz2 = (y_hat - y) / x.shape[0]
    dz1 = (dz2 @ W2.T) * sigmoid_grad(h)
    return {
        "W1": x.T @ dz1,        # (Dx, H)
        "b1": dz1.sum(axis=0),  # (H,)
        "W2": h.T @ dz2,        # (H, Dy)
        "b2": dz2.sum(axis=0),  # (Dy,)
    }
    ### END SOLUTION


# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "check_two_layer_grads", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# Check your work: run this cell after writing two_layer_grads.
# The network of the check above (one example at x = -0.25, h = 0.5, sigma'(z1) = 0.25, y_hat = [0.7311, 0.2689]).
x, y = np.array([[-0.25]]), np.array([[1.0, 0.0]])
W1, b1 = np.array([[2.0]]), np.array([0.5])
W2, b2 = np.array([[0.5, -0.5]]), np.array([0.25, -0.25])
inputs = [x, y, W1, b1, W2, b2]
copies = [a.copy() for a in inputs]
grads = two_layer_grads(*inputs)
assert all(np.array_equal(a, c) for a, c in zip(inputs, copies)), "two_layer_grads must not modify its inputs"
assert isinstance(grads, dict) and set(grads) == {"W1", "b1", "W2", "b2"}, f"return a dict with the keys 'W1', 'b1', 'W2', 'b2'; got {grads!r}"
for name, param in (("W1", W1), ("b1", b1), ("W2", W2), ("b2", b2)):
    assert isinstance(grads[name], np.ndarray) and grads[name].shape == param.shape, f"the gradient {name} should be an array of shape {param.shape}; got {type(grads[name]).__name__} of shape {np.shape(grads[name])}"
expected = {"W1": [[0.01680884]], "b1": [-0.06723536], "W2": [[-0.13447071, 0.13447071]], "b2": [-0.26894142, 0.26894142]}
for name, value in expected.items():
    assert np.allclose(grads[name], value), f"dL/d{name} should be {value}; got {grads[name].tolist()}"
# two different examples (N = 2): the loss is their mean
x2, y2 = np.array([[-0.25], [0.75]]), np.array([[1.0, 0.0], [0.0, 1.0]])
grads2 = two_layer_grads(x2, y2, W1, b1, W2, b2)
expected2 = {"W1": [[0.03986781]], "b1": [0.00833351], "W2": [[0.28469548, -0.28469548]], "b2": [0.26508878, -0.26508878]}
for name, value in expected2.items():
    assert np.shape(grads2[name]) == np.shape(value), f"with N = 2 the gradient {name} should still have shape {np.shape(value)}; got {np.shape(grads2[name])}"
    assert np.allclose(grads2[name], value), f"for x = [[-0.25], [0.75]] and labels 0, 1, dL/d{name} should be {value}; got {grads2[name].tolist()}"
# Any overflow / divide / invalid warning becomes an error inside this block:
with np.errstate(over="raise", divide="raise", invalid="raise"):
    g_big = two_layer_grads(np.array([[1e4], [-1e4]]), y2, W1, b1, W2, b2)
assert np.allclose(g_big["b2"], [0.2200169, -0.2200169]), f"inputs of size 1e4 (saturated hidden unit): dL/db2 should be [0.22002, -0.22002]; got {g_big['b2'].tolist()}"
print("two_layer_grads: visible checks passed")

# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "grade_two_layer_grads", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The hidden tests for two_layer_grads run here when your notebook is graded.
### BEGIN HIDDEN TESTS
from autograder.notebook import grade_cell
grade_cell("two_layer_grads")
### END HIDDEN TESTS

# %% [markdown]
# ### 3.4 Counting parameters
#
# How big is this network? Count every weight and every bias. The function must also refuse nonsense: all three
# sizes must be **positive integers** (a Python `int` or a NumPy integer such as `np.int64(3)`); anything else, including
# `0`, `-1`, `3.0`, `"3"` and `True`, raises a `ValueError`. (Careful: in Python `bool` is a subclass of `int`, so
# `isinstance(True, int)` is `True`.) Return a Python `int`.

# %% [markdown] deletable=false editable=false nbgrader={"grade": false, "grade_id": "question_num_params", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Written question.** Justify the formula $(D_x + 1)\,H + (H + 1)\,D_y$ for the number of parameters of the
# network of Part 3, and compute it for an MNIST classifier with $D_x = 784$, $H = 100$, $D_y = 10$.

# %% [markdown] nbgrader={"grade": true, "grade_id": "written_num_params", "locked": false, "points": 3, "schema_version": 3, "solution": true, "task": false}
# ### BEGIN SOLUTION
# The parameters are $W_1$ with $D_x H$ entries, $b_1$ with $H$, $W_2$ with $H D_y$ and $b_2$ with $D_y$:
# $$D_x H + H + H D_y + D_y = (D_x + 1)\,H + (H + 1)\,D_y .$$
# Read per unit: each of the $H$ hidden units has one weight per input plus one bias, $D_x + 1$ parameters; each of the $D_y$
# output units has one weight per hidden unit plus a bias, $H + 1$. (Equivalently, fold each bias into its weight matrix
# by appending a constant input 1: $W_1$ becomes $(D_x + 1) \times H$ and $W_2$ becomes $(H + 1) \times D_y$.)
# The activations (sigmoid, softmax) have no parameters.
#
# MNIST: $(784 + 1)\cdot 100 + (100 + 1)\cdot 10 = 78\,500 + 1\,010 = 79\,510$.
#
# === BEGIN MARK SCHEME ===
# * 1 point: the weight matrices contribute $D_x H$ and $H D_y$.
# * 1 point: the biases contribute $H$ and $D_y$, and the terms are grouped into the formula (or the "append a 1" argument).
# * 1 point: the MNIST count 79,510.
# === END MARK SCHEME ===
# ### END SOLUTION

# %% nbgrader={"grade": false, "grade_id": "solution_num_params", "locked": false, "schema_version": 3, "solution": true, "task": false}
def num_params(Dx, H, Dy):
    """Number of parameters (weights and biases) of the network Dx -> H -> Dy of Part 3.

    Returns a Python int. Raises ValueError unless all three are positive integers (Python or NumPy ints).
    """
    ### BEGIN SOLUTION
    for n in (Dx, H, Dy):
        # bool is a subclass of int, but True is not a layer size
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n <= 0:
            raise ValueError(f"layer sizes must be positive integers; got {n!r}")
    Dx, H, Dy = int(Dx), int(H), int(Dy)
    return (Dx + 1) * H + (H + 1) * Dy  # W1 and b1, then W2 and b2
    ### END SOLUTION


# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "check_num_params", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# Check your work: run this cell after writing num_params.
n = num_params(2, 3, 4)
assert n == 25, f"num_params(2, 3, 4) should be 25; got {n}"
assert isinstance(n, int), f"num_params should return a Python int; got {type(n).__name__}"
n = num_params(784, 100, 10)
assert n == 79510, f"num_params(784, 100, 10) should be 79510; got {n}"
n = num_params(np.int64(2), np.int64(3), np.int64(4))
assert n == 25 and isinstance(n, int), f"NumPy integers are integers too: num_params(np.int64(2), np.int64(3), np.int64(4)) should be the int 25; got {n!r}"
for bad in ((0, 3, 4), (2, 3.0, 4), (2, 3, True), (2, "3", 4)):
    try:
        num_params(*bad)
    except ValueError:
        pass
    else:
        raise AssertionError(f"num_params{bad} should raise ValueError: every size must be a positive integer")
print("num_params: visible checks passed")

# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "grade_num_params", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The hidden tests for num_params run here when your notebook is graded.
### BEGIN HIDDEN TESTS
from autograder.notebook import grade_cell
grade_cell("num_params")
### END HIDDEN TESTS

# %% [markdown]
# ## Part 4: checking gradients
#
# A wrong gradient is the most common bug in a hand-written backward pass, and the hardest to see: training still runs,
# just badly. The cure is to compare the analytic gradient with a **numerical** one. For a scalar function $f$ and each
# entry $x_i$, the *centred difference*
#
# $$\frac{\partial f}{\partial x_i} \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h}$$
#
# ($e_i$ is the unit vector of entry $i$) has an error of order $h^2$, far smaller than the one-sided
# $(f(x + h e_i) - f(x))/h$ with its error of order $h$. With $h = 10^{-5}$ in float64 it agrees with a correct gradient to
# about 8 to 10 digits.
#
# ### 4.1 The numerical gradient
#
# Perturb one entry of `x` in place, evaluate `f`, and put the entry back. Two details matter:
#
# * **Restore the exact original value.** `x[i] += h; ...; x[i] -= 2 * h; ...; x[i] += h` does *not* give back the same
#   bits: floating-point rounding makes it drift, for example $0.1 + 10^{-5} - 2\cdot10^{-5} + 10^{-5} \ne 0.1$ in float64. Save the
#   entry first and assign it back at the end; if you can, use `try`/`finally` so `x` is restored even when `f` raises.
# * **Any shape.** `np.ndindex(x.shape)` yields every index tuple of an array of any shape, and `x[idx]` reads or writes one entry.

# %% nbgrader={"grade": false, "grade_id": "solution_numerical_gradient", "locked": false, "schema_version": 3, "solution": true, "task": false}
def numerical_gradient(f, x, h=1e-5):
    """Centred-difference estimate of the gradient of a scalar function f at the float array x.

    Returns an array shaped like x: entry i estimates d f / d x_i, with the step h.
    x is perturbed in place while it runs but left bit for bit as it was.
    """
    ### BEGIN SOLUTION
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        saved = x[i]  # a copy of the entry
        try:
            x[i] = saved + h
            f_plus = f(x)
            x[i] = saved - h
            f_minus = f(x)
        finally:
            x[i] = saved  # the exact original bits, not x[i] + h - h
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad
    ### END SOLUTION


# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "check_numerical_gradient", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# Check your work: run this cell after writing numerical_gradient.
x = np.array([1.0, -2.0, 3.0])
g = numerical_gradient(lambda v: np.sum(v ** 2), x)
assert isinstance(g, np.ndarray) and g.shape == (3,), f"the numerical gradient should be an array shaped like x, (3,); got {type(g).__name__} of shape {np.shape(g)}"
assert np.allclose(g, [2.0, -4.0, 6.0], rtol=0, atol=1e-8), f"the gradient of sum(x^2) at [1, -2, 3] is 2x = [2, -4, 6]; got {g.tolist()}"
M = np.array([[1.0, 2.0], [3.0, 4.0]])
gM = numerical_gradient(lambda A: A[0, 0] * A[1, 1], M)
assert gM.shape == (2, 2), f"for a 2-D x the gradient should have shape (2, 2); got {gM.shape}"
assert np.allclose(gM, [[4.0, 0.0], [0.0, 1.0]], rtol=0, atol=1e-8), f"the gradient of A[0,0] * A[1,1] is [[A[1,1], 0], [0, A[0,0]]] = [[4, 0], [0, 1]]; got {gM.tolist()}"
# Centred differences are accurate to about 1e-10 here; a one-sided difference is off by about 1e-5.
x = np.array([0.5, -1.0, 2.0])
g = numerical_gradient(lambda v: np.sum(np.sin(v)), x)
assert np.allclose(g, np.cos(x), rtol=0, atol=1e-8), f"the gradient of sum(sin(x)) is cos(x) = {np.cos(x).tolist()}; got {g.tolist()}, off by up to {np.max(np.abs(g - np.cos(x))):.2e} (centred differences are within 1e-8)"
x = np.array([0.1, 0.7, -1.3, 1e-3])
before = x.copy()
numerical_gradient(lambda v: np.sum(np.sin(v)), x)
assert np.array_equal(x, before), f"numerical_gradient must leave x bit for bit as it was: save and restore each entry; x was {before.tolist()}, now {x.tolist()}"
print("numerical_gradient: visible checks passed")

# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "grade_numerical_gradient", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The hidden tests for numerical_gradient run here when your notebook is graded.
### BEGIN HIDDEN TESTS
from autograder.notebook import grade_cell
grade_cell("numerical_gradient")
### END HIDDEN TESTS

# %% [markdown]
# ### 4.2 The gradient check
#
# `gradient_check(f, grad, x)` compares an analytic gradient `grad(x)` with `numerical_gradient(f, x)` entry by entry,
# using the **relative error**
#
# $$\mathrm{rel}_i = \frac{|a_i - n_i|}{\max\bigl(10^{-8},\ |a_i| + |n_i|\bigr)},$$
#
# where $a$ is the analytic and $n$ the numerical gradient. Relative, because an absolute difference of $10^{-6}$ is a
# perfect match for entries around $10^3$ but nonsense for entries around $10^{-6}$; the $10^{-8}$ floor avoids dividing by 0
# when both are 0. Return the pair `(passed, max_rel_error)` with `passed = max_rel_error < tol`. As a rule of thumb,
# float64 relative errors below $10^{-7}$ are fine, above $10^{-3}$ almost always mean a bug.
# (One subtlety: `grad(x)` may return `x` itself or a view of it; take a copy before `x` is perturbed.)

# %% nbgrader={"grade": false, "grade_id": "solution_gradient_check", "locked": false, "schema_version": 3, "solution": true, "task": false}
def gradient_check(f, grad, x, tol=1e-5):
    """Compare the analytic gradient grad(x) of a scalar function f with numerical_gradient(f, x).

    Returns (passed, max_rel_error): the largest relative error of 4.2 over all entries, a float,
    and whether it is below tol. x is left as it was.
    """
    ### BEGIN SOLUTION
    analytic = np.array(grad(x), dtype=np.float64)  # a copy: grad may return a view of x
    numeric = numerical_gradient(f, x)
    rel_error = np.abs(analytic - numeric) / np.maximum(1e-8, np.abs(analytic) + np.abs(numeric))
    max_rel_error = float(np.max(rel_error)) if rel_error.size else 0.0
    return max_rel_error < tol, max_rel_error
    ### END SOLUTION


# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "check_gradient_check", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# Check your work: run this cell after writing gradient_check.
x = np.array([-2.0, -0.5, 0.0, 1.0, 3.0])
x_before = x.copy()
f = lambda v: np.sum(sigmoid(v))  # its gradient is sigmoid'(v) = sigmoid_grad(sigmoid(v))
result = gradient_check(f, lambda v: sigmoid_grad(sigmoid(v)), x)
assert isinstance(result, tuple) and len(result) == 2, f"gradient_check should return a pair (passed, max_rel_error); got {result!r}"
assert np.array_equal(x, x_before), f"gradient_check must leave x as it was; x was {x_before.tolist()}, now {x.tolist()}"
passed, err = result
assert passed, f"the sigmoid's gradient should pass the check; got passed = {passed}, max_rel_error = {err} (check sigmoid, sigmoid_grad and numerical_gradient)"
assert np.ndim(err) == 0 and 0 <= err < 1e-7, f"a correct gradient should have a tiny relative error (a scalar below 1e-7); got {err!r}"
passed, err = gradient_check(f, lambda v: 2 * sigmoid_grad(sigmoid(v)), x)
assert not passed, f"a gradient that is twice too large should fail the check; got passed = {passed}, max_rel_error = {err}"
assert np.isclose(err, 1 / 3, rtol=1e-4), f"for a = 2n the relative error is |2n - n| / (2n + n) = 1/3; got {err}"
passed, err = gradient_check(f, lambda v: 0.5 * sigmoid_grad(sigmoid(v)), x)
assert not passed, f"a gradient that is half too small should fail the check too; got passed = {passed}, max_rel_error = {err}"
assert np.isclose(err, 1 / 3, rtol=1e-4), f"for a = n / 2 the relative error is |n/2 - n| / (n/2 + n) = 1/3; got {err}"
# An entry where both gradients are 0 has relative error 0 (that is what the floor 1e-8 is for).
# Any overflow / divide / invalid warning becomes an error inside this block:
with np.errstate(over="raise", divide="raise", invalid="raise"):
    passed, err = gradient_check(lambda v: np.sum(v ** 2), lambda v: 2 * v, np.array([0.0, 1.0, -2.0]))
assert passed and err < 1e-7, f"the gradient 2x of sum(x^2) at [0, 1, -2] should pass with a tiny error; got passed = {passed}, max_rel_error = {err}"
print("gradient_check: visible checks passed")

# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "grade_gradient_check", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The hidden tests for gradient_check run here when your notebook is graded.
### BEGIN HIDDEN TESTS
from autograder.notebook import grade_cell
grade_cell("gradient_check")
### END HIDDEN TESTS

# %% [markdown]
# ### How to choose h
#
# The plot below uses your `numerical_gradient` on $f(x) = \sum_i \sin x_i$, whose gradient $\cos x$ is known exactly,
# and shows the largest error against the step $h$, for your centred differences and for one-sided differences
# $(f(x + h e_i) - f(x))/h$. Two errors compete: the *truncation* error of the formula, which shrinks as $h$ shrinks,
# and the *rounding* error of subtracting two nearly equal numbers $f(x \pm h e_i)$, which grows as $h$ shrinks.

# %%
# Plot (c): the gradient checker's error against h, one-sided and centred differences.
try:
    f = lambda v: np.sum(np.sin(v))
    x0 = np.array([0.5, -1.0, 2.0])
    hs = np.logspace(-12, -1, 45)
    centred = [np.max(np.abs(numerical_gradient(f, x0.copy(), h) - np.cos(x0))) for h in hs]
    one_sided = [np.max(np.abs([(f(x0 + h * e) - f(x0)) / h for e in np.eye(len(x0))] - np.cos(x0))) for h in hs]
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.loglog(hs, one_sided, label="one-sided difference")
    ax.loglog(hs, centred, label="centred difference (numerical_gradient)")
    ax.set_xlabel("h")
    ax.set_ylabel("largest error")
    ax.set_title("Numerical gradient of sum(sin(x)): error against the step h")
    ax.legend()
    plt.show()
except NotImplementedError:
    print("Plot skipped: write numerical_gradient above, then re-run this cell.")


# %% [markdown]
# **Your turn (not graded).** Read off the plot: which $h$ gives the smallest error for each method, and how small is it?
# How does the error scale with $h$ on the right-hand side of each curve (the slope of the line), and why does it grow
# again on the left?

# %% [markdown]
# *Your answer here (not graded).*

# %% [markdown]
# ## Part 5: mini-batch training with PyTorch
#
# ### The majority task
#
# The task from the lecture: the input is a string of 10 binary digits, for example `0110111010`, and the label is **1
# when the string has more ones than zeros**, otherwise 0. With 10 digits a tie (five ones, five zeros) is possible;
# a tie is labelled 0 because the ones are not in the majority. `0110111010` has six ones, so its label is 1.
#
# There are only $2^{10} = 1024$ strings, so we use all of them. A single sigmoid neuron can solve the task exactly:
# the label is 1 iff $\sum_i x_i > 5$, i.e. iff $\sum_i x_i - 5.5 > 0$, which is $\sigma(w \cdot x + b) > 0.5$ with all
# weights $w_i = 1$ and the bias $b = -5.5$ (or any positive multiple). The classes are *linearly separable*, and gradient
# descent should find such weights.
#
# ### 5.1 The data set
#
# Build every $n$-bit string exactly once (any row order) as a `float32` tensor of shape $(2^n, n)$, with `float32`
# labels of shape $(2^n,)$. One way: the row for the integer $k$ holds the binary digits of $k$; with
# `codes = torch.arange(2 ** n)`, digit $j$ (from the right) of every code at once is `(codes // 2 ** j) % 2`.
# Broadcasting a column of codes against a row of powers of 2 gives the whole matrix in one line.

# %% nbgrader={"grade": false, "grade_id": "solution_majority_dataset", "locked": false, "schema_version": 3, "solution": true, "task": false}
def majority_dataset(n_bits=10):
    """All 2**n_bits bit strings with their majority labels.

    Returns (X, y): X a float32 tensor (2**n_bits, n_bits) holding every bit string once, and
    y float32 labels (2**n_bits,), 1.0 iff the string has more ones than zeros (a tie is 0).
    """
    ### BEGIN SOLUTION
    codes = torch.arange(2 ** n_bits)                           # 0, 1, ..., 2**n_bits - 1
    powers = 2 ** torch.arange(n_bits - 1, -1, -1)              # place values, most significant first
    X = ((codes[:, None] // powers) % 2).to(torch.float32)      # row k = the binary digits of k
    ones = X.sum(dim=1)
    y = (ones > n_bits - ones).to(torch.float32)                # more ones than zeros; a tie is 0
    return X, y
    ### END SOLUTION


# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "check_majority_dataset", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# Check your work: run this cell after writing majority_dataset.
X, y = majority_dataset(4)
assert tuple(X.shape) == (16, 4) and tuple(y.shape) == (16,), f"majority_dataset(4) should give X (16, 4) and y (16,); got {tuple(X.shape)}, {tuple(y.shape)}"
assert X.dtype == torch.float32 and y.dtype == torch.float32, f"X and y should be float32; got {X.dtype}, {y.dtype}"
assert len(torch.unique(X, dim=0)) == 16, "every 4-bit string should appear exactly once"
assert set(X.unique().tolist()) <= {0.0, 1.0}, "X should hold only the bits 0 and 1"
assert torch.equal(y, (X.sum(dim=1) >= 3).float()), "with 4 bits the label is 1 iff there are at least 3 ones (2 ones is a tie: 0)"
X10, y10 = majority_dataset()
assert tuple(X10.shape) == (1024, 10), f"the default is 10 bits: X should be (1024, 10); got {tuple(X10.shape)}"
assert y10.sum().item() == 386, f"386 of the 1024 ten-bit strings have at least 6 ones; got {y10.sum().item()}"
print("majority_dataset: visible checks passed")

# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "grade_majority_dataset", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The hidden tests for majority_dataset run here when your notebook is graded.
### BEGIN HIDDEN TESTS
from autograder.notebook import grade_cell
grade_cell("majority_dataset")
### END HIDDEN TESTS

# %% [markdown]
# ### 5.2 The model
#
# One neuron, as in Part 2.6, now as a PyTorch module: a linear layer from `n_bits` inputs to 1 output, then a sigmoid.
# `torch.nn.Sequential` chains layers. A `Linear(n, 1)` layer maps a batch $(B, n)$ to $(B, 1)$; the loss wants $(B,)$, so
# finish with a layer that drops the last axis (`torch.nn.Flatten(0)` merges all axes into one). PyTorch initialises the
# weights randomly; call `torch.manual_seed(...)` before building a model if you want the same start every time.

# %% nbgrader={"grade": false, "grade_id": "solution_build_model", "locked": false, "schema_version": 3, "solution": true, "task": false}
def build_model(n_bits):
    """A single sigmoid neuron as a torch.nn.Module.

    Returns a module mapping a (B, n_bits) float tensor to (B,) probabilities.
    """
    ### BEGIN SOLUTION
    return torch.nn.Sequential(
        torch.nn.Linear(n_bits, 1),  # z = x w + b
        torch.nn.Sigmoid(),          # probability of label 1
        torch.nn.Flatten(0),         # (B, 1) -> (B,)
    )
    ### END SOLUTION


# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "check_build_model", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# Check your work: run this cell after writing build_model.
torch.manual_seed(0)
model = build_model(10)
assert isinstance(model, torch.nn.Module), f"build_model should return a torch.nn.Module; got {type(model).__name__}"
out = model(torch.zeros(5, 10)).detach()
assert tuple(out.shape) == (5,), f"a batch of 5 strings should give 5 probabilities, shape (5,); got {tuple(out.shape)}"
assert bool(((out > 0) & (out < 1)).all()), f"on an all-zero input a sigmoid output lies strictly between 0 and 1; got {out.tolist()} (a softmax over one output is always 1)"
out = model(10 * torch.randn(64, 10)).detach()
assert bool(((out >= 0) & (out <= 1)).all()), f"the outputs should be probabilities in [0, 1] (a sigmoid at the end); got values from {out.min().item():.4g} to {out.max().item():.4g}"
assert sum(p.numel() for p in model.parameters()) == 11, "a single neuron on 10 inputs has 10 weights and 1 bias"
print("build_model: visible checks passed")

# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "grade_build_model", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The hidden tests for build_model run here when your notebook is graded.
### BEGIN HIDDEN TESTS
from autograder.notebook import grade_cell
grade_cell("build_model")
### END HIDDEN TESTS

# %% [markdown]
# ### 5.3 The training loop
#
# Mini-batch stochastic gradient descent, written out. Each **epoch** goes once through the whole data set:
#
# 1. **Shuffle** the row order with `torch.randperm(N, generator=g)`, where `g = torch.Generator().manual_seed(seed)` is
#    created **once, before the first epoch** (each epoch then gets a new order, and the same `seed` gives the same orders).
# 2. Cut the shuffled indices into consecutive **mini-batches** of `batch_size` rows (the last one may be smaller).
# 3. For each mini-batch: move it to `device`; compute the mean BCE loss of the model's outputs with
#    `torch.nn.functional.binary_cross_entropy`; then the three steps of every PyTorch update: reset the old
#    gradients (the optimizer's `zero_grad`), backpropagate (the loss's `backward`) and update the parameters (the
#    optimizer's `step`). The optimizer is plain SGD, `torch.optim.SGD` over the model's parameters with learning rate `lr`.
# 4. **Record the epoch's loss**: the mean of the mini-batch losses, each taken *before* its update and weighted by the
#    batch's number of rows (so a short last batch counts less). Store plain Python floats (`loss.item()`).
#
# Move the model to `device` first (a module's `.to(device)` moves all its parameters). `device` is `"cuda"` when a GPU
# is available and `"cpu"` otherwise: the same code runs on both. Return the list of `epochs` losses. The model is trained **in place**.

# %% nbgrader={"grade": false, "grade_id": "solution_train", "locked": false, "schema_version": 3, "solution": true, "task": false}
def train(model, X, y, *, device, epochs=20, batch_size=64, lr=0.5, seed=0):
    """Train model in place with mini-batch SGD on the mean BCE loss, on device.

    Returns the list of per-epoch losses (Python floats): each the example-weighted mean of that
    epoch's mini-batch losses, every one taken before its update.
    """
    ### BEGIN SOLUTION
    model.to(device)
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(seed)  # one generator: a new order every epoch
    n = X.shape[0]
    losses = []
    for _ in range(epochs):
        order = torch.randperm(n, generator=generator)
        total = 0.0
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            xb, yb = X[idx].to(device), y[idx].to(device)
            loss = torch.nn.functional.binary_cross_entropy(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)  # weight by the batch size
        losses.append(total / n)
    return losses
    ### END SOLUTION


# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "check_train", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# Check your work: run this cell after writing train.
import copy

X, y = majority_dataset(4)  # 16 strings
torch.manual_seed(0)
start = build_model(4)

# 1. The mini-batches. A forward hook records every batch the model is called on. With lr = 0 nothing is
#    learned, so each epoch's loss must be the mean BCE of the unchanged model over all 16 strings.
def record_batches(model, batches):
    return model.register_forward_hook(lambda module, inputs, output: batches.append(inputs[0].detach().cpu().clone()))

model, batches = copy.deepcopy(start), []
hook = record_batches(model, batches)
losses = train(model, X, y, device="cpu", epochs=2, batch_size=6, lr=0.0, seed=1)
hook.remove()
assert isinstance(losses, list) and len(losses) == 2, f"train should return a list with one loss per epoch (2 here); got {losses!r}"
assert all(isinstance(v, float) for v in losses), f"the losses should be Python floats (use loss.item()); got {[type(v).__name__ for v in losses]}"
sizes = [len(b) for b in batches]
assert sizes == [6, 6, 4, 6, 6, 4], f"16 rows in mini-batches of at most 6, called once per batch, should give sizes [6, 6, 4] in each of the 2 epochs; got {sizes}"
epoch1, epoch2 = torch.cat(batches[:3]), torch.cat(batches[3:])
for epoch in (epoch1, epoch2):
    assert sorted(epoch.tolist()) == sorted(X.tolist()), "every epoch should visit every row of X exactly once"
assert not torch.equal(epoch1, epoch2), "reshuffle every epoch: both epochs visited the rows in the same order"
full = torch.nn.functional.binary_cross_entropy(start(X), y).item()
assert np.allclose(losses, [full, full], rtol=1e-5), f"with lr = 0 each epoch's loss should be the mean BCE over all 16 rows, {full:.6f} (weight each batch's loss by its size); got {losses}"

# 2. The same seed gives the same order.
model, again = copy.deepcopy(start), []
hook = record_batches(model, again)
train(model, X, y, device="cpu", epochs=2, batch_size=6, lr=0.0, seed=1)
hook.remove()
assert all(torch.equal(a, b) for a, b in zip(batches, again)), "the same seed should give the same mini-batches (create one generator from seed, before the first epoch)"

# 3. The updates: with batch_size = 16 each epoch is one plain SGD step on the mean BCE of all rows.
model = copy.deepcopy(start)
losses = train(model, X, y, device="cpu", epochs=2, batch_size=16, lr=0.5, seed=1)
expected_model, expected_losses = copy.deepcopy(start), []
for _ in range(2):
    loss = torch.nn.functional.binary_cross_entropy(expected_model(X), y)
    expected_losses.append(loss.item())  # taken before the step
    steps = torch.autograd.grad(loss, list(expected_model.parameters()))
    for p, g in zip(expected_model.parameters(), steps):
        p.data -= 0.5 * g  # one plain SGD step, outside autograd
assert np.allclose(losses, expected_losses, rtol=1e-5), f"two full-batch epochs at lr = 0.5 should record the losses {expected_losses} (each before its step); got {losses}"
for p, q in zip(model.parameters(), expected_model.parameters()):
    assert torch.allclose(p.detach().cpu(), q.detach(), atol=1e-6), f"after two plain SGD steps (lr = 0.5, mean BCE, gradients reset before each step) a parameter should be {q.detach().tolist()}; got {p.detach().tolist()}"

# 4. Training on the 16 strings lowers the loss.
model = copy.deepcopy(start)
losses = train(model, X, y, device="cpu", epochs=10, batch_size=4, lr=0.5, seed=1)
assert losses[-1] < losses[0], f"the loss should go down during training; first {losses[0]:.4f}, last {losses[-1]:.4f}"
print("train: visible checks passed")

# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "grade_train", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The hidden tests for train run here when your notebook is graded.
### BEGIN HIDDEN TESTS
from autograder.notebook import grade_cell
grade_cell("train")
### END HIDDEN TESTS

# %% [markdown]
# ### 5.4 Predictions
#
# A probability above 0.5 means label 1. Compute the probabilities without recording a graph for backpropagation
# (in a `torch.no_grad()` block), on `device`, and return the 0/1 labels as a tensor **on the CPU** (`.cpu()`), so that
# they can be compared with `y` or turned into NumPy directly.

# %% nbgrader={"grade": false, "grade_id": "solution_predict", "locked": false, "schema_version": 3, "solution": true, "task": false}
def predict(model, X, device):
    """0/1 predictions of a model that outputs probabilities.

    Returns a CPU tensor of shape (B,): 1 where the model's probability is above 0.5, else 0.
    """
    ### BEGIN SOLUTION
    model.to(device)
    model.eval()
    with torch.no_grad():
        probabilities = model(X.to(device))
    return (probabilities > 0.5).long().cpu()
    ### END SOLUTION


# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "check_predict", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# Check your work: run this cell after writing predict.
# A hand-made majority neuron for 4 bits: probability > 0.5 iff (sum of bits) - 2.5 > 0
neuron = torch.nn.Sequential(torch.nn.Linear(4, 1), torch.nn.Sigmoid(), torch.nn.Flatten(0))
torch.nn.init.constant_(neuron[0].weight, 1.0)
torch.nn.init.constant_(neuron[0].bias, -2.5)
X = torch.tensor([[1.0, 1.0, 1.0, 0.0], [1.0, 0.0, 0.0, 0.0], [1.0, 1.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0]])
labels = predict(neuron, X, "cpu")
assert labels.device.type == "cpu", f"predict should return a CPU tensor; got one on {labels.device}"
assert tuple(labels.shape) == (4,), f"one label per row: shape (4,); got {tuple(labels.shape)}"
assert labels.tolist() == [1, 0, 0, 1], f"the labels should be [1, 0, 0, 1] (3 ones, 1 one, a tie, 4 ones); got {labels.tolist()}"
print("predict: visible checks passed")

# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "grade_predict", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The hidden tests for predict run here when your notebook is graded.
### BEGIN HIDDEN TESTS
from autograder.notebook import grade_cell
grade_cell("predict")
### END HIDDEN TESTS

# %% [markdown]
# ### 5.5 Putting it together
#
# The cell below trains a single neuron on all 1024 strings with your functions, on the GPU if there is one, one epoch
# at a time, and plots the loss and the accuracy after every epoch. The next plot shows what the neuron learned: its
# 10 weights, and the number of ones at which its output crosses 0.5 (where $w \cdot x + b = 0$).

# %%
# Plot (d): training a single neuron on the 10-bit majority task, loss and accuracy per epoch.
device = "cuda" if torch.cuda.is_available() else "cpu"
try:
    X_majority, y_majority = majority_dataset(10)
    torch.manual_seed(0)
    majority_model = build_model(10)
    epoch_losses, accuracies = [], []
    for epoch in range(20):
        epoch_losses += train(majority_model, X_majority, y_majority, device=device, epochs=1, seed=epoch)
        predictions = predict(majority_model, X_majority, device)
        accuracies.append((predictions.float() == y_majority).float().mean().item())
    epochs = range(1, len(epoch_losses) + 1)
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.5))
    ax_loss.plot(epochs, epoch_losses, marker="o")
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("mean BCE loss")
    ax_acc.plot(epochs, accuracies, marker="o", color="C1")
    ax_acc.set_xlabel("epoch")
    ax_acc.set_ylabel("accuracy on all 1024 strings")
    fig.suptitle(f"Majority of 10 bits, one sigmoid neuron on {device}")
    plt.show()
    print(f"device: {device}; final loss {epoch_losses[-1]:.4f}; final accuracy {accuracies[-1]:.1%}")
except NotImplementedError:
    print("Training skipped: write majority_dataset, build_model, train and predict above, then re-run this cell.")

# %%
# Plot (e): the weights the neuron learned. Run the cell above first.
try:
    linear = next(m for m in majority_model.modules() if isinstance(m, torch.nn.Linear))
    w = linear.weight.detach().cpu().reshape(-1).numpy()
    b = linear.bias.detach().cpu().item()
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.bar(range(1, len(w) + 1), w)
    ax.set_xticks(range(1, len(w) + 1))
    ax.set_xlabel("input bit")
    ax.set_ylabel("weight")
    ax.set_title("The learned weights of the majority neuron")
    plt.show()
    print(f"weights from {w.min():.3f} to {w.max():.3f}, bias {b:.3f}")
    print(f"with all weights at their mean, the output crosses 0.5 at -b / mean(w) = {-b / w.mean():.2f} ones")
except (NameError, StopIteration):
    print("Plot skipped: run the training cell above first (with a model that has a torch.nn.Linear layer).")

# %% [markdown]
# **Your turn (not graded).** Why are the learned weights all about equal, and why must the crossing point lie between
# 5 and 6 ones? Then try other learning rates and batch sizes in a cell of your own: what happens with `lr=5`, or
# with `batch_size=1024`?

# %% [markdown]
# *Your answer here (not graded).*

# %% [markdown]
# ## Before you submit
#
# * *Kernel → Restart & Run All*: every "Check your work" cell should print `... visible checks passed`, and no cell
#   should fail.
# * Every written answer cell should contain your answer, not `YOUR ANSWER HERE`.
# * Do not leave slow experiments at the top level of the notebook: the whole notebook is run when it is graded.

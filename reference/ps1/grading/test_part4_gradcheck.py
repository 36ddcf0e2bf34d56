"""PS1 part 4: numerical_gradient and gradient_check, graded on the grader's own scalar functions.

The functions live in autograder.harness.FUNCTIONS (NumPy, built inside the worker from an Fn
descriptor); their values and gradients are re-derived here by the oracle (PyTorch autograd).
"""
import numpy as np
import pytest

from autograder.codec import Fn
from autograder.suitelib import checks
from . import oracle
from autograder.suitelib.checks import show
from autograder.suitelib.calls import both

DESCRIPTIONS = {
    "quadratic": "a quadratic form",
    "sum_sin": "f = sum(sin({scale:g} x))",
    "logsumexp": "f = log(sum(exp({scale:g} x)))",
    "coupled": "a non-separable f (sum(c x) mean(x**2) + cos(sum(x)))",
}


def describe(name: str, params: dict) -> str:
    return DESCRIPTIONS[name].format(**params)


def make_case(rng, kind: str):
    """(name, params, x) for one of the grader's test functions; x avoids near-zero gradient entries."""
    for _ in range(200):
        if kind == "quadratic 1-D":
            name, x = "quadratic", rng.normal(0.0, 1.0, 6)
            params = {"A": rng.normal(0.0, 1.0, (6, 6)) + 3.0 * np.eye(6), "b": rng.normal(0.0, 1.0, 6)}
        elif kind == "quadratic 2-D square":
            name, x = "quadratic", rng.normal(0.0, 1.0, (4, 4))
            params = {"A": rng.normal(0.0, 1.0, (4, 4)) + 3.0 * np.eye(4), "b": rng.normal(0.0, 1.0, (4, 4))}
        elif kind == "sum_sin 2-D":
            name, x, params = "sum_sin", rng.uniform(-2.0, 2.0, (4, 3)), {"scale": 3.0}
        elif kind == "logsumexp 2-D":
            name, x, params = "logsumexp", rng.normal(0.0, 0.4, (3, 4)), {"scale": 1.5}
        elif kind == "coupled 1-D":
            name, x = "coupled", rng.normal(0.0, 1.0, 7)
            params = {"c": rng.normal(0.0, 1.0, 7)}
        elif kind == "coupled 2-D":
            name, x = "coupled", rng.normal(0.0, 1.0, (2, 4))
            params = {"c": rng.normal(0.0, 1.0, (2, 4))}
        else:
            raise KeyError(kind)
        if np.min(np.abs(oracle.function_gradient(name, params, x))) > 0.02:
            return name, params, x
    raise checks.SelfCheckFailed(f"grader self-check failed: could not draw a case {kind!r}")


def judge_numerical(reply, *, expected, x, where, restored=True):
    value = checks.check_array(reply.value, fn="numerical_gradient", where=where, shape=x.shape)
    checks.check_close(value, expected, where=where, rtol=checks.RTOL64, atol=checks.ATOL64,
                       hint="; it should be the centred difference (f(x + h e_i) - f(x - h e_i)) / 2h")
    checks.check_no_warnings(reply.warnings, where=where)
    if restored:
        check_restored(reply.args[1], x, where=where)
    return value


def check_restored(after, before: np.ndarray, *, where: str) -> None:
    if type(after) is not np.ndarray or after.shape != before.shape or after.dtype != before.dtype:
        raise AssertionError(f"{where} left x as {checks.type_text(after)}; expected it unchanged.")
    if after.tobytes() != before.tobytes():
        bad = np.flatnonzero(after.reshape(-1).view(np.uint64) != before.reshape(-1).view(np.uint64))
        idx = np.unravel_index(int(bad[0]), before.shape)
        raise AssertionError(f"{where} did not leave x bit for bit as it was: x{checks.index_text(idx)} was "
                             f"{float(before[idx])!r} and is now {float(after[idx])!r} ({bad.size} entries changed; restore "
                             f"the saved value instead of adding and subtracting h).")


def grade_numerical(student, reference, name, params, x, *, h=None, restored=True):
    kwargs = {} if h is None else {"h": h}
    expected = (oracle.function_gradient(name, params, x) if h is None
                else oracle.centred_difference(name, params, x, h))
    step = "" if h is None else f", h={h:g}"
    where = f"numerical_gradient(f, x{step}) for {describe(name, params)} and x {show(x)}"

    def judge(reply, who):
        return judge_numerical(reply, expected=expected, x=x, where=where, restored=restored)

    both(student, reference, "numerical_gradient", (Fn(name, params), x.copy()), judge,
         keep_args=True, **kwargs)


# ------------------------------------------------------------------ numerical_gradient: 6 points


@pytest.mark.grade(points=1, visibility="visible")
def test_numerical_gradient_visible(student, reference):
    """numerical_gradient: f = sum(x**2) at x = [1, -2, 3] gives [2, -4, 6]; f = sum(sin(x)) gives cos(x)"""
    x = np.array([1.0, -2.0, 3.0])
    grade_numerical(student, reference, "quadratic", {"A": 2.0 * np.eye(3), "b": np.zeros(3)}, x)
    grade_numerical(student, reference, "sum_sin", {"scale": 1.0}, np.array([0.5, -1.0, 2.0]))


CASES = ["quadratic 1-D", "sum_sin 2-D", "logsumexp 2-D", "coupled 1-D", "coupled 2-D"]


@pytest.mark.grade(points=2, visibility="hidden")
@pytest.mark.parametrize("kind", CASES)
def test_numerical_gradient_accurate(student, reference, rng, kind):
    """numerical_gradient: matches the exact gradient to 1e-6 (centred differences)"""
    name, params, x = make_case(rng, kind)
    grade_numerical(student, reference, name, params, x)


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_numerical_gradient_accurate_fixed(student, reference):
    """numerical_gradient: matches the exact gradient to 1e-6 on a fixed curved f (a one-sided difference fails)"""
    # f = sum(sin(3 x)) has |f''| = 9 |sin(3 x)|, from 1.4 to 9 at these x: a forward difference is off by
    # h |f''| / 2 = 7e-6 to 4.5e-5 in every entry, at least twice the tolerance; the centred one by about 1e-10
    x = np.array([[0.5, -0.5, 1.1], [-1.1, 0.55, -0.52]])
    grade_numerical(student, reference, "sum_sin", {"scale": 3.0}, x)


@pytest.mark.grade(points=1, visibility="hidden")
def test_numerical_gradient_uses_h(student, reference, rng):
    """numerical_gradient: uses the step h it is given (h = 0.01)"""
    x = rng.uniform(-2.0, 2.0, (3, 4))
    grade_numerical(student, reference, "sum_sin", {"scale": 3.0}, x, h=1e-2)


@pytest.mark.grade(points=1, visibility="hidden")
def test_numerical_gradient_restores_x(student, reference, rng):
    """numerical_gradient: leaves x bit for bit as it was"""
    x = rng.normal(0.0, 3.0, (5, 6))
    params = {"A": rng.normal(0.0, 1.0, (6, 6)) + 3.0 * np.eye(6), "b": rng.normal(0.0, 1.0, (5, 6))}
    expected = oracle.function_gradient("quadratic", params, x)
    where = f"numerical_gradient(f, x) for {describe('quadratic', params)} and x of shape {x.shape}"

    def judge(reply, who):
        check_restored(reply.args[1], x, where=where)
        judge_numerical(reply, expected=expected, x=x, where=where)

    both(student, reference, "numerical_gradient", (Fn("quadratic", params), x.copy()), judge,
         keep_args=True)


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_numerical_gradient_single_entry(student, reference, rng):
    """numerical_gradient: x with a single entry"""
    x = rng.uniform(-2.0, 2.0, 1)
    grade_numerical(student, reference, "sum_sin", {"scale": 3.0}, x)


# ------------------------------------------------------------------ gradient_check: 9 points


def grade_check(student, reference, name, params, x, grad: dict, *, expect_pass: bool,
                expected_error: float | None = None, tol: float | None = None, what: str = ""):
    """Run gradient_check(f, grad, x[, tol]) and judge (passed, max_rel_error) and that x is restored.

    With expected_error, max_rel_error must equal it to rtol 1e-3; otherwise (a right gradient) it
    must be below 1e-6.
    """
    kwargs = {} if tol is None else {"tol": tol}
    with_tol = "" if tol is None else f", tol={tol:g}"
    where = f"gradient_check(f, grad, x{with_tol}) for {describe(name, params)}, x {show(x)} and {what}"

    def judge(reply, who):
        passed, error = checks.check_pair(reply.value, where=where, names="(passed, max_rel_error)")
        passed = checks.check_bool(passed, where=where, what="passed")
        error = checks.check_scalar(error, fn="gradient_check", where=f"max_rel_error of {where}")
        if expected_error is not None:
            checks.check_scalar_close(error, expected_error, where=f"max_rel_error of {where}", rtol=1e-3, atol=1e-9,
                                      hint=" (the largest |a - n| / max(1e-8, |a| + |n|) over the entries)")
        elif not 0.0 <= error <= 1e-6:
            raise AssertionError(f"max_rel_error of {where} is {checks.num(error)}; expected at most 1e-06 "
                                 "for a correct gradient.")
        if passed != expect_pass:
            raise AssertionError(f"{where} returned passed={passed}; expected {expect_pass} "
                                 f"(max_rel_error {checks.num(error)} {'<' if expect_pass else '>='} tol).")
        checks.check_no_warnings(reply.warnings, where=where)
        check_restored(reply.args[2], x, where=where)

    both(student, reference, "gradient_check", (Fn(name, params), Fn("tampered", grad), x.copy()), judge,
         keep_args=True, **kwargs)


def tampered(name, params, kind, **how) -> dict:
    return {"of": name, "params": params, "kind": kind, **how}


def wrong_error(name, params, x, kind, **how) -> float:
    """SPEC's max_rel_error for a tampered gradient, with the exact gradient standing in for n."""
    a = oracle.tampered_gradient(name, params, x, kind, **how)
    return oracle.max_rel_error(a, oracle.function_gradient(name, params, x))


@pytest.mark.grade(points=1, visibility="visible")
def test_gradient_check_visible(student, reference):
    """gradient_check: passes the right gradient of sum(x**2), fails one twice too large (error 1/3)"""
    x = np.array([-2.0, -0.5, 0.5, 1.0, 3.0])
    params = {"A": 2.0 * np.eye(5), "b": np.zeros(5)}
    grade_check(student, reference, "quadratic", params, x, tampered("quadratic", params, "exact"),
                expect_pass=True, what="the right gradient 2x")
    grade_check(student, reference, "quadratic", params, x, tampered("quadratic", params, "scale", factor=2.0),
                expect_pass=False, expected_error=1 / 3, what="a gradient twice too large")


RIGHT = ["quadratic 1-D", "sum_sin 2-D", "logsumexp 2-D", "coupled 2-D"]


@pytest.mark.grade(points=2, visibility="hidden")
@pytest.mark.parametrize("kind", RIGHT)
def test_gradient_check_passes_right_gradient(student, reference, rng, kind):
    """gradient_check: passes a right gradient, with a max_rel_error below 1e-6"""
    name, params, x = make_case(rng, kind)
    grade_check(student, reference, name, params, x, tampered(name, params, "exact"), expect_pass=True,
                what="the right gradient")


WRONG = ["scaled by 1.1", "transposed", "all zeros", "one entry off"]


@pytest.mark.grade(points=3, visibility="hidden")
@pytest.mark.parametrize("wrong", WRONG)
def test_gradient_check_rejects_wrong_gradient(student, reference, rng, wrong):
    """gradient_check: rejects a wrong gradient and reports its max_rel_error"""
    if wrong == "transposed":
        name, params, x = make_case(rng, "quadratic 2-D square")
        how = {"kind": "transpose"}
    else:
        name, params, x = make_case(rng, "coupled 2-D" if wrong == "one entry off" else "logsumexp 2-D")
        how = {"scaled by 1.1": {"kind": "scale", "factor": 1.1}, "all zeros": {"kind": "zero"},
               "one entry off": {"kind": "entry", "index": [1, 2], "delta": 0.5}}[wrong]
    expected = wrong_error(name, params, x, **how)
    if expected < 1e-3:
        raise checks.SelfCheckFailed(f"grader self-check failed: the {wrong} gradient is hardly wrong ({expected})")
    grade_check(student, reference, name, params, x, tampered(name, params, **how), expect_pass=False,
                expected_error=expected, what=f"a gradient {wrong}")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_gradient_check_max_over_entries(student, reference, rng):
    """gradient_check: max_rel_error is the largest relative error over the entries"""
    name, params, x = make_case(rng, "coupled 1-D")
    how = {"kind": "ramp", "step": 0.01}
    grade_check(student, reference, name, params, x, tampered(name, params, **how), expect_pass=False,
                expected_error=wrong_error(name, params, x, **how),
                what="a gradient whose entry k is off by a factor 1 + 0.01 k")


@pytest.mark.grade(points=1, visibility="hidden")
def test_gradient_check_zero_gradient_entries(student, reference, rng):
    """gradient_check: entries where both gradients are exactly 0 (the 1e-8 floor), no warning"""
    params = {"A": rng.normal(0.0, 1.0, (6, 6)) + 3.0 * np.eye(6),
              "b": np.array([1.5, 0.0, -2.0, 0.0, 0.0, 0.75])}
    x = np.zeros(6)
    grade_check(student, reference, "quadratic", params, x, tampered("quadratic", params, "exact"),
                expect_pass=True, what="the right gradient, three of whose entries are exactly 0")


@pytest.mark.grade(points=1, visibility="hidden")
def test_gradient_check_restores_x(student, reference, rng):
    """gradient_check: leaves x bit for bit as it was"""
    x = rng.normal(0.0, 3.0, (4, 5))
    params = {"scale": 0.7}
    grade_check(student, reference, "sum_sin", params, x, tampered("sum_sin", params, "scale", factor=1.1),
                expect_pass=False, expected_error=wrong_error("sum_sin", params, x, "scale", factor=1.1),
                what="a gradient scaled by 1.1")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_gradient_check_uses_tol(student, reference, rng):
    """gradient_check: uses the tol it is given"""
    name, params, x = make_case(rng, "logsumexp 2-D")
    how = {"kind": "scale", "factor": 1.0001}
    expected = wrong_error(name, params, x, **how)  # about 5e-5
    grade_check(student, reference, name, params, x, tampered(name, params, **how), tol=1e-3, expect_pass=True,
                expected_error=expected, what="a gradient scaled by 1.0001")
    grade_check(student, reference, name, params, x, tampered(name, params, **how), expect_pass=False,
                expected_error=expected, what="a gradient scaled by 1.0001")

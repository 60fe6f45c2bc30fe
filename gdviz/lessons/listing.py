"""SGD with momentum as the course notes' code (seed 003, "Gradient Descent Simplified").

The notes show ``sgd()`` as a picture of code and describe its arguments: ``theta_vector`` (the
randomly initialised weights, optimised step by step), ``learning_rate`` (the size of each
training step), ``n_iter`` (the number of training steps) and ``gradient_momentum`` (the
gradient of the cost plus the previous step's gradient vector, if any); the gradient itself is
left out, "because it depends on the algorithm used". :func:`sgd` is that function with the
notes' names, the gradient passed in as a function and β as in the notes' momentum update.
The picture typesets this very source (:data:`SOURCE`), and the lesson runs it.
"""
from __future__ import annotations

import inspect

import numpy as np

from ..claims import claim
from ..engine import run
from ..errors import UserInputError, number_in, positive_number
from ..optim import optimizer as make_optimizer
from ..surfaces import surface as make_surface
from .runs import Runs, one_point, with_claims


def sgd(theta_vector, learning_rate, n_iter, gradient, beta):
    gradient_momentum = np.zeros_like(theta_vector)
    for _ in range(n_iter):
        gradient_momentum = gradient(theta_vector) + beta * gradient_momentum
        theta_vector = theta_vector - learning_rate * gradient_momentum
    return theta_vector


SOURCE = inspect.getsource(sgd).rstrip("\n").splitlines()   # the lines the picture typesets
# which line of SOURCE does what the path shows (the picture colours and explains these lines)
LINES = {"start": 1, "loop": 2, "momentum": 3, "step": 4}


def one_example(surface, seed: int):
    """``gradient(theta_vector)``: the gradient of the loss on one example drawn at random, in
    the order gdviz's engine draws them for SGD with batch size 1 and the same ``seed``."""
    rng = np.random.default_rng(seed)

    def gradient(theta_vector):
        return surface.batch_grad(theta_vector, rng.choice(surface.n_samples, size=1, replace=False))

    return gradient


def run_listing(surface, start, learning_rate, n_iter, beta, seed):
    """Run :func:`sgd` and record what it does: the points it visits (n_iter + 1, d) and the
    gradient it takes at each (n_iter, d)."""
    points, grads = [], []
    draw = one_example(surface, seed)

    def gradient(theta_vector):
        g = draw(theta_vector)
        points.append(np.array(theta_vector, dtype=float))
        grads.append(g)
        return g

    last = sgd(np.asarray(start, dtype=float), learning_rate, n_iter, gradient, beta)
    return np.vstack(points + [last]), np.array(grads)


def momentum_code(lr: float = 0.01, beta: float = 0.8, *, n_iter: int = 60, n: int = 20, seed: int = 0,
                  start=None, show: int | None = None) -> Runs:
    """The notes' ``sgd()`` run on a line fit (``n`` examples, standardized x; one example per
    update), and plain SGD (β = 0) by the same code from the same start and example order.
    The trajectories drawn are gdviz's runs of torch's SGD with momentum; the claims check the
    code visits exactly their points. ``info``: the code's ``points`` and ``grads``, ``show``
    (the update whose terms the picture spells out; default: among the first 20, the one whose
    carried momentum and new gradient are both longest), and its terms."""
    s = make_surface("linear-regression", features="standardized", n=n)
    lr = positive_number("lr", lr)
    beta = number_in("beta", beta, 0.0, 1.0, hi_open=True)
    if isinstance(n_iter, bool) or not isinstance(n_iter, (int, np.integer)) or not 2 <= n_iter <= 10000:
        raise UserInputError(f"n_iter must be a whole number from 2 to 10000, got {n_iter!r}")
    p0 = np.asarray(s.start if one_point(start) is None else start, dtype=float)
    trajs, listed = [], []
    for b in (beta, 0.0):
        opt = make_optimizer("sgd", lr=lr, momentum=b, batch_size=1)
        trajs.append(run(opt, s, p0, int(n_iter), tol=0, seed=seed))
        listed.append(run_listing(s, p0, lr, int(n_iter), b, seed))
    points, grads = listed[0]
    push = -lr * grads                                         # −learning_rate × gradient(theta_vector)
    momenta = (points[:-1] - points[1:]) / lr                  # gradient_momentum after each update
    carried = np.vstack([np.zeros((1, s.dim)), -lr * beta * momenta[:-1]])   # −learning_rate × β × the previous
    if show is None:
        first = min(20, int(n_iter))
        both = np.minimum(np.linalg.norm(carried[:first], axis=1), np.linalg.norm(push[:first], axis=1))
        show = int(np.argmax(both))
    if isinstance(show, bool) or not isinstance(show, (int, np.integer)) or not 0 <= show < int(n_iter):
        raise UserInputError(f"show must be an update from 0 to {int(n_iter) - 1}, got {show!r}")
    info = {"points": points, "grads": grads, "push": push, "carried": carried, "momenta": momenta,
            "show": int(show), "beta": float(beta), "n_iter": int(n_iter), "seed": int(seed), "plain": listed[1][0],
            "minimum_loss": float(s.value(s.minima[0]))}
    runs = Runs(s, trajs, ["momentum", "sgd"], [lr, lr], info=info, lesson="sgd-momentum-code")
    return with_claims(runs, code_claims(runs))


def code_claims(runs: Runs) -> list:
    """The notes' code visits exactly the points drawn (for β and for β = 0); at the same rate
    and the same single-example updates, momentum ends near the minimum where plain SGD is
    still far from it."""
    info, (mo, plain) = runs.info, runs.trajectories
    err = max(float(np.abs(info["points"] - mo.params).max()), float(np.abs(info["plain"] - plain.params).max()))
    n, beta, low = info["n_iter"], info["beta"], info["minimum_loss"]
    passes = n / runs.surface.n_samples
    out = [claim("code-is-the-path", f"the notes' sgd(), run with β = {beta:g} and with β = 0, visits exactly the "
                 "points drawn (PyTorch's SGD with momentum, one example per update)",
                 f"课程笔记中的 sgd() 分别以 β = {beta:g} 和 β = 0 运行，经过的正是图中画出的每一个点"
                 "（即 PyTorch 的带动量 SGD，每次更新用一个样本）", err < 1e-12,
                 f"{n} updates each, largest difference {err:.1e}", f"各 {n} 次更新，最大误差 {err:.1e}")]
    a, b = float(mo.loss[-1]) - low, float(plain.loss[-1]) - low
    out.append(claim("momentum-helps-sgd", f"at the same learning rate and the same {n} single-example updates, "
                     f"momentum (β = {beta:g}) ends near the minimum while plain SGD (β = 0) is still far from it",
                     f"相同学习率、同样 {n} 次单样本更新后，动量法（β = {beta:g}）已接近最小值，"
                     "而普通 SGD（β = 0）还离得很远", a < b / 10,
                     f"loss after {n} updates ({passes:g} passes over {runs.surface.n_samples} examples): "
                     f"{mo.loss[-1]:.3g} vs {plain.loss[-1]:.3g}; the minimum is {low:.3g}",
                     f"{n} 次更新（遍历 {runs.surface.n_samples} 个样本 {passes:g} 次）后的损失："
                     f"{mo.loss[-1]:.3g} 对 {plain.loss[-1]:.3g}；最小值为 {low:.3g}"))
    return out


__all__ = ["sgd", "SOURCE", "LINES", "momentum_code", "run_listing", "one_example"]

"""Claims: what a teaching picture says, checked on the runs it draws.

A :class:`Claim` is one sentence (English and Chinese), the numbers measured on the runs, and
whether those numbers bear the sentence out. Lessons (:mod:`gdviz.lessons`) attach their claims
to the runs they return; the gallery refuses to ship a built-in picture whose claim fails and
prints each claim with its numbers under the picture.

    >>> c = claim("one-step", "1/L reaches the minimum in one step", "1/L 一步到达最小值",
    ...           True, "1 step", "1 步", steps=1)
    >>> c.holds, c.line(), c.line("zh")
    (True, '1/L reaches the minimum in one step: 1 step', '1/L 一步到达最小值：1 步')
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .style import outcome


@dataclass(frozen=True)
class Claim:
    """One checked sentence.

    key : a short id ("goldilocks-fastest"); text : {"en": ..., "zh": ...} the statement;
    evidence : {"en": ..., "zh": ...} the measured numbers in words ("45 vs 160 steps");
    holds : whether the runs bear the statement out; numbers : the measured values by name.
    """

    key: str
    text: dict
    evidence: dict
    holds: bool
    numbers: dict = field(default_factory=dict)

    def line(self, lang: str = "en") -> str:
        """'statement: evidence', for captions and the index page."""
        return f"{self.text[lang]}{'：' if lang == 'zh' else ': '}{self.evidence[lang]}"

    def failure(self) -> str:
        """'"statement" does not hold: evidence' (English), for error messages."""
        return f'"{self.text["en"]}" does not hold: {self.evidence["en"]}'

    def to_dict(self) -> dict:
        return {"key": self.key, "text": dict(self.text), "evidence": dict(self.evidence),
                "holds": bool(self.holds), "numbers": {k: _plain(v) for k, v in self.numbers.items()}}

    @classmethod
    def from_dict(cls, d: dict) -> "Claim":
        return cls(d["key"], d["text"], d["evidence"], bool(d["holds"]), d.get("numbers", {}))


def claim(key: str, en: str, zh: str, holds, evidence_en: str, evidence_zh: str | None = None,
          **numbers) -> Claim:
    """Build a :class:`Claim`; ``evidence_zh`` defaults to the English numbers."""
    return Claim(key, {"en": en, "zh": zh}, {"en": evidence_en, "zh": evidence_zh or evidence_en},
                 bool(holds), numbers)


def steps_text(traj, lang: str = "en") -> str:
    """A run's outcome for evidence: '45 steps', 'stopped at a saddle point after 45 steps',
    'diverged', 'not converged in 600 steps' (gdviz.style.outcome)."""
    n = int(traj.n_steps)
    return outcome(traj, lang) or (f"{n} 步内未收敛" if lang == "zh" else f"not converged in {n} steps")


def cost(traj) -> float:
    """Steps to a minimum, for comparisons: the step count when the run converged to a minimum
    (or a local one), infinity otherwise: a run that has not converged, or that stopped at a
    saddle point, a maximum or on a plateau, is slower than any that arrived."""
    arrived = traj.status == "converged" and getattr(traj, "reason", "") not in ("saddle point", "maximum", "plateau")
    return float(traj.n_steps) if arrived else float("inf")


def name(key: str, lang: str = "en") -> str:
    """The display name of a series key in a sentence: an optimizer's name, 'the too-small
    rate' for a regime, else its label."""
    from . import style

    if key in style.OPTIMIZER_NAMES:
        return style.optimizer_name(key, lang)
    return style.label(f"{key} rate" if key in style.REGIME_COLOURS else key, lang)


def fewer_steps(key: str, fast: tuple, slow: tuple, *, what: tuple = ("reaches the minimum", "到达最小值")) -> Claim:
    """'A reaches the minimum in fewer steps than B' for ``fast`` = (series key, trajectory) and
    ``slow`` = (series key, trajectory) or a list of them (then: than each of them). A run that
    has not converged counts as infinitely many steps."""
    slows = slow if isinstance(slow, list) else [slow]
    holds = all(cost(fast[1]) < cost(t) for _, t in slows)
    others = {lang: _join([name(k, lang) for k, _ in slows], lang) for lang in ("en", "zh")}
    ev = {lang: (" 对 " if lang == "zh" else " vs ").join(
        [steps_text(fast[1], lang)] + [f"{steps_text(t, lang)}（{name(k, lang)}）" if lang == "zh" and len(slows) > 1
                                        else f"{steps_text(t, lang)} ({name(k, lang)})" if len(slows) > 1
                                        else steps_text(t, lang) for k, t in slows]) for lang in ("en", "zh")}
    return claim(key, f"{name(fast[0])} {what[0]} in fewer steps than {others['en']}",
                 f"{name(fast[0], 'zh')}比{others['zh']}用更少的步数{what[1]}", holds, ev["en"], ev["zh"],
                 fast=cost(fast[1]), slow=[cost(t) for _, t in slows])


def _join(items, lang):
    """'a', 'a and b', 'a, b and c' (Chinese: 'a、b和c')."""
    if len(items) < 2:
        return "".join(items)
    return ("、".join(items[:-1]) + "和" + items[-1]) if lang == "zh" else \
        (", ".join(items[:-1]) + " and " + items[-1])


def loss_falls(traj) -> bool:
    """Whether the loss never rises from one recorded step to the next."""
    import numpy as np

    return bool(np.all(np.diff(traj.loss) <= 1e-12 * max(1.0, float(np.abs(traj.loss).max()))))


def crossings(values) -> int:
    """How many times a sequence changes sign (overshoots of a minimum at 0)."""
    import numpy as np

    v = np.asarray(values, dtype=float)
    v = v[v != 0]
    return int(np.sum(np.sign(v[1:]) != np.sign(v[:-1])))


def failed(claims) -> list[Claim]:
    """The claims that do not hold."""
    return [c for c in claims if not c.holds]


def _plain(v):
    try:
        import numpy as np

        if isinstance(v, np.generic):
            return v.item()
        if isinstance(v, np.ndarray):
            return v.tolist()
    except ImportError:  # pragma: no cover
        pass
    if isinstance(v, float) and v != v:
        return None
    if v == float("inf"):
        return "inf"
    return v

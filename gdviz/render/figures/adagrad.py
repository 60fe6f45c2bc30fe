"""Adagrad step by step (lesson ``adagrad-steps``): the notes' rule with σᵗ and ηᵗ = η/√(t+1),
how the √(t+1) cancels, a table of the run's own numbers for each update (gᵗ, the sum of
squares, σᵗ, ηᵗ, the rate ηᵗ/σᵗ, the step), and the steps on the loss curve beside it."""
from __future__ import annotations

import numpy as np
from matplotlib.ticker import MaxNLocator

from ... import style
from ...style import colon, fmt_number
from ...style import label as L
from ..axes import draw_loss_curve, draw_table
from ..series import status_text
from .common import formula, title
from .rates import draw_steps, mark_minimum, set_curve_top

COLOUR = style.OPTIMIZER_COLOURS.get("adagrad", style.SERIES[0])
RULE = r"$w^{t+1} = w^t - \frac{\eta^t}{\sigma^t}\, g^t,\quad \eta^t = \frac{\eta}{\sqrt{t+1}},\quad " \
       r"\sigma^t = \sqrt{\frac{1}{t+1}\sum_{i=0}^{t} (g^i)^2}$"
CANCEL = r"$\frac{\eta^t}{\sigma^t} = \frac{\eta/\sqrt{t+1}}{\sqrt{\sum_{i=0}^{t}(g^i)^2}\,/\sqrt{t+1}}" \
         r" = \frac{\eta}{\sqrt{\sum_{i=0}^{t}(g^i)^2}}$"
HEADER = ["$t$", "$w^t$", "$g^t$", r"$\Sigma\,(g^i)^2$", r"$\sigma^t$", r"$\eta^t$",
          r"$\eta^t/\sigma^t$", r"$-(\eta^t/\sigma^t)\,g^t$", "$w^{t+1}$"]


def num(x: float, digits: int = 4) -> str:
    """A table number: ``digits`` significant digits and a real minus sign ('−1.812')."""
    return f"{float(x):.{digits}g}".replace("-", "−")


def table_rows(info, rows: int) -> list[list[str]]:
    """The first ``rows`` updates and the last one, each as the table prints it (a '⋮' row between)."""
    n = len(info["t"])
    shown = list(range(min(rows, n))) + ([n - 1] if n > rows else [])
    sums = np.cumsum(info["g"] ** 2)
    out = []
    for k, t in enumerate(shown):
        if k and t != shown[k - 1] + 1:
            out.append(["⋮"] * len(HEADER))
        out.append([str(t), num(info["w"][t]), num(info["g"][t]), num(sums[t]), num(info["sigma"][t]),
                    num(info["eta"][t]), num(info["ratio"][t]), num(-info["ratio"][t] * info["g"][t]),
                    num(info["next"][t])])
    return out


def plot_adagrad_steps(fig, runs, lang):
    """The rule and the cancellation (top left), the run's numbers per update (table, bottom
    left), the steps on the loss curve (top right) and the rate ηᵗ/σᵗ against t (bottom right)."""
    s, traj, info = runs.surface, runs.trajectories[0], runs.info
    eta = info["lr"]
    text = fig.add_axes((0.02, 0.52, 0.58, 0.34))
    text.axis("off")
    text.text(0.0, 0.97, L("adagrad rule", lang), fontsize=11.5, fontweight="bold", va="top", color=style.INK)
    text.text(0.0, 0.66, RULE, fontsize=14, va="center", color=style.INK)
    text.text(0.0, 0.18, CANCEL, fontsize=14, va="center", color=style.INK)
    text.text(1.0, 0.18, L("adagrad cancels", lang), fontsize=10, va="center", ha="right", color=style.MUTED)
    tb = fig.add_axes((0.02, 0.04, 0.58, 0.36))
    table = draw_table(tb, HEADER, table_rows(info, info["rows"]), fontsize=10.5)
    table.scale(1, 1.15)
    eps = traj.hyperparams.get("eps")
    fig.text(0.02, 0.40, L("adagrad table", lang).format(eta=fmt_number(eta), eps=f"{eps:g}" if eps else "0"),
             fontsize=11, ha="left", va="center", color=style.INK, fontweight="bold")
    curve = fig.add_axes((0.67, 0.52, 0.31, 0.33))
    (w0, w1), = s.bounds
    window = np.array([[min(w0, float(traj.params[:, 0].min())), max(w1, float(traj.params[:, 0].max()))]])
    draw_loss_curve(curve, s, None, lang=lang, window=window)
    set_curve_top(curve, s, window)
    low, high = curve.get_ylim()
    curve.set_ylim(low - 0.06 * (high - low), high)   # room under the minimum's star
    draw_steps(curve, s, traj, COLOUR, arrows=6, numbers=list(range(info["rows"])), lang=lang)
    mark_minimum(curve, s)
    curve.set_title(f"Adagrad{colon(lang)}η = {fmt_number(eta)}{'，' if lang == 'zh' else ', '}"
                    f"{status_text(traj, lang)}", fontsize=11, color=COLOUR, fontweight="bold")
    curve.tick_params(labelsize=8.5)
    rate = fig.add_axes((0.67, 0.09, 0.31, 0.3))
    t = info["t"]
    rate.plot(t, info["ratio"], "-o", color=COLOUR, ms=3.5, lw=1.4)
    rate.axhline(eta, color=style.MUTED, lw=0.8, ls="--")
    rate.text(t[-1], eta, f"η = {fmt_number(eta)}", ha="right", va="bottom", fontsize=9, color=style.MUTED)
    rate.set_ylim(0, eta * 1.15)
    rate.set_xlabel(L("adagrad update t", lang), fontsize=10)
    rate.set_ylabel(r"$\eta^t/\sigma^t$", fontsize=11)
    rate.set_title(L("adagrad rate shrinks", lang), fontsize=10.5)
    rate.tick_params(labelsize=8.5)
    rate.xaxis.set_major_locator(MaxNLocator(integer=True))
    rate.grid(True, alpha=0.25)
    title(fig, L("adagrad steps title", lang), f"{s.title[lang]}{colon(lang)}{L('adagrad steps sub', lang)}",
          formula(s))
    return fig


KINDS = {
    "adagrad-steps": ("adagrad-steps", plot_adagrad_steps, (1400, 640),
                      "Adagrad step by step: σᵗ, ηᵗ = η/√(t+1) and each update's numbers"),
}

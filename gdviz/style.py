"""One style for every renderer: colours per optimizer, fonts, and labels in English and Chinese.

Pure Python (no matplotlib, no manim), so the matplotlib figures and the manim scenes read the
same table and the same run looks the same in both.

    >>> colour("adam"), label("step", "zh")
    ('#D55E00', '步数')
"""
from __future__ import annotations

from .errors import UserInputError

LANGS = ("en", "zh")

# Okabe & Ito's colour-blind-safe palette, one fixed colour per optimizer.
OKABE_ITO = {"black": "#000000", "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73",
             "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7"}
OPTIMIZER_COLOURS = {
    "gd": OKABE_ITO["blue"], "sgd": OKABE_ITO["sky"], "momentum": OKABE_ITO["green"],
    "nesterov": OKABE_ITO["purple"], "adagrad": OKABE_ITO["orange"], "adadelta": "#7F6A00",
    "rmsprop": OKABE_ITO["black"], "adam": OKABE_ITO["vermillion"],
}
# For series that are not optimizers (several rates, batch sizes, restarts): in this order.
SERIES = [OKABE_ITO[k] for k in ("blue", "vermillion", "green", "orange", "purple", "sky", "black")]
REGIME_COLOURS = {"too small": OKABE_ITO["blue"], "goldilocks": OKABE_ITO["green"],
                  "too large": OKABE_ITO["orange"], "diverges": OKABE_ITO["vermillion"]}
DIVERGED = OKABE_ITO["vermillion"]
INK = "#222222"          # text and axes
MUTED = "#666666"        # secondary text
CONTOUR_COLOURS = ["#fbfbfd", "#e3e8f2", "#c4cfe3", "#9fb0cf", "#7d8fb5"]  # light, low-saturation

FONT_FAMILY = ["DejaVu Sans", "Noto Sans CJK SC"]   # Latin first, CJK fallback (matplotlib)
CJK_FONT = "Noto Sans CJK SC"                        # name it explicitly (manim/Pango)
CJK_PACKAGE = "fonts-noto-cjk"

LABELS = {
    "step": ("step", "步数"),
    "steps": ("steps", "步"),
    "iteration": ("iteration", "迭代"),
    "loss": ("loss", "损失"),
    "weight": ("weight w", "权重 w"),
    "learning rate": ("learning rate", "学习率"),
    "lr": ("lr", "学习率"),
    "start": ("start", "起点"),
    "end": ("end", "终点"),
    "minimum": ("minimum", "最小值"),
    "global minimum": ("global minimum", "全局最小值"),
    "local minimum": ("local minimum", "局部最小值"),
    "saddle point": ("saddle point", "鞍点"),
    "too small": ("too small", "过小"),
    "goldilocks": ("Goldilocks", "恰到好处"),
    "too large": ("too large", "过大"),
    "diverges": ("diverges", "发散"),
    "diverged": ("diverged", "发散"),
    "too small rate": ("the too-small rate", "过小的学习率"),
    "goldilocks rate": ("the Goldilocks rate", "恰到好处的学习率"),
    "too large rate": ("the too-large rate", "过大的学习率"),
    "diverges rate": ("the diverging rate", "发散的学习率"),
    "converged": ("converged", "已收敛"),
    "max_steps": ("not yet converged", "尚未收敛"),
    "tangent": ("tangent (slope = gradient)", "切线（斜率 = 梯度）"),
    "gradient step": ("gradient step", "梯度步长"),
    "gradient": ("gradient", "梯度"),
    "negative gradient": ("negative gradient", "负梯度"),
    "gradient and negative gradient": ("The gradient points uphill; the step goes the other way",
                                       "梯度指向上坡；每一步朝相反方向走"),
    "gradient steps": ("gradient steps", "梯度步长"),
    "parameter updates": ("number of parameter updates", "参数更新次数"),
    "lr exercise": ("The course's exercise: how many steps does each learning rate take?",
                    "课程练习：每个学习率需要多少步？"),
    "steps to converge": ("steps to converge", "收敛所需步数"),
    "final loss": ("final loss", "最终损失"),
    "condition number": ("condition number", "条件数"),
    "full batch": ("full batch", "全批量"),
    "updates": ("updates", "次更新"),
    "examples processed": ("examples processed", "已处理的样本数"),
    "same examples": ("the same number of examples", "相同的样本数"),
    "standardize": ("standardize", "标准化"),
    "fit without outliers": ("fit without the outliers", "去掉离群点后的拟合"),
    "mini-batch": ("mini-batch", "小批量"),
    "stochastic": ("SGD (1 sample)", "随机梯度下降（1 个样本）"),
    "raw features": ("raw features", "原始特征"),
    "standardized": ("standardized features", "标准化特征"),
    "effective rate": ("effective learning rate", "有效学习率"),
    "fixed rate": ("fixed rate", "固定学习率"),
    "restarts": ("random restarts", "随机重启"),
    "best found": ("best found", "找到的最好结果"),
    "to the global minimum": ("ends in the global minimum", "到达全局最小值"),
    "to a local minimum": ("ends in a local minimum", "停在局部最小值"),
    "reached": ("reached", "到达"),
    "optimizer race": ("Optimizer race", "优化器比赛"),
    "momentum title": ("Momentum: speed builds up along the valley", "动量：沿山谷方向积累速度"),
    "same rate": ("the same learning rate", "相同的学习率"),
    "lr triptych": ("Learning rate: too small, Goldilocks, too large",
                    "学习率：过小、恰到好处、过大"),
    "lr sweep": ("Learning-rate sweep", "学习率扫描"),
    "lr curves": ("Loss against steps for several learning rates", "不同学习率下损失随步数的变化"),
    "batch vs sgd": ("Full batch, mini-batch and SGD", "全批量、小批量与随机梯度下降"),
    "feature scaling": ("Feature scaling", "特征缩放"),
    "adaptive": ("Adaptive learning rates: Adagrad", "自适应学习率：Adagrad"),
    "basins": ("Random restarts and basins", "随机重启与吸引域"),
    "not converged": ("not converged", "未收敛"),
    "stalls at the saddle": ("starts on x = 0: stalls at the saddle", "从 x = 0 出发：停在鞍点"),
    "escapes": ("starts at x = 0.01: plateau, then escape", "从 x = 0.01 出发：平台后逃离"),
    "saddle": ("Saddle points and plateaus", "鞍点与平台"),
    "convex vs nonconvex": ("Convex bowl vs egg crate: does the start matter?", "凸碗与蛋托：起点重要吗？"),
    "loss functions": ("L1, L2 and Huber loss, and a fit with outliers", "L1、L2 与 Huber 损失，以及含离群点的拟合"),
    "residual": ("residual r = prediction - y", "残差 r = 预测值 - y"),
    "data": ("data", "数据"),
}

OPTIMIZER_NAMES = {
    "gd": ("gradient descent", "梯度下降"), "sgd": ("SGD", "随机梯度下降"),
    "momentum": ("momentum", "动量法"), "nesterov": ("Nesterov", "Nesterov 动量"),
    "adagrad": ("Adagrad", "Adagrad"), "adadelta": ("Adadelta", "Adadelta"),
    "rmsprop": ("RMSprop", "RMSprop"), "adam": ("Adam", "Adam"), "custom": ("custom", "自定义"),
}


def check_lang(lang: str) -> str:
    """'en' or 'zh', else a clear error."""
    if lang not in LANGS:
        raise UserInputError(f"unknown language '{lang}'; choose from: {', '.join(LANGS)}")
    return lang


def label(key: str, lang: str = "en") -> str:
    """A label in the chosen language (the key itself when there is no entry)."""
    pair = LABELS.get(key)
    return key if pair is None else pair[LANGS.index(check_lang(lang))]


def optimizer_name(name: str, lang: str = "en") -> str:
    """Display name of an optimizer, e.g. 'momentum' -> '动量法' in Chinese."""
    pair = OPTIMIZER_NAMES.get(name, (name, name))
    return pair[LANGS.index(check_lang(lang))]


SHORT_NAMES = {"gd": ("GD", "梯度下降"), "sgd": ("SGD", "SGD"), "momentum": ("Momentum", "动量法")}


def short_name(name: str, lang: str = "en") -> str:
    """A name short enough for a read-out box: 'gd' -> 'GD'."""
    pair = SHORT_NAMES.get(name)
    return pair[LANGS.index(check_lang(lang))] if pair else optimizer_name(name, lang)


def colour(optimizer: str, index: int = 0) -> str:
    """The fixed colour of an optimizer, or the index-th series colour for anything else."""
    return OPTIMIZER_COLOURS.get(optimizer, SERIES[index % len(SERIES)])


def fmt_number(x: float) -> str:
    """Compact number for labels: 0.001, 1.6, 2.5e-05, 3.1e+07."""
    x = float(x)
    if x == 0:
        return "0"
    if 1e-3 <= abs(x) < 1e4:
        return f"{x:.3g}"
    return f"{x:.2g}"

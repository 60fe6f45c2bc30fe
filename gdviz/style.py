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
    # Adadelta in a dark brown: its old olive (#7F6A00) was Adam's vermillion to a protanope (CIEDE2000 3.6);
    # this one stays >= 16.9 from the rest of the course's eight for them (tests/test_colour_blind.py)
    "nesterov": OKABE_ITO["purple"], "adadelta": "#6B4226", "rmsprop": OKABE_ITO["black"],
    # Adagrad in Tol's wine, far from Adam's vermillion (CIEDE2000 41; 35 for deuteranopes; L* 32 vs 54)
    "adagrad": "#882255", "adam": OKABE_ITO["vermillion"],
    # the optimizers beyond the course's eight: Paul Tol's palettes (colour-blind safe)
    "adamw": "#661100", "nadam": "#CC6677", "radam": "#332288", "adamax": "#44AA99", "rprop": "#999933",
    "lion": "#AA4499", "newton": "#A6761D",
}
# For series that are not optimizers (several rates, batch sizes, restarts): in this order.
SERIES = [OKABE_ITO[k] for k in ("blue", "vermillion", "green", "orange", "purple", "sky", "black")]
REGIME_COLOURS = {"too small": OKABE_ITO["blue"], "goldilocks": OKABE_ITO["green"],
                  "too large": OKABE_ITO["orange"], "diverges": OKABE_ITO["vermillion"]}
# momentum's β from none to the most (gdviz.render.figures.beta, the momentum-beta scene)
BETA_COLOURS = [OKABE_ITO["blue"], OKABE_ITO["green"], OKABE_ITO["orange"], OKABE_ITO["vermillion"]]
DIVERGED = OKABE_ITO["vermillion"]
# The second cue of a series line, beside its colour: the dash pattern drawn with that colour, as
# on/off lengths in line widths (matplotlib's dashes; the manim race scene reads them too). A colour
# not listed is solid. Two colours that look alike under simulated protanopia or deuteranopia
# (CIEDE2000 < 20) never share a pattern (tests/test_colour_blind.py), so gradient descent, SGD, Adam,
# RMSprop and Adagrad stay solid while momentum is dashed, Nesterov dash-dotted, Adadelta dotted.
DASH, DASH_DOT, DOT = (3.7, 1.6), (6.4, 1.6, 1.0, 1.6), (1.0, 1.65)
LONG_DASH, DASH_DOT_DOT = (8.0, 2.5), (5.0, 1.6, 1.0, 1.6, 1.0, 1.6)
DASHES = {
    OPTIMIZER_COLOURS["momentum"]: DASH, OPTIMIZER_COLOURS["nesterov"]: DASH_DOT, OPTIMIZER_COLOURS["adadelta"]: DOT,
    OPTIMIZER_COLOURS["adamw"]: DASH, OPTIMIZER_COLOURS["nadam"]: DOT, OPTIMIZER_COLOURS["radam"]: DASH,
    OPTIMIZER_COLOURS["adamax"]: LONG_DASH, OPTIMIZER_COLOURS["rprop"]: DASH_DOT,
    OPTIMIZER_COLOURS["lion"]: DASH_DOT_DOT, OPTIMIZER_COLOURS["newton"]: LONG_DASH,
    OKABE_ITO["orange"]: DOT,   # the series palette's fourth (too large a rate, a large β)
}
# a convergence rate per step, as distill.pub's "Why Momentum Really Works" colours it: ColorBrewer's
# YlGnBu from 0 (fast) to 1 (stalls), black just above 1 (diverges); linear between the stops
RATE_COLOURS = ((0.0, "#ffffcc"), (0.3, "#a1dab4"), (0.5, "#41b6c4"), (0.7, "#2c7fb8"), (1.0, "#253494"),
                (1.01, "#000000"))
INK = "#222222"          # text and axes
MUTED = "#666666"        # secondary text
# a landscape's 3-D surface, light = low as the contour fields (ColorBrewer's YlGnBu: RATE_COLOURS'
# stops up to 1), the same in the matplotlib figures and the manim fly-over
SURFACE_COLOURS = tuple(c for s, c in RATE_COLOURS if s <= 1.0)
CONTOUR_COLOURS = ["#fbfbfd", "#e3e8f2", "#c4cfe3", "#9fb0cf", "#7d8fb5"]  # light, low-saturation

FONT_FAMILY = ["DejaVu Sans", "Noto Sans CJK SC"]   # Latin first, CJK fallback (matplotlib)
CJK_FONT = "Noto Sans CJK SC"                        # name it explicitly (manim/Pango)
CJK_PACKAGE = "fonts-noto-cjk"

LABELS = {
    # -- manim scenes (gdviz/scenes): read-outs and closing captions; {} filled in by the scene --
    "lr caption": ("Goldilocks (lr {gold}) reaches the minimum in {n_gold}, too small ({small}) in {n_small}.\n"
                   "Too large ({large}) overshoots farther at every step: it diverges.",
                   "恰到好处（学习率 {gold}）{n_gold}就到达最小值，过小（{small}）要 {n_small}。\n"
                   "过大（{large}）每一步都越过最低点，而且越落越远：发散。"),
    "round bowl": ("the round bowl", "圆碗"),
    "elongated bowl": ("the elongated bowl", "狭长的碗"),
    "contour act bowl": ("Gradient descent on a round bowl", "圆碗上的梯度下降"),
    "contour act elongated": ("Gradient descent on an elongated bowl", "狭长碗上的梯度下降"),
    "contour caption bowl": ("On a round bowl the negative gradient points straight at the minimum: at its "
                             "best rate 2/(L + μ) = {lr} it arrives in {n}.",
                             "在圆碗上，负梯度直指最小值：用它最好的学习率 2/(L + μ) = {lr}，{n}就到达。"),
    "contour caption elongated": ("Same start, same flat curvature, one direction {k}× steeper. The rate must stay "
                                  "below 2/L = {div}, so at 2/(L + μ) = {lr} the path zig-zags and crawls: {n}. The "
                                  "round bowl at rate {same} needs {n_round} too: the capped rate costs the steps, "
                                  "not the zig-zag.",
                                  "起点和平坦方向的曲率都相同，但有一个方向陡 {k} 倍。学习率必须低于 2/L = {div}，"
                                  "所以用 2/(L + μ) = {lr} 时路径呈之字形并缓慢爬行：{n}。圆碗用学习率 {same} "
                                  "也要 {n_round}：代价在于受限的学习率，而不是之字形。"),
    "contour act scaling": ("The same data with raw and with standardized x: condition number {raw} vs {std}",
                            "同一份数据，原始的 x 与标准化的 x：条件数 {raw} 对 {std}"),
    "contour caption scaling": ("Standardizing x makes the contours round (condition number {c0} → {c1}):\n"
                                "from the same start, gradient descent needs {std} instead of {raw}.",
                                "标准化 x 让等高线变圆（条件数 {c0} → {c1}）：\n"
                                "从同一起点出发，梯度下降只需 {std}，而不是 {raw}。"),
    "race caption tuned": ("{best} crosses the finish line first ({n}), then {next} ({m}).",
                           "{best}最先越过终点线（{n}），其次是{next}（{m}）。"),
    "race pair": ("{a} beats {b} here ({n} vs {m} steps), each at its best rate for this surface ({ra} vs {rb}); "
                  "on another surface the order can flip.",
                  "在这里{a}先于{b}到达（{n} 对 {m} 步），各自用在这个曲面上的最佳学习率（{ra} 对 {rb}）；"
                  "换一个曲面，名次可能反过来。"),
    "race place": ("✓ {place} · step {n}", "✓ {place} · 第 {n} 步"),
    "log scale": (" (log scale)", "（对数刻度）"),
    "update count": ("updates", "更新次数"),
    "same examples per run": ("Each run sees the same {n} examples ({passes} passes over the data)",
                              "每种方式都处理相同的 {n} 个样本（遍历数据 {passes} 次）"),
    "batch caption": ("Same {passes} passes over the data: the full batch's {n_full} exact but expensive updates "
                      "only reach loss {l_full}, SGD's {n_sgd} cheap, noisy ones reach {l_sgd}, "
                      "and the mini-batch's {n_mini} steadier ones end lowest, at {l_mini}.",
                      "同样遍历数据 {passes} 次：全批量 {n_full} 次精确但昂贵的更新只把损失降到 {l_full}；"
                      "随机梯度下降 {n_sgd} 次廉价但带噪声的更新降到 {l_sgd}；"
                      "小批量 {n_mini} 次更平稳的更新最终损失最低，为 {l_mini}。"),
    "restart starts": ("{n} random starts, gradient descent from each", "{n} 个随机起点，各自做梯度下降"),
    "restarts caption": ("{n} starts end in {m} different minima; only {g} of them reach the global one (ringed). "
                         "Keeping the best of many starts finds it.",
                         "{n} 个起点落入 {m} 个不同的最小值，只有 {g} 个到达全局最小值（圈出）。"
                         "从多个起点中保留最好的一个，就能找到它。"),
    "on its way down": ("on its way down", "下降途中"),
    "final losses ranked": ("Final loss of each start, lowest first", "各起点的最终损失，从低到高"),
    "keep the best": ("keep the best", "保留最好的"),
    "both lr": ("lr = {lr} for both", "两者学习率均为 {lr}"),
    "same lr": ("lr = {lr} for all", "学习率均为 {lr}"),
    "momentum beta": ("momentum β = {beta}", "动量 β = {beta}"),
    "speed": ("speed", "速度"),
    "rolling note": ("Momentum's velocity v ← βv + ∇L carries it over the ridges; GD halts in the first dimple.",
                     "动量的速度 v ← βv + ∇L 带它越过山脊；梯度下降停在第一个凹坑里。"),
    "lighter is lower": ("lighter: lower loss", "颜色越浅，损失越低"),
    "adagrad coordinate": ("Adagrad, {v} ({kind})", "Adagrad，{v} 方向（{kind}）"),
    "adagrad steep": ("steep", "陡峭"),
    "adagrad flat": ("flat", "平坦"),
    "adaptive caption": ("Adagrad divides each coordinate's rate by the root of its summed squared gradients: "
                         "steep {steep} gets the smaller rate from the first step ({r0_steep} → {r_steep}), "
                         "flat {flat} the larger ({r0_flat} → {r_flat}); both only shrink.\n"
                         "No zig-zag: it arrives in {n_ada}; gradient descent at its best fixed rate needs {n_gd}.",
                         "Adagrad 把各坐标的学习率除以其历史梯度平方和的平方根：陡峭的 {steep} 方向从第一步起"
                         "学习率就更小（{r0_steep} → {r_steep}），平坦的 {flat} 方向更大（{r0_flat} → {r_flat}）；"
                         "两者都只减不增。\n"
                         "不再走之字形：它用 {n_ada}到达最小值；梯度下降用最好的固定学习率也需要 {n_gd}。"),
    "arrived": ("arrived", "已到达"),
    "fast forward": ("▶▶ ×{k} speed", "▶▶ 快进 ×{k}"),
    "loop title": ("Iterative approach to reducing loss", "降低损失的迭代方法"),
    "loop subtitle": ("Gradient descent on the course's loss curve, learning rate {lr}",
                      "对课程中的损失曲线做梯度下降，学习率 {lr}"),
    "loop model": ("Model", "模型"),
    "loop loss": ("Compute loss", "计算损失"),
    "loop update": ("Compute\nparameter update", "计算参数更新"),
    "loop pass": ("pass", "第"),
    "loop pass after": ("", "轮"),
    "loop caption": ("Each pass: predict with w, compute the loss, step by −lr × gradient.\n"
                     "The loss falls at every pass: {n} passes take w from {w0} to {w1}, the loss from {l0} to {l1}.",
                     "每一轮：用 w 预测，计算损失，沿梯度反方向迈一步（−学习率 × 梯度）。\n"
                     "损失每一轮都在下降：{n} 轮把 w 从 {w0} 带到 {w1}，损失从 {l0} 降到 {l1}。"),
    "inside momentum title": ("Inside momentum: the velocity it carries", "动量法内部：它带着的速度"),
    "inside momentum sub": ("{surface}; the same learning rate {lr}, momentum β = {beta}",
                            "{surface}；相同的学习率 {lr}，动量系数 β = {beta}"),
    "inside gd step": ("gradient descent's\npush → 0", "梯度下降的\n推力 → 0"),
    "inside sizes": ("length of each arrow", "每个箭头的长度"),
    "inside momentum caption": ("Gradient descent's push fades in the first dimple: it stops there after {n_gd} "
                                "(loss {l_gd}).\n"
                                "At the same rate {lr}, momentum carries its velocity (β = {beta}):\n"
                                "from update {k} on, the carried part is larger than the step ({share} ×),\n"
                                "so it rolls through the dimples to the global minimum ★ in {n_mo}.",
                                "梯度下降的推力在第一个凹坑里逐渐消失：{n_gd}后就停在那里（损失 {l_gd}）。\n"
                                "相同学习率 {lr} 下，动量法带着速度前进（β = {beta}）：从第 {k} 次更新起，\n"
                                "带过来的部分比实际步长还大（{share} 倍），所以它滚过一个个凹坑，"
                                "用 {n_mo}到达全局最小值 ★。"),
    "inside adaptive title": ("Inside Adagrad and Adam: one rate per coordinate",
                              "Adagrad 与 Adam 内部：每个坐标一个学习率"),
    "inside adagrad square": ("√Σg²: only grows", "√Σg²：只增不减"),
    "inside adam square": ("√v̂: forgets", "√v̂：会遗忘"),
    "inside adagrad rate": ("rate = {lr} / √Σg²", "学习率 = {lr} / √Σg²"),
    "inside adam rate": ("rate = {lr} / (√v̂ + ε)", "学习率 = {lr} / (√v̂ + ε)"),
    "inside squares": ("Accumulators (side √, area the squared gradients)", "累积量（边长取平方根，面积为梯度平方）"),
    "inside rate": ("rate", "学习率"),
    "inside coordinate": ("{v} ({kind})", "{v}（{kind}）"),
    "inside adaptive caption": ("Adagrad's √Σg² only grows, steep {steep}'s always the larger ({s_steep} vs {s_flat}): "
                                "{steep}'s rate shrinks to {r_steep}, {flat}'s to {r_flat}.\n"
                                "Adam's √v̂ forgets: as gradients fade its rates grow back; steep {steep}'s stays lower "
                                "({a_steep} vs {a_flat}).\n"
                                "Both paths bend toward the minimum, no zig-zag: Adagrad arrives in {n_ada}, "
                                "Adam in {n_adam}.",
                                "Adagrad 的 √Σg² 只增不减，陡峭的 {steep} 方向始终更大（{s_steep} 对 {s_flat}）："
                                "{steep} 的学习率缩小到 {r_steep}，{flat} 的为 {r_flat}。\n"
                                "Adam 的 √v̂ 会遗忘：梯度变小后学习率又变大，但陡峭的 {steep} 方向仍然更小"
                                "（{a_steep} 对 {a_flat}）。\n"
                                "两条路径都弯向最小值，而不是走之字形：Adagrad 用 {n_ada}到达，Adam 用 {n_adam}。"),
    "flyover height": ("height: log₁₀ loss; lighter is lower", "高度：log₁₀ 损失；越浅越低"),
    "flyover masked": ("gaps: the loss overflows there", "空缺处：损失溢出"),
    "flyover caption": ("Projected onto this plane, each path ends where the plane is low: {lower} of the plane "
                        "lies lower than the ends. Own loss after {n}: {finals}.",
                        "投影到这个平面上，每条路径都停在平面的低处：平面上比终点更低的部分只有 {lower}。"
                        "{n}后各自的损失：{finals}。"),
    "flyover explained": (" The plane holds {e} of the paths' variance.", "该平面包含路径方差的 {e}。"),
    # -- end of the manim scenes' labels --
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
    # why a converged run stopped (gdviz.stops): {n} is "12 steps" / "12 步"
    "stop local minimum": ("{n} to a local minimum", "{n}，停在局部最小值"),
    "stop saddle point": ("stopped at a saddle point after {n}", "{n}后停在鞍点"),
    "stop maximum": ("stopped at a maximum after {n}", "{n}后停在极大值点"),
    "stop plateau": ("stopped on a plateau after {n}", "{n}后停在平台上"),
    "blank: overflows": ("blank: the loss overflows there ({share} of the window)",
                         "空白处：损失溢出（占窗口的 {share}）"),
    "blank: undefined": ("blank: the loss is undefined there ({share} of the window)",
                         "空白处：损失无定义（占窗口的 {share}）"),
    "blank: overflows or undefined": ("blank: the loss overflows or is undefined there ({share} of the window)",
                                      "空白处：损失溢出或无定义（占窗口的 {share}）"),
    "blank: overflows (short)": ("blank: overflows", "空白：溢出"),
    "blank: undefined (short)": ("blank: undefined", "空白：无定义"),
    "blank: overflows or undefined (short)": ("blank: not finite", "空白：非有限值"),
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
    "slope": ("slope", "斜率"),
    "gradient and negative gradient": ("The gradient points uphill; the step goes the other way",
                                       "梯度指向上坡；每一步朝相反方向走"),
    "gradient steps": ("gradient steps", "梯度步长"),
    "carried velocity": ("carried velocity (momentum)", "带过来的速度（动量）"),
    "gradient push": ("gradient's push  −lr·g", "梯度的推力  −学习率·g"),
    "step taken": ("step taken", "实际的一步"),
    "step = push": ("step = gradient's push", "一步 = 梯度的推力"),
    "to the look-ahead": ("momentum jump to the look-ahead", "动量带到前瞻点"),
    "look-ahead point": ("look-ahead point (gradient taken here)", "前瞻点（在此计算梯度）"),
    "push at the look-ahead": ("push from the look-ahead's gradient", "前瞻点梯度的推力"),
    "effective step box": ("effective step per coordinate", "各坐标的有效步长"),
    "update": ("update", "更新"),
    "accumulator adagrad": ("√Σg² per coordinate: it only grows", "各坐标的 √Σg²：只增不减"),
    "accumulator rmsprop": ("√(moving average of g²) per coordinate: it forgets", "各坐标 g² 滑动平均的平方根：会遗忘"),
    "accumulator adam": ("√v̂ per coordinate: the root of the moving average of g²", "各坐标的 √v̂：g² 滑动平均的平方根"),
    "accumulator adadelta": ("√(moving average of g²) per coordinate", "各坐标 g² 滑动平均的平方根"),
    "accumulator adamax": ("u per coordinate: the largest recent |g| (decaying)",
                           "各坐标的 u：近期最大的 |g|（逐渐衰减）"),
    "length": ("length", "长度"),
    "sizes of the terms": ("size of each term, update by update", "每次更新中各项的大小"),
    "inside": ("Inside the optimizer", "优化器内部"),
    "the rule": ("The update rule", "更新规则"),
    "with the numbers": ("each term with the run's numbers", "每一项代入这次运行的数值"),
    "the step on the loss": ("the step on the loss", "损失曲面上的这一步"),
    "one step dissected": ("One step, dissected", "拆解一步更新"),
    # -- figures "internals" and "one-step" (gdviz/render/figures/inside.py) --
    "rest of the path": ("the rest of the path", "之后的路径"),
    "other order": ("dashed: push first, then carried (same sum)",
                    "虚线：先推力、后带过来的速度（两种顺序相加，结果相同）"),
    "carried > step": ("carried > step: the gradient pushes back", "带过来的 > 实际的一步：梯度往回推"),
    "look-ahead torch": ("look-ahead point: where momentum alone would carry it; gradient taken here",
                         "前瞻点：只靠动量会到达的地方；梯度在这里计算"),
    "arrows at updates": ("arrows at updates {list}", "箭头画在第 {list} 次更新"),
    "nesterov step": ("step taken θₜ → θₜ₊₁ = jump + push", "实际的一步 θₜ → θₜ₊₁ = 动量跳跃 + 推力"),
    "nesterov path": ("Nesterov's path θ", "Nesterov 的路径 θ"),
    "plain momentum": ("plain momentum, same lr and β", "普通动量法，学习率和 β 相同"),
    "pytorch rule": ("PyTorch's {name}", "PyTorch 的 {name}"),
    "update n": ("update {n} (t = {n})", "第 {n} 次更新，t = {n}"),
    "path so far": ("the path, updates 1–{n}", "路径：第 1–{n} 次更新"),
    "this update": ("update {n}", "第 {n} 次更新"),
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
    "tuned race": ("Optimizer race, each at its best learning rate", "优化器比赛：各自使用最佳学习率"),
    "tuned how": ("Each rate is the best of {grid} from {lo} to {hi}: the fewest steps to the finish line, as the "
                  "median over this start and {k} starts {d} away along x and y.\nA run whose loss ever rises above "
                  "its start does not finish, wherever it lands.",
                  "每个学习率都是 {lo} 到 {hi} 之间 {grid} 个中最好的：到达终点线的步数最少（取本起点和沿 x、y "
                  "方向相距 {d} 的 {k} 个起点的中位数）。\n损失曾经超过起点的路径，无论落在哪里，都不算到达。"),
    "finish line": ("finish line", "终点线"),
    "finish gap": ("loss ≤ {line} (the minimum {low} + {gap}) from then on",
                   "损失 ≤ {line}（最小值 {low} + {gap}），且此后一直保持"),
    "finish gradient": ("gradient norm < {tol} (no known minimum)", "梯度范数 < {tol}（没有已知的最小值）"),
    "finish place": ("place", "名次"),
    "steps to finish": ("steps to\nfinish", "到达终点\n的步数"),
    "median of starts": ("median of\n{k} starts", "{k} 个起点\n的中位数"),
    "not within": ("not in {n}", "{n} 步内未到"),
    "finish at": ("finish: step {n}", "第 {n} 步到达终点"),
    "no finish": ("no finish in {n} steps", "{n} 步内未到达终点"),
    "optimizer": ("optimizer", "优化器"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    "momentum title": ("Momentum: speed builds up along the valley", "动量：沿山谷方向积累速度"),
    "same rate": ("the same learning rate", "相同的学习率"),
    "lr triptych": ("Learning rate: too small, Goldilocks, too large",
                    "学习率：过小、恰到好处、过大"),
    "lr sweep": ("Learning-rate sweep", "学习率扫描"),
    "lr curves": ("Loss against steps for several learning rates", "不同学习率下损失随步数的变化"),
    # -- learning-rate figures (gdviz/render/figures/rates.py) --
    "lr first k": ("each panel shows the first {k} steps", "每幅图显示前 {k} 步"),
    "lr after k": ("after {k} steps:\n{d} from the minimum", "{k} 步后：\n距最小值 {d}"),
    "lr wider axes": ("wider axes", "坐标范围更大"),
    "lr limits": ("{surface}, curvature L = {L}: 1/L = {one} reaches the minimum in one step; from 2/L = {two} on, "
                  "every rate diverges",
                  "{surface}，曲率 L = {L}：1/L = {one} 一步到达最小值；从 2/L = {two} 起，所有学习率都发散"),
    "lr limits 2d": ("{surface}, curvatures μ = {mu} to L = {L}: 2/(L+μ) ≈ {gold} suits both; from 2/L = {two} on, "
                     "every rate diverges",
                     "{surface}，曲率从 μ = {mu} 到 L = {L}：2/(L+μ) ≈ {gold} 兼顾两个方向；从 2/L = {two} 起，"
                     "所有学习率都发散"),
    "lr band": ("The shaded Goldilocks band, {lo} to {hi}: each step leaves at most {b} of the distance to the "
                "minimum",
                "阴影中的“恰到好处”区间为 {lo} 到 {hi}：每一步后到最小值的距离至多剩下 {b}"),
    "zoom near minimum": ("near the minimum, magnified", "最小值附近（放大）"),
    "converge rule": ("Steps count until |gradient| < {tol} (converged).", "步数计到 |梯度| < {tol} 为止（收敛）。"),
    "lr fewest": ("fewest: {n} at {lr}", "最少：{lr} 时 {n}"),
    "lr curves left": ("The first steps on the loss curve", "损失曲线上的前几步"),
    "lr curves right": ("The loss at every step", "每一步的损失"),
    "batch vs sgd": ("Full batch, mini-batch and SGD", "全批量、小批量与随机梯度下降"),
    "feature scaling": ("Feature scaling", "特征缩放"),
    "adaptive": ("Adaptive learning rates: Adagrad", "自适应学习率：Adagrad"),
    "basins": ("Random restarts and basins", "随机重启与吸引域"),
    "not converged": ("not converged", "未收敛"),
    "stalls at the saddle": ("starts on x = 0: stalls at the saddle", "从 x = 0 出发：停在鞍点"),
    "escapes": ("starts at x = 0.01: plateau, then escape", "从 x = 0.01 出发：平台后逃离"),
    "saddle": ("Saddle points and plateaus", "鞍点与平台"),
    "convex vs nonconvex": ("Convex bowl vs egg crate: does the start matter?", "凸碗与蛋托：起点重要吗？"),
    # paths and starts figures (gdviz.render.figures.paths, .starts)
    "dots every": ("a dot every {k} steps", "每 {k} 步一个点"),
    "race sub": ("{surface}: every optimizer from the same start ({start}), at most {n} steps; {dots}",
                 "{surface}：所有优化器从同一起点 ({start}) 出发，最多 {n} 步；{dots}"),
    "momentum sub": ("{surface}, from ({start}): the same learning rate {lr} for both, momentum β = {beta}; {dots}",
                     "{surface}，起点 ({start})：两者学习率相同，都是 {lr}，动量 β = {beta}；{dots}"),
    # -- the effect of β, Adagrad step by step, the notes' sgd() (figures beta, adagrad, listing) --
    "beta title": ("The effect of β: more and more momentum at one learning rate",
                   "β 的作用：同一学习率下，动量逐渐加大"),
    "beta sub": ("{surface}, from ({start}); lr = {lr} for every β; steps until |∇L| < {tol}",
                 "{surface}，起点 ({start})；每个 β 的学习率都是 {lr}；步数：直到 |∇L| < {tol}"),
    "beta chart": ("Steps to converge against β, all at lr = {lr}", "收敛步数随 β 的变化（学习率都是 {lr}）"),
    "beta fewest": ("fewest: {n} steps at β = {b}", "最少：β = {b} 时 {n} 步"),
    "beta damped note": ("more β: the zig-zag is damped, fewer steps", "β 增大：之字形被抑制，步数减少"),
    "beta too much note": ("too much β: it swings past the minimum", "β 过大：冲过最小值来回摆动"),
    "beta distill": ("Distill's √κ (κ = L/μ = {kappa}), each tuned for its slowest direction:\n"
                     "gradient descent, lr = 2/(L + μ) = {a}: {n_gd} steps,\n"
                     "    the error × {r_gd} = (κ − 1)/(κ + 1) per step\n"
                     "momentum, lr = (2/(√L + √μ))² = {am}, β = ((√κ − 1)/(√κ + 1))² = {bm}: {n_mo} steps,\n"
                     "    the error × {r_mo} = (√κ − 1)/(√κ + 1) per step\n"
                     "In the long run, per step: {speed}× fewer steps (measured on the runs), close to √κ = {root}.",
                     "Distill 文章的 √κ（κ = L/μ = {kappa}），两种方法各按最慢的方向调到最好：\n"
                     "梯度下降，学习率 = 2/(L + μ) = {a}：{n_gd} 步，\n"
                     "    误差每步 × {r_gd} = (κ − 1)/(κ + 1)\n"
                     "动量法，学习率 = (2/(√L + √μ))² = {am}，β = ((√κ − 1)/(√κ + 1))² = {bm}：{n_mo} 步，\n"
                     "    误差每步 × {r_mo} = (√κ − 1)/(√κ + 1)\n"
                     "按每步的收缩，长期看步数少 {speed} 倍（在运行中实测），接近 √κ = {root}。"),
    "adagrad steps title": ("Adagrad step by step: the course's rule with the run's own numbers",
                            "Adagrad 逐步计算：课程中的公式，代入这次运行的数值"),
    "adagrad steps sub": ("each update computed by hand lands where the run went",
                          "手算的每一次更新都落在运行到达的位置"),
    "adagrad rule": ("The rule (the course notes' notation)", "更新公式（课程笔记的记号）"),
    "adagrad cancels": ("the √(t+1) cancels", "√(t+1) 相互抵消"),
    "adagrad table": ("The run's numbers, η = {eta} (ε = {eps} aside)", "这次运行的数值，η = {eta}（忽略 ε = {eps}）"),
    "adagrad update t": ("update t", "第 t 次更新"),
    "adagrad rate shrinks": ("The rate ηᵗ/σᵗ only shrinks", "学习率 ηᵗ/σᵗ 只减不增"),
    "code title": ("SGD with momentum as the course notes' code", "课程笔记中带动量的 SGD 代码"),
    "code sub": ("{surface}, {n} examples, one per update (random seed {seed}); the code below is what ran",
                 "{surface}，{n} 个样本，每次更新用一个（随机种子 {seed}）；下面的代码就是实际运行的代码"),
    "code head": ("The notes' sgd(), the gradient passed in as a function", "笔记中的 sgd()，梯度以函数的形式传入"),
    "code args": ("theta_vector: the weights (w, b), optimized step by step\n"
                  "learning_rate: the size of each step;  n_iter: the number of steps\n"
                  "gradient_momentum: this step's gradient + β × the previous gradient_momentum",
                  "theta_vector：权重 (w, b)，一步一步地优化\n"
                  "learning_rate：每一步的大小；n_iter：步数\n"
                  "gradient_momentum：这一步的梯度 + β × 上一步的 gradient_momentum"),
    "code update": ("Update {k} with the run's numbers (learning_rate = {lr}, beta = {beta}):",
                    "第 {k} 次更新，代入这次运行的数值（learning_rate = {lr}，beta = {beta}）："),
    "code paths": ("The paths this code takes (lr {lr}); the lowest loss is {low}",
                   "这段代码走出的路径（学习率 {lr}）；最小损失为 {low}"),
    "code momentum run": ("sgd(), β = {beta}: loss {loss} after {n} updates",
                          "sgd()，β = {beta}：{n} 次更新后损失 {loss}"),
    "code plain run": ("sgd(), β = 0 (plain SGD): loss {loss} after {n} updates",
                       "sgd()，β = 0（普通 SGD）：{n} 次更新后损失 {loss}"),
    "code carried": ("update {k}: −learning_rate × β × previous", "第 {k} 次更新：−learning_rate × β × 上一步"),
    "code push": ("update {k}: −learning_rate × gradient", "第 {k} 次更新：−learning_rate × 梯度"),
    "code step": ("update {k}: the step they add up to", "第 {k} 次更新：两者相加的一步"),
    "beta video caption": ("No momentum zig-zags across the valley; some damps the zig-zag (the fewest steps of "
                           "every β from 0 to 0.99: {n} at β = {best}); too much swings past the minimum and back.",
                           "没有动量时在山谷两侧之字形来回；适当的动量抑制了之字形（0 到 0.99 的所有 β 中，"
                           "β = {best} 时步数最少：{n}）；动量太大就会冲过最小值来回摆动。"),
    "saddle sub": ("Gradient descent, lr = {lr}, from ({a}) and from ({b})",
                   "梯度下降，学习率 = {lr}，分别从 ({a}) 和 ({b}) 出发"),
    "plateau note": ("plateau: loss {v} = the value at the saddle", "平台：损失 {v} = 鞍点处的值"),
    "restarts title": ("Random restarts: the start decides the minimum", "随机重启：起点决定到达哪个最小值"),
    "random start": ("random start", "随机起点"),
    "field title": ("The gradient field −∇L and its basins", "梯度场 −∇L 及其吸引域"),
    "field sub": ("Arrows: where gradient descent heads. Tints: each minimum's basin, the starts that end in it.",
                  "箭头：梯度下降前进的方向。底色：每个最小值的吸引域，即最终到达它的所有起点。"),
    "field arrows": ("direction of −∇L", "−∇L 的方向"),
    "global basin": ("basin of the global minimum", "全局最小值的吸引域"),
    "local basins": ("basins of local minima", "局部最小值的吸引域"),
    "same draws": ("The same {n} random starts in both panels, at the same place relative to each window "
                   "(the egg crate's is {k}× wider)", "两幅图中是同样的 {n} 个随机起点，在各自窗口中的相对位置相同"
                   "（蛋托的窗口宽 {k} 倍）"),
    # -- maps and basins (gdviz.render.figures.maps, issue 18) --
    "map axis lr": ("learning rate α", "学习率 α"),
    "map axis momentum": ("momentum β", "动量 β"),
    "map rate": ("rate per step (smaller is faster)", "每步收敛率（越小越快）"),
    "map steps": ("steps until |∇L| < {tol}", "直到 |∇L| < {tol} 的步数"),
    "map loss": ("final loss", "最终损失"),
    "map trainability": ("trainability: < 0 trains, > 0 diverges", "可训练性：< 0 收敛，> 0 发散"),
    "map diverged": ("diverged", "发散"),
    "map not yet": ("not converged in {n} steps", "{n} 步内未收敛"),
    "map theory boundary": ("the theory's boundary (rate = 1)", "理论边界（收敛率 = 1）"),
    "map budget": ("{n} steps each", "每个最多 {n} 步"),
    "map exact": ("the exact rate of the linear iteration", "线性迭代的精确收敛率"),
    "map user title": ("{optimizer} on {surface}", "{surface}上的{optimizer}"),
    "map user sub": ("{nx} × {ny} pixels, one run each, {budget}; colour: {colour}",
                     "{nx} × {ny} 个像素，每个像素一次运行，{budget}；颜色：{colour}"),
    "map title": ("Every learning rate and momentum at once: heavy ball's map of rates",
                  "一次看遍所有学习率和动量：重球动量法的收敛率图"),
    "map sub": ("{surface}: {nx} × {ny} runs of up to {n} steps, each pixel coloured by its rate per step; the "
                "simulated and the theory's map agree on {agree} of the pixels",
                "{surface}：{nx} × {ny} 次运行，每次最多 {n} 步，每个像素按每步收敛率着色；模拟的图与理论的图在 "
                "{agree} 的像素上一致"),
    "map simulated": ("Simulated: one run per pixel ({n} steps)", "模拟：每个像素一次运行（{n} 步）"),
    "map theory": ("Theory: the largest |eigenvalue| of the iteration", "理论：迭代矩阵的最大 |特征值|"),
    "map boundary line": ("α = 2 (1 + β) / λ_max, λ_max = {L}: the theory's boundary",
                          "α = 2 (1 + β) / λ_max，λ_max = {L}：理论边界"),
    "map disagree": ("simulation ≠ theory ({n} pixel{s})", "模拟 ≠ 理论（{n} 个像素）"),
    "map point gd best": ("gradient descent's best", "梯度下降的最佳设置"),
    "map point momentum best": ("momentum's best", "动量法的最佳设置"),
    "map point too much": ("too much momentum", "动量过大"),
    "map point past boundary": ("past the boundary", "越过边界"),
    "map diverged after": ("diverged after {n} steps", "{n} 步后发散"),
    "basins title": ("Basins: which minimum gradient descent reaches from every start",
                     "吸引域：梯度下降从每个起点出发到达哪个最小值"),
    "basins user title": ("Basins of {optimizer} on {surface}", "{surface}上{optimizer}的吸引域"),
    "basins user sub": ("{nx} × {ny} starts, lr = {lr}, up to {n} steps each; {share} reach the global minimum",
                        "{nx} × {ny} 个起点，学习率 = {lr}，每个最多 {n} 步；{share} 到达全局最小值"),
    "basins sub": ("A random start reaches the global minimum with probability {p} ({n} random restarts: {q}): "
                   "this is what restarts buy; 12 restarts find it with probability {twelve}.",
                   "一个随机起点到达全局最小值的概率是 {p}（{n} 次随机重启：{q}）：这就是重启换来的；"
                   "12 次重启找到它的概率是 {twelve}。"),
    "basins sub 2": ("Gradient descent at lr = 0.5 / L_max = {lr}, up to {steps} steps from each of "
                     "{nx} × {ny} starts.",
                     "梯度下降，学习率 = 0.5 / L_max = {lr}，{nx} × {ny} 个起点，每个最多 {steps} 步。"),
    "basins two rates": ("{a} (left) and {b} (right)", "{a}（左）和 {b}（右）"),
    "basins global share": ("{share} of the starts reach the global minimum", "{share} 的起点到达全局最小值"),
    "basins all global": ("all {k} minima are global", "{k} 个最小值都是全局最小值"),
    "basins global at": ("global minimum {p}", "全局最小值 {p}"),
    "basins local at": ("minimum {p}", "最小值 {p}"),
    "basins global level": ("global minima (loss {loss})", "全局最小值（损失 {loss}）"),
    "basins local level": ("local minima at loss {loss}", "损失为 {loss} 的局部最小值"),
    "basins each": ("{n} × {share}", "{n} × {share}"),
    "basins range": ("{n} minima, {lo} to {hi} each", "{n} 个，各 {lo} 到 {hi}"),
    "basins none": ("no minimum reached", "未到达任何最小值"),
    "loss functions": ("L1, L2 and Huber loss, and a fit with outliers", "L1、L2 与 Huber 损失，以及含离群点的拟合"),
    "residual": ("residual r = y − prediction", "残差 r = y − 预测值"),
    "data": ("data", "数据"),
    # figures of the course's worked examples (gdviz.render.figures.practice)
    "lr decay title": ("A decaying learning rate: big steps first, small steps near the minimum",
                       "学习率衰减：先迈大步，接近最小值时迈小步"),
    "lr decay constant": ("constant rate", "恒定学习率"),
    "lr decay decaying": ("decaying rate", "衰减学习率"),
    "lr decay above limit": ("above 2/L a constant rate diverges", "高于 2/L：恒定学习率会发散"),
    "lr decay steps taken": ("the decaying run's {n} steps", "衰减学习率实际走的 {n} 步"),
    "lr decay t": ("step t", "步数 t"),
    "lr decay eta t": ("learning rate ηₜ", "学习率 η(t)"),
    "lr decay schedule": ("The learning rate at each step", "每一步的学习率"),
    "pg title": ("Playground: learning rate {lr} after {a} and {b} steps, against a lower rate",
                 "Playground 练习：学习率 {lr} 走 {a} 步和 {b} 步，与较低的学习率对比"),
    "pg sub": ("Logistic regression on one feature x, two classes, starting from w = b = 0",
               "逻辑回归：单个特征 x，两个类别，从 w = b = 0 开始"),
    "pg step n": ("step {n}", "第 {n} 步"),
    "pg loss": ("loss (cross-entropy, log scale)", "损失（交叉熵，对数坐标）"),
    "pg strip": ("{lr}, step {n}: loss {loss}, {wrong} of {total} misclassified",
                 "{lr}，第 {n} 步：损失 {loss}，{total} 个样本中分错 {wrong} 个"),
    "pg feature": ("feature x", "特征 x"),
    "pg key": ("background p(x): predicted probability of class 1", "背景 p(x)：预测为类别 1 的概率"),
    "pg class 0": ("class 0", "类别 0"),
    "pg class 1": ("class 1", "类别 1"),
    "pg boundary": ("boundary p = 0.5", "决策边界 p = 0.5"),
    "pg jitter": ("the dots are spread up and down only to be seen", "圆点上下错开只为看清"),
    "sgd title": ("One pass over {n} examples: gradient descent takes 1 step, SGD has already taken {n}",
                  "遍历一次 {n} 个样本：梯度下降只走了 1 步，随机梯度下降已经走了 {n} 步"),
    "sgd sub": ("Linear regression on {n} points (standardized x), learning rate {lr}, the same start",
                "{n} 个点的线性回归（x 已标准化），学习率 {lr}，相同起点"),
    "sgd full title": ("Gradient descent (full batch): {k} update{s}", "梯度下降（全批量）：{k} 次更新"),
    "sgd sgd title": ("SGD (one example per update): {k} updates", "随机梯度下降（每次 1 个样本）：{k} 次更新"),
    "sgd loss change": ("loss {a} → {b}", "损失 {a} → {b}"),
    "sgd full legend": ("gradient descent: {k} update{s}", "梯度下降：{k} 次更新"),
    "sgd sgd legend": ("SGD: {k} updates", "随机梯度下降：{k} 次更新"),
    "sgd ups": ("SGD's loss goes up ({k} of {n} updates)", "随机梯度下降的损失上升（{n} 次中 {k} 次）"),
    "sgd one pass": ("one pass over the data", "遍历数据一次"),
    "sgd loss title": ("Loss against examples processed", "损失随已处理样本数的变化"),
    "fit title": ("Fitting the intercept: the loss is the sum of squared residuals", "拟合截距：损失就是残差的平方和"),
    "fit sub": ("y = {m} x + b with the slope fixed; gradient descent on b from b = {b0}",
                "y = {m} x + b，斜率固定；从 b = {b0} 开始对截距 b 做梯度下降"),
    "fit left title": ("Data, the line y = {m} x + b and its residuals", "数据、直线 y = {m} x + b 及其残差"),
    "fit start line": ("start b = {b}: Σr² = {sse}", "起点 b = {b}：Σr² = {sse}"),
    "fit final line": ("after descent b = {b}: Σr² = {sse}", "下降后 b = {b}：Σr² = {sse}"),
    "fit residuals": ("residual r = y − prediction", "残差 r = y − 预测值"),
    "fit least squares": ("least squares b = {b}", "最小二乘 b = {b}"),
    "fit step sizes": ("step sizes |Δb|: {steps}", "每一步的移动 |Δb|：{steps}"),
    "fit intercept": ("intercept b", "截距 b"),
    "fit sse": ("sum of squared residuals", "残差平方和"),
    "fit right title": ("Loss against the intercept: learning rate {lr}, {steps}",
                        "损失随截距的变化：学习率 {lr}，{steps}"),
    "ce title": ("Cross-entropy punishes a confident wrong answer without bound", "交叉熵对自信的错误答案惩罚没有上限"),
    "ce sub": ("p is the probability the model gives the true class; the squared error never exceeds 1",
               "p 是模型给真实类别的概率；平方误差最大不超过 1"),
    "ce more wrong": ("← ever more confident and wrong", "← 越来越自信地答错"),
    "ce log": ("cross-entropy −log p", "交叉熵 −log p"),
    "ce square": ("squared error (1 − p)²", "平方误差 (1 − p)²"),
    "ce p true": ("p: predicted probability of the true class (log scale)", "p：预测为真实类别的概率（对数坐标）"),
    "ce left title": ("The loss of one example against p", "单个样本的损失随 p 的变化"),
    "ce bce": ("y = {y}: cross-entropy", "y = {y}：交叉熵"),
    "ce bce square": ("y = {y}: squared error", "y = {y}：平方误差"),
    "ce wrong y1": ("y = 1 but p → 0:\nloss → ∞", "y = 1 但 p → 0：\n损失 → ∞"),
    "ce wrong y0": ("y = 0 but p → 1:\nloss → ∞", "y = 0 但 p → 1：\n损失 → ∞"),
    "ce p predicted": ("p: predicted probability of class 1", "p：预测为类别 1 的概率"),
    "ce right title": ("Binary cross-entropy −[y log p + (1 − y) log(1 − p)]",
                       "二元交叉熵 −[y log p + (1 − y) log(1 − p)]"),
    # -- the course's pictures no other entry shows (figures/course.py) --
    "fr title": ("Feature scaling: two features on very different ranges", "特征缩放：两个取值范围相差很大的特征"),
    "fr sub": ("House price = b + w1·rooms + w2·age (25 houses), b at its best; gradient descent from w = 0 "
               "at 0.5 / (largest curvature): {raw} raw, {std} standardized",
               "房价 = b + w1·房间数 + w2·房龄（25 套房子），b 取最优；梯度下降从 w = 0 出发，学习率 0.5 / 最大曲率："
               "原始 {raw}，标准化 {std}"),
    "fr steps": ("{steps} to |gradient| < {tol}", "{steps}（至 |梯度| < {tol}）"),
    "fr raw": ("Raw: rooms x1 from {a} to {b}, age x2 from {c} to {d}",
               "原始：房间数 x1 从 {a} 到 {b}，房龄 x2 从 {c} 到 {d}"),
    "fr std": ("Standardized: x′ = (x − μ) / σ, both from {a} to {b}", "标准化：x′ = (x − μ) / σ，都从 {a} 到 {b}"),
    "fr curvature": ("curvature {c1} along w1, {c2} along w2", "沿 w1 曲率 {c1}，沿 w2 曲率 {c2}"),
    "ps title": ("Where gradient descent gets stuck: a plateau, a saddle point, a local minimum",
                 "梯度下降会卡在哪里：平台、鞍点、局部最小值"),
    "ps sub": ("One loss curve, gradient descent at learning rate {lr} from four starts (○), at most {steps} steps; "
               "a run stops when |gradient| < {tol}",
               "同一条损失曲线，梯度下降学习率 {lr}，从四个起点（○）出发，最多 {steps} 步；|梯度| < {tol} 时停止"),
    "ps plateau": ("plateau: gradient ≈ 0,\nvery slow", "平台：梯度 ≈ 0，\n非常慢"),
    "ps saddle point": ("saddle point:\ngradient = 0, stuck", "鞍点：\n梯度 = 0，卡住"),
    "ps local minimum": ("local minimum:\ngradient = 0, stuck", "局部最小值：\n梯度 = 0，卡住"),
    "ps minimum": ("minimum", "最小值"),
    "ps right title": ("Loss against the step (log scale of steps)", "损失随步数的变化（步数为对数坐标）"),
    "ps step": ("step + 1", "步数 + 1"),
    "ps run": ("start {x0}: {outcome}", "起点 {x0}：{outcome}"),
    "ps moved": ("moved {d} in {n} steps", "{n} 步只移动了 {d}"),
    "ps stopped": ("stopped at the {where} x = {x} after {n} steps", "{n} 步后停在{where} x = {x}"),
    "ps at saddle point": ("saddle point", "鞍点"),
    "ps at local minimum": ("local minimum", "局部最小值"),
    "ps at minimum": ("minimum", "最小值"),
    "cec title": ("Cross-entropy over three classes: only the true class counts",
                  "三个类别的交叉熵：只有真实类别那一项起作用"),
    "cec sub": ("The true class is {cls} (y = 1 there, 0 elsewhere); each panel is one predicted distribution p; "
                "log is the natural logarithm",
                "真实类别是{cls}（该类 y = 1，其余为 0）；每幅图是一个预测的概率分布 p；log 为自然对数"),
    "cec prediction": ("prediction {k}: loss {loss}", "预测 {k}：损失 {loss}"),
    "cec true": ("true y", "真实 y"),
    "cec predicted": ("predicted p", "预测 p"),
    "cec probability": ("probability", "概率"),
    "red": ("red", "红色"),
    "green": ("green", "绿色"),
    "blue": ("blue", "蓝色"),
    "ff title": ("The feed-forward prediction a = σ(θᵀx + b)", "前馈预测 a = σ(θᵀx + b)"),
    "ff sub": ("Predict heart disease: the dot product of the features with the weights θ, plus the bias b, "
               "through the sigmoid", "预测心脏病：特征与权重 θ 的点积，加上偏置 b，再经过 sigmoid"),
    "ff feature": ("feature", "特征"),
    "ff patient": ("patient {k}", "病人 {k}"),
    "ff weighted sum": ("z = θᵀx + b", "z = θᵀx + b"),
    "ff left title": ("Weights θ, bias b = {b}; each column is one patient's θᵢ·xᵢ",
                      "权重 θ，偏置 b = {b}；每列是一位病人的 θᵢ·xᵢ"),
    "ff right title": ("The sigmoid σ(z) = 1 / (1 + e⁻ᶻ) turns z into a probability",
                       "sigmoid σ(z) = 1 / (1 + e⁻ᶻ) 把 z 变成概率"),
    "ff probability": ("a: predicted probability of heart disease", "a：预测患心脏病的概率"),
    "blood pressure": ("blood pressure", "血压"),
    "sex": ("sex (1 = male)", "性别（1 = 男）"),
    "age": ("age", "年龄"),
    "BMI": ("BMI", "身体质量指数"),
    # -- the shape of the loss (figures/shape.py) --
    "surfaces 3d": ("Convex: one lowest point. Non-convex: many", "凸：只有一个最低点；非凸：有很多个"),
    "surfaces 3d sub": ("Convex: imagine a bowl. Non-convex: imagine an egg crate",
                        "凸形：想象一个碗；非凸形：想象一个蛋托"),
    "error surface": ("The error surface of linear regression: a bowl with one minimum",
                      "线性回归的误差曲面：只有一个最小值的碗"),
    "error surface 3d": ("the error over the two weights", "两个权重上的误差"),
    "error surface contours": ("the same path on the contour lines", "等高线上的同一条路径"),
    "slope w": ("w (slope)", "w（斜率）"),
    "intercept b": ("b (intercept)", "b（截距）"),
    "gradient vector": ("The gradient is a vector of partial derivatives", "梯度是由偏导数组成的向量"),
    "steepest descent": ("negative gradient: steepest descent, the step's direction",
                         "负梯度：下降最快的方向，也就是每一步的方向"),
    "contour tangent": ("tangent to the contour", "等高线的切线"),
    "contour through the point": ("contour line through the point", "过该点的等高线"),
    "to the minimum": ("direction to the minimum", "指向最小值的方向"),
    "field": ("−∇L elsewhere (direction only)", "其他位置的 −∇L（只画方向）"),
    "arrows scaled": ("gradient arrows drawn at {k} × their length", "梯度箭头按实际长度的 {k} 倍绘制"),
    "taylor": ("Why a small learning rate works: the Taylor approximation", "为什么小学习率有效：泰勒展开"),
    "taylor sub": ("A small step stays in a small circle: there the loss is nearly linear, lowest along −∇L; "
                   "in a large circle it is not",
                   "小步长只在小圆内移动：圆内损失近似线性，最低点在 −∇L 方向；大圆内则不然"),
    "true lowest": ("lowest point on the circle (true loss)", "圆上的最低点（真实损失）"),
    "linear lowest": ("lowest point of the linear approximation: along −∇L", "线性近似的最低点：在 −∇L 方向上"),
    "true loss": ("true loss", "真实损失"),
    "linear approximation": ("linear approximation", "线性近似"),
    "angle from -grad": ("angle around the circle, from −∇L (degrees)", "圆上的角度，从 −∇L 方向算起（度）"),
    "adagrad intuition": ("Adagrad's intuition: the best step is |g'| / g''", "Adagrad 的直觉：最佳步长是 |g'| / g''"),
    "adagrad intuition sub": ("Across parameters the slope alone misleads; Adagrad's √(Σg²) stands in for g''",
                              "跨参数比较时只看斜率会误导；Adagrad 用 √(Σg²) 来代替 g''"),
    "flat": ("flat", "平缓"),
    "steep": ("steep", "陡峭"),
    "best step": ("best step |g'| / g''", "最佳步长 |g'| / g''"),
    "tangent slope": ("tangent (slope g')", "切线（斜率 g'）"),
    "adagrad root": ("Adagrad's √(Σg²) grows with g''", "Adagrad 的 √(Σg²) 随 g'' 增大"),
    # -- the explorer (gdviz/web): its controls, read-outs and the course's exercise --
    "explorer title": ("gdviz explorer", "gdviz 交互探索"),
    "explorer subtitle": ("Move the learning rate, place the start, and watch gradient descent find its way",
                          "调节学习率、放置起点，看梯度下降如何一步步找到最低点"),
    "explorer language": ("language", "语言"),
    "explorer mode": ("mode", "模式"),
    "explorer mode single": ("One optimizer", "单个优化器"),
    "explorer mode race": ("Race", "比赛"),
    "explorer mode exercise": ("Exercise", "练习"),
    "explorer surface": ("loss surface", "损失曲面"),
    "explorer optimizer": ("optimizer", "优化器"),
    "explorer edit racer": ("sliders for", "调节的优化器"),
    "explorer hyperparameters": ("hyperparameters", "超参数"),
    "explorer racers": ("racers (all from the same start)", "参赛者（同一起点）"),
    "explorer others": ("settings of the other optimizers", "其他优化器的设置"),
    "explorer max steps": ("most steps", "最多步数"),
    "explorer tolerance": ("tolerance (converged when |gradient| is below it)", "容差（梯度范数低于它即收敛）"),
    "explorer seed": ("seed of the mini-batches", "小批量抽样的随机种子"),
    "explorer shown step": ("step shown", "显示的步数"),
    "explorer speed": ("speed (steps per second)", "速度（每秒步数）"),
    "explorer field": ("gradient field (−∇L)", "梯度场（−∇L）"),
    "explorer internals": ("inside the optimizer (this update's terms)", "优化器内部（这次更新的各项）"),
    "explorer lecture": ("Lecture mode", "授课模式"),
    "explorer lecture leave": ("Leave lecture mode", "退出授课模式"),
    "explorer hide": ("hidden controls", "隐藏的控件"),
    "explorer start hint": ("or click or drag on the plot; arrow keys move it when the plot has focus",
                            "也可以在图上点击或拖动；图获得焦点时可用方向键移动"),
    "explorer default start": ("surface's own", "默认起点"),
    "explorer unknown surface": ("not in this page, showing the first surface", "本页没有该曲面，显示第一个曲面"),
    "explorer copy link": ("Copy link to this view", "复制此视图的链接"),
    "explorer copied": ("Link copied", "已复制链接"),
    "explorer run settings": ("Run settings: steps, tolerance, seed", "运行设置：步数、容差、随机种子"),
    "explorer layers": ("layers", "图层"),
    "explorer surface default": ("surface's own", "曲面默认值"),
    "explorer reset": ("Reset", "重置"),
    "explorer step": ("Step", "单步"),
    "explorer play": ("Play", "播放"),
    "explorer pause": ("Pause", "暂停"),
    "explorer python": ("The same run in Python", "用 Python 运行同样的设置"),
    "explorer keys": ("Keys: Tab moves between controls; S or . steps, P plays or pauses, R resets; arrow keys on the "
                      "learning-rate slider walk through round rates, on the rate map they move (lr, β).",
                      "键盘：Tab 在控件间移动；S 或 . 单步，P 播放或暂停，R 重置；"
                      "在学习率滑块上用方向键逐个选取整齐的学习率，在收敛率图上用方向键移动（学习率，β）。"),
    "explorer zones hidden": ("The zones appear once you have found the Goldilocks rate.",
                              "找到恰到好处的学习率后才显示各区间。"),
    "explorer zones gd only": ("The zones under the slider are for plain gradient descent.",
                               "滑块下的区间只适用于普通梯度下降。"),
    "explorer zones none": ("No positive curvature here: no zones.", "此处没有正曲率，无法划分区间。"),
    "explorer more hyperparameters": ("more hyperparameters", "更多超参数"),
    "explorer defaults": ("defaults", "恢复默认"),
    "explorer task 1": ("Set the learning rate to 0.1 and press Step until the ball stops at the minimum. "
                        "How many steps?",
                        "把学习率设为 0.1，一直按“单步”，直到小球停在最低点。需要多少步？"),
    "explorer task 2": ("Try a larger rate, 1: does it get there in fewer steps?",
                        "试试更大的学习率 1：步数会更少吗？"),
    "explorer task 3": ("Try 4. What happens to the steps?", "试试 4。每一步会怎样？"),
    "explorer task 4": ("Goldilocks: find the rate that reaches the minimum in a single step.",
                        "恰到好处：找出一步就能到达最低点的学习率。"),
    "explorer attempts": ("Your rates and their steps appear here once you step to the end.",
                          "走到终点后，这里会记下你试过的学习率和所需步数。"),
    "explorer solved": ("You found it: lr = {lr} reaches the minimum in one step. It is 1/L, where L = {L} is the "
                        "curvature of the loss curve; at 2/L and above every step overshoots farther: it diverges.",
                        "找到了：学习率 {lr} 一步就到达最低点。它等于 1/L，L = {L} 是损失曲线的曲率；"
                        "学习率达到 2/L 及以上时，每一步都越过得更远：发散。"),
    "explorer missing": ("not in the explorer yet (no JavaScript rule)", "尚未加入交互探索（没有 JavaScript 规则）"),
    "explorer error": ("cannot run", "无法运行"),
    "explorer running": ("on its way", "进行中"),
    "explorer place": ("{n}", "第 {n} 名"),
    "explorer converged at": ("converged at step {n}", "第 {n} 步收敛"),
    "explorer stop local minimum": ("local minimum at step {n}", "第 {n} 步停在局部最小值"),
    "explorer stop saddle point": ("stopped at a saddle point, step {n}", "第 {n} 步停在鞍点"),
    "explorer stop maximum": ("stopped at a maximum, step {n}", "第 {n} 步停在极大值点"),
    "explorer stop plateau": ("stopped on a plateau, step {n}", "第 {n} 步停在平台上"),
    "explorer diverged at": ("diverged at step {n}", "第 {n} 步发散"),
    "explorer stopped at": ("not yet converged after {n} steps", "{n} 步后尚未收敛"),
    "explorer position": ("position", "位置"),
    "explorer steps taken": ("steps taken", "所用步数"),
    "explorer status": ("status", "状态"),
    "explorer exercise caption": ("the course's exercise: press Step and count", "课程练习：按“单步”并数一数"),
    "explorer click to start": ("click or drag on the plot to move the start", "在图上点击或拖动以移动起点"),
    "explorer try single": ("try: slide the learning rate across the coloured zones, click the plot to start elsewhere",
                            "试试：把学习率滑过各个颜色区间，在图上点击换一个起点"),
    "explorer try race": ("all start at the same point: click elsewhere and see who reaches the ★ first",
                          "所有参赛者从同一点出发：在别处点击，看谁先到达 ★"),
    # -- the explorer's momentum map: every (learning rate, β) coloured by the theory's rate --
    "explorer map title": ("Every learning rate and momentum: the rate per step (theory)",
                           "所有学习率与动量：每步收敛率（理论）"),
    "explorer map hint": ("click, drag, or arrow keys: move (lr, β)", "点击、拖动或用方向键：移动（学习率，β）"),
    "explorer map scale": ("rate per step", "每步收敛率"),
    "explorer map diverges key": ("above 1: diverges", "大于 1：发散"),
    "explorer map edge momentum": ("edge α = 2(1 + β)/λmax", "边界 α = 2(1 + β)/λmax"),
    "explorer map edge nesterov": ("edge α = 2(1 + β)/((1 + 2β) λmax)", "边界 α = 2(1 + β)/((1 + 2β) λmax)"),
    "explorer map rate": ("rate {rate} per step: ~ {n} steps to shrink the error 10⁶ ×",
                          "每步收敛率 {rate}：约 {n} 步把误差缩小到百万分之一"),
    "explorer map stalls": ("rate {rate} per step: the error does not shrink", "每步收敛率 {rate}：误差不再缩小"),
    "explorer map diverges": ("rate {rate} per step: diverges", "每步收敛率 {rate}：发散"),
    "explorer map point": ("lr {lr}, β {beta}", "学习率 {lr}，β {beta}"),
    "explorer map label": ("Map of the rate per step over the learning rate and momentum β; arrow keys move the point",
                           "学习率与动量 β 的每步收敛率图；方向键移动图中的点"),
    "explorer map needs quadratic": ("No rate map on this surface: the theory's rate needs a quadratic (the same "
                                     "curvature everywhere).",
                                     "此曲面没有收敛率图：理论收敛率只适用于二次曲面（处处曲率相同）。"),
    "explorer map needs full batch": ("No rate map with mini-batches: the theory's rate is for the full gradient.",
                                      "使用小批量时没有收敛率图：理论收敛率只适用于完整梯度。"),
    # -- the trainability map of a tiny network (gdviz/maps/zoom.py) --
    "lr1 axis": ("learning rate, layer 1", "学习率，第 1 层"),
    "lr2 axis": ("learning rate, layer 2", "学习率，第 2 层"),
    "trainability title": ("Where a tiny network trains: one learning rate per layer",
                           "小网络在哪里能训练：每层一个学习率"),
    "trainability trains": ("trains", "能训练"),
    "trainability diverges": ("diverges", "发散"),
    "trainability colour": ("blue: training converges, red: it diverges; the shade ranks how fast (the measure's rank)",
                            "蓝色：训练收敛，红色：发散；深浅表示快慢（度量值的排名）"),
    "trainability fast": ("fast", "快"),
    "trainability slowly": ("slowly", "慢"),
    "trainability edge": ("boundary (measure = 0)", "边界（度量 = 0）"),
    "trainability level": ("level {k} of {n}: zoom ×{z}", "第 {k}/{n} 层：放大 ×{z}"),
    "trainability level dimension": (", boundary dimension {d}", "，边界维数 {d}"),
    "trainability key": ("blue: trains, red: diverges (pale: fast, deep: slowly)",
                         "蓝色：能训练，红色：发散（浅色快，深色慢）"),
    "trainability boundary": ("boundary in the marked window: box-counting dimension {d}",
                              "框出窗口内的边界：盒计数维数 {d}"),
    # -- loss landscapes of networks (gdviz/render/figures/landscape.py) --
    "landscape random axis": ("filter-normalized random direction {k}", "滤波器归一化的随机方向 {k}"),
    "landscape pca axis": ("PC{k} ({share} of the paths' variance)", "主成分 {k}（占路径方差的 {share}）"),
    "landscape hessian axis": ("Hessian eigenvector {k} (λ = {value})", "Hessian 特征向量 {k}（λ = {value}）"),
    "landscape endpoints axis": ("direction {k}: from the start toward an end point",
                                 "方向 {k}：从起点指向一个终点"),
    "landscape fixed axis": ("direction {k}", "方向 {k}"),
    "landscape alpha axis": ("α: weights (1 − α) · initial + α · trained", "α：权重 = (1 − α) · 初始 + α · 训练后"),
    "landscape lowest": ("lowest loss on the plane", "平面上的最低损失"),
    "landscape lowest edge": ("lowest loss on the plane, on its edge: lower outside the window",
                              "平面上的最低损失，在窗口边缘：窗口外还更低"),
    "landscape center trained": ("trained weights (the center)", "训练后的权重（中心）"),
    "landscape center start": ("common start (the center)", "共同起点（中心）"),
    "landscape center end": ("end of the first path (the center)", "第一条路径的终点（中心）"),
    "landscape center path end": ("end of a path (the center)", "一条路径的终点（中心）"),
    "landscape center model": ("the model's weights (the center)", "模型的权重（中心）"),
    "landscape center": ("the center", "中心"),
    "landscape log loss": ("log₁₀ loss", "log₁₀ 损失"),
    "landscape initial": ("initial", "初始"),
    "landscape trained": ("trained", "训练后"),
    "landscape accuracy": ("accuracy", "准确率"),
    "landscape rises": ("the loss rises here", "损失在这里上升"),
    "landscape title": ("The loss landscape of a network", "神经网络的损失地形"),
    "landscape random title": ("The loss around a trained network: a random slice", "训练后网络周围的损失：随机切片"),
    "landscape paths title": ("Optimizers from one start, on one plane of the network's loss",
                              "同一起点的几种优化器，画在同一个损失平面上"),
    "landscape interpolation title": ("From the initial to the trained weights, in a straight line",
                                      "沿直线从初始权重走到训练后的权重"),
    "landscape step": ("step {k}/{n}", "第 {k}/{n} 步"),
    "landscape hessian title": ("Sharp and flat: the curvature where training ends", "尖锐与平坦：训练终点处的曲率"),
    "landscape quadratic": ("dotted: L(center) + λ₁ t²/2", "点线：L(中心) + λ₁ t²/2"),
    "landscape along eigenvector": ("t along Hessian eigenvector 1", "沿 Hessian 特征向量 1 的 t"),
    # -- the gallery's preview page (gdviz/gallery/page.py) --
    "page language": ("Language", "语言"),
    "page explorer": ("Explorer ↗", "交互探索 ↗"),
    "page sections": ("Sections", "章节"),
    "page download": ("Download", "下载"),
    "page enlarge": ("Click to enlarge", "点击放大"),
    "page close": ("Close", "关闭"),
    "page previous": ("Previous picture", "上一张"),
    "page next": ("Next picture", "下一张"),
    "page numbers": ("the numbers", "数据"),
    "page reproduce": ("Reuse", "复用"),
    "page copy": ("copy", "复制"),
    "page copied": ("copied", "已复制"),
    "page not rendered": ("{file} was not rendered", "{file} 未生成"),
    "page only en": ("Only in English", "只有英文版"),
    "page only zh": ("Only in Chinese", "只有中文版"),
    "hp momentum": ("momentum β", "动量系数 β"),
    "hp dampening": ("dampening", "阻尼"),
    "hp nesterov": ("Nesterov look-ahead", "Nesterov 前瞻"),
    "hp weight_decay": ("weight decay (L2)", "权重衰减（L2）"),
    "hp batch_size": ("batch size (examples per step)", "批量大小（每步的样本数）"),
    "hp lr_decay": ("learning-rate decay", "学习率衰减"),
    "hp initial_accumulator_value": ("initial accumulator", "累加器初始值"),
    "hp eps": ("ε (keeps the division finite)", "ε（防止除以零）"),
    "hp rho": ("ρ (decay of the averages)", "ρ（平均值的衰减率）"),
    "hp alpha": ("α (decay of the average of g²)", "α（g² 平均值的衰减率）"),
    "hp centered": ("centered", "中心化"),
    "hp beta1": ("β₁ (average of g)", "β₁（g 的平均）"),
    "hp beta2": ("β₂ (average of g²)", "β₂（g² 的平均）"),
    "hp amsgrad": ("AMSGrad (keep the largest v)", "AMSGrad（保留最大的 v）"),
    "hp lr": ("learning rate", "学习率"),
    "hp decoupled_weight_decay": ("decoupled weight decay (AdamW)", "解耦权重衰减（AdamW）"),
    "hp line_search": ("line search (halve lr until the loss falls enough)", "线搜索（学习率减半直到损失下降足够）"),
    "hp momentum_decay": ("momentum decay ψ", "动量衰减 ψ"),
    "hp etaminus": ("η− (shrink after a sign flip)", "η−（符号反转后缩小）"),
    "hp etaplus": ("η+ (grow while the sign holds)", "η+（符号不变时增大）"),
    "hp step_min": ("smallest step", "最小步长"),
    "hp step_max": ("largest step", "最大步长"),
    "hp damping": ("damping (added to the Hessian)", "阻尼（加到 Hessian 上）"),
}

OPTIMIZER_NAMES = {
    "gd": ("gradient descent", "梯度下降"), "sgd": ("SGD", "随机梯度下降"),
    "momentum": ("momentum", "动量法"), "nesterov": ("Nesterov", "Nesterov 动量"),
    "adagrad": ("Adagrad", "Adagrad"), "adadelta": ("Adadelta", "Adadelta"),
    "rmsprop": ("RMSprop", "RMSprop"), "adam": ("Adam", "Adam"), "adamw": ("AdamW", "AdamW"),
    "nadam": ("NAdam", "NAdam"), "radam": ("RAdam", "RAdam"), "adamax": ("Adamax", "Adamax"),
    "rprop": ("Rprop", "Rprop"), "lion": ("Lion", "Lion"), "newton": ("Newton's method", "牛顿法"),
    "custom": ("custom", "自定义"),
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


def dashes(colour_hex: str) -> tuple[float, ...] | None:
    """The dash pattern of a series line drawn in ``colour_hex`` (:data:`DASHES`), None: solid.

        >>> dashes(colour("momentum")), dashes(colour("adam"))
        ((3.7, 1.6), None)
    """
    return DASHES.get(colour_hex.upper())


def outcome(traj, lang: str = "en") -> str | None:
    """A stopped run's outcome in words: '12 steps', '12 steps to a local minimum', 'stopped at a
    saddle point after 12 steps', 'diverged'; None while it is still going (max_steps).

        >>> outcome(gd.run(gd.optimizer("gd", lr=0.1), "saddle", start=[0.0, 1.0]))
        'stopped at a saddle point after 66 steps'
    """
    n = int(traj.n_steps)
    if traj.status == "diverged":
        return label("diverged", lang)
    if traj.status != "converged":
        return None
    steps = f"{n} 步" if lang == "zh" else f"{n} step{'s' * (n != 1)}"
    why = getattr(traj, "reason", "")
    return label(f"stop {why}", lang).format(n=steps) if f"stop {why}" in LABELS else steps


def colon(lang: str = "en") -> str:
    """': ' in English, the full-width '：' in Chinese."""
    return "：" if lang == "zh" else ": "


def ordinal(n: int, lang: str = "en") -> str:
    """A place in a race: '1st', '2nd', '3rd', '11th'; '第 1 名' in Chinese."""
    if lang == "zh":
        return f"第 {n} 名"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def bracketed(text: str, lang: str = "en") -> str:
    """' (text)' in English, '（text）' with full-width brackets in Chinese."""
    return f"（{text}）" if lang == "zh" else f" ({text})"


def readout(x: float) -> str:
    """A loss for a person to read on screen: 2.63, 0.0736, '< 0.0001' (not 6.2e-32),
    '16,100,000', '> 10^9'.

        >>> readout(6.2e-32), readout(0.07361), readout(1.61e7)
        ('< 0.0001', '0.0736', '16,100,000')
    """
    x = float(x)
    if x != x:
        return "–"
    if abs(x) < 1e-4:
        return "0" if x == 0 else "< 0.0001"
    if abs(x) < 1e4:
        return f"{x:.3g}" if abs(x) >= 1e-3 else f"{x:.4f}"
    return f"{x:,.0f}" if abs(x) < 1e9 else "> 10^9"


def fmt_number(x: float) -> str:
    """Compact number for labels: 0.001, 1.6, 2.5e-05, 3.1e+07."""
    x = float(x)
    if x == 0:
        return "0"
    if 1e-3 <= abs(x) < 1e4:
        return f"{x:.3g}"
    return f"{x:.2g}"

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
    # the optimizers beyond the course's eight: Paul Tol's muted palette (colour-blind safe)
    "adamw": "#882255", "nadam": "#CC6677", "radam": "#332288", "adamax": "#44AA99", "rprop": "#999933",
    "lion": "#AA4499", "newton": "#A6761D",
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
    # -- manim scenes (gdviz/scenes): read-outs and closing captions; {} filled in by the scene --
    "lr caption": ("Goldilocks (lr {gold}) reaches the minimum in {n_gold}, too small ({small}) in {n_small}.\n"
                   "Too large ({large}) overshoots farther at every step: it diverges.",
                   "恰到好处（学习率 {gold}）{n_gold}就到达最小值，过小（{small}）要 {n_small}。\n"
                   "过大（{large}）每一步都越过最低点，而且越落越远：发散。"),
    "contour act bowl": ("Gradient descent on a round bowl", "圆碗上的梯度下降"),
    "contour act elongated": ("Gradient descent on an elongated bowl", "狭长碗上的梯度下降"),
    "contour caption bowl": ("On a round bowl the negative gradient points straight at the minimum: "
                             "lr = {lr} arrives in {n}.",
                             "在圆碗上，负梯度直指最小值：学习率 {lr} 用 {n}到达。"),
    "contour caption elongated": ("On an elongated bowl the gradient points across the valley, not at the "
                                  "minimum: the path zig-zags and needs {n}.",
                                  "在狭长的碗上，梯度指向山谷两侧，而不是指向最小值：路径呈之字形，需要 {n}。"),
    "contour act scaling": ("The same data with raw and with standardized x: condition number {raw} vs {std}",
                            "同一份数据，原始的 x 与标准化的 x：条件数 {raw} 对 {std}"),
    "contour caption scaling": ("Standardizing x makes the contours round (condition number {c0} → {c1}):\n"
                                "from the same start, gradient descent needs {std} instead of {raw}.",
                                "标准化 x 让等高线变圆（条件数 {c0} → {c1}）：\n"
                                "从同一起点出发，梯度下降只需 {std}，而不是 {raw}。"),
    "race steps": ("Same start, up to {n} each, each at its best learning rate (in brackets) of {grid} tried",
                   "同一起点，每个最多 {n}；括号内为各自在 {grid} 个学习率中最好的一个"),
    "race caption tuned": ("Each at its own best rate, {best} reaches the tolerance first ({n}), "
                           "then {next} ({m}).",
                           "各自使用最佳学习率时，{best}最先达到容差（{n}），其次是{next}（{m}）。"),
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
    "inside adaptive caption": ("Adagrad's √Σg² only grows, most on steep {steep} ({s_steep} vs {s_flat}): "
                                "{steep}'s rate shrinks to {r_steep}, {flat}'s to {r_flat}.\n"
                                "Adam's √v̂ forgets: as gradients fade its rates grow back; steep {steep}'s stays lower "
                                "({a_steep} vs {a_flat}).\n"
                                "Both paths bend toward the minimum, no zig-zag: Adagrad arrives in {n_ada}, "
                                "Adam in {n_adam}.",
                                "Adagrad 的 √Σg² 只增不减，陡峭的 {steep} 方向增长最多（{s_steep} 对 {s_flat}）："
                                "{steep} 的学习率缩小到 {r_steep}，{flat} 的为 {r_flat}。\n"
                                "Adam 的 √v̂ 会遗忘：梯度变小后学习率又变大，但陡峭的 {steep} 方向仍然更小"
                                "（{a_steep} 对 {a_flat}）。\n"
                                "两条路径都弯向最小值，而不是走之字形：Adagrad 用 {n_ada}到达，Adam 用 {n_adam}。"),
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
    "first updates": ("the first {n} updates", "前 {n} 次更新"),
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
    "other order": ("dashed: push first, then carried (same sum)", "虚线：先推力、后带过来的速度（和相同）"),
    "carried > step": ("carried > step: the gradient pushes back", "带过来的 > 实际的一步：梯度往回推"),
    "look-ahead torch": ("look-ahead point: PyTorch's parameter, gradient taken here",
                         "前瞻点：即 PyTorch 的参数，在此计算梯度"),
    "nesterov step": ("step taken θₜ → θₜ₊₁ = jump + push", "实际的一步 θₜ → θₜ₊₁ = 跳 + 推力"),
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
    "tuned how": ("each rate: the best of {grid} from {lo} to {hi} (fewest steps to the tolerance, "
                  "diverged runs excluded, ties by final loss)",
                  "每个学习率：{lo} 到 {hi} 之间 {grid} 个中最好的"
                  "（达到容差的步数最少，排除发散，平局时比较最终损失）"),
    "optimizer": ("optimizer", "优化器"),
    "steps to tolerance": ("steps to tolerance", "达到容差的步数"),
    "wall time": ("wall time", "用时"),
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
    "lr after k": ("after {k} steps: {d} from the minimum", "{k} 步后：距最小值 {d}"),
    "lr wider axes": ("wider axes", "坐标范围更大"),
    "lr limits": ("{surface}, L = {L}: 1/L = {one} reaches the minimum in one step; from 2/L = {two} on, every "
                  "rate diverges",
                  "{surface}，L = {L}：1/L = {one} 一步到达最小值；从 2/L = {two} 起，所有学习率都发散"),
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
    "loss functions": ("L1, L2 and Huber loss, and a fit with outliers", "L1、L2 与 Huber 损失，以及含离群点的拟合"),
    "residual": ("residual r = prediction - y", "残差 r = 预测值 - y"),
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
                      "learning-rate slider walk through round rates.",
                      "键盘：Tab 在控件间移动；S 或 . 单步，P 播放或暂停，R 重置；"
                      "在学习率滑块上用方向键逐个选取整齐的学习率。"),
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
    "explorer converged at": ("converged at step {n}", "第 {n} 步收敛"),
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


def colon(lang: str = "en") -> str:
    """': ' in English, the full-width '：' in Chinese."""
    return "：" if lang == "zh" else ": "


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

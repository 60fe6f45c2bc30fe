"""Issue 18's pictures: the momentum map (simulated against theory, the best points and their
paths) and the basins (what restarts buy). Their claims hold with the numbers the captions print,
a misleading map fails them, the figures read back in English and Chinese, and draw_map /
draw_basins / map_figure draw any Map or Basins a user makes."""
from dataclasses import replace

import imageio.v3 as iio
import numpy as np
import pytest
from matplotlib.text import Text

import gdviz as gd
from gdviz import lessons
from gdviz.errors import UserInputError
from gdviz.gallery import load
from gdviz.lessons import maps as lesson
from gdviz.maps.result import DIVERGED
from gdviz.render import figures, mpl
from gdviz.render.figures import maps as fig_maps


@pytest.fixture(scope="module")
def mm():
    return lessons.momentum_map()


@pytest.fixture(scope="module")
def basins():
    return lessons.basin_maps()


def claims_of(runs):
    return {c.key: c for c in runs.claims}


def entry(name):
    return next(e for e in load().entries if e.name == name)


# -- the momentum map ---------------------------------------------------------------------------
def test_momentum_map_claims_hold_with_the_captions_numbers(mm):
    c = claims_of(mm)
    assert set(c) == {"map-agrees", "boundary-line", "paths-as-marked", "sqrt-kappa-steps"}
    assert all(x.holds for x in mm.claims), [x.failure() for x in mm.claims if not x.holds]
    sim, theory = mm.info["map"], mm.info["theory"]
    assert sim.values.shape == theory.values.shape == (256, 256) and sim.method == "simulate"
    assert c["map-agrees"].numbers["agree"] == 1.0 and c["map-agrees"].numbers["disagree"] == 0
    assert c["boundary-line"].numbers["wrong"] == 0
    assert [int(t.n_steps) for t in mm.trajectories] == [173, 48, 305, 7]
    assert [t.status for t in mm.trajectories] == ["converged"] * 3 + ["diverged"]
    assert mm.info["counts"] == {1e-6: [173.0, 48.0], 1e-12: [311.0, 81.0]}
    long_run = c["sqrt-kappa-steps"].numbers["long_run"]
    assert long_run == pytest.approx(138 / 33) and abs(long_run / np.sqrt(20) - 1) < 0.1
    caption = entry("momentum-map").text("caption", "en")
    caption_zh = entry("momentum-map").text("caption", "zh")
    for number in ("65,536", "0.09524", "173", "0.1336", "0.4026", "48", "305", "0.25", "4.18", "138", "33", "4.47"):
        assert number in caption and number in caption_zh, number


def test_the_best_points_are_distills_formulas_to_four_digits():
    d = lesson.best_settings(1.0, 20.0)
    assert d["gd best"] == (0.09524, 0.0)                     # 2 / (L + mu)
    assert d["momentum best"] == (0.1336, 0.4026)   # (2 / (√L + √μ))², ((√κ − 1) / (√κ + 1))²
    assert lesson.boundary_lr(0.5, 20.0) == pytest.approx(0.15)


def test_a_map_that_disagrees_with_the_theory_away_from_the_boundary_fails(mm):
    sim = mm.info["map"]
    codes = sim.codes.copy()
    codes[:20, :20] = DIVERGED            # small rates and little momentum: far inside the region
    broken = replace(mm, info={**mm.info, "map": replace(sim, codes=codes)})
    c = claims_of(replace(broken, claims=lesson.map_claims(broken)))
    assert not c["map-agrees"].holds and c["map-agrees"].numbers["disagree"] == 400
    assert c["map-agrees"].numbers["near"] == 0
    assert c["map-agrees"].failure().startswith('"the simulated map agrees')


def test_a_point_past_the_boundary_that_converges_fails_its_claim(monkeypatch):
    monkeypatch.setattr(lesson, "PAST", 0.12)         # inside the region at beta = 0.4026 (boundary 0.14)
    runs = lesson.momentum_map(n=32)
    c = claims_of(runs)
    assert not c["paths-as-marked"].holds and runs.trajectories[3].status == "converged"


def test_momentum_map_needs_a_quadratic_and_a_sane_size():
    with pytest.raises(UserInputError, match="momentum-map draws the theory's map beside the simulated one"):
        lesson.momentum_map("rosenbrock", n=16)
    with pytest.raises(UserInputError, match="n must be a whole number of pixels per axis from 16 to 1024"):
        lesson.momentum_map(n=5000)


# -- the basins ----------------------------------------------------------------------------------
def test_basins_claims_hold_with_the_captions_numbers(basins):
    """Shares within a few starts: a start on a ridge may tip with the C library's last bit of sin."""
    c = claims_of(basins)
    assert set(c) == {"restarts-buy", "all-global"} and all(x.holds for x in basins.claims)
    egg, himmelblau = basins.info["basins"]
    assert egg.labels.shape == (200, 200) and egg.global_share == pytest.approx(0.0484, abs=5e-4)
    n = c["restarts-buy"].numbers
    assert n["restarts_share"] == pytest.approx(0.056, abs=1e-3) and n["z"] < 2
    assert n["se"] == pytest.approx(np.sqrt(0.056 * 0.944 / 2000), rel=0.02)
    assert lesson.find_once(egg.global_share, 12) == pytest.approx(1 - (1 - 0.0484) ** 12, abs=5e-3)
    assert himmelblau.none_share == 0 and np.allclose(himmelblau.share, [0.255, 0.26, 0.238, 0.247], atol=1e-3)
    local = egg.share[1:]
    for text in (entry("basins").text("caption", "en"), entry("basins").text("caption", "zh")):
        for number in ("200 × 200", "4.8%", "2000", "5.6%", "45%", "24", f"{local.min():.1%}", f"{local.max():.1%}",
                       "23.8%", "26.0%"):
            assert number in text, number


def test_a_grid_share_far_from_the_restarts_fails(basins):
    far = replace(basins, info={**basins.info, "restarts": 0.2})
    c = claims_of(replace(far, claims=lesson.basin_claims(far)))
    assert not c["restarts-buy"].holds and c["restarts-buy"].numbers["z"] > 2


def test_basins_are_grouped_by_loss_level_on_the_egg_crate_and_one_each_on_himmelblau(basins):
    egg, himmelblau = basins.info["basins"]
    s_egg, s_him = basins.info["surfaces"]
    groups = fig_maps.basin_groups(egg, s_egg)
    assert [len(idx) for _, idx, _ in groups] == [1, 4, 4, 4, 8, 4]
    assert [kind for _, _, kind in groups] == ["global"] + ["local"] * 5
    assert sorted(i for _, idx, _ in groups for i in idx) == list(range(25))
    assert [kind for _, _, kind in fig_maps.basin_groups(himmelblau, s_him)] == ["global"] * 4


# -- the figures, as the gallery draws them ------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("kind, runs_name, size", [("momentum-map", "mm", (1560, 720)),
                                                   ("basins", "basins", (1300, 720))])
def test_figures_read_back_in_both_languages_with_the_claims_numbers(kind, runs_name, size, lang, request,
                                                                     tmp_path):
    runs = request.getfixturevalue(runs_name)
    fig = figures.figure(kind, lang=lang, runs=runs)
    with mpl.rc(lang):
        fig.canvas.draw()
    texts = " ".join(t.get_text() for t in fig.findobj(Text) if t.get_visible())
    if kind == "momentum-map":
        assert all(f"{n}" in texts for n in (173, 48, 305, "0.09524", "0.1336", "0.4026"))
        assert ("diverged after 7 steps" if lang == "en" else "7 步后发散") in texts
    else:
        assert "4.8%" in texts and "5.6%" in texts and "45%" in texts
    for ext in ("png", "svg", "pdf"):
        path = figures.save(fig, tmp_path / f"{kind}.{ext}")
        assert path.stat().st_size > 1000
    assert iio.imread(tmp_path / f"{kind}.png").shape[:2] == (size[1], size[0])


# -- for users: draw_map, draw_basins, map_figure ------------------------------------------------
@pytest.mark.parametrize("measure", ["steps", "loss", "rate", "trainability"])
def test_map_figure_draws_every_measure_and_greys_what_has_no_value(measure, tmp_path):
    m = gd.map("momentum", "elongated", x=("lr", np.geomspace(1e-2, 1, 24)), y=("momentum", np.linspace(0, 0.99, 20)),
               steps=200, measure=measure)
    fig = gd.render.map_figure(m)
    ax = fig.axes[0]
    values, greys = ax.collections[0].get_array(), ax.collections[1].get_array()
    diverged = m.codes == DIVERGED
    assert np.ma.count(greys[diverged]) == diverged.sum() > 0
    assert np.isfinite(np.ma.compressed(values)).all()                 # no NaN is drawn as a colour
    assert np.ma.count(values) + np.ma.count(greys) == m.values.size   # every pixel is drawn, once
    labels = [h.get_text() for h in ax.get_legend().get_texts()]
    assert "diverged" in labels
    if measure == "steps":
        assert "not converged in 200 steps" in labels
    figures.save(fig, tmp_path / "m.png")
    assert iio.imread(tmp_path / "m.png").shape[:2] == (760, 860)


def test_draw_map_on_a_users_axes_with_the_theory_outlined():
    from gdviz.render.mpl import new_figure

    x, y = ("lr", np.geomspace(1e-2, 1, 30)), ("momentum", np.linspace(0, 0.9, 30))
    m = gd.map("momentum", "elongated", x=x, y=y, measure="rate", steps=300)
    theory = gd.map("momentum", "elongated", x=x, y=y, method="theory")
    with mpl.rc("zh"):
        fig = new_figure(500, 400)
        ax = fig.add_subplot()
        handles = gd.render.draw_map(ax, m, lang="zh", boundary=theory)
    assert [h.get_label() for h in handles] == ["发散", "理论边界（收敛率 = 1）"]
    assert ax.get_xscale() == "log" and ax.get_xlabel() == "学习率 α"


def test_draw_basins_shares_in_the_legend():
    from gdviz.render.mpl import new_figure

    b = gd.basins("himmelblau", grid=40)
    with mpl.rc("en"):
        fig = new_figure(500, 400)
        handles = gd.render.draw_basins(fig.add_subplot(), b, surface=gd.surface("himmelblau"))
    assert [h.get_label() for h in handles] == [
        f"global minimum ({', '.join(f'{v:.3g}' for v in p)}): {s:.1%}" for p, s in zip(b.minima, b.share)]


def test_map_figure_refuses_what_is_not_a_map():
    with pytest.raises(UserInputError, match="map_figure draws a gdviz Map or Basins, got dict"):
        gd.render.map_figure({})
    with pytest.raises(UserInputError, match="draw_map draws a gdviz Map"):
        fig_maps.draw_map(None, gd.basins("himmelblau", grid=8))


def test_a_pixel_off_on_the_boundary_is_counted_and_never_rounded_away():
    """κ = 50: one pixel of 65,536 disagrees, on the boundary; the claim holds, the subtitle says
    99.998% (not a rounded 100.00%) and the legend circles that 1 pixel; √κ holds there too."""
    runs = lessons.momentum_map(gd.surface("elongated", condition=50), steps=2000)
    c = claims_of(runs)
    assert all(x.holds for x in runs.claims), [x.failure() for x in runs.claims if not x.holds]
    assert c["map-agrees"].numbers["disagree"] == c["map-agrees"].numbers["near"] == 1
    assert abs(c["sqrt-kappa-steps"].numbers["long_run"] / np.sqrt(50) - 1) < 0.1
    fig = figures.figure("momentum-map", runs=runs)
    texts = " ".join(t.get_text() for t in fig.findobj(Text))
    assert "99.998% of the pixels" in texts and "simulation ≠ theory (1 pixel)" in texts

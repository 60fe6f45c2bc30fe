"""A picture's claim is code: every built-in entry's claims hold on the runs it draws, a
misleading picture is caught, and the gallery reports claims the way the spec says."""
import re

import numpy as np
import pytest

import gdviz as gd
from gdviz import lessons
from gdviz.claims import Claim, crossings
from gdviz.cli import main
from gdviz.gallery import build, load
from gdviz.gallery.render import entry_runs

BUILTIN = load()


@pytest.mark.parametrize("entry", BUILTIN.entries, ids=[e.name for e in BUILTIN.entries])
def test_every_builtin_entry_states_claims_that_hold(entry):
    claims = [c for r in entry_runs(entry) for c in r.claims]
    assert claims, f"entry '{entry.name}' states no claim"
    assert not [c.failure() for c in claims if not c.holds]
    for c in claims:   # both languages, with numbers
        assert c.text["en"] and c.text["zh"] and c.evidence["en"] and c.evidence["zh"]
        assert re.search(r"\d", c.evidence["en"]), c.line()


def test_claim_numbers_are_the_runs_numbers():
    runs = lessons.lr_exercise()
    steps = [int(t.n_steps) for t in runs.trajectories[:5]]
    assert steps == [81, 10, 6, 1, 3] and runs.trajectories[5].status == "diverged"
    course = next(c for c in runs.claims if c.key == "course-counts")
    assert course.holds and "0.7 → 10" in course.evidence["en"] and "4 → diverges" in course.evidence["en"]
    mo = lessons.momentum()
    faster = mo.claims[0]
    assert faster.numbers["fast"] == mo.of("momentum").n_steps < faster.numbers["slow"][0] == mo.of("gd").n_steps
    assert mo.rates[0] == mo.rates[1]   # the same learning rate for both


@pytest.mark.parametrize("build_runs, key", [
    # momentum at a rate where it is slower than gradient descent
    (lambda: lessons.momentum(lr=0.09), "momentum-faster"),
    # "too small, Goldilocks, too large" with no rate in the Goldilocks band
    (lambda: lessons.lr_triptych("parabola", [0.16, 0.5, 3.36]), "goldilocks-shown"),
    # random restarts that never find the global minimum (seed 0)
    (lambda: lessons.restarts(seed=0), "restarts-find-global"),
    # momentum on the egg crate from another start: it stops in a local minimum too
    (lambda: lessons.rolling(start=[-5.0, -2.5]), "rolls-through"),
    # a race whose tuning range is too narrow: the best rate sits at its edge
    (lambda: lessons.race_runs(gd.race("elongated", ["gd"], span=(1e-3, 1e-2), steps=600)), "fair"),
])
def test_a_misleading_picture_fails_its_claim(build_runs, key):
    runs = build_runs()
    claim = next(c for c in runs.claims if c.key == key)
    assert not claim.holds
    assert claim.failure().startswith('"') and "does not hold:" in claim.failure()


def test_regime_labels_follow_the_rates_given():
    runs = lessons.lr_triptych("parabola", [0.16, 1.6, 2.96])
    assert runs.series == ["too small", "goldilocks", "too large"]
    too_large = next(c for c in runs.claims if c.key == "too-large-bounces")
    assert too_large.holds   # 2.96 overshoots every step and is slower than 1.6: true, and said so
    assert crossings([1, -1, 1, 0, -1]) == 3


def test_claim_round_trips_through_json():
    c = lessons.momentum().claims[0]
    assert Claim.from_dict(c.to_dict()).line("zh") == c.line("zh")


MISLEADING = """
title = "week 3"
[[entry]]
name = "momentum"
kind = "figure"
lr = 0.09
caption = "Momentum wins"
"""


def test_a_users_misleading_entry_warns_once_and_strict_fails_it(tmp_path, capsys):
    spec = tmp_path / "g.toml"
    spec.write_text(MISLEADING)
    out = tmp_path / "site"
    assert main(["build", str(spec), "--out", str(out), "--jobs", "1"]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    warnings = [line for line in err if line.startswith("gdviz: warning:")]
    assert len(warnings) == 1, err   # one line per entry, not per language
    assert re.fullmatch(r'gdviz: warning: momentum: "momentum at the same rate reaches the minimum in fewer '
                        r'steps than gradient descent" does not hold: \d+ steps vs \d+ steps', warnings[0])
    assert (out / "momentum.png").is_file() and (out / "momentum-zh.png").is_file()
    page = (out / "index.html").read_text()
    assert 'class="fails"' in page and "does not hold" not in page   # the page shows it marked, not as an error
    assert main(["build", str(spec), "--out", str(tmp_path / "strict"), "--jobs", "1", "--strict"]) == 1
    err = capsys.readouterr().err
    assert 'failed: momentum.png: momentum: "momentum at the same rate' in err
    assert not (tmp_path / "strict" / "momentum.png").exists()


def test_the_builtin_gallery_refuses_a_picture_whose_claim_fails(tmp_path, monkeypatch):
    from functools import partial

    from gdviz.lessons import inside

    # from another start momentum no longer rolls through to the global minimum
    monkeypatch.setitem(lessons.BUILDERS, "rolling", partial(inside.rolling, start=(-5.0, -2.5)))
    result = build(None, tmp_path, only=["momentum-egg-crate"], langs=("en",), jobs=1)
    assert list(result.failed) == ["momentum-egg-crate.gif"]
    message = result.failed["momentum-egg-crate.gif"]
    assert message.startswith('momentum-egg-crate: "at the same rate, momentum rolls through the dimples to the '
                              'global minimum; gradient descent stops in the first one" does not hold:')
    assert not (tmp_path / "momentum-egg-crate.gif").exists()


def test_index_page_shows_each_claim_with_its_numbers(tmp_path):
    import html

    result = build(None, tmp_path, only=["lr-exercise", "momentum"], jobs=1)
    assert not result.failed
    page = (tmp_path / "index.html").read_text()
    ex = result.claims["lr-exercise.png"]
    assert ex and all(c.holds for c in ex)
    for c in ex + result.claims["momentum-zh.png"]:
        lang = ("zh" if any("\u4e00" <= ch <= "\u9fff" for ch in c.line("zh")) and c in result.claims["momentum-zh.png"]
                else "en")
        assert all(html.escape(part) in page for part in (c.text[lang], c.evidence[lang]))   # words; numbers
    again = build(None, tmp_path, only=["lr-exercise"], jobs=1)   # cached: claims come from the manifest
    assert again.cached and [c.line() for c in again.claims["lr-exercise.png"]] == [c.line() for c in ex]


def test_plot_warns_when_its_picture_misleads(tmp_path, capsys):
    assert main(["plot", "momentum", "--lr", "0.09", "-o", str(tmp_path / "m.png")]) == 0
    err = capsys.readouterr().err
    assert "gdviz: warning: this picture misleads:" in err and (tmp_path / "m.png").is_file()


def test_goldilocks_sweep_claim_uses_the_fastest_rate():
    runs = lessons.sweep("elongated", rates=np.geomspace(0.01, 0.12, 30), steps=3000)
    c = next(c for c in runs.claims if c.key == "fastest-near-goldilocks")
    assert c.holds and c.numbers["best"] == pytest.approx(gd.regimes("elongated").goldilocks, rel=0.1)

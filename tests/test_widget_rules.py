"""The notebook widget and the page mean the same by a change (issue 19 §3): setting ``surface`` or
``mode`` from Python brings what the page's surface menu and mode buttons bring (gdviz.web.state's
on_surface and on_mode, the page's onSurface and setMode), checked against the page in Chromium."""
import pytest
from conftest import mount_widget, needs_browser

import gdviz as gd
from gdviz.web.page import _entry

pytest.importorskip("anywidget")
KEYS = ["surface", "mode", "optimizer", "lr", "hyper", "others", "start", "t", "steps", "racers"]


def test_a_new_surface_re_suggests_the_rate_and_resets_the_start():
    w = gd.explore("rosenbrock", start=[1.0, 2.0])
    assert w.lr == _entry("rosenbrock")["suggest"]["gd"] == 0.00073
    w.surface = "egg-crate"
    assert w.lr == _entry("egg-crate")["suggest"]["gd"] and w.start is None and w.t == -1


def test_the_exercise_mode_sets_what_the_exercise_button_sets():
    w = gd.explore("rosenbrock", optimizer="adam", hyper={"beta1": 0.8})
    w.mode = "exercise"
    assert (w.optimizer, w.lr, w.hyper, w.t) == ("gd", 0.1, {}, 0)
    assert w.others["adam"] == {"lr": _entry("rosenbrock")["suggest"]["adam"], "beta1": 0.8}
    assert w.trajectory().params[0].tolist() == _entry("parabola")["start"]


def test_explore_keeps_the_values_it_is_given():
    w = gd.explore("rosenbrock", optimizer=["gd", "adam"], lr=0.002, steps=300, start=[0.5, 0.5])
    assert (w.lr, w.steps, w.start, w.mode) == (0.002, 300, [0.5, 0.5], "race")


@needs_browser
def test_python_and_the_page_agree_on_what_a_change_means(browser):
    w = gd.explore("rosenbrock", optimizer="adam", hyper={"beta1": 0.8}, start=[1.0, 2.0])
    page, errs = mount_widget(browser, w.get_state())
    read = "(keys) => Object.fromEntries(keys.map((k) => [k, model.get(k)]))"
    for name, value in [("surface", "egg-crate"), ("mode", "exercise"), ("mode", "race"), ("surface", "beale"),
                        ("mode", "single"), ("surface", "rosenbrock")]:
        if name == "surface":   # the controls a learner uses
            page.select_option('.gdx-field[data-prop="surface"] select', value)
        else:
            page.click(f'.gdx-seg-mode button[data-value="{value}"]')
        setattr(w, name, value)
        assert page.evaluate(read, KEYS) == {k: getattr(w, k) for k in KEYS}, (name, value)
    assert errs == []
    page.close()

"""The notebook widget and the page mean the same by a change (issue 19 §3): setting ``surface`` or
``mode`` or ``optimizer`` from Python brings what the page's surface menu, mode buttons and optimizer
menu bring (gdviz.web.state's on_surface, on_mode and on_optimizer, the page's onSurface, setMode and
focusOn), checked against the page in Chromium; values given together win."""
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


def test_a_new_optimizer_brings_its_own_settings_and_keeps_the_old_ones_aside():
    """As the page's optimizer menu: Adam at its suggested rate with its default hyperparameters,
    gradient descent's rate kept in ``others`` and brought back when it returns."""
    w = gd.explore("rosenbrock", optimizer="momentum", lr=0.0005, hyper={"momentum": 0.8}, start=[1.0, 2.0])
    w.optimizer = "adam"
    assert (w.optimizer, w.lr, w.hyper, w.t) == ("adam", _entry("rosenbrock")["suggest"]["adam"], {}, -1)
    assert w.others == {"momentum": {"lr": 0.0005, "momentum": 0.8}} and w.start == [1.0, 2.0]
    w.hyper = {"beta1": 0.7}
    w.optimizer = "momentum"
    assert (w.lr, w.hyper) == (0.0005, {"momentum": 0.8})
    assert w.others == {"adam": {"lr": _entry("rosenbrock")["suggest"]["adam"], "beta1": 0.7}}


def test_values_given_together_win_over_what_a_change_implies():
    w = gd.explore("rosenbrock", start=[1.0, 2.0])
    with w.hold_trait_notifications():
        w.surface = "egg-crate"
        w.lr = 0.05
    assert (w.surface, w.lr, w.start) == ("egg-crate", 0.05, None)
    w.surface = "beale"   # alone: the suggestion
    assert w.lr == _entry("beale")["suggest"]["gd"]
    with w.hold_trait_notifications():
        w.optimizer = "adam"
        w.hyper = {"beta1": 0.8}
        w.lr = 0.02
    assert (w.optimizer, w.lr, w.hyper) == ("adam", 0.02, {"beta1": 0.8})
    assert w.others == {"gd": {"lr": _entry("beale")["suggest"]["gd"]}}
    with w.hold_trait_notifications():   # a new surface and optimizer: the optimizer's rate there
        w.surface = "rosenbrock"
        w.optimizer = "gd"
    assert (w.lr, w.hyper) == (_entry("rosenbrock")["suggest"]["gd"], {})
    assert w.others == {"adam": {"lr": _entry("rosenbrock")["suggest"]["adam"], "beta1": 0.8}}


def test_explore_keeps_the_values_it_is_given():
    w = gd.explore("rosenbrock", optimizer=["gd", "adam"], lr=0.002, steps=300, start=[0.5, 0.5])
    assert (w.lr, w.steps, w.start, w.mode) == (0.002, 300, [0.5, 0.5], "race")


@needs_browser
def test_python_and_the_page_agree_on_what_a_change_means(browser):
    w = gd.explore("rosenbrock", optimizer="adam", hyper={"beta1": 0.8}, start=[1.0, 2.0])
    page, errs = mount_widget(browser, w.get_state())
    read = "(keys) => Object.fromEntries(keys.map((k) => [k, model.get(k)]))"
    for name, value in [("surface", "egg-crate"), ("optimizer", "gd"), ("optimizer", "momentum"),
                        ("optimizer", "adam"), ("mode", "exercise"), ("mode", "race"), ("surface", "beale"),
                        ("mode", "single"), ("optimizer", "gd"), ("surface", "rosenbrock"), ("optimizer", "adam")]:
        if name in ("surface", "optimizer"):   # the controls a learner uses
            page.select_option(f'.gdx-field[data-prop="{name}"] select', value)
        else:
            page.click(f'.gdx-seg-mode button[data-value="{value}"]')
        setattr(w, name, value)
        assert page.evaluate(read, KEYS) == {k: getattr(w, k) for k in KEYS}, (name, value)
    assert errs == []
    page.close()


@needs_browser
def test_in_the_exercise_another_optimizer_is_refused_as_on_the_page(browser, tmp_path):
    """The exercise is gradient descent's: Python refuses another optimizer there with the page's
    words (view.js checkChanges), and nothing changes."""
    from gdviz.web.page import write_explorer

    why = "the exercise is gradient descent's: optimizer must be 'gd' in mode 'exercise'"
    w = gd.explore("rosenbrock", optimizer="adam")
    w.mode = "exercise"
    before = {k: getattr(w, k) for k in KEYS}
    with pytest.raises(gd.UserInputError, match=why):
        w.optimizer = "momentum"
    assert {k: getattr(w, k) for k in KEYS} == before
    page = browser.new_page()
    page.goto(write_explorer(tmp_path / "explorer.html", ["rosenbrock"]).as_uri())
    page.wait_for_function("document.documentElement.dataset.ready === '1'", timeout=15000)
    page.evaluate("gdviz.set({mode: 'exercise'})")
    said = page.evaluate("() => { try { gdviz.set({optimizer: 'momentum'}); } catch (e) { return e.message; } }")
    assert why in said
    page.close()

"""Random restarts on the egg crate: different starts end in different minima."""
from __future__ import annotations

from manim import DOWN, RIGHT, FadeIn, Group, ValueTracker, Write, linear

from .. import lessons
from ..mobjects import ContourField, TrajectoryPath
from ..mobjects.common import MUTED, text
from ..style import OKABE_ITO, label as L
from .base import GdvizScene


class LocalMinima(GdvizScene):
    """N seeded starts run at once; paths that reach the global minimum are vermillion."""

    n_starts = 10
    seconds = 6.0

    def construct(self):
        runs = lessons.restarts("egg-crate", n=self.n_starts, seed=3)
        step = ValueTracker(0)
        field = ContourField(runs.surface, width=6.0, height=6.0, lang=self.lang)
        basin = runs.info["basin"]
        paths = [TrajectoryPath(field, t, step, OKABE_ITO["vermillion"] if b == 0 else OKABE_ITO["blue"],
                                lang=self.lang, stroke_width=3) for t, b in zip(runs.trajectories, basin)]
        stage = Group(field, *paths).to_edge(DOWN, buff=0.25)
        heading = self.heading(L("basins", self.lang), runs.surface.title[self.lang])
        self.play(FadeIn(heading), FadeIn(stage), run_time=self.secs(0.8))
        n = max(t.n_steps for t in runs.trajectories)
        self.play(step.animate.set_value(min(n, 400)), run_time=self.secs(self.seconds), rate_func=linear)
        reached = len({b for b in basin if b >= 0})
        g = sum(b == 0 for b in basin)
        note = (f"{len(basin)} 个起点\n→ {reached} 个不同的最小值\n{g} 个到达全局最小值" if self.lang == "zh"
                else f"{len(basin)} starts\n→ {reached} different minima\n{g} reach the global one")
        summary = text(note, self.lang, size=24, colour=MUTED).next_to(field, RIGHT, buff=0.4)
        self.play(Write(summary), run_time=self.secs(1.0))
        self.wait(self.secs(1.5))

"""The base of every gdviz scene: white background, language, timing and progress reporting."""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, WHITE, Scene, VGroup, config

from ..style import label as L
from ..mobjects.common import INK, MUTED, text


class GdvizScene(Scene):
    """A manim Scene with gdviz's style. Class attributes make the variants:

    lang : "en" or "zh" (a subclass with ``lang = "zh"`` is the Chinese version);
    time_scale : multiplies every run time (tests render a short version with 0.1);
    progress : ``f(seconds_done)``, called as frames are rendered (set by ``gdviz video``).
    """

    lang = "en"
    time_scale = 1.0
    progress = None

    def setup(self):
        self.camera.background_color = WHITE

    def secs(self, seconds: float) -> float:
        """A run time, scaled by ``time_scale`` (never shorter than one frame)."""
        return max(seconds * self.time_scale, 1.0 / config.frame_rate)

    def L(self, key: str) -> str:
        return L(key, self.lang)

    def heading(self, title: str, subtitle: str | None = None) -> VGroup:
        """A title (and subtitle) at the top edge."""
        parts = [text(title, self.lang, size=34, colour=INK, weight="BOLD")]
        if subtitle:
            parts.append(text(subtitle, self.lang, size=22, colour=MUTED))
        return VGroup(*parts).arrange(DOWN, buff=0.08).to_edge(UP, buff=0.25)

    def update_to_time(self, t):
        super().update_to_time(t)
        if self.progress is not None:
            self.progress(self.renderer.time)


__all__ = ["GdvizScene", "DOWN", "LEFT", "RIGHT", "UP"]

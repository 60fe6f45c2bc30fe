"""Slide videos: every slide of a deck is one H.264 video of the deck's size, a title band on
top and the picture below (scaled to fit, centred on white), encoded with PyAV.

- a figure becomes a short still video (:func:`still`);
- a GIF becomes a video of the same frames and timing, which the deck loops (:func:`gif_video`);
- a video is cut at its act boundaries into one video per act (:func:`video_acts`), frame-exact:
  a frame whose time is at or after a boundary starts the next act.
"""
from __future__ import annotations

import bisect
import contextlib
from fractions import Fraction
from pathlib import Path

import numpy as np
from PIL import Image

SIZE = (1280, 720)          # the deck's resolution (manim-slides' and PowerPoint's 16:9)
BAND = 0.1                  # the title band's share of the height
BAND_COLOUR = "#1f2937"
STILL_SECONDS = 1.0         # a figure's still video
STILL_FPS = 10
CRF = "20"                  # x264 quality: sharp text, small files


def title_band(title: str, lang: str, width: int, height: int) -> np.ndarray:
    """The title drawn white on BAND_COLOUR, shrunk to fit the width: (height, width, 3) uint8."""
    from ..render.mpl import new_figure, rc

    fig = new_figure(width, height)
    fig.patch.set_facecolor(BAND_COLOUR)
    with rc(lang):
        size = height * 0.45 * 72 / fig.dpi
        text = fig.text(0.025, 0.5, title, color="white", fontsize=size, va="center", ha="left",
                        fontweight="bold")
        fig.canvas.draw()
        room = 0.95 * width
        wide = text.get_window_extent().width
        if wide > room:
            text.set_fontsize(size * room / wide)
        fig.canvas.draw()
        return np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()


class Canvas:
    """A slide's frame: ``canvas(image)`` puts a PIL image under the slide's title band.

        >>> Canvas("Three rates", "en", (640, 360))(Image.new("RGB", (100, 50))).shape
        (360, 640, 3)
    """

    def __init__(self, title: str, lang: str, size=SIZE, band: bool = True):
        self.width, self.height = size
        self.band = (title_band(title, lang, self.width, max(2, round(self.height * BAND / 2) * 2)) if band
                     else np.zeros((0, self.width, 3), np.uint8))
        self.room = (self.width, self.height - self.band.shape[0])
        self.blank = np.full((self.height, self.width, 3), 255, np.uint8)
        self.blank[: self.band.shape[0]] = self.band

    def fit(self, width: int, height: int) -> tuple[int, int]:
        """The size a picture of ``width`` x ``height`` takes below the band (aspect kept)."""
        scale = min(self.room[0] / width, self.room[1] / height)
        return max(1, round(width * scale)), max(1, round(height * scale))

    def place(self, pixels: np.ndarray) -> np.ndarray:
        """The frame with ``pixels`` (already of a :meth:`fit` size) centred below the band."""
        frame = self.blank.copy()
        h, w = pixels.shape[:2]
        x = (self.room[0] - w) // 2
        y = self.band.shape[0] + (self.room[1] - h) // 2
        frame[y: y + h, x: x + w] = pixels
        return frame

    def __call__(self, image: Image.Image) -> np.ndarray:
        image = image.convert("RGB")
        size = self.fit(*image.size)
        if size != image.size:
            image = image.resize(size, Image.Resampling.BICUBIC)
        return self.place(np.asarray(image))


@contextlib.contextmanager
def writer(path, size, fps):
    """``write(rgb_array)`` into an H.264 MP4 at ``path`` (written atomically: a failure leaves
    no file)."""
    import av

    from ..files import atomic_path

    with atomic_path(path) as tmp:
        container = av.open(str(tmp), mode="w", format="mp4")
        try:
            stream = container.add_stream("libx264", rate=Fraction(fps).limit_denominator(1000))
            stream.width, stream.height = size
            stream.pix_fmt = "yuv420p"
            stream.options = {"crf": CRF, "preset": "veryfast"}

            def write(array):
                for packet in stream.encode(av.VideoFrame.from_ndarray(array, format="rgb24")):
                    container.mux(packet)

            yield write
            for packet in stream.encode():
                container.mux(packet)
        finally:
            container.close()


def still(image, out, canvas: Canvas, seconds: float = STILL_SECONDS) -> Path:
    """A still video of ``image`` (a PIL image or the path of a PNG) under the canvas' title."""
    if isinstance(image, Image.Image):
        frame = canvas(image)
    else:
        with Image.open(image) as opened:
            frame = canvas(opened)
    with writer(out, (canvas.width, canvas.height), STILL_FPS) as write:
        for _ in range(max(1, round(seconds * STILL_FPS))):
            write(frame)
    return Path(out)


def gif_frames(gif_path):
    """(frame durations in ms, RGB images) of a GIF."""
    from PIL import ImageSequence

    durations, images = [], []
    with Image.open(gif_path) as gif:
        for frame in ImageSequence.Iterator(gif):
            durations.append(max(10, int(frame.info.get("duration", 100))))
            images.append(frame.convert("RGB"))
    return durations, images


def gif_video(gif_path, out, canvas: Canvas) -> Path:
    """The GIF as a video with its timing: the shortest frame duration sets the frame rate and
    longer frames (a held last frame) repeat."""
    durations, images = gif_frames(gif_path)
    step = min(durations)
    fps = Fraction(1000, step).limit_denominator(1000)
    with writer(out, (canvas.width, canvas.height), fps) as write:
        for duration, image in zip(durations, images):
            frame = canvas(image)
            for _ in range(max(1, round(duration / step))):
                write(frame)
    return Path(out)


def video_acts(video_path, outs: list, canvas: Canvas, cuts: list[float]) -> list[Path]:
    """Cut the video at the times ``cuts`` (seconds, increasing) into ``len(cuts) + 1`` videos
    ``outs``: a frame at time t goes to act ``bisect_right(cuts, t)`` (a frame exactly at a
    boundary starts the next act). Returns the act videos written (an act with no frame is
    left out)."""
    import itertools

    import av

    assert len(outs) == len(cuts) + 1
    written = []
    with av.open(str(video_path)) as source:
        stream = source.streams.video[0]
        fps = stream.average_rate or stream.guessed_rate or 30
        frames = source.decode(stream)
        for act, group in itertools.groupby(frames, key=lambda f: bisect.bisect_right(cuts, float(f.time) + 1e-9)):
            with writer(outs[act], (canvas.width, canvas.height), fps) as write:
                for frame in group:   # scaled by the decoder's scaler (3x faster than PIL's)
                    w, h = canvas.fit(frame.width, frame.height)
                    write(canvas.place(frame.reformat(width=w, height=h, format="rgb24",
                                                      interpolation="BICUBIC").to_ndarray()))
            written.append(Path(outs[act]))
    return written


def act_cuts(video_path) -> list[float]:
    """Where the video's acts begin after the first (seconds), from its scene timeline
    (:mod:`gdviz.timeline`, the sidecar beside it); none (one act) when it has no timeline."""
    from ..timeline import read

    timeline = read(video_path)
    return list(timeline.acts) if timeline is not None else []


def act_timelines(video_path) -> list | None:
    """The video's timeline cut like the video: one :class:`gdviz.timeline.Timeline` per act,
    its cues clipped to the act and timed from the act's start; None without a timeline."""
    from ..timeline import Cue, Timeline, read

    timeline = read(video_path)
    if timeline is None:
        return None
    bounds = [0.0, *timeline.acts, timeline.duration]
    return [Timeline(b - a, [Cue(max(c.start, a) - a, min(c.end, b) - a, c.text) for c in timeline.cues
                             if c.end > a and c.start < b], [], timeline.lang)
            for a, b in zip(bounds, bounds[1:])]


def frames_of(path, fps_max: float = 10.0, width_max: int = 960):
    """(frames per second, RGB images) of a GIF or video at its own frame rate, or at most
    ``fps_max`` (frames sampled, a held frame repeated), at most ``width_max`` pixels wide
    (Beamer's frame sequences)."""
    if Path(path).suffix.lower() == ".gif":
        durations, images = gif_frames(path)
        starts = list(np.cumsum([0] + durations[:-1]) / 1000.0)
        total, native = sum(durations) / 1000.0, 1000.0 / min(durations)
    else:
        import av

        with av.open(str(path)) as source:
            stream = source.streams.video[0]
            native = float(stream.average_rate or 30)
            images, starts = [], []
            for frame in source.decode(stream):
                images.append(frame.to_image())
                starts.append(float(frame.time))
        total = (starts[-1] + 1 / native) if starts else 0.0
    fps = min(fps_max, native)
    picked = [images[max(0, bisect.bisect_right(starts, k / fps + 1e-9) - 1)]
              for k in range(max(1, round(total * fps)))]
    scale = min(1.0, width_max / picked[0].width)
    if scale < 1:
        size = (round(picked[0].width * scale), round(picked[0].height * scale))
        picked = [im.resize(size, Image.Resampling.BICUBIC) for im in picked]
    return fps, picked

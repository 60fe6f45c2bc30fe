"""Encoders: GIF with one global palette and transparent-delta frames (Pillow), MP4 and WebM
through ffmpeg (the binary imageio-ffmpeg ships). Each writes to a temporary file beside the
target, renamed only when complete; a failure raises :class:`OutputError` and keeps the old file.
"""
from __future__ import annotations

import io
import struct
from pathlib import Path

import numpy as np
from PIL import Image

from ..errors import OutputError, UserInputError
from .output import atomic_path

PALETTE_COLOURS = 127          # + 1 transparent index: small GIFs, no visible banding
TRANSPARENT = PALETTE_COLOURS  # the index of "unchanged since the previous frame"

CODECS = {
    ".mp4": ("libx264", ["-crf", "20", "-preset", "medium", "-movflags", "+faststart"]),
    ".webm": ("libvpx-vp9", ["-crf", "33", "-b:v", "0", "-row-mt", "1", "-deadline", "good",
                             "-cpu-used", "4"]),
}


def global_palette(samples: list[Image.Image]) -> Image.Image:
    """One palette for the whole animation, from a few sample frames stacked together."""
    w, h = samples[0].size
    sheet = Image.new("RGB", (w, h * len(samples)))
    for i, im in enumerate(samples):
        sheet.paste(im, (0, i * h))
    return sheet.quantize(colors=PALETTE_COLOURS, method=Image.Quantize.FASTOCTREE,
                          dither=Image.Dither.NONE)


class GifFrames:
    """Turns RGB frames into encoded GIF image blocks, one call per frame, in order.

    Each frame is mapped onto the global palette; pixels unchanged since the previous frame
    become the transparent index, and only the rectangle around the changed pixels is
    LZW-encoded. The first frame this object sees is kept whole; ``prime(frame)`` tells it the
    frame before instead (a worker that starts mid-animation). Blocks from several workers join
    into one file with :func:`write_gif`.
    """

    def __init__(self, palette: Image.Image):
        self.palette, self.previous = palette, None
        self.colours = palette_colours(palette)

    def _index(self, image):
        return np.asarray(image.quantize(palette=self.palette, dither=Image.Dither.NONE), dtype=np.uint8)

    def prime(self, image):
        self.previous = self._index(image)

    def __call__(self, image) -> bytes:
        arr = self._index(image)
        if self.previous is None:
            box, crop = (0, 0), arr
        else:
            changed = arr != self.previous
            rows, cols = np.flatnonzero(changed.any(1)), np.flatnonzero(changed.any(0))
            if rows.size:
                r0, r1, c0, c1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
                crop = np.where(changed[r0:r1, c0:c1], arr[r0:r1, c0:c1], TRANSPARENT)
                box = (int(c0), int(r0))
            else:  # nothing moved: one transparent pixel keeps the frame and its timing
                box, crop = (0, 0), np.full((1, 1), TRANSPARENT)
        self.previous = arr
        h, w = crop.shape
        return struct.pack("<4H", box[0], box[1], w, h) + _lzw_block(crop.astype(np.uint8), self.colours)


def palette_colours(palette: Image.Image) -> list[int]:
    """The global colour table: the palette's colours, padded, magenta at the transparent index."""
    colours = palette.getpalette()[: 3 * PALETTE_COLOURS]
    return colours + [0, 0, 0] * (PALETTE_COLOURS - len(colours) // 3) + [255, 0, 255]


def _lzw_block(arr: np.ndarray, colours) -> bytes:
    """The LZW-coded image data (min code size and sub-blocks) of one frame, encoded by Pillow
    as a one-frame GIF with the global palette and cut out of that file."""
    im = Image.fromarray(arr, "P")
    im.putpalette(colours)
    buf = io.BytesIO()
    im.save(buf, format="GIF", optimize=False, interlace=False)
    data = buf.getvalue()
    pos = 13 + (3 << ((data[10] & 7) + 1) if data[10] & 0x80 else 0)
    while data[pos] == 0x21:  # skip extensions: introducer, label, sub-blocks, terminator
        pos += 2
        while data[pos]:
            pos += data[pos] + 1
        pos += 1
    if data[pos] != 0x2C or data[pos + 9] & 0xC0:  # a local palette or interlacing
        raise RuntimeError("unexpected GIF layout from Pillow (no image block, a local palette or interlacing)")
    return data[pos + 10: data.rindex(b"\x3b")]


def write_gif(blocks, path, *, size, durations_ms, palette: Image.Image) -> Path:
    """Join :class:`GifFrames` blocks into a looping GIF89a (one global palette, transparent
    index, 'do not dispose' so each frame paints over the last). GIF stores centiseconds, so
    durations round to 10 ms."""
    w, h = size
    colours = palette_colours(palette)
    bits = max(1, (len(colours) // 3 - 1).bit_length())
    colours += [0, 0, 0] * ((1 << bits) - len(colours) // 3)
    head = b"GIF89a" + struct.pack("<2H3B", w, h, 0x80 | 0x70 | (bits - 1), 0, 0) + bytes(colours)
    head += b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"  # loop forever
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        fh.write(head)
        for block, ms in zip(blocks, durations_ms):
            x, y, bw, bh = struct.unpack("<4H", block[:8])
            fh.write(struct.pack("<4BHBB", 0x21, 0xF9, 4, (1 << 2) | 1, round(ms / 10), TRANSPARENT, 0))
            fh.write(b"\x2c" + struct.pack("<4HB", x, y, bw, bh, 0) + block[8:])
        fh.write(b"\x3b")
    return Path(path)


def check_video_size(path, size):
    """MP4/WebM (yuv420p) need even frame sides."""
    w, h = size
    if Path(path).suffix.lower() in CODECS and (w % 2 or h % 2):
        raise UserInputError(f"MP4 and WebM need an even width and height, got {w}x{h}")


class FfmpegWriter:
    """Raw RGB frames piped into ffmpeg (the binary imageio-ffmpeg ships). Unlike a bare pipe,
    it checks how ffmpeg ended: a non-zero exit, a trailer it could not write or a full disk
    raise :class:`OutputError` with ffmpeg's reason in one line, and ffmpeg dies with gdviz.

        >>> w = FfmpegWriter("out.mp4", (640, 480), 20, "libx264", ["-crf", "20"])
        >>> w.write(frame_bytes); w.close()
    """

    def __init__(self, path, size, fps, codec, params, pix_fmt_out="yuv420p", target=None):
        import subprocess
        import tempfile

        import imageio_ffmpeg

        from ..interrupt import quiet_child

        w, h = size
        self.target = Path(target or path)
        cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-v", "error", "-f", "rawvideo", "-vcodec", "rawvideo",
               "-s", f"{w}x{h}", "-pix_fmt", "rgb24", "-r", f"{fps:g}", "-i", "-", "-an", "-vcodec", codec,
               "-pix_fmt", pix_fmt_out, *params, str(path)]
        self.errors = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self.errors,
                                     preexec_fn=quiet_child)
        self.frames = 0

    def write(self, data: bytes):
        try:
            self.proc.stdin.write(data)
        except OSError:   # ffmpeg stopped reading: it failed; its stderr says why
            self._fail()
        self.frames += 1

    def close(self):
        """Finish the file; raise :class:`OutputError` unless ffmpeg wrote it completely."""
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        if self.proc.wait() != 0:
            self._fail()
        self.errors.close()

    def kill(self):
        """Stop ffmpeg at once (an interrupted render)."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.errors.close()

    def _fail(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.errors.seek(0)
        text = self.errors.read().decode("utf-8", "replace")
        self.errors.close()
        raise OutputError(f"cannot write '{self.target}': {encoder_reason(text, self.proc.returncode)}")


def encoder_reason(stderr: str, code) -> str:
    """One line from ffmpeg's error output: the disk's cause when it names one, else its last
    message."""
    low = stderr.lower()
    for marker, reason in (("no space left", "no space left on the device"),
                           ("read-only file system", "the file system is read-only"),
                           ("permission denied", "permission denied"), ("quota", "the disk quota is exceeded")):
        if marker in low:
            return reason
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return f"the video encoder failed (ffmpeg exit code {code}){': ' + lines[-1][:200] if lines else ''}"


def write_video(frames, path, *, size, fps: float, hold_frames: int = 0) -> Path:
    """Encode RGB frames (bytes of H x W x 3) to MP4 (H.264) or WebM (VP9) by the extension,
    repeating the last frame ``hold_frames`` times. Any encoder failure raises
    :class:`OutputError` and leaves the previous file in place."""
    p = Path(path)
    codec, params = CODECS[p.suffix.lower()]
    check_video_size(p, size)
    with atomic_path(p) as tmp:
        writer = FfmpegWriter(tmp, size, fps, codec, params, target=p)
        try:
            last = None
            for last in frames:
                writer.write(last)
            for _ in range(hold_frames):
                writer.write(last)
        except BaseException:
            writer.kill()
            raise
        writer.close()
    return p


class LosslessVideo:
    """An RGB frame sink that writes a lossless H.264 RGB file (an intermediate, e.g. for
    :func:`video_to_gif`): ``write(rgba_or_rgb_array, repeat=1)``."""

    def __init__(self, path, size, fps):
        self.size = tuple(size)
        self.writer = FfmpegWriter(path, self.size, fps, "libx264rgb", ["-qp", "0", "-preset", "ultrafast"],
                                   pix_fmt_out="rgb24")

    @property
    def frames(self) -> int:
        return self.writer.frames

    def write(self, pixels, repeat: int = 1):
        data = np.ascontiguousarray(np.asarray(pixels)[..., :3]).tobytes()
        for _ in range(repeat):
            self.writer.write(data)

    def close(self):
        self.writer.close()


def video_to_gif(src, dst, *, fps: float, hold_ms: int = 0) -> Path:
    """Re-encode a (lossless) video as a GIF with one global palette and transparent deltas."""
    import imageio_ffmpeg

    n, _ = imageio_ffmpeg.count_frames_and_secs(str(src))

    def frames():
        reader = imageio_ffmpeg.read_frames(str(src), pix_fmt="rgb24")
        meta = next(reader)
        size = tuple(meta["size"])
        try:
            for raw in reader:
                yield Image.frombytes("RGB", size, raw)
        finally:
            reader.close()

    wanted = {0, n // 2, max(n - 1, 0)}
    samples = [im for i, im in enumerate(frames()) if i in wanted]
    palette = global_palette(samples)
    encode = GifFrames(palette)
    durations = [round(1000 / fps)] * n
    if durations:
        durations[-1] += hold_ms
    return write_gif((encode(im) for im in frames()), dst, size=samples[0].size, durations_ms=durations,
                     palette=palette)

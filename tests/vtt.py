"""Read a WebVTT file back for the tests: its cues, checked against the format's grammar."""
from __future__ import annotations

import re

VTT_TIME = re.compile(r"^(\d\d):(\d\d):(\d\d)\.(\d\d\d) --> (\d\d):(\d\d):(\d\d)\.(\d\d\d)$")


def parse_vtt(text: str) -> list[tuple[float, float, str]]:
    """(start, end, text) of each cue, its text unescaped (&amp; &lt; &gt;)."""
    blocks = text.strip("\n").split("\n\n")
    assert blocks[0] == "WEBVTT"
    out = []
    for block in blocks[1:]:
        lines = block.split("\n")
        assert lines[0].isdigit(), block
        m = VTT_TIME.match(lines[1])
        assert m, lines[1]
        g = [int(x) for x in m.groups()]
        start = g[0] * 3600 + g[1] * 60 + g[2] + g[3] / 1000
        end = g[4] * 3600 + g[5] * 60 + g[6] + g[7] / 1000
        body = lines[2:]
        assert body and all(line.strip() for line in body) and "-->" not in "".join(body) and "<" not in "".join(body)
        out.append((start, end, unescape("\n".join(body))))
    return out


def unescape(s: str) -> str:
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")

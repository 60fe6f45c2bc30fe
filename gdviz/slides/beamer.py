r"""A deck as LaTeX Beamer: ``deck-LANG.tex``, figures as PDF in ``figures/``, animations as PNG
frame sequences in ``frames/`` played by the animate package::

    \begin{frame}{Momentum on the egg crate}
      \animategraphics[controls,loop,width=\linewidth,height=0.82\textheight,keepaspectratio]{10}{frames/momentum-egg-crate-}{0}{59}
      \note{Momentum reaches the global minimum ...}
    \end{frame}

A video is one frame per act (``frames/NAME-ACT-``), as in the slide folder. pdflatex or
xelatex compile the English deck; the Chinese one needs xelatex (ctex).
"""
from __future__ import annotations

import bisect
import itertools
import re
import shutil
from pathlib import Path

from ..gallery.spec import EXPLORER

SPECIAL = re.compile(r"([\\{}$&#^_%~])")
REPLACE = {"\\": r"\textbackslash{}", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}"}
GRAPHIC = "width=\\linewidth,height=0.82\\textheight,keepaspectratio"
# what pdflatex prints for the characters gdviz's texts use (xelatex and lualatex read them as they are)
PDFTEX_CHARACTERS = {"→": r"\ensuremath{\rightarrow}", "←": r"\ensuremath{\leftarrow}", "×": r"\ensuremath{\times}",
                     "−": r"\ensuremath{-}", "≈": r"\ensuremath{\approx}", "≤": r"\ensuremath{\le}",
                     "≥": r"\ensuremath{\ge}", "·": r"\ensuremath{\cdot}", "∇": r"\ensuremath{\nabla}",
                     "√": r"\ensuremath{\surd}", "∞": r"\ensuremath{\infty}", "…": r"\dots{}",
                     "α": r"\ensuremath{\alpha}", "β": r"\ensuremath{\beta}", "γ": r"\ensuremath{\gamma}",
                     "ε": r"\ensuremath{\varepsilon}", "η": r"\ensuremath{\eta}", "λ": r"\ensuremath{\lambda}",
                     "μ": r"\ensuremath{\mu}", "ρ": r"\ensuremath{\rho}", "θ": r"\ensuremath{\theta}",
                     "⁻": r"\textsuperscript{-}", "¹": r"\textsuperscript{1}", "²": r"\textsuperscript{2}",
                     "³": r"\textsuperscript{3}", "⁴": r"\textsuperscript{4}", "⁵": r"\textsuperscript{5}"}


def tex(text: str) -> str:
    r"""``text`` with LaTeX's special characters escaped.

        >>> tex("50% of x_1 & {y}")
        '50\\% of x\\_1 \\& \\{y\\}'
    """
    return SPECIAL.sub(lambda m: REPLACE.get(m.group(1), "\\" + m.group(1)), text)


def _pdftex_characters(text: str) -> str:
    """For pdflatex: a definition of each character beyond ASCII and Latin-1 in ``text``
    (PDFTEX_CHARACTERS, else a '?'), so the English deck compiles with pdflatex too."""
    wide = sorted({c for c in text if ord(c) > 0xFF})
    if not wide:
        return ""
    lines = "".join(f"  \\DeclareUnicodeCharacter{{{ord(c):04X}}}{{{PDFTEX_CHARACTERS.get(c, '?')}}}\n"
                    for c in wide)
    return f"\\usepackage{{iftex}}\n\\ifPDFTeX\n{lines}\\fi\n"


def write_beamer(shown, folder: Path, title: str, lang: str, scene: str) -> Path:
    """Write the .tex, its figures and frame sequences into ``folder``; returns the .tex."""
    from ..files import write_text
    from .media import act_cuts, frames_of

    figures, frames = folder / "figures", folder / "frames"
    for sub in (figures, frames):
        if sub.exists():
            shutil.rmtree(sub)
        sub.mkdir(parents=True)
    body = []
    for s in shown:
        notes = f"  \\note{{{tex(s.notes)}}}\n" if s.notes else ""
        if s.kind == EXPLORER:   # where to open it
            link = "\\href{explorer.html}{explorer.html}"
            body.append(f"\\begin{{frame}}{{{tex(s.title)}}}\n  \\centering\\Large {link}\n{notes}\\end{{frame}}\n")
            continue
        if s.kind == "figure":
            target = figures / s.source.name
            shutil.copyfile(s.source, target)
            graphic = f"\\includegraphics[{GRAPHIC}]{{figures/{target.name}}}"
            body.append(f"\\begin{{frame}}{{{tex(s.title)}}}\n  \\centering\n  {graphic}\n{notes}\\end{{frame}}\n")
            continue
        fps, images = frames_of(s.source)
        cuts = act_cuts(s.source) if s.kind == "video" else []
        acts = [list(g) for _, g in itertools.groupby(
            range(len(images)), key=lambda k: bisect.bisect_right(cuts, k / fps + 1e-9))]
        for n, act in enumerate(acts):   # a video: one frame per act, as in the slide folder
            prefix = f"{s.entry}-" if len(acts) == 1 else f"{s.entry}-{n + 1}-"
            for i, k in enumerate(act):
                images[k].save(frames / f"{prefix}{i}.png", optimize=False)
            graphic = (f"\\animategraphics[controls,loop,{GRAPHIC}]{{{fps:.4g}}}{{frames/{prefix}}}"
                       f"{{0}}{{{len(act) - 1}}}")
            body.append(f"\\begin{{frame}}{{{tex(s.title)}}}\n  \\centering\n  {graphic}\n"
                        f"{notes if n == 0 else ''}\\end{{frame}}\n")
    cjk = "\\usepackage[UTF8]{ctex}   % Chinese: compile with xelatex\n" if lang == "zh" else \
        _pdftex_characters(title + "".join(s.title + s.notes for s in shown))
    head = ("\\documentclass[aspectratio=169]{beamer}\n" + cjk +
            "\\usepackage{graphicx}\n\\usepackage{animate}\n"
            "% speaker notes: \\setbeameroption{show notes on second screen=right} (pgfpages)\n"
            f"\\title{{{tex(title)}}}\n\\begin{{document}}\n\\begin{{frame}}\n  \\titlepage\n\\end{{frame}}\n\n")
    return write_text(folder / f"{scene}.tex", head + "\n".join(body) + "\\end{document}\n")

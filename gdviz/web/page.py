"""The explorer as one self-contained HTML file: no network, no server, works opened from disk.

The page inlines ``explorer.css``, the data the JavaScript reads (the settings table, the
optimizers, the surfaces printed to JavaScript, labels and colours) and the explorer's
ES modules (``js/``, joined into one by ``bundle.py``), mounted on a model backed by the URL
hash, so a link reproduces the view.

    >>> path = write_explorer("explorer.html", surfaces=["rosenbrock", "x**2 + 10*y**2"],
    ...                       optimizers=["gd", "momentum", "adam"], lang="zh")
"""
from __future__ import annotations

import functools
import json
import uuid
from dataclasses import replace
from pathlib import Path

from .. import __version__
from ..errors import UserInputError, unknown_name
from . import state
from .bundle import explorer_js
from .surfaces import BUILTIN, entry, resolve
from .tables import CSS, labels, mirrored, missing, optimizer_table, style_table, unshown

MAX_BYTES = 3 * 2**20   # the page's size limit (3 MB), checked once the page is made
# Surfaces a page may be asked for, checked before any is parsed: an expression takes 1 to 6 s and
# up to about 80 kB (its formula's image, at the parser's 200 parts), so 20 of them fit in 3 MB
MAX_SURFACES = 20
HOST = """
const data = JSON.parse(document.getElementById("gdviz-data").textContent);
const view = mount(new HashModel(data), document.getElementById("gdviz"), { page: true });
window.gdviz = view.api;
const NAVIGATION = new Set(["PageDown", "PageUp"]);
if (window.parent !== window) {   // in a frame: its host sizes the frame to the page (FRAME_LISTENER)
  const height = () => Math.ceil(document.documentElement.getBoundingClientRect().height);
  new ResizeObserver(() => window.parent.postMessage({ gdviz: "height", value: height() }, "*")).observe(document.body);
  // keys the explorer leaves alone go to the host: a clicker's PageDown/PageUp (and the arrows
  // outside a control) still turn a slide deck's page after a click inside the explorer
  addEventListener("keydown", (e) => {
    const control = /^(INPUT|SELECT|TEXTAREA)$/.test(e.target.tagName || "");
    if (!e.defaultPrevented && (NAVIGATION.has(e.key) || (!control && e.key.startsWith("Arrow"))))
      window.parent.postMessage({ gdviz: "key", key: e.key }, "*");
  });
}
document.documentElement.dataset.ready = "1";
"""
# What a page that frames the explorer adds once (Sphinx's directive does; MkDocs' and the README's
# snippets show it): the framed page posts its height, this sets its frame's, so no inner scrollbar.
FRAME_LISTENER = """\
<script>addEventListener("message", (e) => {
  const v = e.data && e.data.gdviz === "height" && Number(e.data.value);
  for (const f of document.querySelectorAll("iframe"))
    if (v > 0 && v < 1e5 && f.contentWindow === e.source) f.style.height = v + "px";
});</script>"""


@functools.cache
def _entry(key: str) -> dict:
    rec = entry(*resolve(key))
    return {**rec, "custom": key not in BUILTIN, "python": python_surface(rec["spec"])}


def python_surface(spec: dict) -> str:
    """The surface as the page's "same run in Python" snippet passes it to ``gd.run``: Python's own
    literals (``repr``), so the snippet reads back the exact values.

        >>> python_surface({"name": "elongated", "params": {"condition": 20.0}})
        "gd.surface('elongated', condition=20.0)"
    """
    params = {k: v for k, v in spec.get("params", {}).items() if k != "bounds"}   # an expression's own
    if not params:
        return repr(spec["name"])
    return f"gd.surface({spec['name']!r}, {', '.join(f'{k}={v!r}' for k, v in params.items())})"


def surface_count(surfaces) -> int:
    """How many surfaces ``surfaces`` names (each text once), before any is read."""
    return len({str(s).strip() for s in surfaces})


def surface_keys(surfaces=()) -> list[str]:
    """The page's surface keys for ``surfaces`` (names or expressions; unknown ones are a
    UserInputError): the built-ins, then the expressions given. At most MAX_SURFACES may be given,
    checked before any is parsed."""
    surfaces = list(surfaces)
    if surface_count(surfaces) > MAX_SURFACES:
        raise UserInputError(f"the explorer takes at most {MAX_SURFACES} surfaces (names or expressions), "
                             f"got {surface_count(surfaces)}: give fewer")
    keys = [resolve(s)[0] for s in surfaces]
    return list(BUILTIN) + [k for k in dict.fromkeys(keys) if k not in BUILTIN]


def optimizer_names(optimizers=()) -> list[str]:
    """``optimizers`` checked against the optimizers the page can run."""
    from ..optim import OPTIMIZERS

    out = []
    for name in optimizers:
        key = str(name).strip().lower()
        if key in OPTIMIZERS and key not in mirrored():
            raise UserInputError(f"optimizer '{name}' is not in the explorer yet (it has no JavaScript rule); "
                                 f"choose from: {', '.join(mirrored())}")
        if key not in mirrored():
            raise unknown_name("optimizer", name, mirrored())
        out.append(key)
    return list(dict.fromkeys(out))


def page_data(surfaces=(), optimizers=(), *, lang: str = "en", **settings) -> dict:
    """What the JavaScript reads: the settings table (its defaults made from the arguments: the
    first surface and optimizer given; several optimizers race), optimizers, surfaces, labels,
    colours. ``settings`` override other defaults (e.g. ``field=True``)."""
    from ..lessons import COURSE_RATES
    from ..style import check_lang

    keys = surface_keys(surfaces)
    names = optimizer_names(optimizers)
    defaults = {"lang": check_lang(lang)}
    if surfaces:
        defaults["surface"] = resolve(surfaces[0])[0]
    if names:
        defaults["optimizer"] = names[0]
    if len(names) > 1:
        defaults.update(mode="race", racers=names)
    first = defaults.get("surface", state.prop("surface").default)
    defaults["lr"] = _entry(first)["suggest"][defaults.get("optimizer", state.prop("optimizer").default)]
    if defaults.get("mode") == "race":
        defaults["steps"] = _entry(first)["race_steps"]
    defaults.update(settings)
    props = [replace(p, choices=tuple(keys)) if p.name == "surface" else p for p in state.props(**defaults)]
    table = optimizer_table()
    values = {p.name: p.default for p in props}
    state.check_hyper(table, state.focus(values), values["hyper"])
    state.check_others(table, values["others"])
    return {
        "version": __version__,
        "props": [p.to_dict() for p in props],
        "optimizers": table,
        "missing": {**{name: "no JavaScript rule in gdviz/web/js/engine.js" for name in missing()},
                    **{f"{name}: {', '.join(hp)}": "hyperparameters not shown (kept at their defaults)"
                       for name, hp in unshown().items()}},
        "surfaces": {k: _entry(k) for k in keys},
        "order": keys,
        "labels": labels(),
        "style": style_table(),
        "exercise": {"surface": "parabola", "rates": list(COURSE_RATES)},
    }


def explorer_html(surfaces=(), optimizers=(), *, lang: str = "en", stamp: str = "", **settings) -> str:
    """The page's HTML (see :func:`page_data` for the arguments; ``stamp`` goes in a meta tag)."""
    data = page_data(surfaces, optimizers, lang=lang, **settings)
    js, blob = inline_js(), inline_json(data)
    title = "gdviz explorer" if lang == "en" else "gdviz 交互探索"
    return (f'<!doctype html>\n<html lang="{"zh-Hans" if lang == "zh" else "en"}"><head><meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<title>{title}</title><link rel="icon" href="data:,"><meta name="gdviz-explorer" content="{stamp}">\n'
            f'<style>body {{ margin: 0; padding: 12px; background: #f0f1f3; }}\n{CSS.read_text(encoding="utf-8")}'
            '</style>\n</head><body>\n<div id="gdviz">'
            '<noscript>The explorer needs JavaScript. / 交互探索需要 JavaScript。</noscript></div>\n'
            f'<script type="application/json" id="gdviz-data">{blob}</script>\n'
            f'<script type="module">\n{js}\n{HOST}</script>\n</body></html>\n')


def inline_js() -> str:
    """The explorer's module, as it can sit inside a ``<script>`` element."""
    js = explorer_js()
    if "</script" in js.lower():
        raise AssertionError("the explorer's JavaScript must not contain '</script'")
    return js


def inline_json(data) -> str:
    """``data`` as JSON that can sit inside a ``<script>`` element (``<`` escaped)."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).replace("<", "\\u003c")


def static_html(data: dict) -> str:
    """The explorer as an HTML fragment that needs no kernel and no network (a notebook's static
    view: nbconvert's HTML, Jupyter Book, Quarto): its style, a ``<div>``, ``data`` (the page's
    data, its settings' defaults the widget's values) and the module inlined, mounted on an
    in-page model."""
    key = f"gdviz-{uuid.uuid4().hex[:12]}"
    mount = (f'\n{{\n  const el = document.getElementById("{key}");\n'
             f'  mount(new HashModel(JSON.parse(document.getElementById("{key}-data").textContent), null), el);\n'
             '  el.dataset.ready = "1";\n}\n')
    return (f'<div class="gdviz-static"><style>{CSS.read_text(encoding="utf-8")}</style>\n'
            f'<div id="{key}"><noscript>The explorer needs JavaScript. / 交互探索需要 JavaScript。</noscript></div>\n'
            f'<script type="application/json" id="{key}-data">{inline_json(data)}</script>\n'
            f'<script type="module">\n{inline_js()}\n{mount}</script></div>\n')


def write_explorer(path, surfaces=(), optimizers=(), *, lang: str = "en", **settings) -> Path:
    """Write the page to ``path`` (.html): checked before any work, written atomically (an unchanged
    page is left alone); at most 3 MB. Returns the path."""
    from ..files import check_output, update_text

    target = check_output(path, (".html", ".htm"))
    text = explorer_html(surfaces, optimizers, lang=lang, **settings)
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        raise UserInputError(f"the explorer page would be {size / 2**20:.1f} MB (limit 3 MB): give fewer surfaces")
    return update_text(target, text)


def write_for_gallery(spec, folder, langs=("en", "zh")) -> Path:
    """``explorer.html`` beside a gallery's ``index.html``, opening on the surfaces its entries
    draw (names and expressions; surfaces with parameters are left out). Written again only when
    its inputs changed (a stamp of them is in the page), so a warm build stays fast."""
    import hashlib

    from ..files import write_text
    from ..style import __file__ as style_file

    surfaces = []
    for e in spec.entries:
        name = e.options.get("surface")
        if isinstance(name, str) and not e.options.get("surface_params"):
            try:
                surfaces.append(resolve(name)[0])
            except UserInputError:   # not in the explorer (logistic regression...)
                continue
    surfaces = list(dict.fromkeys(surfaces))[:MAX_SURFACES]   # a large gallery: the first ones it draws
    lang = "zh" if tuple(langs) == ("zh",) else "en"
    sources = sorted(Path(__file__).parent.glob("*.[pjc]*")) + [Path(style_file)]
    h = hashlib.sha256(json.dumps([__version__, surfaces, lang]).encode())
    for f in sources:
        h.update(f.read_bytes())
    stamp = h.hexdigest()[:16]
    target = Path(folder) / "explorer.html"
    try:
        if target.is_file() and f'content="{stamp}"' in target.read_text(encoding="utf-8")[:2000]:
            return target
    except (OSError, UnicodeDecodeError):
        pass
    return write_text(target, explorer_html(surfaces, lang=lang, stamp=stamp))

"""Notebooks show gdviz's pictures: executed in a real Jupyter kernel (nbclient + ipykernel),
a figure, an animation and a gallery entry as the last expression of a cell each give an image."""
import base64
import os
import sys

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")


def run_notebook(cells, tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    env = {"PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    client = nbclient.NotebookClient(nb, timeout=240, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    os.environ.update(env)
    client.execute()
    return nb


def outputs(cell):
    return [o for o in cell.outputs if o.output_type in ("execute_result", "display_data")]


def test_figures_animations_and_entries_display_as_images(tmp_path):
    nb = run_notebook([
        "import gdviz as gd",
        'gd.figure("momentum", lang="zh")',
        'traj = gd.run(gd.optimizer("adam", lr=0.05), "rosenbrock", steps=200)\n'
        'gd.animate(traj, frames=12, size=(320, 240))',
        'gd.show("lr-exercise")',
    ], tmp_path)
    errors = [o for c in nb.cells for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    fig, anim, entry = (outputs(c) for c in nb.cells[1:])
    png = base64.b64decode(fig[0]["data"]["image/png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000   # a real picture, not a text repr
    assert "data:image/gif;base64,R0lGOD" in anim[0]["data"]["text/html"]   # GIF89a, inline
    assert "image/png" in entry[0]["data"] or "data:image/png" in entry[0]["data"].get("text/html", "")

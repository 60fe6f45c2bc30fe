"""Maps: a value per pixel over two axes (hyperparameters or start coordinates), and basins.

    >>> import gdviz as gd, numpy as np
    >>> m = gd.map("momentum", "elongated", x=("lr", np.geomspace(1e-3, 1, 64)),
    ...            y=("momentum", np.linspace(0, 0.99, 64)), method="theory")
    >>> m.values.shape, m.xscale
    ((64, 64), 'log')

A map is data (values, status, axes), drawn by the renderers like everything else; the theory
map of a quadratic and the simulated one check each other. Tiles are the unit of work, memory
and distribution (gdviz.maps.tiles): a loop here, or Dask workers, with bit-identical results.
"""
from .basins import basins
from .result import MEASURES, STATUSES, Basins, Map
from .simulate import map

__all__ = ["map", "basins", "Map", "Basins", "STATUSES", "MEASURES"]

"""The course gallery: spec files, cached parallel builds, the preview page.

    >>> from gdviz.gallery import build
    >>> result = build()                     # the built-in "Reducing Loss" gallery into output/
"""
from .build import Result, build
from .spec import Entry, Spec, load

__all__ = ["build", "load", "Result", "Spec", "Entry"]

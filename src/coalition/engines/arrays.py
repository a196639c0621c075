"""The array types the engines pass around, named once (``numpy.typing`` aliases).

Every engine module imports its array types from here rather than spelling
``npt.NDArray[...]`` itself, so a signature reads ``FloatArray`` everywhere.

Examples
--------
>>> import numpy as np
>>> from coalition.engines.arrays import FloatArray
>>> def total(x: FloatArray) -> float:
...     return float(x.sum())
>>> total(np.array([0.5, 1.5]))
2.0
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = [
    "AnyArray",
    "BoolArray",
    "DateArray",
    "FloatArray",
    "Int8Array",
    "Int32Array",
    "IntArray",
    "IndexArray",
    "RealArray",
    "StrArray",
]

FloatArray = npt.NDArray[np.float64]
"""Double-precision values: scores, coordinates, weights."""
RealArray = npt.NDArray[np.floating]
"""Floating values of any precision."""
IntArray = npt.NDArray[np.int64]
"""Integer indices and counts."""
Int32Array = npt.NDArray[np.int32]
"""Compact integer indices (sparse vote rows)."""
Int8Array = npt.NDArray[np.int8]
"""Votes (-1, 0, 1) and other small codes."""
IndexArray = npt.NDArray[np.intp]
"""Positions as numpy returns them (``argsort``, ``nonzero``)."""
BoolArray = npt.NDArray[np.bool_]
"""Masks."""
StrArray = npt.NDArray[np.str_]
"""Labels: ids, sectors, kinds."""
DateArray = npt.NDArray[np.datetime64]
"""Dates (``datetime64``)."""
AnyArray = npt.NDArray[np.generic]
"""An array of any element type."""

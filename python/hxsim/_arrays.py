"""Checking numpy arrays before they cross into the library.

The library reads raw buffers, so everything about a buffer is settled here: the element type
(integers only for chip units; bool, float and object arrays are refused with a message saying
what to do), the number of dimensions, a non-empty shape, values that fit the C type, and a
C-contiguous copy when the caller's array is a strided view (so a transposed or sliced array
gives the same result as its contiguous copy, never a read of the wrong memory).
"""

import numpy as np

from .errors import InvalidArgumentError

_INT32 = np.iinfo(np.int32)


def int32_matrix(value, name, allow_vector=False):
    """`value` as a C-contiguous int32 matrix; also returns whether it was a vector (1-D)."""
    array = np.asarray(value)
    if array.dtype == np.bool_ or array.dtype.kind not in "iu":
        hint = (f"; round it first, e.g. np.rint({name}).astype(np.int32)"
                if array.dtype.kind == "f" else "")
        raise TypeError(
            f"{name} must be an array of integers (chip units), got dtype {array.dtype}{hint}")
    vector = False
    if array.ndim == 1 and allow_vector:
        array = array[np.newaxis, :]
        vector = True
    if array.ndim != 2:
        expected = "1-D or 2-D" if allow_vector else "2-D"
        raise ValueError(f"{name} must be {expected}, got shape {tuple(np.shape(value))}")
    if array.size == 0:
        raise ValueError(f"{name} is empty (shape {tuple(array.shape)})")
    low, high = array.min(), array.max()
    if low < _INT32.min or high > _INT32.max:
        bad = low if low < _INT32.min else high
        raise ValueError(f"{name} holds {bad}, far outside the chip's range")
    return np.ascontiguousarray(array, dtype=np.int32), vector


def pointer(array):
    """The address of a C-contiguous array's first element, for ctypes."""
    assert array.flags.c_contiguous
    return array.ctypes.data


#: The ranges of the header's C integer types, which ctypes would otherwise wrap silently
#: (2**64 + 1 as a uint64 is 1).
C_RANGES = {"int32": (-2**31, 2**31 - 1), "int64": (-2**63, 2**63 - 1), "uint64": (0, 2**64 - 1)}


def integer(value, name, ctype="int32", minimum=None, maximum=None):
    """`value` as a Python int that fits the C type `ctype` (a key of ``C_RANGES``) and, if
    given, the documented `minimum`…`maximum` (checked here where Python uses the value itself,
    e.g. to size a result; the library checks the rest). Python and numpy integers are accepted,
    bool, float and str never are."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    low, high = C_RANGES[ctype]
    low = low if minimum is None else max(low, minimum)
    high = high if maximum is None else min(high, maximum)
    number = int(value)
    if not low <= number <= high:
        raise InvalidArgumentError(f"{name} is {number}, expected {_bound(low)}…{_bound(high)}")
    return number


def _bound(value):
    # 2**64-1 reads better than 18446744073709551615.
    for bits in (31, 32, 63, 64):
        if value == 2**bits - 1:
            return f"2**{bits}-1"
        if value == -2**bits:
            return f"-2**{bits}"
    return str(value)

"""Checking numpy arrays before they cross into the library.

The library reads raw buffers, so everything about a buffer is settled here: the element type
(integers only for chip units; bool, float and object arrays are refused with a message saying
what to do), the number of dimensions, a non-empty shape, values that fit the C type, and a
C-contiguous copy when the caller's array is a strided view (so a transposed or sliced array
gives the same result as its contiguous copy, never a read of the wrong memory).
"""

import numpy as np

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


def integer(value, name, bits=32, types=(int,)):
    """`value` as a Python int that fits a signed C integer of `bits` bits; `types` are the
    accepted integer types (bool never is). The library checks the value's own range."""
    if isinstance(value, bool) or not isinstance(value, types):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if not -2**(bits - 1) <= int(value) < 2**(bits - 1):
        raise ValueError(f"{name} is {value}, far outside its range")
    return int(value)

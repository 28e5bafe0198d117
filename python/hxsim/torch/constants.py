"""The chip's ranges and hxtorch's defaults (hxtorch.perceptron.constants).

The ranges are the library's (``hxsim_limit`` of the C ABI), read when first used: they are
stated once, in the Swift library, and have hxtorch's names here. ``max_chips`` is the most
simulated chips of one physics context, the range of the command line's ``--chips`` too.
"""

from .. import _library

#: The names read from the library: hxtorch's chip ranges, then HXSim's bound on a context.
#: ``hardware_matrix_height`` and ``_width`` are the signed inputs (rows) and columns of one
#: hemisphere, the largest block of one VMM.
_FROM_LIBRARY = ("synaptic_weight_min", "synaptic_weight_max", "input_activation_min",
                 "input_activation_max", "output_activation_min", "output_activation_max",
                 "hardware_matrix_height", "hardware_matrix_width", "max_chips")


#: What ``from hxsim.torch.constants import *`` takes (the library's names are fetched then).
__all__ = [*_FROM_LIBRARY, "defaults"]


def __getattr__(name):
    if name in _FROM_LIBRARY:
        return _library.limit(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_FROM_LIBRARY])


class defaults:  # noqa: N801 - hxtorch's name
    """hxtorch's defaults."""

    wait_between_events = 5
    gain = 0.002
    noise_std = 2.0

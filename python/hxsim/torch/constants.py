"""The chip's ranges and hxtorch's defaults (hxtorch.perceptron.constants)."""

synaptic_weight_min = -63
synaptic_weight_max = 63
input_activation_min = 0
input_activation_max = 31
output_activation_min = -128
output_activation_max = 127
#: Signed inputs (rows) and columns of one hemisphere, the largest block of one VMM.
hardware_matrix_height = 128
hardware_matrix_width = 256
#: The most simulated chips of one physics context: the range of the command line's ``--chips``
#: (``hxsim eval``, ``train``, ``budget``: 1…64). Each chip holds about 0.8 MB of state, and a
#: context copies its chips.
max_chips = 64


class defaults:  # noqa: N801 - hxtorch's name
    """hxtorch's defaults."""

    wait_between_events = 5
    gain = 0.002
    noise_std = 2.0

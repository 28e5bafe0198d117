"""hxtorch's ``perceptron`` API with the simulated chip in the loop.

A PyTorch program written for hxtorch runs here by replacing ``hxtorch.perceptron`` with
``hxsim.torch`` and ``hxtorch.init_hardware()`` with ``hxsim.torch.init(...)``::

    import hxsim.torch as hxtorch
    hxtorch.init(mode="physics", seed=1, chips=1, calibration="quick")
    layer = hxtorch.nn.Linear(128, 10, num_sends=2, wait_between_events=2)
    y = layer(torch.full((4, 128), 15.0))   # on the simulated chip; y.backward() works

See ``_context`` for the modes (software, mock, physics) and ``_ops`` for the operations.
"""

from . import constants, nn
from ._context import Context, MockParameter, current, init, release
from ._ops import (add, argmax, automatic_num_sends, conv1d, conv2d, converting_relu,
                   expanded_conv1d, get_mock_parameter, mac, matmul, measure_mock_parameter,
                   relu, set_mock_parameter)

__all__ = [
    "Context", "MockParameter", "init", "release", "current", "matmul", "mac", "conv1d",
    "expanded_conv1d", "conv2d", "relu", "converting_relu", "add", "argmax",
    "get_mock_parameter", "set_mock_parameter", "measure_mock_parameter",
    "automatic_num_sends", "constants", "nn",
]

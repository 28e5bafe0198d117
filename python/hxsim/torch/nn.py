"""hxtorch's perceptron layers (hxtorch.perceptron.nn) on the simulated chip.

Each layer is its torch.nn counterpart (same parameters, same state_dict names and shapes)
whose multiply-accumulate runs through ``hxsim.torch`` on the current context, with hxtorch's
extra arguments: ``num_sends`` (None: chosen at initialisation from the fan-in),
``wait_between_events`` (FPGA cycles), ``mock``, ``avg`` (Linear), ``num_expansions``
(ExpandedConv1d), ``input_transform`` and ``weight_transform`` (default: clamp the weight into
−63…63 in place before every forward pass, as hxtorch does).
"""

import math

import torch

from .._arrays import integer
from . import _ops, constants


def scale_input(x_in):
    """Scales a tensor so that its maximum is the largest chip input (31)."""
    with torch.no_grad():
        largest = torch.max(x_in)
        factor = constants.input_activation_max / largest if largest > 0 else 1
    return x_in * factor


def scale_weight(weight):
    """Scales a tensor so that its largest magnitude is the largest chip weight (63)."""
    with torch.no_grad():
        largest = torch.max(torch.abs(weight))
        factor = constants.synaptic_weight_max / largest if largest > 0 else 1
    return weight * factor


def clamp_weight_(weight):
    """Clamps a weight into −63…63 in place (hxtorch's default weight transform)."""
    with torch.no_grad():
        weight.clamp_(constants.synaptic_weight_min, constants.synaptic_weight_max)
    return weight


class Layer:
    """What every layer here has: the `mock` switch."""

    def __init__(self, mock=False):
        self.mock = mock


class MACLayer(Layer):
    """A layer with a VMM: its sending options and transforms, and hxtorch's initialisation."""

    def __init__(self, num_sends=None, wait_between_events=constants.defaults.wait_between_events,
                 mock=False, *, input_transform=None, weight_transform=clamp_weight_):
        super().__init__(mock)
        self.num_sends = None if num_sends is None else integer(num_sends, "num_sends", minimum=1)
        self.wait_between_events = integer(wait_between_events, "wait_between_events")
        self.input_transform = input_transform
        self.weight_transform = weight_transform

    def reset_parameters(self, weight_mean=0.0, relu_shift=1):
        """He initialisation scaled to the chip (hxtorch's MACLayer.reset_parameters): weights
        from a normal of standard deviation ``2^shift · √2 / gain / √fan_in / num_sends``
        truncated to −63…63, with num_sends chosen (if None) so that the standard deviation is
        at most a third of the largest weight; biases uniform in ±(that bound / std of a
        uniform input)."""
        fan_in = self.weight[0].numel()
        he_std = _ops.he_std(fan_in, relu_shift)
        if self.num_sends is None:
            self.num_sends = _ops.automatic_num_sends(fan_in, relu_shift)
        std = he_std / self.num_sends
        torch.nn.init.trunc_normal_(self.weight, mean=weight_mean, std=std,
                                    a=constants.synaptic_weight_min,
                                    b=constants.synaptic_weight_max)
        if self.bias is not None:
            input_std = constants.input_activation_max / math.sqrt(3.0)
            bound = he_std / input_std
            with torch.no_grad():
                self.bias.uniform_(-bound, bound)

    def _transformed(self, input):
        weight = self.weight
        if self.weight_transform is not None:
            weight = self.weight_transform(weight)
        if self.input_transform is not None:
            input = self.input_transform(input)
        return input, weight


class Linear(MACLayer, torch.nn.Linear):
    """A fully connected layer on the chip: ``input @ weightᵀ (+ bias)``."""

    def __init__(self, in_features, out_features, bias=True, num_sends=None,
                 wait_between_events=constants.defaults.wait_between_events, mock=False, *,
                 avg=1, input_transform=None, weight_transform=clamp_weight_):
        """:param avg: neurons averaged per output (each output column placed `avg` times);
        reduces noise, but the copies share one weight, so their fixed-pattern differences are
        averaged, not trained."""
        in_features = integer(in_features, "in_features", minimum=1)
        out_features = integer(out_features, "out_features", minimum=1)
        avg = integer(avg, "avg", minimum=1)
        MACLayer.__init__(self, num_sends, wait_between_events, mock,
                          input_transform=input_transform, weight_transform=weight_transform)
        torch.nn.Linear.__init__(self, in_features, out_features, bias)
        self.avg = avg

    def forward(self, input):
        input, weight = self._transformed(input)
        output = _ops.matmul(input, weight.t().repeat_interleave(self.avg, -1),
                             num_sends=self.num_sends,
                             wait_between_events=self.wait_between_events, mock=self.mock)
        if self.avg > 1:
            output = torch.nn.functional.avg_pool1d(output.unsqueeze(-2), self.avg).squeeze(-2)
        if self.bias is not None:
            output = _ops.add(output, self.bias, mock=self.mock)
        return output

    def extra_repr(self):
        return (f"{super().extra_repr()}, num_sends={self.num_sends}, "
                f"wait_between_events={self.wait_between_events}, mock={self.mock}")


class _ConvNd(MACLayer):
    """Padding (torch's modes), the checks hxtorch makes, then the chip's convolution: a
    subclass names its torch class (`_torch_class`) and its operation (`_operation`)."""

    _torch_class = None
    _operation = None

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, padding_mode="zeros", num_sends=None,
                 wait_between_events=constants.defaults.wait_between_events, mock=False, *,
                 input_transform=None, weight_transform=clamp_weight_):
        # The chip has no empty layer (and the initialisation divides by the fan-in).
        in_channels = integer(in_channels, "in_channels", minimum=1)
        out_channels = integer(out_channels, "out_channels", minimum=1)
        MACLayer.__init__(self, num_sends, wait_between_events, mock,
                          input_transform=input_transform, weight_transform=weight_transform)
        self._torch_class.__init__(self, in_channels, out_channels, kernel_size, stride, padding,
                                   dilation, groups, bias, padding_mode)

    def _chip_conv(self, input, weight):
        return self._operation(input, weight, self.bias, self.stride, num_sends=self.num_sends,
                               wait_between_events=self.wait_between_events, mock=self.mock)

    def forward(self, input):
        if any(d != 1 for d in self.dilation):
            raise ValueError("Dilations greater than 1 are currently not supported.")
        if self.groups > 1:
            raise ValueError("More than 1 group is currently not supported.")
        # torch's layer states its padding as F.pad's argument, also for padding="same"
        # (asymmetric for an even kernel) and "valid" (none).
        pads = tuple(self._reversed_padding_repeated_twice)
        if any(pads):
            mode = "constant" if self.padding_mode == "zeros" else self.padding_mode
            input = torch.nn.functional.pad(input, pads, mode)
        input, weight = self._transformed(input)
        return self._chip_conv(input, weight)

    def extra_repr(self):
        return (f"{super().extra_repr()}, num_sends={self.num_sends}, "
                f"wait_between_events={self.wait_between_events}, mock={self.mock}")


class Conv1d(_ConvNd, torch.nn.Conv1d):
    """1-d convolution over [N, C, L] on the chip."""

    _torch_class = torch.nn.Conv1d
    _operation = staticmethod(_ops.conv1d)


class ExpandedConv1d(Conv1d):
    """A Conv1d whose kernel is unrolled `num_expansions` times per VMM to fill the synapse
    array. The copies share one kernel: fixed-pattern noise cannot be trained away per copy."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, padding_mode="zeros", num_sends=None,
                 wait_between_events=constants.defaults.wait_between_events, mock=False, *,
                 input_transform=None, weight_transform=clamp_weight_, num_expansions=None):
        """:param num_expansions: kernel copies per VMM; None: as many as fit one block, limited
        by its width (256 / out_channels) and height ((128 / in_channels − kernel) / stride + 1,
        which, unlike hxtorch's (128 − kernel) / stride + 1, keeps a multi-channel expanded
        kernel in one row block)."""
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, num_sends, wait_between_events, mock,
                         input_transform=input_transform, weight_transform=weight_transform)
        if num_expansions is None:
            by_width = constants.hardware_matrix_width // self.out_channels
            rows = constants.hardware_matrix_height // self.in_channels
            kernel, step = self.kernel_size[0], self.stride[0]
            by_height = (rows - kernel) // step + 1 if rows >= kernel else 1
            num_expansions = max(1, min(by_width, by_height))
        self.num_expansions = integer(num_expansions, "num_expansions", "int64", minimum=1)

    def _chip_conv(self, input, weight):
        return _ops.expanded_conv1d(input, weight, self.bias, self.stride,
                                    num_expansions=self.num_expansions, num_sends=self.num_sends,
                                    wait_between_events=self.wait_between_events, mock=self.mock)

    def extra_repr(self):
        return f"num_expansions={self.num_expansions}, {super().extra_repr()}"


class Conv2d(_ConvNd, torch.nn.Conv2d):
    """2-d convolution over [N, C, H, W] on the chip."""

    _torch_class = torch.nn.Conv2d
    _operation = staticmethod(_ops.conv2d)


class ReLU(Layer, torch.nn.ReLU):
    """A rectified linear unit on the chip's processors (see hxsim.torch.relu)."""

    def __init__(self, mock=False):
        Layer.__init__(self, mock)
        torch.nn.ReLU.__init__(self)

    def forward(self, input):
        return _ops.relu(input, mock=self.mock)

    def extra_repr(self):
        return f"mock={self.mock}"


class ConvertingReLU(ReLU):
    """A ReLU shifted right by `shift` bits into the next layer's 5-bit inputs."""

    def __init__(self, shift=2, mock=False):
        super().__init__(mock)
        self.shift = shift

    def forward(self, input):
        return _ops.converting_relu(input, shift=self.shift, mock=self.mock)

    def extra_repr(self):
        return f"shift={self.shift}, mock={self.mock}"

"""hxtorch's perceptron operations with the simulated chip in the loop.

The VMMs (``matmul`` and the convolutions) run forward in the Swift library, on the context's
back end (``_context``); their backward pass is hxtorch's: the straight-through estimate of the
ideal linear model, ``∂input = g·n · ∂y · Wᵀ`` and ``∂W = g·n · inputᵀ · ∂y`` with g the
mock parameter's gain and n = num_sends, whatever rounding, clamping, noise or physics the
forward had. Tensors may be float32 or float64, any strides, on the CPU; the library computes in
float32 and the result has the input's dtype.

Digital operations (``relu``, ``converting_relu``, ``add``, ``argmax``) run on the host as the
chip's processors compute them (the Swift library does the same, ``HXNetwork/Activations``):
floored and clamped integers in mock and physics mode, ideal floats in software mode.
"""

import ctypes
import math

import numpy as np
import torch
import torch.nn.functional as F

from .. import _library
from .._arrays import integer
from ..errors import InvalidArgumentError
from . import _context, constants

_FLOATS = (torch.float32, torch.float64)
#: The largest right shift of the 8-bit ReLU output into the chip's 5-bit inputs.
_MAX_RELU_SHIFT = 7
_FLOAT32_MAX = torch.finfo(torch.float32).max


def _check_tensor(tensor, name):
    """Refuses what the library cannot read: not a tensor, not on the CPU, not float32/64."""
    if not isinstance(tensor, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(tensor).__name__}")
    if tensor.device.type != "cpu":
        raise ValueError(f"{name} is on {tensor.device}; hxsim runs on the CPU (use .cpu())")
    if tensor.dtype not in _FLOATS:
        raise TypeError(f"{name} must be float32 or float64, got {tensor.dtype}")


def _check_operands(operation, input, weight, weight_name="weight"):
    """Both operands checked, and of one dtype: torch's matmul and conv refuse mixed dtypes,
    and the backward pass (torch's own operation on the saved operands) would fail later."""
    _check_tensor(input, f"{operation} input")
    _check_tensor(weight, f"{operation} {weight_name}")
    if input.dtype != weight.dtype:
        raise TypeError(f"{operation}: input is {input.dtype} but {weight_name} is "
                        f"{weight.dtype}; convert one to the other's dtype, as torch requires")


def _prepare(tensor, name):
    """A C-contiguous float32 CPU copy (or view) of a checked `tensor`, detached, with torch's
    lazy negation and conjugation applied (the library reads the memory, which holds the
    values before them)."""
    tensor = tensor.detach().resolve_conj().resolve_neg()
    if tensor.dtype == torch.float64:
        large = torch.isfinite(tensor) & (tensor.abs() > _FLOAT32_MAX)
        if large.any():
            raise InvalidArgumentError(
                f"{name} holds {tensor[large][0].item():g}, beyond float32's range "
                f"(±{_FLOAT32_MAX:.4g}); hxsim computes in float32")
    return tensor.to(torch.float32).contiguous()


def _check_settings(num_sends, wait_between_events):
    """The sending options as ints of the header's int32 (the library checks their ranges)."""
    return integer(num_sends, "num_sends"), integer(wait_between_events, "wait_between_events")


class _VMM(torch.autograd.Function):
    """Forward: `run()` in the library. Backward: the VJP of `scale · linear(input, weight)`."""

    @staticmethod
    def forward(ctx, input, weight, run, linear, scale):
        ctx.save_for_backward(input, weight)
        ctx.linear, ctx.scale = linear, scale
        return run().to(input.dtype)

    @staticmethod
    def backward(ctx, grad):
        input, weight = ctx.saved_tensors
        needs = ctx.needs_input_grad[:2]
        if not any(needs):
            return None, None, None, None, None
        with torch.enable_grad():
            x = input.detach().requires_grad_(needs[0])
            w = weight.detach().requires_grad_(needs[1])
            y = ctx.linear(x, w) * ctx.scale
            wanted = [t for t, need in zip((x, w), needs) if need]
            grads = iter(torch.autograd.grad(y, wanted, grad))
        return (next(grads) if needs[0] else None, next(grads) if needs[1] else None,
                None, None, None)


def _vmm(input, weight, call, linear, num_sends, mock):
    """Runs one VMM-based operation through `_VMM`; `call(handle, backend)` returns the result."""
    num_sends, _ = _check_settings(num_sends, 0)
    context, backend = _context.for_call(mock)
    scale = context.mock_parameter.gain * num_sends
    return _VMM.apply(input, weight, lambda: call(context.handle, backend), linear, scale)


def _output(shape):
    """The result tensor of a library call; a shape beyond what the library returns is refused
    as the library refuses it, before torch allocates it (an allocation of terabytes fails, and
    one of gigabytes succeeds only to be refused)."""
    most = _library.limit("tensor_elements_max")
    if math.prod(shape) > most:
        raise InvalidArgumentError(
            f"the output of shape {list(shape)} has more than {most} elements")
    return torch.empty(shape, dtype=torch.float32)


class _LibraryBuffer:
    """A result kept by the library (hxsim_matmul_buffer), exposed to numpy without a copy and
    freed when the last array or tensor viewing it is gone."""

    def __init__(self, handle, address, count):
        self.handle = handle
        self.__array_interface__ = {"shape": (count,), "typestr": "<f4",
                                    "data": (address, False), "version": 3}

    def __del__(self):
        try:
            _library.call("hxsim_buffer_free", self.handle)
        except Exception:  # noqa: BLE001 - never raise from a finaliser
            pass


def _kept_result(name, *arguments):
    """Calls a *_buffer function and wraps the result it keeps as a float32 tensor."""
    handle, address, count = ctypes.c_uint64(), ctypes.c_void_p(), ctypes.c_int64()
    _library.call(name, *arguments, ctypes.byref(handle), ctypes.byref(address),
                  ctypes.byref(count))
    if count.value == 0:
        _library.call("hxsim_buffer_free", handle.value)
        return torch.empty(0, dtype=torch.float32)
    # numpy keeps the _LibraryBuffer as the array's base, torch keeps the array.
    return torch.from_numpy(np.asarray(_LibraryBuffer(handle.value, address.value, count.value)))


def matmul(input, other, num_sends=1, wait_between_events=5, mock=False):
    """The chip's VMM ``input @ other`` (hxtorch's matmul): `input` [..., K] (chip units,
    0…31 on the chip), `other` [K, N] or [K] (chip units, −63…63); the result [..., N] in LSB."""
    num_sends, wait_between_events = _check_settings(num_sends, wait_between_events)
    _check_operands("matmul", input, other, "other")
    if input.dim() < 1 or other.dim() not in (1, 2):
        raise ValueError(f"matmul needs input of ≥ 1 dimension and other of 1 or 2, got "
                         f"{tuple(input.shape)} and {tuple(other.shape)}")
    k = input.shape[-1]
    if other.shape[0] != k:
        raise ValueError(f"matmul: input has {k} columns but other has {other.shape[0]} rows "
                         f"(shapes {tuple(input.shape)} and {tuple(other.shape)})")
    if k == 0:
        raise InvalidArgumentError(
            f"matmul: the inner dimension k (input's last, other's first) is 0 (shapes "
            f"{tuple(input.shape)} and {tuple(other.shape)}); the chip needs at least one row")
    n = other.shape[1] if other.dim() == 2 else 1
    out_shape = tuple(input.shape[:-1]) + ((n,) if other.dim() == 2 else ())

    def call(handle, backend):
        x = _prepare(input, "input").reshape(-1, k)
        w = _prepare(other, "other").reshape(k, n)
        if x.shape[0] == 0:
            return _output(out_shape)
        y = _kept_result("hxsim_matmul_buffer", handle, backend, x.data_ptr(), x.shape[0], k,
                         w.data_ptr(), n, num_sends, wait_between_events)
        return y.reshape(out_shape)

    return _vmm(input, other, call, torch.matmul, num_sends, mock)


def _stride(value, name):
    """A stride ≥ 1 that fits the header's int64 (the library checks its upper bound)."""
    return integer(value, name, "int64", minimum=1)


def _pair(value, name):
    values = (value, value) if not isinstance(value, (tuple, list)) else tuple(value)
    if len(values) != 2:
        raise ValueError(f"{name} must be an integer or a pair, got {value!r}")
    return tuple(_stride(v, name) for v in values)


def _single(value, name):
    values = (value,) if not isinstance(value, (tuple, list)) else tuple(value)
    if len(values) != 1:
        raise ValueError(f"{name} must be an integer or a 1-tuple, got {value!r}")
    return _stride(values[0], name)


def _check_conv(input, weight, rank, name):
    _check_operands(name, input, weight)
    if input.dim() != rank + 2 or weight.dim() != rank + 2:
        raise ValueError(f"{name} needs input and weight of {rank + 2} dimensions, got "
                         f"{tuple(input.shape)} and {tuple(weight.shape)}")
    if input.shape[1] != weight.shape[1]:
        raise ValueError(f"{name}: input has {input.shape[1]} channels, weight expects "
                         f"{weight.shape[1]}")


def _check_bias(bias, input, weight, name):
    """None, or a tensor [out_channels] of the input's dtype (torch's conv refuses the rest;
    broadcasting another shape would silently add the wrong values)."""
    if bias is None:
        return
    _check_tensor(bias, f"{name} bias")
    if tuple(bias.shape) != (weight.shape[0],):
        raise InvalidArgumentError(
            f"{name}: bias has shape {list(bias.shape)}, expected [out_channels] = "
            f"[{weight.shape[0]}] (weight {list(weight.shape)})")
    if bias.dtype != input.dtype:
        raise TypeError(f"{name}: bias is {bias.dtype} but input is {input.dtype}")


def _bias(output, bias, rank):
    # hxtorch adds a convolution's bias in float after the VMM, as HXNetwork does.
    if bias is None:
        return output
    return output + bias.reshape((1, -1) + (1,) * rank)


def _conv1d(function, last, operation, input, weight, bias, stride, num_sends,
            wait_between_events, mock):
    """A 1-d convolution through the library's `function`, whose argument after the stride is
    `last` (the padding, or the number of expansions); the backward pass is conv1d's."""
    num_sends, wait_between_events = _check_settings(num_sends, wait_between_events)
    _check_conv(input, weight, 1, operation)
    _check_bias(bias, input, weight, operation)
    s = _single(stride, "stride")
    if function == "hxsim_expanded_conv1d":
        last = integer(last, "num_expansions", "int64", minimum=1)
    (n, c, length), (o, _, k) = input.shape, weight.shape
    shape = (n, o, (length - k) // s + 1 if length >= k else 0)

    def call(handle, backend):
        y = _output(shape)  # refused before the operands are copied, if it is too large
        x, w = _prepare(input, "input"), _prepare(weight, "weight")
        _library.call(function, handle, backend, x.data_ptr(), n, c, length, w.data_ptr(), o, k,
                      s, last, num_sends, wait_between_events, y.data_ptr(), y.numel())
        return y

    out = _vmm(input, weight, call, lambda x, w: F.conv1d(x, w, stride=s), num_sends, mock)
    return _bias(out, bias, 1)


def conv1d(input, weight, bias=None, stride=1, num_sends=1, wait_between_events=5, mock=False):
    """hxtorch's conv1d: `input` [N, C, L], `weight` [O, C, K]; result [N, O, (L − K)/s + 1]."""
    return _conv1d("hxsim_conv1d", 0, "conv1d", input, weight, bias, stride, num_sends,
                   wait_between_events, mock)


def expanded_conv1d(input, weight, bias=None, stride=1, num_expansions=1, num_sends=1,
                    wait_between_events=5, mock=False):
    """hxtorch's expanded_conv1d: conv1d with the kernel unrolled `num_expansions` times per
    VMM (more of the synapse array per send); the same shapes as conv1d."""
    return _conv1d("hxsim_expanded_conv1d", num_expansions, "expanded_conv1d", input, weight,
                   bias, stride, num_sends, wait_between_events, mock)


def conv2d(input, weight, bias=None, stride=1, num_sends=1, wait_between_events=5, mock=False):
    """hxtorch's conv2d: `input` [N, C, H, W], `weight` [O, C, kH, kW]; no padding here (the
    layer pads first, as in hxtorch)."""
    num_sends, wait_between_events = _check_settings(num_sends, wait_between_events)
    _check_conv(input, weight, 2, "conv2d")
    _check_bias(bias, input, weight, "conv2d")
    sy, sx = _pair(stride, "stride")
    (n, c, h, w_), (o, _, kh, kw) = input.shape, weight.shape
    shape = (n, o, (h - kh) // sy + 1 if h >= kh else 0, (w_ - kw) // sx + 1 if w_ >= kw else 0)

    def call(handle, backend):
        y = _output(shape)  # refused before the operands are copied, if it is too large
        x, w = _prepare(input, "input"), _prepare(weight, "weight")
        _library.call("hxsim_conv2d", handle, backend, x.data_ptr(), n, c, h, w_, w.data_ptr(),
                      o, kh, kw, sy, sx, 0, 0, num_sends, wait_between_events, y.data_ptr(),
                      y.numel())
        return y

    out = _vmm(input, weight, call, lambda x, w: F.conv2d(x, w, stride=(sy, sx)), num_sends,
               mock)
    return _bias(out, bias, 2)


def mac(x, weights, num_sends=1, wait_between_events=5, mock=False):
    """hxtorch's mac: ``matmul`` of a 1-D or 2-D input with a 2-D weight."""
    return matmul(x, weights, num_sends, wait_between_events, mock)


# ---- digital operations ------------------------------------------------------------------------

def _finite(tensor, name):
    if not isinstance(tensor, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(tensor).__name__}")
    if not torch.isfinite(tensor).all():
        raise ValueError(f"{name} holds NaN or infinite values")


class _Digital(torch.autograd.Function):
    """Forward `value` (precomputed); backward `grad · mask`."""

    @staticmethod
    def forward(ctx, input, value, mask):
        ctx.save_for_backward(mask)
        return value

    @staticmethod
    def backward(ctx, grad):
        (mask,) = ctx.saved_tensors
        return grad * mask, None, None


def relu(input, mock=False):
    """hxtorch's relu: ``clamp(floor(x), 0, 127)`` on the chip (mock, physics), ``max(x, 0)``
    in software; backward ``∂y · [x > 0]``."""
    _finite(input, "relu input")
    with torch.no_grad():
        if _context.integer_mode(mock):
            value = torch.clamp(torch.floor(input), 0, 127)
        else:
            value = torch.clamp(input, min=0)
        mask = (input > 0).to(input.dtype)
    return _Digital.apply(input, value, mask)


def converting_relu(input, shift=2, mock=False):
    """hxtorch's converting_relu: a ReLU whose 8-bit result is shifted right by `shift` bits
    into the next layer's 5-bit input range: ``clamp(floor(clamp(floor(x), 0, 127) / 2^shift),
    0, 31)`` on the chip, ``min(max(x, 0) / 2^shift, 31)`` in software. Backward ``∂y · [x > 0]
    / 2^shift`` (software: only below the clamp at 31, its exact derivative)."""
    if isinstance(shift, bool) or not isinstance(shift, int) or not 0 <= shift <= _MAX_RELU_SHIFT:
        raise ValueError(f"shift must be an integer in 0…{_MAX_RELU_SHIFT}, got {shift!r}")
    _finite(input, "converting_relu input")
    divisor = float(2 ** shift)
    with torch.no_grad():
        if _context.integer_mode(mock):
            value = torch.clamp(torch.floor(torch.clamp(torch.floor(input), 0, 127) / divisor),
                                0, 31)
            mask = (input > 0).to(input.dtype) / divisor
        else:
            value = torch.clamp(torch.clamp(input, min=0) / divisor, max=31)
            mask = ((input > 0) & (input < 31 * divisor)).to(input.dtype) / divisor
    return _Digital.apply(input, value, mask)


class _Add(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input, other, value):
        ctx.shapes = (input.shape, other.shape)
        return value

    @staticmethod
    def backward(ctx, grad):
        def reduce(shape):
            g = grad
            while g.dim() > len(shape):
                g = g.sum(0)
            for axis, size in enumerate(shape):
                if size == 1 and g.shape[axis] != 1:
                    g = g.sum(axis, keepdim=True)
            return g
        return reduce(ctx.shapes[0]), reduce(ctx.shapes[1]), None


def add(input, other, alpha=1, mock=False):
    """hxtorch's add: on the chip both operands floored and clamped to −128…127, summed and
    the sum clamped; in software ``input + other``. The gradient passes to both unchanged."""
    if alpha != 1:
        raise ValueError("add only supports alpha = 1")
    if _context.integer_mode(mock):
        _finite(input, "add input")
        _finite(other, "add other")
        with torch.no_grad():
            def saturate(t):
                return torch.clamp(torch.floor(t), -128, 127)
            value = torch.clamp(saturate(input) + saturate(other), -128, 127)
        return _Add.apply(input, other, value)
    return input + other


def argmax(input, dim=None, keepdim=False, mock=False):
    """hxtorch's argmax; on the chip the values are floored and clamped to −128…127 first, so
    near-equal outputs tie (the first index wins)."""
    values = input
    if _context.integer_mode(mock):
        values = torch.clamp(torch.floor(input), -128, 127)
    return torch.argmax(values, dim=dim, keepdim=keepdim)


def get_mock_parameter():
    """The gain and noise in use (hxtorch's get_mock_parameter)."""
    return _context.get_mock_parameter()


def set_mock_parameter(parameter):
    """Sets gain and noise (hxtorch's set_mock_parameter)."""
    _context.set_mock_parameter(parameter)


def measure_mock_parameter():
    """Measures gain and noise on the simulated chip (hxtorch's measure_mock_parameter)."""
    return _context.measure_mock_parameter()


def he_std(fan_in, relu_shift=1):
    """The standard deviation of hxtorch's He initialisation of a layer with `fan_in` inputs
    behind a converting ReLU shifting by `relu_shift`: ``2^shift · √2 / gain / √fan_in`` in
    weight units for one send, with the gain of the mock parameter."""
    fan_in = integer(fan_in, "fan_in", minimum=1)
    # A shift of the 8-bit ReLU output, as converting_relu's.
    relu_shift = integer(relu_shift, "relu_shift", minimum=0, maximum=_MAX_RELU_SHIFT)
    return 2 ** relu_shift * math.sqrt(2) / get_mock_parameter().gain / math.sqrt(fan_in)


def automatic_num_sends(fan_in, relu_shift=1):
    """hxtorch's automatic num_sends of a layer with `fan_in` inputs: :func:`he_std` in units
    of a third of the largest weight, rounded up."""
    return int(math.ceil(he_std(fan_in, relu_shift) / (constants.synaptic_weight_max / 3)))

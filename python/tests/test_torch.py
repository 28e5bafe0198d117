"""hxsim.torch: gradients against finite differences, determinism, parity of the physics
forward with `hxsim vmm`, hxtorch's layers and a training loop with the chip in the loop."""

import numpy as np
import pytest
import torch

import hxsim
import hxsim.torch as ht

GAIN = ht.constants.defaults.gain


def finite_difference_check(function, tensors, step=0.5, tolerance=1e-4):
    """Central differences of sum(function(*tensors) · probe) against autograd, for every
    element of every tensor. Software mode is linear in each operand, so with float64 inputs
    the differences are exact up to the float32 rounding of the library's forward pass."""
    tensors = [t.detach().to(torch.float64).requires_grad_(True) for t in tensors]
    probe = torch.randn(function(*tensors).shape, dtype=torch.float64,
                        generator=torch.Generator().manual_seed(0))
    (function(*tensors) * probe).sum().backward()
    for index, tensor in enumerate(tensors):
        flat = tensor.detach().clone().reshape(-1)
        numeric = torch.zeros_like(flat)
        for i in range(flat.numel()):
            values = []
            for sign in (1, -1):
                shifted = flat.clone()
                shifted[i] += sign * step
                arguments = [t.detach() for t in tensors]
                arguments[index] = shifted.reshape(tensor.shape)
                values.append((function(*arguments) * probe).sum().item())
            numeric[i] = (values[0] - values[1]) / (2 * step)
        analytic = tensor.grad.reshape(-1)
        scale = max(1.0, numeric.abs().max().item())
        assert torch.allclose(analytic, numeric, atol=tolerance * scale, rtol=1e-4), (
            f"operand {index}: autograd {analytic} vs finite differences {numeric}")


def uniform(shape, low, high, seed):
    generator = torch.Generator().manual_seed(seed)
    return low + (high - low) * torch.rand(shape, generator=generator)


@pytest.mark.parametrize("name,function,shapes", [
    ("matmul", lambda x, w: ht.matmul(x, w, num_sends=3), [(5, 7), (7, 4)]),
    ("matmul rank 3 and vector", lambda x, w: ht.matmul(x, w), [(2, 3, 6), (6,)]),
    ("conv1d", lambda x, w: ht.conv1d(x, w, stride=2, num_sends=2), [(2, 3, 11), (4, 3, 3)]),
    ("expanded_conv1d", lambda x, w: ht.expanded_conv1d(x, w, stride=1, num_expansions=3),
     [(2, 2, 12), (3, 2, 4)]),
    ("conv2d", lambda x, w: ht.conv2d(x, w, stride=(2, 1)), [(2, 2, 6, 5), (3, 2, 3, 2)]),
])
def test_gradients_match_finite_differences_in_software_mode(name, function, shapes):
    ht.init(mode="software")
    tensors = [uniform(shape, -20, 20, seed) for seed, shape in enumerate(shapes)]
    finite_difference_check(function, tensors)


def test_layer_gradients_match_finite_differences_in_software_mode():
    ht.init(mode="software")
    torch.manual_seed(0)
    layer = ht.nn.Linear(6, 4, num_sends=2, avg=2).double()
    relu = ht.nn.ConvertingReLU(shift=1)

    def function(x, weight, bias):
        layer.weight.data.copy_(weight)
        layer.bias.data.copy_(bias)
        return relu(torch.nn.functional.linear(x, weight) * 0 + layer(x))

    # Through the layer itself: its parameters' gradients equal finite differences.
    x = uniform((3, 6), 0, 31, 1).double()
    weight = uniform((4, 6), -60, 60, 2).double()
    bias = uniform((4,), -1, 1, 3).double()
    layer.weight.data.copy_(weight)
    layer.bias.data.copy_(bias)
    probe = torch.randn(3, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(4))
    (layer(x) * probe).sum().backward()
    step = 0.5
    numeric = torch.zeros_like(weight)
    for i in range(4):
        for j in range(6):
            values = []
            for sign in (1, -1):
                shifted = weight.clone()
                shifted[i, j] += sign * step
                layer.weight.data.copy_(shifted)
                values.append((layer(x) * probe).sum().item())
            numeric[i, j] = (values[0] - values[1]) / (2 * step)
    assert torch.allclose(layer.weight.grad, numeric, atol=1e-6, rtol=1e-4)
    assert torch.allclose(layer.bias.grad, probe.sum(0), atol=1e-9)


def test_software_forward_is_the_ideal_linear_model():
    ht.init(mode="software")
    x, w = uniform((4, 200), 0, 31, 5), uniform((200, 300), -63, 63, 6)
    expected = GAIN * 2 * (x.double() @ w.double())
    assert torch.allclose(ht.matmul(x, w, num_sends=2).double(), expected, rtol=1e-5, atol=1e-3)
    kernels = w.flatten()[:36].reshape(2, 2, 3, 3)
    conv = ht.conv2d(x.reshape(4, 2, 10, 10), kernels)
    reference = GAIN * torch.nn.functional.conv2d(x.reshape(4, 2, 10, 10), kernels)
    assert torch.allclose(conv, reference, rtol=1e-5, atol=1e-4)


def test_backward_is_straight_through_scaled_by_gain_and_sends_in_every_mode():
    for mode in ("mock", "physics"):
        ht.init(mode=mode, seed=3)
        x = uniform((3, 20), 0, 31, 7).requires_grad_(True)
        w = uniform((20, 5), -63, 63, 8).requires_grad_(True)
        y = ht.matmul(x, w, num_sends=4)
        grad = torch.ones_like(y)
        y.backward(grad)
        assert torch.allclose(x.grad, GAIN * 4 * grad @ w.detach().t())
        assert torch.allclose(w.grad, GAIN * 4 * x.detach().t() @ grad)


def test_mock_is_deterministic_per_seed_and_noisy_around_the_model():
    x, w = torch.full((200, 128), 10.0), torch.full((128, 8), 20.0)
    ht.init(mode="mock", seed=5)
    first = ht.matmul(x, w)
    ht.init(mode="mock", seed=5)
    assert torch.equal(first, ht.matmul(x, w))
    # Ideal output 0.002 · 128 · 200 = 51.2, floored; noise 2 LSB.
    assert abs(first.mean().item() - 50.7) < 0.5
    assert 1.5 < first.std().item() < 2.5
    assert torch.equal(first, first.round())


def test_physics_matmul_gives_the_codes_of_the_cli(hxsim_cli, tmp_path):
    rng = np.random.default_rng(12)
    inputs = rng.integers(0, 32, size=(6, 90))
    weights = rng.integers(-63, 64, size=(90, 200))
    ht.init(mode="physics", seed=8, chips=1)
    ours = ht.matmul(torch.tensor(inputs, dtype=torch.float32),
                     torch.tensor(weights, dtype=torch.float32), num_sends=2,
                     wait_between_events=3)
    np.savetxt(tmp_path / "x.csv", inputs, fmt="%d", delimiter=",")
    np.savetxt(tmp_path / "w.csv", weights, fmt="%d", delimiter=",")
    status, out, err = hxsim_cli("vmm", "--inputs", tmp_path / "x.csv", "--weights",
                                 tmp_path / "w.csv", "--seed", 8, "--num-sends", 2, "--wait", 3)
    assert status == 0, err
    theirs = np.array([[int(v) for v in line.split(",")] for line in out.strip().splitlines()])
    np.testing.assert_array_equal(ours.numpy().astype(int), theirs)


def test_physics_partitions_large_layers_over_chips():
    # 300 inputs × 600 outputs: 3 row blocks × 3 column blocks over 2 chips.
    ht.init(mode="physics", seed=1, chips=2)
    x, w = torch.full((4, 300), 10.0), torch.full((300, 600), 5.0)
    y = ht.matmul(x, w)
    # Each row block gives ≈ 0.0019 · 10 · 5 · 100 ≈ 10 LSB; three summed ≈ 29.
    assert y.shape == (4, 600)
    assert 20 < y.mean().item() < 38


def test_measured_mock_parameter_is_near_hxtorchs():
    ht.init(mode="physics", seed=1)
    parameter = ht.measure_mock_parameter()
    assert 0.0017 < parameter.gain < 0.0023
    assert 1.0 < parameter.noise_std < 3.5
    ht.set_mock_parameter(parameter)
    assert ht.get_mock_parameter() == parameter


def test_digital_operations_floor_and_clamp_on_the_chip():
    values = torch.tensor([-3.5, 0.2, 1.9, 40.7, 200.0, 300.0])
    ht.init(mode="mock")
    assert ht.relu(values).tolist() == [0, 0, 1, 40, 127, 127]
    assert ht.converting_relu(values, shift=2).tolist() == [0, 0, 0, 10, 31, 31]
    assert ht.add(values, torch.tensor(100.0)).tolist() == [96, 100, 101, 127, 127, 127]
    assert ht.argmax(torch.tensor([[1.2, 1.9, 0.5]]), dim=1).tolist() == [0]
    ht.init(mode="software")
    assert ht.relu(values).tolist() == pytest.approx([0, 0.2, 1.9, 40.7, 200, 300])
    assert ht.converting_relu(values, shift=2).tolist() == pytest.approx(
        [0, 0.05, 0.475, 10.175, 31, 31])
    assert ht.argmax(torch.tensor([[1.2, 1.9, 0.5]]), dim=1).tolist() == [1]


def test_layers_have_pytorchs_state_dict_and_hxtorchs_initialisation():
    torch.manual_seed(1)
    layer = ht.nn.Linear(500, 128, bias=False)
    assert list(layer.state_dict()) == ["weight"]
    # hxtorch's automatic sends for fan-in 500: ceil(2·√2 / 0.002 / √500 / 21) = ceil(3.01) = 4.
    assert layer.num_sends == 4 == ht.automatic_num_sends(500)
    assert layer.weight.abs().max() <= 63
    # The standard deviation is that of the sends chosen, 2·√2 / gain / √500 / num_sends (15.8
    # at the default gain 0.002; earlier tests may have set another mock parameter).
    gain = ht.get_mock_parameter().gain
    assert float(layer.weight.detach().std()) == pytest.approx(
        2 * 2**0.5 / gain / 500**0.5 / layer.num_sends, rel=0.03)
    # The ReLU shift is checked as converting_relu checks it, not used as given.
    with pytest.raises(hxsim.InvalidArgumentError, match="relu_shift is 8"):
        layer.reset_parameters(relu_shift=8)
    conv = ht.nn.Conv2d(1, 20, 10, stride=5, padding=1, bias=False, num_sends=3,
                        wait_between_events=2)
    assert conv.weight.shape == (20, 1, 10, 10)
    expanded = ht.nn.ExpandedConv1d(1, 10, 5, stride=2)
    assert expanded.num_expansions == min(256 // 10, (128 - 5) // 2 + 1)
    ht.init(mode="mock", seed=2)
    out = conv(torch.full((2, 1, 28, 28), 31.0))
    assert out.shape == (2, 20, 5, 5)
    assert ht.nn.Conv1d(2, 3, 4, padding=2)(torch.ones(1, 2, 9)).shape == (1, 3, 10)
    assert expanded(torch.ones(2, 1, 40)).shape == (2, 10, 18)


def test_expanded_conv1d_equals_conv1d_in_software_mode():
    ht.init(mode="software")
    x, w = uniform((2, 2, 30), 0, 31, 1), uniform((3, 2, 4), -63, 63, 2)
    assert torch.allclose(ht.expanded_conv1d(x, w, stride=2, num_expansions=5),
                          ht.conv1d(x, w, stride=2), rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("mode", ["mock", "physics"])
def test_a_plain_optimizer_trains_with_the_chip_in_the_loop(mode):
    """Two Gaussian blobs, a Linear → ConvertingReLU → Linear network: the loss falls."""
    ht.init(mode=mode, seed=4)
    generator = torch.Generator().manual_seed(0)
    labels = torch.randint(0, 2, (256,), generator=generator)
    centres = torch.tensor([[8.0] * 8 + [24.0] * 8, [24.0] * 8 + [8.0] * 8])
    x = torch.clamp(centres[labels] + 4 * torch.randn(256, 16, generator=generator), 0, 31)
    torch.manual_seed(3)
    model = torch.nn.Sequential(ht.nn.Linear(16, 32, num_sends=2), ht.nn.ConvertingReLU(1),
                                ht.nn.Linear(32, 2, num_sends=2))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.5)
    losses = []
    for _ in range(15):
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x) / 10, labels)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    accuracy = (model(x).argmax(1) == labels).float().mean().item()
    assert losses[-1] < 0.6 * losses[0], losses
    assert accuracy > 0.8


def test_results_kept_by_the_library_outlive_their_first_tensor():
    """matmul's result is the library's own buffer, freed with the last view of it."""
    import gc
    ht.init(mode="mock", seed=1)
    x, w = torch.full((3, 4), 10.0), torch.full((4, 5), 20.0)
    first = ht.matmul(x, w)
    expected = first.clone()
    view = first[1:]
    del first
    gc.collect()
    for _ in range(5):
        other = ht.matmul(x * 0.5, w)
        other.add_(1000)  # results are writable and independent
    assert torch.equal(view, expected[1:])
    assert not torch.equal(other, view[:1].expand_as(other))


@pytest.mark.parametrize("mode", ["physics", "mock"])
def test_parts_of_rows_give_the_values_of_one_call(mode):
    """A VMM runs in parts of about `part_rows` rows (bounded memory at any batch); the parts
    continue the trials and noise of one call, so the values do not depend on the setting."""
    rng = np.random.default_rng(3)
    # 300 × 600 weights: 3 × 3 blocks on one chip (several executions per call).
    x = torch.tensor(rng.integers(0, 32, size=(2500, 300)), dtype=torch.float32)
    w = torch.tensor(rng.integers(-63, 64, size=(300, 600)), dtype=torch.float32)
    images = torch.tensor(rng.integers(0, 32, size=(40, 1, 12, 12)), dtype=torch.float32)
    kernels = torch.tensor(rng.integers(-63, 64, size=(4, 1, 5, 5)), dtype=torch.float32)
    results = []
    for part_rows in (None, 1):
        context = ht.init(mode=mode, seed=6, chips=1, part_rows=part_rows) if mode == "physics" \
            else ht.init(mode=mode, seed=6, part_rows=part_rows)
        assert context.part_rows == (4096 if part_rows is None else 1)
        results.append((ht.matmul(x, w), ht.conv2d(images, kernels)))
    (whole, whole_conv), (parts, parts_conv) = results
    assert torch.equal(whole, parts)
    assert torch.equal(whole_conv, parts_conv)
    assert len(torch.unique(parts[-100:])) > 10  # the last part was computed


def test_part_rows_is_checked():
    context = ht.init(mode="mock")
    with pytest.raises(hxsim.HXSimError, match="rows is 0"):
        context.part_rows = 0
    with pytest.raises(TypeError):
        context.part_rows = 2.5
    with pytest.raises(ValueError):
        context.part_rows = 2**70


_PEAK_RSS = """
import resource, sys, torch, hxsim.torch as ht
batch = int(sys.argv[1])
ht.init(mode="physics", seed=1, chips=1)
x = torch.full((batch, 128), 7.0)
w = torch.full((128, 256), 3.0)
y = ht.matmul(x, w)
assert y.shape == (batch, 256)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""


def test_a_large_matmul_holds_little_beyond_its_input_and_result(tmp_path):
    """Peak memory of a physics matmul grows by the caller's own input and result, not by
    copies of them or the whole batch's intermediates (measured in fresh processes)."""
    import os
    import subprocess
    import sys

    def peak(batch):
        done = subprocess.run([sys.executable, "-c", _PEAK_RSS, str(batch)], capture_output=True,
                              text=True, timeout=300, env=dict(os.environ))
        assert done.returncode == 0, done.stderr
        return int(done.stdout.strip().splitlines()[-1])

    small, large = peak(2_000), peak(200_000)
    callers = 198_000 * (128 + 256) * 4  # the input and result tensors of the extra rows
    extra = large - small - callers
    # Before the parts, the bridge held a copy of the input, the blocks and the decoded result
    # for the whole batch: about 1.3 × the caller's data more.
    assert extra < 48 * 2**20, f"{extra / 2**20:.0f} MiB beyond the caller's {callers / 2**20:.0f}"


# torch's reference warns that an even kernel with "same" copies the input; that is the point.
@pytest.mark.filterwarnings("ignore:Using padding='same'")
def test_string_padding_pads_as_torchs_own_layer():
    """padding="valid" is no padding and "same" keeps the length, asymmetric for an even kernel,
    exactly as torch's layer pads (software mode: the ideal model, gain · num_sends · conv)."""
    ht.init(mode="software")
    torch.manual_seed(3)
    x1, x2 = uniform((2, 3, 11), 0, 31, 4), uniform((1, 2, 7, 8), 0, 31, 5)
    layers = [(ht.nn.Conv1d(3, 4, 3, padding="valid", bias=False, num_sends=2), x1,
               torch.nn.Conv1d),
              (ht.nn.Conv1d(3, 4, 4, padding="same", bias=False, num_sends=2), x1,
               torch.nn.Conv1d),
              (ht.nn.Conv2d(2, 3, (2, 4), padding="same", bias=False, num_sends=1,
                            padding_mode="reflect"), x2, torch.nn.Conv2d)]
    for layer, x, torch_class in layers:
        expected = GAIN * layer.num_sends * torch_class.forward(layer, x).detach()
        y = layer(x)
        assert y.shape == expected.shape
        assert torch.allclose(y, expected, rtol=1e-5, atol=1e-4), layer


def test_a_lazily_negated_tensor_is_read_with_its_sign():
    """torch may keep a negation as a bit on the tensor (conj().imag, _neg_view) over memory
    holding the positive values; the library must get the values torch sees."""
    ht.init(mode="software", mock_parameter=ht.MockParameter(noise_std=0.0, gain=1.0))
    x = torch.complex(torch.tensor([[0.0]]), torch.tensor([[3.0]])).conj().imag
    assert x.is_neg() and x.is_contiguous()
    w = torch.tensor([[2.0]])
    assert ht.matmul(x, w).tolist() == [[-6.0]]
    # Larger ones through torch's private view (the public routes give strided tensors); torch
    # computes the references itself, negation included.
    big = torch._neg_view(uniform((3, 5), 0, 31, 1))
    weight = torch._neg_view(uniform((5, 4), -63, 63, 2))
    assert big.is_neg() and weight.is_neg()
    assert torch.allclose(ht.matmul(big, weight), torch.matmul(big, weight), rtol=1e-5)
    kernel = torch._neg_view(uniform((2, 3, 2), -63, 63, 3))
    assert torch.allclose(ht.conv1d(big.unsqueeze(0), kernel),
                          torch.nn.functional.conv1d(big.unsqueeze(0), kernel),
                          rtol=1e-5, atol=1e-4)


def test_mixed_dtypes_are_refused_at_the_forward_call_as_torch_does():
    ht.init(mode="mock", seed=1)
    w = torch.full((3, 4), 5.0, dtype=torch.float64, requires_grad=True)
    with pytest.raises(TypeError, match="input is torch.float32 but other is torch.float64"):
        ht.matmul(torch.full((2, 3), 10.0), w)
    with pytest.raises(TypeError, match="conv1d: input is torch.float64 but weight is "
                                        "torch.float32"):
        ht.conv1d(torch.ones(1, 1, 5, dtype=torch.float64), torch.ones(1, 1, 2))
    layer = ht.nn.Linear(3, 4, num_sends=1).double()
    with pytest.raises(TypeError, match="float64"):
        layer(torch.ones(2, 3))
    # One dtype throughout works forward and backward.
    y = layer(torch.ones(2, 3, dtype=torch.float64))
    y.sum().backward()
    assert y.dtype == torch.float64 and layer.weight.grad.dtype == torch.float64

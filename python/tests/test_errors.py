"""Errors: the library's message arrives word for word, as the CLI prints it; bad input from
Python is a clear exception, never a crash of the interpreter."""

import ctypes
import json

import numpy as np
import pytest
import torch

import hxsim
import hxsim.torch as ht
from hxsim import _library


def cli_error(hxsim_cli, *arguments):
    """The CLI's one-line error without the program's name. The CLI may put the operand in
    front of the library's message (`--inputs x.csv: ...`); the message itself is the same."""
    status, _, err = hxsim_cli(*arguments)
    assert status != 0
    assert err.startswith("hxsim: ")
    return err[len("hxsim: "):].strip()


def assert_cli_message(cli, library):
    """The library's message is the CLI's, after at most an operand prefix such as
    `--inputs x.csv: `."""
    assert len(library) > 20, library
    assert cli == library or cli.endswith(": " + library), (cli, library)


def test_a_shape_mismatch_reads_as_the_cli_says_it(hxsim_cli, tmp_path):
    np.savetxt(tmp_path / "x.csv", np.ones((2, 3), dtype=int), fmt="%d", delimiter=",")
    np.savetxt(tmp_path / "w.csv", np.ones((4, 2), dtype=int), fmt="%d", delimiter=",")
    expected = cli_error(hxsim_cli, "vmm", "--inputs", tmp_path / "x.csv", "--weights",
                         tmp_path / "w.csv")
    with pytest.raises(hxsim.PhysicsError) as caught:
        hxsim.vmm(np.ones((2, 3), dtype=int), np.ones((4, 2), dtype=int))
    assert_cli_message(expected, str(caught.value))


def test_a_calibration_of_another_chip_reads_as_the_cli_says_it(hxsim_cli, tmp_path):
    path = tmp_path / "chip-21.json"
    hxsim.calibrate(seed=21, quick=True, out=path)
    np.savetxt(tmp_path / "x.csv", np.ones((1, 2), dtype=int), fmt="%d", delimiter=",")
    np.savetxt(tmp_path / "w.csv", np.ones((2, 2), dtype=int), fmt="%d", delimiter=",")
    expected = cli_error(hxsim_cli, "vmm", "--inputs", tmp_path / "x.csv", "--weights",
                         tmp_path / "w.csv", "--seed", 22, "--calibration", path)
    chip = hxsim.Chip(22)
    with pytest.raises(hxsim.CalibrationError) as caught:
        chip.load_calibration(path)
    assert_cli_message(expected, str(caught.value))
    assert "21" in expected and "22" in expected
    # The chip is unchanged and still works.
    assert chip.vmm(np.ones((1, 2), dtype=int), np.ones((2, 2), dtype=int)).shape == (1, 2)


def test_a_damaged_calibration_file_reads_as_the_cli_says_it(hxsim_cli, tmp_path):
    path = tmp_path / "chip-3.json"
    hxsim.calibrate(seed=3, quick=True, out=path)
    data = json.loads(path.read_text())
    data["targets"]["baseline"] += 1
    path.write_text(json.dumps(data))
    np.savetxt(tmp_path / "x.csv", np.ones((1, 2), dtype=int), fmt="%d", delimiter=",")
    np.savetxt(tmp_path / "w.csv", np.ones((2, 2), dtype=int), fmt="%d", delimiter=",")
    expected = cli_error(hxsim_cli, "vmm", "--inputs", tmp_path / "x.csv", "--weights",
                         tmp_path / "w.csv", "--seed", 3, "--calibration", path)
    with pytest.raises(hxsim.CalibrationError) as caught:
        hxsim.Chip(3).load_calibration(path)
    assert_cli_message(expected, str(caught.value))
    assert "checksum" in expected


def test_bad_physics_parameters_read_as_the_cli_says_it(hxsim_cli, tmp_path):
    path = tmp_path / "params.json"
    path.write_text('{"format": "hxsim-physics-parameters", "version": 1, "param')
    expected = cli_error(hxsim_cli, "chip", "--params", path)
    with pytest.raises(hxsim.HXSimError) as caught:
        hxsim.Chip(1, parameters=path)
    assert_cli_message(expected, str(caught.value).replace("parameters_json", str(path)))


@pytest.mark.parametrize("inputs,error,words", [
    (np.full((2, 3), 15.0), TypeError, "integers"),
    (np.full((2, 3), np.nan), TypeError, "integers"),
    (np.ones((2, 3), dtype=bool), TypeError, "integers"),
    (np.array([["a", "b", "c"]]), TypeError, "integers"),
    (np.ones((2, 3, 1), dtype=int), ValueError, "1-D or 2-D"),
    (np.ones((0, 3), dtype=int), ValueError, "empty"),
    (np.full((1, 3), 2**40), ValueError, "outside"),
    (np.full((1, 3), 32), hxsim.PhysicsError, "outside 0…31"),
    (np.full((1, 3), -1), hxsim.PhysicsError, "outside 0…31"),
])
def test_bad_inputs_raise_clear_exceptions(inputs, error, words):
    with pytest.raises(error) as caught:
        hxsim.vmm(inputs, np.ones((3, 2), dtype=int))
    assert words in str(caught.value)


def test_an_input_out_of_range_deep_in_a_large_batch_is_named():
    # 3000 × 128 values: the library narrows them in chunks on every core; a value in the last
    # chunk must still be found and named, and the chip left as it was.
    inputs = np.full((3000, 128), 7, dtype=np.int32)
    inputs[2999, 100] = 32
    with hxsim.Chip(3) as chip:
        chip.write_weights(np.ones((128, 4), dtype=np.int32))
        with pytest.raises(hxsim.PhysicsError) as caught:
            chip.execute(inputs)
        assert "2999" in str(caught.value) and "32" in str(caught.value)
        inputs[2999, 100] = 31
        np.testing.assert_array_equal(
            chip.execute(inputs), hxsim.vmm(inputs, np.ones((128, 4), dtype=np.int32), seed=3))


def test_non_contiguous_arrays_give_the_codes_of_their_contiguous_copies():
    rng = np.random.default_rng(3)
    inputs = rng.integers(0, 32, size=(40, 12))[::2, ::-1]  # strided and reversed view
    weights = np.asfortranarray(rng.integers(-63, 64, size=(12, 9)))
    assert not inputs.flags.c_contiguous and not weights.flags.c_contiguous
    np.testing.assert_array_equal(
        hxsim.vmm(inputs, weights, seed=2),
        hxsim.vmm(np.ascontiguousarray(inputs), np.ascontiguousarray(weights), seed=2))
    x = torch.arange(24, dtype=torch.float32).reshape(4, 6).t()[::2]  # [3, 4], strided
    w = torch.arange(20, dtype=torch.float32).reshape(5, 4).t()  # [4, 5], transposed
    ht.init(mode="mock", seed=1)
    first = ht.matmul(x, w)
    ht.init(mode="mock", seed=1)
    assert torch.equal(first, ht.matmul(x.contiguous(), w.contiguous()))


def test_a_freed_chip_and_a_released_context_raise():
    chip = hxsim.Chip(1)
    chip.close()
    chip.close()  # idempotent
    for use in (lambda: chip.seed, lambda: chip.write_weights(np.ones((2, 2), dtype=int)),
                lambda: chip.calibrate()):
        with pytest.raises(hxsim.InvalidHandleError, match="freed"):
            use()
    context = ht.init(mode="software")
    ht.release()
    with pytest.raises(RuntimeError, match="released"):
        context.handle
    with pytest.raises(RuntimeError, match="init"):
        ht.matmul(torch.ones(1, 2), torch.ones(2, 2))


def test_forged_and_mistyped_handles_are_refused_by_the_library():
    from hxsim import _library
    with pytest.raises(hxsim.InvalidHandleError, match="not valid"):
        _library.call("hxsim_chip_free", 2**63)
    context = ht.init(mode="software")
    with pytest.raises(hxsim.InvalidHandleError, match="not a chip"):
        _library.call("hxsim_chip_free", context.handle)


def test_bad_tensors_and_settings_raise_clear_exceptions():
    ht.init(mode="physics", seed=1)
    with pytest.raises(hxsim.NetworkError, match="NaN"):
        ht.matmul(torch.tensor([[1.0, float("nan")]]), torch.ones(2, 3))
    with pytest.raises(hxsim.NetworkError, match="NaN"):
        ht.matmul(torch.ones(1, 2), torch.tensor([[float("inf")], [1.0]]))
    with pytest.raises(TypeError, match="float32 or float64"):
        ht.matmul(torch.ones(1, 2, dtype=torch.int32), torch.ones(2, 3))
    with pytest.raises(ValueError, match="rows"):
        ht.matmul(torch.ones(1, 2), torch.ones(3, 3))
    # The chip's limits are checked once, by the network front end, for every back end.
    with pytest.raises(hxsim.NetworkError, match="numSends"):
        ht.matmul(torch.ones(1, 2), torch.ones(2, 3), num_sends=256)
    with pytest.raises(hxsim.NetworkError, match="waitBetweenEvents"):
        ht.matmul(torch.ones(1, 2), torch.ones(2, 3), wait_between_events=0)
    with pytest.raises(TypeError, match="num_sends"):
        ht.matmul(torch.ones(1, 2), torch.ones(2, 3), num_sends=1.5)
    with pytest.raises(ValueError, match="channels"):
        ht.conv2d(torch.ones(1, 2, 5, 5), torch.ones(3, 1, 2, 2))
    with pytest.raises(hxsim.NetworkError, match="kernel"):
        ht.conv1d(torch.ones(1, 1, 2), torch.ones(1, 1, 5))
    with pytest.raises(ValueError, match="mode"):
        ht.init(mode="hardware")
    with pytest.raises(ValueError, match="integrator"):
        hxsim.vmm(np.ones((1, 2), dtype=int), np.ones((2, 2), dtype=int), integrator="euler")
    with pytest.raises(ValueError, match="seed"):
        hxsim.Chip(-1)


def test_the_raw_abi_refuses_null_pointers_huge_sizes_and_short_buffers():
    """Straight through ctypes, as another language would call it: never a crash."""
    from hxsim import _library
    context = ht.init(mode="mock", seed=1)
    x = torch.ones(2, 3)
    w = torch.ones(3, 4)
    y = torch.empty(2, 4)
    cases = [
        ((context.handle, -1, None, 2, 3, w.data_ptr(), 4, 1, 5, y.data_ptr(), 8), "input is NULL"),
        ((context.handle, -1, x.data_ptr(), 2, 3, None, 4, 1, 5, y.data_ptr(), 8),
         "weights is NULL"),
        ((context.handle, -1, x.data_ptr(), 2, 3, w.data_ptr(), 4, 1, 5, None, 8),
         "output is NULL"),
        ((context.handle, -1, x.data_ptr(), 2, 3, w.data_ptr(), 4, 1, 5, y.data_ptr(), 7),
         "output holds 7 elements, the result has 8"),
        ((context.handle, -1, x.data_ptr(), 2**40, 3, w.data_ptr(), 4, 1, 5, y.data_ptr(), 8),
         "batch is 1099511627776"),
        ((context.handle, -1, x.data_ptr(), 2**24, 2**24, w.data_ptr(), 4, 1, 5, y.data_ptr(), 8),
         "more than"),
        ((context.handle, -1, x.data_ptr(), -2, 3, w.data_ptr(), 4, 1, 5, y.data_ptr(), 8),
         "batch is -2"),
    ]
    for arguments, words in cases:
        with pytest.raises(hxsim.InvalidArgumentError) as caught:
            _library.call("hxsim_matmul", *arguments)
        assert words in str(caught.value)
    with pytest.raises(hxsim.InvalidArgumentError, match="padding_y is -1"):
        _library.call("hxsim_conv2d", context.handle, -1, x.data_ptr(), 1, 1, 2, 3,
                      w.data_ptr(), 1, 1, 1, 1, 1, -1, 0, 1, 5, y.data_ptr(), 8)
    with pytest.raises(hxsim.InvalidArgumentError, match="UTF-8"):
        _library.call("hxsim_chip_create", 1, b"\xff\xfe{", ctypes.byref(ctypes.c_uint64()))


def test_the_number_of_chips_is_bounded_before_any_chip_is_made():
    """10**6 chips would be about 0.8 TB made in Python before the library saw the count. The
    bound is the library's (the CLI's --chips range, 1…64), read through hxsim_limit."""
    assert ht.constants.max_chips == 64
    for chips in (10**6, 65, 0, -1):
        with pytest.raises(hxsim.InvalidArgumentError, match=f"chips is {chips}, expected 1…64"):
            ht.Context(mode="physics", chips=chips)
    # A list of existing chips: refused before any of them is calibrated (review of this stop:
    # 65 chips were calibrated in place for 22 s, then refused by the library).
    many = [hxsim.Chip(seed) for seed in range(65)]
    with pytest.raises(hxsim.InvalidArgumentError, match="chips holds 65 chips, expected 1…64"):
        ht.Context(mode="physics", chips=many, calibration="quick")
    with pytest.raises(TypeError, match="chips"):
        ht.Context(mode="physics", chips=2.0)
    with pytest.raises(hxsim.InvalidArgumentError, match="seed"):
        ht.Context(mode="physics", seed=2**64 - 1, chips=2)


def test_the_constants_are_the_librarys_with_hxtorchs_values():
    """The chip's ranges come from the library (hxsim_limit), under hxtorch's names and with
    the values hxtorch.perceptron.constants publishes; the default wait is hxtorch's too."""
    published = {"synaptic_weight_min": -63, "synaptic_weight_max": 63,
                 "input_activation_min": 0, "input_activation_max": 31,
                 "output_activation_min": -128, "output_activation_max": 127,
                 "hardware_matrix_height": 128, "hardware_matrix_width": 256}
    for name, value in published.items():
        assert getattr(ht.constants, name) == value, name
        assert name in dir(ht.constants)
    assert ht.constants.defaults.wait_between_events == _library.limit(
        "wait_between_events_default")
    assert _library.limit("parameter_file_bytes") == 64 << 20
    star = {}
    exec("from hxsim.torch.constants import *", star)
    assert star["synaptic_weight_max"] == 63 and star["max_chips"] == 64 and "defaults" in star
    assert hxsim.chip.PARAMETER_FILE_LIMIT == 64 << 20  # the name of earlier versions
    with pytest.raises(hxsim.InvalidArgumentError, match="NUL"):
        _library.limit("max_chips\x00x")
    with pytest.raises(AttributeError, match="no attribute 'max_chip'"):
        ht.constants.max_chip
    with pytest.raises(hxsim.InvalidArgumentError,
                       match="name 'max_chip' is not a limit; the limits are .*max_chips"):
        _library.limit("max_chip")


@pytest.mark.parametrize("options,error,words", [
    (dict(seed=2**64), hxsim.InvalidArgumentError, "seed is 18446744073709551616, expected "
                                                   "0…2**64-1"),
    (dict(seed=-1), hxsim.InvalidArgumentError, "seed is -1"),
    (dict(seed=1.7), TypeError, "seed must be an integer"),
    (dict(seed="5"), TypeError, "seed must be an integer"),
    (dict(threads=2**32 + 1), hxsim.InvalidArgumentError, "threads is 4294967297"),
    (dict(threads=1.5), TypeError, "threads"),
    # Not ignored in a mock context (review of this stop): they would seem to have an effect.
    (dict(chips=2), ValueError, "chips and parameters need the physics mode, not 'mock'"),
    (dict(parameters={"readNoise": 1}), ValueError, "need the physics mode"),
])
def test_context_integers_are_checked_not_wrapped(options, error, words):
    with pytest.raises(error) as caught:
        ht.Context(mode="mock", **options)
    assert words in str(caught.value)


def test_the_chips_of_a_context_may_not_run_past_the_last_seed():
    # Chips seed, seed + 1, …: the same words as HXSim's own check, before any chip is made.
    with pytest.raises(hxsim.InvalidArgumentError) as caught:
        ht.Context(seed=2**64 - 1, chips=2)
    assert str(caught.value) == (
        "2 chips from seed 18446744073709551615: the last chip's seed would pass "
        "18446744073709551615; the largest first seed of 2 chips is 18446744073709551614")


@pytest.mark.parametrize("call,error,words", [
    (lambda x, w: ht.expanded_conv1d(x, w, num_expansions=2**64 + 1),
     hxsim.InvalidArgumentError, "num_expansions is 18446744073709551617"),
    (lambda x, w: ht.expanded_conv1d(x, w, num_expansions=0), hxsim.InvalidArgumentError,
     "num_expansions is 0"),
    (lambda x, w: ht.expanded_conv1d(x, w, num_expansions=1.5), TypeError, "num_expansions"),
    (lambda x, w: ht.conv1d(x, w, stride=2**64 + 1), hxsim.InvalidArgumentError,
     "stride is 18446744073709551617"),
    (lambda x, w: ht.conv1d(x, w, stride=2**70), hxsim.InvalidArgumentError,
     "stride is 1180591620717411303424"),
    (lambda x, w: ht.conv1d(x, w, stride=0), hxsim.InvalidArgumentError, "stride is 0"),
    (lambda x, w: ht.conv1d(x, w, stride=-1), hxsim.InvalidArgumentError, "stride is -1"),
    (lambda x, w: ht.conv1d(x, w, stride=1.5), TypeError, "stride must be an integer"),
    (lambda x, w: ht.conv2d(x.unsqueeze(-1), w.unsqueeze(-1), stride=(1, 0)),
     hxsim.InvalidArgumentError, "stride is 0"),
    (lambda x, w: ht.conv1d(x, w, num_sends=2**32 + 1), hxsim.InvalidArgumentError,
     "num_sends is 4294967297"),
    (lambda x, w: ht.conv1d(x, w, bias=torch.ones(1)), hxsim.InvalidArgumentError,
     "bias has shape [1], expected [out_channels] = [4]"),
    (lambda x, w: ht.expanded_conv1d(x, w, bias=torch.ones(2, 2)), hxsim.InvalidArgumentError,
     "bias has shape [2, 2]"),
    (lambda x, w: ht.conv2d(x.unsqueeze(-1), w.unsqueeze(-1), bias=torch.ones(4, 1, 1)),
     hxsim.InvalidArgumentError, "bias has shape [4, 1, 1]"),
    (lambda x, w: ht.conv1d(x, w, bias=torch.ones(4, dtype=torch.float64)), TypeError,
     "bias is torch.float64"),
    (lambda x, w: ht.conv1d(x.numpy(), w), TypeError, "conv1d input must be a torch.Tensor"),
    (lambda x, w: ht.matmul(x.numpy()[0], w[0]), TypeError,
     "matmul input must be a torch.Tensor, got ndarray"),
    (lambda x, w: ht.relu(x.numpy()), TypeError, "relu input must be a torch.Tensor"),
    (lambda x, w: ht.matmul(torch.ones(2, 0), torch.ones(0, 4)), hxsim.InvalidArgumentError,
     "inner dimension k"),
    (lambda x, w: ht.matmul(torch.tensor([[1e40]], dtype=torch.float64),
                            torch.ones(1, 1, dtype=torch.float64)),
     hxsim.InvalidArgumentError, "input holds 1e+40, beyond float32's range"),
    (lambda x, w: ht.automatic_num_sends(0), hxsim.InvalidArgumentError, "fan_in is 0"),
])
def test_operation_arguments_are_checked_before_any_work(call, error, words):
    """Every argument is checked in Python before a shape is computed or ctypes converts it:
    nothing wraps (2**64 + 1 is not 1), and the message names the argument."""
    ht.init(mode="mock", seed=1)
    x, w = torch.full((2, 3, 10), 5.0), torch.full((4, 3, 3), 2.0)
    with pytest.raises(error) as caught:
        call(x, w)
    assert words in str(caught.value)


@pytest.mark.parametrize("make,error,words", [
    (lambda: ht.nn.Linear(0, 3), hxsim.InvalidArgumentError, "in_features is 0"),
    (lambda: ht.nn.Linear(5, 0), hxsim.InvalidArgumentError, "out_features is 0"),
    (lambda: ht.nn.Conv2d(3, 0, 3), hxsim.InvalidArgumentError, "out_channels is 0"),
    (lambda: ht.nn.Conv1d(0, 3, 2), hxsim.InvalidArgumentError, "in_channels is 0"),
    (lambda: ht.nn.Linear(5, 3, num_sends=0), hxsim.InvalidArgumentError, "num_sends is 0"),
    (lambda: ht.nn.Linear(5, 3, num_sends=-1), hxsim.InvalidArgumentError, "num_sends is -1"),
    (lambda: ht.nn.Linear(5, 3, num_sends=2.5), TypeError, "num_sends must be an integer"),
    (lambda: ht.nn.Linear(5, 3, avg=0), hxsim.InvalidArgumentError, "avg is 0"),
    (lambda: ht.nn.Linear(5, 3, avg=-1), hxsim.InvalidArgumentError, "avg is -1"),
    (lambda: ht.nn.Linear(5, 3, wait_between_events=2**40), hxsim.InvalidArgumentError,
     "wait_between_events is 1099511627776"),
    (lambda: ht.nn.ExpandedConv1d(3, 4, 3, num_expansions=0), hxsim.InvalidArgumentError,
     "num_expansions is 0"),
])
def test_layer_arguments_are_checked_at_construction(make, error, words):
    with pytest.raises(error) as caught:
        make()
    assert words in str(caught.value)


def test_an_invalid_mock_parameter_is_refused_when_set_and_changes_nothing():
    before = ht.get_mock_parameter()
    for noise in (-1.0, float("nan"), float("inf")):
        with pytest.raises(hxsim.InvalidArgumentError, match="noise_std is"):
            ht.set_mock_parameter(ht.MockParameter(noise_std=noise))
    # Without a context, the next mock call runs with the parameter set before.
    assert ht.get_mock_parameter() == before
    assert ht.matmul(torch.ones(1, 2), torch.ones(2, 2), mock=True).shape == (1, 2)
    context = ht.init(mode="mock", seed=1,
                      mock_parameter=ht.MockParameter(noise_std=1.0, gain=0.5))
    with pytest.raises(hxsim.InvalidArgumentError, match="noise_std is nan"):
        ht.set_mock_parameter(ht.MockParameter(noise_std=float("nan")))
    assert context.mock_parameter == ht.MockParameter(noise_std=1.0, gain=0.5)
    with pytest.raises(hxsim.InvalidArgumentError, match="noise_std is -2.0"):
        ht.Context(mode="mock", mock_parameter=ht.MockParameter(noise_std=-2.0))


def test_a_convolution_with_a_huge_result_is_refused_before_any_work():
    """Small operands, a result of 3·10⁸ floats: the library refuses it (more than 2²⁸
    elements cross the boundary at once) instead of aborting the interpreter when its
    allocation fails (the caller's buffer here is never touched)."""
    ht.init(mode="mock", seed=1)
    with pytest.raises(hxsim.InvalidArgumentError,
                       match=r"the output of shape \[1, 300, 1048576\] has more than"):
        ht.conv1d(torch.ones(1, 1, 2**20), torch.ones(300, 1, 1))
    with pytest.raises(hxsim.InvalidArgumentError,
                       match=r"the output of shape \[1, 300, 1, 1048576\] has more than"):
        ht.conv2d(torch.ones(1, 1, 1, 2**20), torch.ones(300, 1, 1, 1))
    # 2⁴⁶ floats: refused before torch is asked for 256 TiB (its allocation would fail).
    with pytest.raises(hxsim.InvalidArgumentError,
                       match=r"the output of shape \[1, 67108864, 1, 1048576\] has more than"):
        ht.conv2d(torch.ones(1, 1, 1, 2**20), torch.ones(1, 1, 1, 1).expand(2**26, 1, 1, 1))

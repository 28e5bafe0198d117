"""hxsim.Chip and hxsim.vmm: the codes of the Swift library and of `hxsim vmm`."""

import threading

import numpy as np
import pytest

import hxsim


def operands(seed, batch=8, rows=50, columns=300):
    rng = np.random.default_rng(seed)
    return (rng.integers(0, 32, size=(batch, rows)),
            rng.integers(-63, 64, size=(rows, columns)))


def cli_codes(hxsim_cli, tmp_path, inputs, weights, *options):
    np.savetxt(tmp_path / "x.csv", inputs, fmt="%d", delimiter=",")
    np.savetxt(tmp_path / "w.csv", weights, fmt="%d", delimiter=",")
    status, out, err = hxsim_cli("vmm", "--inputs", tmp_path / "x.csv", "--weights",
                                 tmp_path / "w.csv", *options)
    assert status == 0, err
    return np.array([[int(v) for v in line.split(",")] for line in out.strip().splitlines()])


@pytest.mark.parametrize("seed,sends,wait,integrator,batch", [
    (7, 1, 5, "fast", 8), (3, 3, 2, "fast", 8), (11, 1, 5, "gsl", 2),
    # More rows than one part of the library's (4096): the parts give the whole batch's codes.
    (5, 1, 5, "fast", 6000)])
def test_vmm_gives_the_codes_of_the_cli(hxsim_cli, tmp_path, seed, sends, wait, integrator,
                                        batch):
    inputs, weights = operands(seed, batch=batch)
    ours = hxsim.vmm(inputs, weights, seed=seed, num_sends=sends, wait_between_events=wait,
                     integrator=integrator)
    theirs = cli_codes(hxsim_cli, tmp_path, inputs, weights, "--seed", seed, "--num-sends",
                       sends, "--wait", wait, "--integrator", integrator)
    assert ours.dtype == np.int8 and ours.shape == (batch, 300)
    np.testing.assert_array_equal(ours, theirs)


def test_a_chip_continues_its_noise_and_a_new_chip_repeats_it():
    inputs, weights = operands(1)
    with hxsim.Chip(5) as chip:
        chip.write_weights(weights)
        first = chip.execute(inputs)
        second = chip.execute(inputs)
    assert not np.array_equal(first, second), "trial-to-trial noise must differ between batches"
    with hxsim.Chip(5) as chip:
        np.testing.assert_array_equal(chip.vmm(inputs, weights), first)
        # Splitting a batch gives the codes of the whole batch (noise keyed by the trial).
        chip2 = hxsim.Chip(5)
        chip2.write_weights(weights)
        halves = np.vstack([chip2.execute(inputs[:3]), chip2.execute(inputs[3:])])
        chip2.close()
    np.testing.assert_array_equal(halves, first)


def test_the_chip_computes_the_published_anchor():
    # 100 inputs of 15 with weights 21 give a median output near 61 (docs/SPECIFICATION.md; README).
    codes = hxsim.vmm(np.full((20, 100), 15), np.full((100, 256), 21), seed=1)
    assert 55 <= np.median(codes) <= 66


def test_one_vector_in_one_vector_out_and_projected_time():
    chip = hxsim.Chip(2)
    out = chip.vmm(np.full(10, 31), np.full((10, 3), 10))
    assert out.shape == (3,)
    # 10 events spaced 5 cycles of 8 ns plus the fixed overhead per vector: positive, < 1 ms.
    assert 0 < chip.projected_time < 1e-3


def test_calibrated_chip_matches_the_cli_with_digital_correction(hxsim_cli, tmp_path):
    calibration = tmp_path / "chip-4.json"
    status, _, err = hxsim_cli("calibrate", "--seed", 4, "--quick", "--quiet", "--out",
                               calibration)
    assert status == 0, err
    # 6000 rows: two parts in the library, one dither for the whole batch.
    inputs, weights = operands(4, batch=6000, columns=260)
    ours = hxsim.vmm(inputs, weights, seed=4, calibration=calibration, digital_correction=True)
    theirs = cli_codes(hxsim_cli, tmp_path, inputs, weights, "--seed", 4, "--calibration",
                       calibration, "--digital-correction")
    np.testing.assert_array_equal(ours, theirs)


def test_threads_share_a_chip_without_harm():
    inputs, weights = operands(2, batch=4)
    chip = hxsim.Chip(9)
    chip.write_weights(weights)
    results, errors = [], []

    def work():
        try:
            for _ in range(5):
                results.append(chip.execute(inputs))
        except Exception as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(results) == 20
    # The 20 batches took 20 distinct slices of the trial counter: a fresh chip reproduces the
    # set of outputs in some order.
    fresh = hxsim.Chip(9)
    fresh.write_weights(weights)
    expected = {fresh.execute(inputs).tobytes() for _ in range(20)}
    assert {r.tobytes() for r in results} == expected


def test_parameter_files_are_read_only_if_regular_and_bounded(tmp_path):
    """A device or a FIFO as the parameter file is refused before any byte is read (/dev/zero
    would fill the memory, a FIFO without a writer would block for ever), as ``--params``
    refuses it; so are a directory, a missing file and a file above the 64 MiB limit."""
    import os
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    # Without the check the read blocks until a writer comes: this one comes, so a regression
    # fails instead of hanging. It waits in open() until a reader appears.
    writer = threading.Thread(target=lambda: open(fifo, "wb").close(), daemon=True)
    writer.start()
    large = tmp_path / "large.json"
    with open(large, "wb") as file:
        file.truncate(hxsim.chip.parameter_file_limit() + 1)  # sparse: nothing is written
    # /dev/null, not /dev/zero: a regression then fails instead of filling the memory.
    cases = [("/dev/null", "is a character device"), (fifo, "is a named pipe (FIFO)"),
             (tmp_path, "is a directory"), (tmp_path / "missing.json", "no such file"),
             (large, "larger than the 64 MiB")]
    try:
        for path, words in cases:
            with pytest.raises(hxsim.FileFormatError) as caught:
                hxsim.Chip(1, parameters=path)
            message = str(caught.value)
            assert message.startswith(f"cannot read parameter file {path}: ") and words in message
        with pytest.raises(hxsim.InvalidArgumentError, match="parameters is an empty path"):
            hxsim.Chip(1, parameters="")
    finally:
        # Releases the writer if it still waits (a non-blocking reader is a reader).
        os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
        writer.join(5)
    # A regular file is still read, also as a bytes path.
    good = tmp_path / "good.json"
    good.write_text('{"format": "hxsim-physics-parameters", "version": 1, "parameters": {}}')
    assert hxsim.Chip(1, parameters=bytes(good)).seed == 1


def test_bytes_and_pathlike_paths_name_the_file_itself(tmp_path, monkeypatch):
    """A bytes path is the path (as open() takes it), never a file named "b'...'"."""
    import os
    monkeypatch.chdir(tmp_path)
    hxsim.Chip(1).calibrate(quick=True, out=b"chip-1.json")
    hxsim.Chip(1).load_calibration(os.fsencode(tmp_path / "chip-1.json"))
    model = os.path.join(os.path.dirname(__file__), "data", "tiny-model.json")
    hxsim.export_state_dict(os.fsencode(model), b"back.safetensors")
    assert sorted(os.listdir(tmp_path)) == ["back.safetensors", "chip-1.json"]
    with pytest.raises(TypeError, match="out must be a path"):
        hxsim.Chip(1).calibrate(quick=True, out=17)
    with pytest.raises(hxsim.InvalidArgumentError, match="safetensors_path.*NUL"):
        hxsim.export_state_dict(model, b"a\0b")


def test_a_closed_chip_says_it_was_freed_before_anything_else():
    chip = hxsim.Chip(1)
    chip.close()
    with pytest.raises(hxsim.InvalidHandleError, match="freed"):
        chip.execute(np.ones((1, 3), dtype=int))


@pytest.mark.parametrize("seed,error", [(-1, hxsim.InvalidArgumentError),
                                        (2**64, hxsim.InvalidArgumentError),
                                        (1.5, TypeError), ("5", TypeError), (True, TypeError)])
def test_a_chip_seed_outside_uint64_is_refused(seed, error):
    with pytest.raises(error, match="seed"):
        hxsim.Chip(seed)

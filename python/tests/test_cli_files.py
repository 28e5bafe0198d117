"""`hxsim vmm` and `hxsim trace` write real NumPy files chosen by the extension; `-` reads
standard input and writes standard output."""

import io
import subprocess

import numpy as np
import pytest

import hxsim


def run(hxsim_cli_path, *arguments, stdin=None):
    return subprocess.run([str(hxsim_cli_path), *map(str, arguments)], input=stdin,
                          capture_output=True, timeout=300)


@pytest.fixture(scope="module")
def cli_path():
    from conftest import _cli
    path = _cli()
    if path is None:
        pytest.skip("the hxsim command is not built")
    return path


def operands():
    rng = np.random.default_rng(4)
    return rng.integers(0, 32, size=(5, 30)), rng.integers(-63, 64, size=(30, 20))


def test_vmm_writes_a_numpy_file_of_int8_codes(cli_path, tmp_path):
    x, w = operands()
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "w.npy", w)
    done = run(cli_path, "vmm", "--inputs", tmp_path / "x.npy", "--weights", tmp_path / "w.npy",
               "--seed", 6, "--out", tmp_path / "y.npy")
    assert done.returncode == 0, done.stderr
    y = np.load(tmp_path / "y.npy")
    assert y.dtype == np.int8 and y.shape == (5, 20)
    np.testing.assert_array_equal(y, hxsim.vmm(x, w, seed=6))


def test_dash_reads_stdin_and_writes_stdout(cli_path, tmp_path):
    x, w = operands()
    np.savetxt(tmp_path / "w.csv", w, fmt="%d", delimiter=",")
    buffer = io.BytesIO()
    np.save(buffer, x.astype(np.int16))
    done = run(cli_path, "vmm", "--inputs", "-", "--weights", tmp_path / "w.csv", "--seed", 6,
               "--out", "-", stdin=buffer.getvalue())
    assert done.returncode == 0, done.stderr
    printed = np.loadtxt(io.StringIO(done.stdout.decode()), delimiter=",", dtype=int)
    np.testing.assert_array_equal(printed, hxsim.vmm(x, w, seed=6))
    csv = "\n".join(",".join(map(str, row)) for row in x).encode()
    again = run(cli_path, "vmm", "--inputs", "-", "--weights", tmp_path / "w.csv", "--seed", 6,
                stdin=csv)
    assert again.stdout == done.stdout
    both = run(cli_path, "vmm", "--inputs", "-", "--weights", "-", stdin=csv)
    assert both.returncode != 0 and b"cannot both be '-'" in both.stderr


def test_an_unknown_extension_is_refused_before_the_work(cli_path, tmp_path):
    x, w = operands()
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "w.npy", w)
    done = run(cli_path, "vmm", "--inputs", tmp_path / "x.npy", "--weights", tmp_path / "w.npy",
               "--out", tmp_path / "y.txt")
    assert done.returncode == 1
    assert b"unsupported file type" in done.stderr
    assert not (tmp_path / "y.txt").exists()


def test_trace_writes_a_numpy_file_of_the_voltages(cli_path, tmp_path):
    np.savetxt(tmp_path / "x.csv", np.full((1, 10), 20), fmt="%d", delimiter=",")
    np.savetxt(tmp_path / "w.csv", np.full((10, 2), 30), fmt="%d", delimiter=",")
    done = run(cli_path, "trace", "--inputs", tmp_path / "x.csv", "--weights",
               tmp_path / "w.csv", "--column", 1, "--svg", tmp_path / "t.svg", "--out",
               tmp_path / "t.npy")
    assert done.returncode == 0, done.stderr
    trace = np.load(tmp_path / "t.npy")
    assert trace.dtype == np.float64 and trace.shape[1] == 4 and trace.shape[0] > 100
    assert np.all(np.diff(trace[:, 0]) > 0)  # time in µs rises
    assert 0.2 < trace[:, 1].min() < trace[:, 1].max() < 1.2  # membrane voltage in volts

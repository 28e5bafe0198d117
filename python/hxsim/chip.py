"""One simulated chip: hxsim.Chip, and the one-shot hxsim.vmm and hxsim.calibrate."""

import ctypes
import json
import os
import threading

import numpy as np

from . import _library
from ._arrays import int32_matrix, integer, pointer
from .errors import HXSimError, InvalidHandleError

INTEGRATORS = {"fast": 0, "gsl": 1}


def _parameters_text(parameters):
    """Physics parameters as the text of a parameter file: None, a path, JSON text or a dict."""
    if parameters is None:
        return None
    if isinstance(parameters, dict):
        return json.dumps(parameters)
    if isinstance(parameters, os.PathLike) or (
            isinstance(parameters, str) and not parameters.lstrip().startswith("{")):
        with open(parameters, encoding="utf-8") as file:
            return file.read()
    if isinstance(parameters, str):
        return parameters
    raise TypeError(f"parameters must be a path, JSON text or a dict, got {type(parameters)}")


def integrator_code(integrator):
    try:
        return INTEGRATORS[integrator]
    except KeyError:
        raise ValueError(
            f"integrator must be one of {sorted(INTEGRATORS)}, got {integrator!r}") from None


class Chip:
    """One simulated HICANN-X chip, drawn from `seed` (its fixed-pattern mismatch).

    As on the real chip, weights stay written until replaced and every input vector sent is one
    trial with its own noise; the same seed and the same calls give the same codes as
    ``hxsim vmm`` and the Swift library. A chip may be used from several threads (calls on it
    run one after another). ``close()`` (or a ``with`` block) frees it; using it afterwards
    raises ``InvalidHandleError``.
    """

    def __init__(self, seed=1, parameters=None):
        """Draws chip `seed`; `parameters` is a physics-parameter file (path), its JSON text or a
        dict (``hxsim chip --json``), or None for the defaults."""
        if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or not (
                0 <= int(seed) < 2**64):
            raise ValueError(f"seed must be an integer in 0…2**64-1, got {seed!r}")
        self._lock = threading.Lock()
        self._handle = None
        self.projected_time = 0.0
        handle = ctypes.c_uint64()
        _library.call("hxsim_chip_create", int(seed),
                      _library.text(_parameters_text(parameters)), ctypes.byref(handle))
        self._handle = handle.value
        self._columns = None

    @property
    def handle(self):
        """The handle of the C ABI; raises if the chip was closed."""
        handle = self._handle
        if handle is None:
            raise InvalidHandleError("the chip was freed (Chip.close()); create a new one")
        return handle

    @property
    def seed(self):
        """The seed the chip was drawn from."""
        value = ctypes.c_uint64()
        _library.call("hxsim_chip_seed", self.handle, ctypes.byref(value))
        return value.value

    def calibrate(self, quick=False, out=None):
        """Calibrates the chip as ``hxsim calibrate`` does (about a second; ``quick``: fewer
        trials); writes the result to `out` if given. Returns the chip."""
        _library.call("hxsim_chip_calibrate", self.handle, 1 if quick else 0, _library.text(out))
        return self

    def load_calibration(self, path):
        """Applies a calibration file of ``hxsim calibrate``; a file of another chip raises
        ``CalibrationError`` and leaves the chip as it was. Returns the chip."""
        _library.call("hxsim_chip_load_calibration", self.handle, _library.text(path))
        return self

    def write_weights(self, weights):
        """Writes signed weights (rows ≤ 128 × columns ≤ 512, −63…63, integers)."""
        matrix, _ = int32_matrix(weights, "weights")
        _library.call("hxsim_chip_write_weights", self.handle, pointer(matrix),
                      matrix.shape[0], matrix.shape[1])
        self._columns = matrix.shape[1]

    def execute(self, inputs, num_sends=1, wait_between_events=5, integrator="fast",
                digital_correction=False):
        """Sends input vectors (batch × rows, or one vector of rows; 0…31, integers) through
        the written weights; returns int8 codes (batch × columns, or columns). The batch's
        time on the real chip is left in ``projected_time`` (seconds)."""
        matrix, vector = int32_matrix(inputs, "inputs", allow_vector=True)
        if self._columns is None:
            # The library says so too; this keeps the output buffer's size known.
            raise HXSimError("no weights written: call write_weights first")
        outputs = np.empty((matrix.shape[0], self._columns), dtype=np.int8)
        time = ctypes.c_double()
        _library.call(
            "hxsim_chip_execute", self.handle, pointer(matrix), matrix.shape[0], matrix.shape[1],
            _int32(num_sends, "num_sends"), _int32(wait_between_events, "wait_between_events"),
            integrator_code(integrator), 1 if digital_correction else 0, pointer(outputs),
            outputs.size, ctypes.byref(time))
        self.projected_time = time.value
        return outputs[0] if vector else outputs

    def vmm(self, inputs, weights, **options):
        """Writes `weights` and executes `inputs` (see ``execute`` for the options)."""
        self.write_weights(weights)
        return self.execute(inputs, **options)

    def close(self):
        """Frees the chip (idempotent)."""
        with self._lock:
            handle, self._handle = self._handle, None
        if handle is not None:
            _library.call("hxsim_chip_free", handle)

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001 - never raise from a finaliser
            pass

    def __repr__(self):
        state = "freed" if self._handle is None else f"seed {self.seed}"
        return f"hxsim.Chip({state})"


def _int32(value, name):
    return integer(value, name, types=(int, np.integer))


def vmm(inputs, weights, seed=1, num_sends=1, wait_between_events=5, integrator="fast",
        parameters=None, calibration=None, digital_correction=False):
    """One signed VMM on a fresh chip, as ``hxsim vmm`` computes it (the same seed gives the
    same int8 codes): `inputs` batch × rows (0…31), `weights` rows × columns (−63…63),
    integers. `calibration` is a file of ``hxsim calibrate`` for this chip."""
    with Chip(seed, parameters) as chip:
        if calibration is not None:
            chip.load_calibration(calibration)
        return chip.vmm(inputs, weights, num_sends=num_sends,
                        wait_between_events=wait_between_events, integrator=integrator,
                        digital_correction=digital_correction)


def calibrate(seed=1, quick=False, out=None, parameters=None):
    """A chip of `seed`, calibrated (written to `out` if given)."""
    return Chip(seed, parameters).calibrate(quick=quick, out=out)

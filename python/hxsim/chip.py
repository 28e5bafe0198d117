"""One simulated chip: hxsim.Chip, and the one-shot hxsim.vmm and hxsim.calibrate."""

import ctypes
import json
import os
import stat

import numpy as np

from . import _library
from ._arrays import int32_matrix, integer, pointer
from .errors import FileFormatError, HXSimError, InvalidArgumentError, InvalidHandleError

INTEGRATORS = {"fast": 0, "gsl": 1}


def __getattr__(name):
    # PARAMETER_FILE_LIMIT was a constant here; it is the library's now (parameter_file_limit).
    if name == "PARAMETER_FILE_LIMIT":
        return parameter_file_limit()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def parameter_file_limit():
    """The largest parameter file read, in bytes: the library's limit for documents, which
    ``hxsim ... --params`` applies (``hxsim_limit("parameter_file_bytes")``)."""
    return _library.limit("parameter_file_bytes")


_NON_REGULAR = {stat.S_IFDIR: "is a directory",
                stat.S_IFIFO: "is a named pipe (FIFO), not a regular file",
                stat.S_IFCHR: "is a character device, not a regular file",
                stat.S_IFBLK: "is a block device, not a regular file",
                stat.S_IFSOCK: "is a socket, not a regular file"}


def _parameters_text(parameters):
    """Physics parameters as the text of a parameter file: None, a path, JSON text or a dict."""
    if parameters is None:
        return None
    if isinstance(parameters, dict):
        return json.dumps(parameters)
    if isinstance(parameters, (os.PathLike, bytes)) or (
            isinstance(parameters, str) and not parameters.lstrip().startswith("{")):
        return _read_parameter_file(parameters)
    if isinstance(parameters, str):
        return parameters
    raise TypeError(f"parameters must be a path, JSON text or a dict, got {type(parameters)}")


def _read_parameter_file(path):
    """The text of a parameter file: a regular file of at most ``parameter_file_limit()`` bytes
    (a device, FIFO or directory is refused before it is read, so /dev/zero cannot fill the
    memory and a FIFO without a writer cannot block)."""
    shown = os.fsdecode(path)
    if not shown:
        raise InvalidArgumentError("parameters is an empty path")

    def refuse(reason):
        return FileFormatError(f"cannot read parameter file {shown}: {reason}")

    try:
        # O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        raise refuse((error.strerror or str(error)).lower()) from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise refuse(_NON_REGULAR.get(stat.S_IFMT(info.st_mode), "is not a regular file"))
        most = parameter_file_limit()
        too_large = refuse(f"larger than the {most >> 20} MiB HXSim reads from a parameter file")
        if info.st_size > most:
            raise too_large
        with os.fdopen(descriptor, "rb", closefd=False) as file:
            data = file.read(most + 1)  # bounded also if the file grows
    finally:
        os.close(descriptor)
    if len(data) > most:
        raise too_large
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise refuse(f"not UTF-8 text (byte {error.start})") from None


def integrator_code(integrator):
    try:
        return INTEGRATORS[integrator]
    except KeyError:
        raise ValueError(
            f"integrator must be one of {sorted(INTEGRATORS)}, got {integrator!r}") from None


class Chip(_library.OwnedHandle):
    """One simulated HICANN-X chip, drawn from `seed` (its fixed-pattern mismatch).

    As on the real chip, weights stay written until replaced and every input vector sent is one
    trial with its own noise; the same seed and the same calls give the same codes as
    ``hxsim vmm`` and the Swift library. A chip may be used from several threads (calls on it
    run one after another). ``close()`` (or a ``with`` block) frees it; using it afterwards
    raises ``InvalidHandleError``.
    """

    _free = "hxsim_chip_free"

    def __init__(self, seed=1, parameters=None):
        """Draws chip `seed`; `parameters` is a physics-parameter file (path), its JSON text or a
        dict (``hxsim chip --json``), or None for the defaults."""
        seed = integer(seed, "seed", "uint64")
        super().__init__()
        self.projected_time = 0.0
        handle = ctypes.c_uint64()
        _library.call("hxsim_chip_create", int(seed),
                      _library.text(_parameters_text(parameters), "parameters"),
                      ctypes.byref(handle))
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
        _library.call("hxsim_chip_calibrate", self.handle, 1 if quick else 0,
                      _library.path(out, "out"))
        return self

    def load_calibration(self, path):
        """Applies a calibration file of ``hxsim calibrate``; a file of another chip raises
        ``CalibrationError`` and leaves the chip as it was. Returns the chip."""
        _library.call("hxsim_chip_load_calibration", self.handle, _library.path(path, "path"))
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
        handle = self.handle  # a closed chip says so, whatever else is wrong
        matrix, vector = int32_matrix(inputs, "inputs", allow_vector=True)
        if self._columns is None:
            # The library says so too; this keeps the output buffer's size known.
            raise HXSimError("no weights written: call write_weights first")
        outputs = np.empty((matrix.shape[0], self._columns), dtype=np.int8)
        time = ctypes.c_double()
        _library.call(
            "hxsim_chip_execute", handle, pointer(matrix), matrix.shape[0], matrix.shape[1],
            integer(num_sends, "num_sends"), integer(wait_between_events, "wait_between_events"),
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
        self._free_handle()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.close()

    def __repr__(self):
        state = "freed" if self._handle is None else f"seed {self.seed}"
        return f"hxsim.Chip({state})"


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

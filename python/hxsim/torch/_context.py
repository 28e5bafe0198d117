"""Where hxsim.torch's operations run: a context selecting software, mock or physics.

hxtorch runs ``mock=False`` operations on the chip it was initialised with
(``hxtorch.init_hardware()``). Here ``hxsim.torch.init(mode=...)`` makes the context:

- ``"physics"``: simulated chips (seeds ``seed``, ``seed + 1``, …, or given ``hxsim.Chip``s),
  optionally calibrated, over which larger layers are partitioned;
- ``"mock"``: hxtorch's mock model (rounding, clamping, Gaussian noise of ``noise_std``);
- ``"software"``: the ideal linear model ``gain · num_sends · (x · W)`` in float.

``mock=True`` always runs the mock, with the context's noise seed and mock parameter (a default
mock context of seed 0 when none was made). The mock parameter (gain, noise) is used by every
mode's backward pass, as in hxtorch.
"""

import ctypes
import math
import threading

import numpy as np

from .. import _library
from .._arrays import integer
from ..errors import InvalidArgumentError
from ..chip import Chip, integrator_code
from . import constants

MODES = {"software": 0, "mock": 1, "physics": 2}
BACKEND_CONTEXT = -1
BACKEND_MOCK = 1

_lock = threading.Lock()
_current = None
_default_mock = None
_set_parameter = None  # the last set_mock_parameter, for a default mock context made later


class MockParameter:
    """hxtorch's MockParameter: `gain` (LSB per unit of Σ activation · weight per send) and
    `noise_std` (LSB)."""

    def __init__(self, noise_std=constants.defaults.noise_std, gain=constants.defaults.gain):
        self.noise_std = float(noise_std)
        self.gain = float(gain)

    def __eq__(self, other):
        return (isinstance(other, MockParameter) and self.gain == other.gain
                and self.noise_std == other.noise_std)

    def __repr__(self):
        return f"MockParameter(noise_std={self.noise_std:.6f}, gain={self.gain:.6f})"


class Context(_library.OwnedHandle):
    """One execution context (see the module's documentation); usable with ``with``."""

    _free = "hxsim_context_free"

    def __init__(self, mode="physics", seed=0, chips=1, calibration=None, parameters=None,
                 integrator="fast", digital_correction=False, mock_parameter=None, threads=None,
                 part_rows=None):
        """
        :param mode: "physics", "mock" or "software".
        :param seed: seed of the mock noise, and of the first chip when `chips` is a number.
        :param chips: the number of chips (seeds seed, seed + 1, …) or a list of hxsim.Chip
            (their current state is copied: calibrate or load calibrations first).
        :param calibration: None (uncalibrated), "quick" or "full" (calibrate each chip now,
            about a second each), or a calibration file (one chip) or a list of files.
        :param parameters: physics parameters of new chips (see hxsim.Chip).
        :param integrator: "fast" or "gsl".
        :param digital_correction: correct outputs with each chip's calibrated digital fit.
        :param mock_parameter: gain and noise; hxtorch's defaults if None.
        :param threads: worker threads of the physics (None: every core; the results do not
            depend on it).
        :param part_rows: about how many rows of one VMM the library runs at once (None: its
            default, 4096; rounded up to a multiple of 128 and at least 1024). It bounds what a
            call holds besides its input and result; the results do not depend on it.
        """
        super().__init__()
        if mode not in MODES:
            raise ValueError(f"mode must be one of {sorted(MODES)}, got {mode!r}")
        self.mode = mode
        seed = integer(seed, "seed", "uint64")
        threads = 0 if threads is None else integer(threads, "threads")
        if mock_parameter is not None:
            _check_mock_parameter(mock_parameter)
        handles = []
        owned = []
        if mode == "physics":
            if isinstance(chips, (int, np.integer)) and not isinstance(chips, bool):
                count = integer(chips, "chips", minimum=1, maximum=constants.max_chips)
                if seed + count - 1 >= 2**64:
                    # The words of HXSim's own check (PhysicsExecutor.seedOverflow).
                    raise InvalidArgumentError(
                        f"{count} chips from seed {seed}: the last chip's seed would pass "
                        f"{2**64 - 1}; the largest first seed of {count} chips is "
                        f"{2**64 - count}")
                owned = [Chip(seed + index, parameters) for index in range(count)]
                chip_list = owned
            else:
                try:
                    chip_list = list(chips)
                except TypeError:
                    raise TypeError("chips must be a positive number or a list of hxsim.Chip, "
                                    f"got {chips!r}") from None
                if not chip_list or not all(isinstance(c, Chip) for c in chip_list):
                    raise TypeError("chips must be a positive number or a list of hxsim.Chip")
                # Before any chip is calibrated or loaded: the library would refuse it after.
                if len(chip_list) > constants.max_chips:
                    raise InvalidArgumentError(f"chips holds {len(chip_list)} chips, expected "
                                               f"1…{constants.max_chips}")
            files = calibration if isinstance(calibration, (list, tuple)) else (
                [calibration] * len(chip_list) if calibration not in (None, "quick", "full")
                else None)
            if files is not None and len(files) != len(chip_list):
                raise ValueError(f"{len(files)} calibration files for {len(chip_list)} chips")
            for index, chip in enumerate(chip_list):
                if calibration in ("quick", "full"):
                    chip.calibrate(quick=calibration == "quick")
                elif files is not None:
                    chip.load_calibration(files[index])
            handles = [chip.handle for chip in chip_list]
        else:
            if calibration is not None or digital_correction:
                raise ValueError(f"calibration needs the physics mode, not {mode!r}")
            one_chip = (isinstance(chips, (int, np.integer)) and not isinstance(chips, bool)
                        and chips == 1)
            if not one_chip or parameters is not None:
                # Ignored, they would only seem to have an effect.
                raise ValueError(f"chips and parameters need the physics mode, not {mode!r}")
        array = (ctypes.c_uint64 * max(1, len(handles)))(*handles)
        handle = ctypes.c_uint64()
        _library.call(
            "hxsim_context_create", MODES[mode], seed, array if handles else None,
            len(handles), integrator_code(integrator), threads,
            1 if digital_correction else 0,
            ctypes.byref(handle))
        self._handle = handle.value
        for chip in owned:  # the context holds copies
            chip.close()
        self.chip_count = len(handles)
        self.seed = seed
        self.mock_parameter = mock_parameter or MockParameter()
        if part_rows is not None:
            self.part_rows = part_rows

    @property
    def part_rows(self):
        """About how many rows of one VMM the library runs at once (see ``__init__``)."""
        rows = ctypes.c_int64()
        _library.call("hxsim_context_part_rows", self.handle, ctypes.byref(rows))
        return rows.value

    @part_rows.setter
    def part_rows(self, rows):
        _library.call("hxsim_context_set_part_rows", self.handle,
                      integer(rows, "part_rows", "int64"))

    @property
    def handle(self):
        if self._handle is None:
            raise RuntimeError("the context was released; make a new one with hxsim.torch.init")
        return self._handle

    @property
    def mock_parameter(self):
        return self._mock_parameter

    @mock_parameter.setter
    def mock_parameter(self, parameter):
        _check_mock_parameter(parameter)
        _library.call("hxsim_context_set_mock_parameter", self.handle, parameter.gain,
                      parameter.noise_std)
        self._mock_parameter = MockParameter(parameter.noise_std, parameter.gain)

    @property
    def integer(self):
        """Whether digital operations work on chip integers (mock, physics)."""
        return self.mode != "software"

    def measure_mock_parameter(self, seed=0):
        """Gain and noise measured on the first chip as hxtorch's measure_mock_parameter."""
        gain, noise = ctypes.c_double(), ctypes.c_double()
        _library.call("hxsim_context_measure_mock_parameter", self.handle,
                      integer(seed, "seed", "uint64"),
                      ctypes.byref(gain), ctypes.byref(noise))
        return MockParameter(noise_std=noise.value, gain=gain.value)

    def release(self):
        """Frees the context (idempotent)."""
        self._free_handle()

    def __enter__(self):
        global _current
        self._previous = _current
        _current = self
        return self

    def __exit__(self, *_):
        global _current
        _current = self._previous
        self.release()

    def __repr__(self):
        return (f"hxsim.torch.Context(mode={self.mode!r}, seed={self.seed}, "
                f"chips={self.chip_count}, {self.mock_parameter})")


def init(mode="physics", **options):
    """Makes a context (see ``Context``) the current one, releasing the previous; returns it.
    The counterpart of hxtorch's ``init_hardware``."""
    global _current
    context = Context(mode, **options)
    with _lock:
        previous, _current = _current, context
    if previous is not None:
        previous.release()
    return context


def release():
    """Releases the current context (hxtorch's ``release_hardware``)."""
    global _current
    with _lock:
        previous, _current = _current, None
    if previous is not None:
        previous.release()


def current():
    """The current context, or None."""
    return _current


def for_call(mock):
    """The context and back end code of one operation (`mock` is hxtorch's flag)."""
    global _default_mock
    context = _current
    if context is None:
        if not mock:
            raise RuntimeError(
                "no simulated chip: call hxsim.torch.init(mode='physics' | 'mock' | "
                "'software', ...) first (hxtorch: init_hardware), or pass mock=True")
        with _lock:
            if _default_mock is None:
                _default_mock = Context("mock", seed=0, mock_parameter=_set_parameter)
            context = _default_mock
    return context, (BACKEND_MOCK if mock else BACKEND_CONTEXT)


def integer_mode(mock):
    """Whether digital operations floor and clamp (mock, physics, or no context)."""
    return mock or _current is None or _current.integer


def get_mock_parameter():
    """The mock parameter of the current context (hxtorch's defaults without one)."""
    context = _current or _default_mock
    return context.mock_parameter if context is not None else MockParameter()


def set_mock_parameter(parameter):
    """Sets gain and noise of the current context (and of the default mock context)."""
    global _set_parameter
    _check_mock_parameter(parameter)
    for context in (_current, _default_mock):
        if context is not None:
            context.mock_parameter = parameter
    _set_parameter = MockParameter(parameter.noise_std, parameter.gain)


def _check_mock_parameter(parameter):
    """Refuses a gain outside (0, 1] and a negative or non-finite noise before any state
    changes (the library refuses them too, but only once a context uses them)."""
    try:
        gain, noise_std = float(parameter.gain), float(parameter.noise_std)
    except (AttributeError, TypeError, ValueError):
        raise TypeError("mock_parameter must be a MockParameter (numbers gain and noise_std), "
                        f"got {parameter!r}") from None
    if not 0 < gain <= 1:
        raise InvalidArgumentError(f"gain is expected to be in the interval (0, 1] but was {gain}")
    if not (math.isfinite(noise_std) and noise_std >= 0):
        raise InvalidArgumentError(f"noise_std is {noise_std}, expected a finite value ≥ 0")


def measure_mock_parameter():
    """Measures gain and noise on the current physics context's first chip (does not set it)."""
    context = _current
    if context is None or context.mode != "physics":
        raise RuntimeError("measure_mock_parameter needs hxsim.torch.init(mode='physics')")
    return context.measure_mock_parameter()

"""HXSim from Python: the simulated BrainScaleS-2 chip (HICANN-X) in vector-matrix mode.

- ``hxsim.Chip``, ``hxsim.vmm``, ``hxsim.calibrate``: chips on numpy arrays (chip units);
- ``hxsim.torch``: hxtorch's ``perceptron`` API (``matmul``, ``conv2d``, ``nn.Linear``, …)
  with the simulated chip in the loop, software and mock modes;
- ``hxsim.import_state_dict`` / ``hxsim.export_state_dict``: safetensors state_dicts to and
  from HXNetwork model files.

The work is done by the Swift library through its C ABI (``libHXSimC.so``); see
``hxsim._library`` for where it is looked for (``$HXSIM_LIBRARY``).
"""

from . import _library
from .chip import Chip, calibrate, vmm
from .errors import (CalibrationError, FileFormatError, HXSimError, InternalError,
                     InvalidArgumentError, InvalidHandleError, NetworkError, PhysicsError)
from .models import export_state_dict, import_state_dict

__all__ = [
    "Chip", "vmm", "calibrate", "export_state_dict", "import_state_dict", "abi_version",
    "library_path", "HXSimError", "InvalidArgumentError", "InvalidHandleError",
    "FileFormatError", "PhysicsError", "CalibrationError", "NetworkError", "InternalError",
]


def abi_version():
    """The ABI version of the loaded library."""
    return _library.load().hxsim_abi_version()


def library_path():
    """The path of the library in use."""
    return _library.library_path()

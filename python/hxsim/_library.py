"""Finding, loading and declaring the C library (libHXSimC.so, header
Sources/HXSimC/include/hxsim.h).

Where the library is looked for, first match wins:

1. ``$HXSIM_LIBRARY``: the path of ``libHXSimC.so`` (or of the folder holding it);
2. the build folders of the repository this package sits in: ``.build/release`` then
   ``.build/debug`` next to ``python/`` (``swift build -c release --product HXSimC``).

The library records the Swift toolchain's runtime folder as its run path, so neither
``LD_LIBRARY_PATH`` nor a Swift installation on ``PATH`` is needed while that toolchain stays
where it was when the library was built.
"""

import ctypes
import os
import threading
from pathlib import Path

from .errors import HXSimError, InvalidArgumentError, error_for_status

#: The ABI version this package speaks (HXSIM_ABI_VERSION of the header).
ABI_VERSION = 1

LIBRARY_NAME = "libHXSimC.so"
ENVIRONMENT_VARIABLE = "HXSIM_LIBRARY"

_lock = threading.Lock()
_library = None

_c_char_p = ctypes.c_char_p
_i32 = ctypes.c_int32
_i64 = ctypes.c_int64
_u64 = ctypes.c_uint64
_f64 = ctypes.c_double
_ptr = ctypes.c_void_p
_p_u64 = ctypes.POINTER(ctypes.c_uint64)
_p_f64 = ctypes.POINTER(ctypes.c_double)

# name: (argument types); every function returns an int32 status.
_FUNCTIONS = {
    "hxsim_chip_create": (_u64, _c_char_p, _p_u64),
    "hxsim_chip_free": (_u64,),
    "hxsim_chip_seed": (_u64, _p_u64),
    "hxsim_chip_calibrate": (_u64, _i32, _c_char_p),
    "hxsim_chip_load_calibration": (_u64, _c_char_p),
    "hxsim_chip_write_weights": (_u64, _ptr, _i64, _i64),
    "hxsim_chip_execute": (_u64, _ptr, _i64, _i64, _i32, _i32, _i32, _i32, _ptr, _i64, _p_f64),
    "hxsim_context_create": (_i32, _u64, _ptr, _i64, _i32, _i32, _i32, _p_u64),
    "hxsim_context_free": (_u64,),
    "hxsim_context_set_mock_parameter": (_u64, _f64, _f64),
    "hxsim_context_mock_parameter": (_u64, _p_f64, _p_f64),
    "hxsim_context_measure_mock_parameter": (_u64, _u64, _p_f64, _p_f64),
    "hxsim_context_set_part_rows": (_u64, _i64),
    "hxsim_context_part_rows": (_u64, ctypes.POINTER(ctypes.c_int64)),
    "hxsim_matmul": (_u64, _i32, _ptr, _i64, _i64, _ptr, _i64, _i32, _i32, _ptr, _i64),
    "hxsim_matmul_buffer": (
        _u64, _i32, _ptr, _i64, _i64, _ptr, _i64, _i32, _i32, _p_u64,
        ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_int64)),
    "hxsim_buffer_free": (_u64,),
    "hxsim_conv1d": (
        _u64, _i32, _ptr, _i64, _i64, _i64, _ptr, _i64, _i64, _i64, _i64, _i32, _i32, _ptr, _i64),
    "hxsim_expanded_conv1d": (
        _u64, _i32, _ptr, _i64, _i64, _i64, _ptr, _i64, _i64, _i64, _i64, _i32, _i32, _ptr, _i64),
    "hxsim_conv2d": (
        _u64, _i32, _ptr, _i64, _i64, _i64, _i64, _ptr, _i64, _i64, _i64, _i64, _i64, _i64, _i64,
        _i32, _i32, _ptr, _i64),
    "hxsim_benchmark_matmul": (
        _u64, _i32, _ptr, _i64, _i64, _ptr, _i64, _i32, _i32, _i64, _ptr, _ptr),
    "hxsim_model_export_safetensors": (_c_char_p, _c_char_p, _c_char_p),
    "hxsim_model_import_safetensors": (_c_char_p, _c_char_p, _c_char_p, _c_char_p),
    "hxsim_limit": (_c_char_p, ctypes.POINTER(ctypes.c_int64)),
}

_limits = {}


def candidates():
    """The paths tried, in order (see the module's documentation)."""
    found = []
    override = os.environ.get(ENVIRONMENT_VARIABLE)
    if override:
        path = Path(override)
        found.append(path / LIBRARY_NAME if path.is_dir() else path)
        return found
    root = Path(__file__).resolve().parent.parent.parent
    for configuration in ("release", "debug"):
        found.append(root / ".build" / configuration / LIBRARY_NAME)
    return found


def library_path():
    """The path of the library that is (or would be) loaded."""
    for path in candidates():
        if path.is_file():
            return path
    tried = ", ".join(str(p) for p in candidates())
    raise HXSimError(
        f"{LIBRARY_NAME} not found (tried {tried}): build it in the repository with "
        f"`swift build -c release --product HXSimC`, or set {ENVIRONMENT_VARIABLE} to its path")


def load():
    """The loaded library, declared and version-checked (loaded once per process)."""
    global _library
    with _lock:
        if _library is not None:
            return _library
        path = library_path()
        try:
            library = ctypes.CDLL(str(path))
        except OSError as error:
            raise HXSimError(f"cannot load {path}: {error}") from None
        library.hxsim_abi_version.argtypes = ()
        library.hxsim_abi_version.restype = ctypes.c_uint32
        library.hxsim_last_error.argtypes = ()
        library.hxsim_last_error.restype = ctypes.c_char_p
        version = library.hxsim_abi_version()
        if version != ABI_VERSION:
            raise HXSimError(
                f"{path} speaks ABI version {version}, this package version {ABI_VERSION}: "
                "rebuild the library or update the package")
        for name, arguments in _FUNCTIONS.items():
            try:
                function = getattr(library, name)
            except AttributeError:
                raise HXSimError(
                    f"{path} has no function {name}: it is older than this package; rebuild it "
                    "with `swift build -c release --product HXSimC`") from None
            function.argtypes = arguments
            function.restype = ctypes.c_int32
        _library = library
        return library


class OwnedHandle:
    """An object owning one library handle (a chip or a context): freed exactly once, by the
    C function named `_free`, when it is closed or collected; freeing it again does nothing."""

    #: The ``hxsim_*_free`` function of the handle's kind.
    _free = None

    def __init__(self):
        self._handle_lock = threading.Lock()
        self._handle = None

    def _free_handle(self):
        # The swap under the lock: two threads closing at once free the handle once.
        with self._handle_lock:
            handle, self._handle = self._handle, None
        if handle is not None:
            call(self._free, handle)

    def __del__(self):
        try:
            self._free_handle()
        except Exception:  # noqa: BLE001 - never raise from a finaliser
            pass


def limit(name):
    """The library's limit `name` (``hxsim_limit`` of the header lists the names), read once:
    the chip's ranges and the bounds on a request are stated in the library, not again here."""
    with _lock:
        if name in _limits:
            return _limits[name]
    value = ctypes.c_int64()
    call("hxsim_limit", text(name, "name"), ctypes.byref(value))
    with _lock:
        _limits[name] = value.value
    return value.value


def call(name, *arguments):
    """Calls `name` and raises the error of a non-zero status, with the library's message."""
    library = load()
    status = getattr(library, name)(*arguments)
    if status != 0:
        raise error_for_status(status, library.hxsim_last_error().decode("utf-8", "replace"))


def text(value, name):
    """A str as the NUL-terminated UTF-8 bytes of a C string (None stays None)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    return _terminated(value.encode("utf-8", "surrogateescape"), name)


def path(value, name):
    """A file's path (str, bytes or os.PathLike, as ``open`` takes it) as the bytes of a C
    string (None stays None). Bytes are the path itself, never their repr."""
    if value is None:
        return None
    if not isinstance(value, (str, bytes, os.PathLike)):
        raise TypeError(f"{name} must be a path (str, bytes or os.PathLike), got "
                        f"{type(value).__name__}")
    encoded = os.fsencode(value)
    if not encoded:
        raise InvalidArgumentError(f"{name} is an empty path")
    return _terminated(encoded, name)


def _terminated(encoded, name):
    if b"\0" in encoded:
        raise InvalidArgumentError(f"{name} {encoded!r} contains a NUL character")
    return encoded

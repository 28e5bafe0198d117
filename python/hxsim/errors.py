"""The exceptions of hxsim: one per status of the C ABI, all subclasses of ``HXSimError``.

The message is the library's, word for word: the same text ``hxsim`` prints after ``hxsim:``.
"""


class HXSimError(Exception):
    """An error reported by HXSim; ``str(error)`` is the library's one-line message."""

    #: The status of the C ABI (0 for errors raised by the Python package itself).
    status = 0


class InvalidArgumentError(HXSimError, ValueError):
    """A pointer, size, count or enumeration value the library refused (status 1)."""

    status = 1


class InvalidHandleError(HXSimError, ValueError):
    """A freed or unknown chip or context (status 2)."""

    status = 2


class FileFormatError(HXSimError, OSError):
    """A file that is missing, unreadable or malformed (status 3)."""

    status = 3


class PhysicsError(HXSimError, ValueError):
    """The chip refused a value, a shape or an option (status 4)."""

    status = 4


class CalibrationError(HXSimError, ValueError):
    """Calibration failed, or a calibration file belongs to another chip (status 5)."""

    status = 5


class NetworkError(HXSimError, ValueError):
    """The network front end refused a shape, a setting or NaN (status 6)."""

    status = 6


class InternalError(HXSimError, RuntimeError):
    """Anything else: a bug in HXSim (status 7)."""

    status = 7


_BY_STATUS = {cls.status: cls for cls in (
    InvalidArgumentError, InvalidHandleError, FileFormatError, PhysicsError, CalibrationError,
    NetworkError, InternalError)}


def error_for_status(status, message):
    """The exception of a non-zero status."""
    return _BY_STATUS.get(status, InternalError)(message)

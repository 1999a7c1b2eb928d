"""Exceptions raised when the C core reports a status.

Checks the Python layer makes itself raise ValueError or TypeError before any
call; FusedRNNError carries what the C core said, with its status code.
"""


class FusedRNNError(Exception):
    """The C core returned a failure status."""

    def __init__(self, status, message, context=None):
        self.status = int(status)
        self.message = message
        text = message if context is None else f"{context}: {message}"
        super().__init__(f"{text} (fusedrnn status {self.status})")


class FusedRNNValueError(FusedRNNError, ValueError):
    """The C core rejected an argument (a ValueError too)."""


class FusedRNNResourceError(FusedRNNError, MemoryError):
    """Memory or a worker thread could not be had."""


# Statuses that are about resources rather than the caller's arguments.
_RESOURCE_STATUSES = {-25, -26}


def raise_for_status(lib, ffi, status, context=None):
    if status == 0:
        return
    message = ffi.string(lib.fusedrnn_status_message(status)).decode("utf-8")
    cls = FusedRNNResourceError if status in _RESOURCE_STATUSES else FusedRNNValueError
    raise cls(status, message, context)

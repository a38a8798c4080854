"""Handing one file from disk to the server, so headers and bytes agree.

``files`` describes a file; this module opens it at the moment of sending
and watches how much of it the server took, because a file rewritten in
place can change between the two.
"""

import os
import stat as stat_module

from ...protocol import INCOMPLETE_RESPONSE


def open_variant(variant):
    """(variant, handle) for sending ``variant`` from disk now.

    If the file changed since ``variant`` was built, the returned variant
    describes what the handle holds instead, so headers and bytes agree.
    None when the file is gone.
    """
    try:
        handle = open(variant.path, "rb")  # noqa: SIM115 (the caller owns and closes it)
    except OSError:
        return None
    st = os.fstat(handle.fileno())
    if not stat_module.S_ISREG(st.st_mode):
        handle.close()
        return None
    if variant.matches(st):
        return variant, handle
    return variant.reopened(st), handle


class ServedFile:
    """An open file handed to the server, which knows whether it was sent whole.

    A file rewritten in place can shrink while it is being sent; the bytes
    already announced by Content-Length then never all arrive, and a
    connection kept open would leave the client waiting for them.  A server
    takes the bytes either with ``read()`` or with ``socket.sendfile()``,
    which by its documentation leaves the file position after the last byte
    sent (through this object's ``seek``).  The furthest position reached
    is what was sent; on ``close()``, if that falls short of ``length``, the
    environ says so (``protocol.INCOMPLETE_RESPONSE``) for the server runner.
    """

    mode = "rb"

    def __init__(self, handle, length, environ):
        self.handle, self.length, self.environ = handle, length, environ
        self.reached = 0

    def fileno(self):
        return self.handle.fileno()

    def read(self, size=-1):
        data = self.handle.read(size)
        self.reached = max(self.reached, self.handle.tell())
        return data

    def seek(self, offset, whence=os.SEEK_SET):
        position = self.handle.seek(offset, whence)
        self.reached = max(self.reached, position)
        return position

    def tell(self):
        return self.handle.tell()

    def seekable(self):
        return True

    def close(self):
        if self.handle.closed:
            return
        if self.reached < self.length:
            self.environ[INCOMPLETE_RESPONSE] = True
        self.handle.close()

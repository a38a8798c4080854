"""A certificate authority and a server certificate made on this machine, for
HTTPS test servers: nothing shipped that can expire or leak.

``where()`` is the CA bundle a client trusts (the counterpart of
``pytest_httpbin.certs.where()``); ``server_files()`` the certificate chain
and key the server presents, valid for ``127.0.0.1``, ``::1`` and
``localhost``.  They are made with trustme at first use and kept in a folder
of this user's in the temporary directory (mode 0700), so every process of a
test run (the test process, its servers, pytest-xdist workers) agrees on one
CA; they are made again once they come within a day of expiring.
"""

import datetime
import os
import shutil
import tempfile

VALIDITY = datetime.timedelta(days=7)
RENEW_BEFORE = datetime.timedelta(days=1)
NAMES = ("127.0.0.1", "::1", "localhost")
CA_FILE, CERT_FILE, KEY_FILE = "ca.pem", "server.pem", "server-key.pem"


def folder():
    user = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    return os.path.join(tempfile.gettempdir(), "wsgi-echo-certs-%s" % user)


def _expires(path):
    from cryptography import x509

    with open(path, "rb") as handle:
        certificate = x509.load_pem_x509_certificate(handle.read())
    return certificate.not_valid_after_utc


def _usable(directory):
    try:
        if not all(
            os.path.isfile(os.path.join(directory, name)) for name in (CA_FILE, CERT_FILE, KEY_FILE)
        ):
            return False
        remaining = _expires(os.path.join(directory, CERT_FILE)) - datetime.datetime.now(
            datetime.timezone.utc
        )
        return remaining > RENEW_BEFORE
    except (OSError, ValueError):
        return False


def _make(directory):
    import trustme

    now = datetime.datetime.now(datetime.timezone.utc)
    authority = trustme.CA(organization_name="wsgi-echo test CA")
    leaf = authority.issue_cert(
        *NAMES, not_before=now - datetime.timedelta(hours=1), not_after=now + VALIDITY
    )
    authority.cert_pem.write_to_path(os.path.join(directory, CA_FILE))
    leaf.private_key_pem.write_to_path(os.path.join(directory, KEY_FILE))
    with open(os.path.join(directory, CERT_FILE), "wb") as handle:
        for pem in leaf.cert_chain_pems:
            handle.write(pem.bytes())


def ensure():
    """The folder holding a usable CA and server certificate, made if needed.

    Made in a private temporary folder and renamed into place, so processes
    that start at once never read half-written files: the first rename wins
    and the others use its files.
    """
    target = folder()
    if _usable(target):
        return target
    staging = tempfile.mkdtemp(prefix="wsgi-echo-certs-new-", dir=os.path.dirname(target))
    try:
        _make(staging)
        if os.path.isdir(target):
            stale = target + ".old-%d" % os.getpid()
            try:
                os.rename(target, stale)
                shutil.rmtree(stale, ignore_errors=True)
            except OSError:
                pass  # another process renewed it first
        try:
            os.rename(staging, target)
        except OSError:
            pass  # another process made it first
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if not _usable(target):
        raise RuntimeError("could not make test certificates in %s" % target)
    return target


def where():
    """Path of the CA bundle that verifies the test servers' certificates."""
    return os.path.join(ensure(), CA_FILE)


def server_files():
    """(certificate chain path, private key path) for a test server."""
    directory = ensure()
    return os.path.join(directory, CERT_FILE), os.path.join(directory, KEY_FILE)


if __name__ == "__main__":
    print(where())

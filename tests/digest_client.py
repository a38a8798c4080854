"""The client side of HTTP Digest authentication (RFC 7616), written from the
RFC independently of the server's code, for the httpbin tests in-process and
over sockets."""

import hashlib
import re

HASHES = {"SHA-256": hashlib.sha256, "SHA-512": hashlib.sha512}


def digest(text, algorithm):
    """``text`` (str or bytes) hashed as ``algorithm`` names it (MD5 otherwise), in hex."""
    data = text.encode() if isinstance(text, str) else text
    return HASHES.get(algorithm, hashlib.md5)(data).hexdigest()


def challenge_params(header):
    """The parameters of a ``WWW-Authenticate: Digest ...`` value, checking the scheme."""
    scheme, _, rest = header.partition(" ")
    assert scheme == "Digest", header
    return {
        key: quoted or bare
        for key, quoted, bare in re.findall(r'(\w+)=(?:"([^"]*)"|([^,\s]*))', rest)
    }


def digest_header(uri, user, password, challenge, qop=None, nc=1, body=b"", method="GET"):
    """The ``Authorization`` header a client sends (RFC 7616 section 3.4)."""
    algorithm = challenge["algorithm"]
    ha1 = digest("%s:%s:%s" % (user, challenge["realm"], password), algorithm)
    a2 = "%s:%s" % (method, uri)
    if qop == "auth-int":
        a2 += ":" + digest(body, algorithm)
    ha2 = digest(a2, algorithm)
    cnonce, count = "0a4f113b", "%08x" % nc
    if qop:
        answer = digest(":".join((ha1, challenge["nonce"], count, cnonce, qop, ha2)), algorithm)
    else:
        answer = digest(":".join((ha1, challenge["nonce"], ha2)), algorithm)
    header = (
        'Digest username="%s", realm="%s", nonce="%s", uri="%s", response="%s", '
        'opaque="%s", algorithm=%s'
        % (
            user,
            challenge["realm"],
            challenge["nonce"],
            uri,
            answer,
            challenge["opaque"],
            algorithm,
        )
    )
    if qop:
        header += ', qop=%s, nc=%s, cnonce="%s"' % (qop, count, cnonce)
    return {"Authorization": header}

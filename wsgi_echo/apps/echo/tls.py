"""The echo's ``tls`` key: what TLS the client's connection used.

The server runner puts the facts in the environ (``protocol.TLS``) when the
server terminated TLS itself; over plain HTTP, or behind a proxy that
terminated TLS, there are none and the key is ``null``.  A client
certificate is described from the verified certificate the ssl module
parsed: subject and issuer by their attribute short names, serial, validity
in ISO 8601 UTC, subject alternative names, and the SHA-256 fingerprint of
its DER bytes.
"""

import hashlib
import ssl
import time

from ...protocol import TLS
from ...request.multi import multi

# X.509 attribute names as the ssl module spells them -> their short names.
SHORT_NAMES = {
    "commonName": "CN",
    "organizationName": "O",
    "organizationalUnitName": "OU",
    "countryName": "C",
    "stateOrProvinceName": "ST",
    "localityName": "L",
    "emailAddress": "emailAddress",
    "serialNumber": "serialNumber",
    "domainComponent": "DC",
    "userId": "UID",
    "streetAddress": "street",
}
SAN_KINDS = {
    "DNS": "DNS",
    "IP Address": "IP",
    "email": "email",
    "URI": "URI",
    "DirName": "DirName",
    "Registered ID": "RID",
}


def _name(rdns):
    """An X.509 name as ``{"CN": "...", "O": "..."}`` (repeats as lists)."""
    return multi(
        (SHORT_NAMES.get(attribute, attribute), value)
        for rdn in rdns or ()
        for attribute, value in rdn
    )


def _when(text):
    if not text:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ssl.cert_time_to_seconds(text)))


def describe_certificate(certificate):
    if not certificate:
        return None
    return {
        "subject": _name(certificate.get("subject")),
        "issuer": _name(certificate.get("issuer")),
        "serial": certificate.get("serialNumber"),
        "not_before": _when(certificate.get("notBefore")),
        "not_after": _when(certificate.get("notAfter")),
        "san": [
            "%s:%s" % (SAN_KINDS.get(kind, kind), value)
            for kind, value in certificate.get("subjectAltName", ())
        ],
        "sha256": hashlib.sha256(certificate["der"]).hexdigest(),
    }


def describe_tls(environ):
    """The ``tls`` object for the echo, or None over plain HTTP."""
    facts = environ.get(TLS)
    if facts is None:
        return None
    return {
        "version": facts["version"],
        "cipher": facts["cipher"],
        "alpn": facts["alpn"],
        "sni": facts["sni"],
        "client_cert": describe_certificate(facts["client_cert"]),
    }

"""The certificates and clients the ``test_tls_http2_*`` modules share: ``pki``,
a CA, the server's certificate and client certificates made at test time
with trustme (module-scoped; it reaches those modules through
``pytest_plugins`` in conftest.py), ``tls_settings`` for a server using them,
and an HTTP/1.1 or HTTP/2 client (``client_context``, ``get``) that trusts
the CA.
"""

import ssl

import httpx
import pytest
import trustme

from conftest import settings_text


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """A CA, the server's certificate, a client certificate from the same CA
    and one from another CA."""
    folder = tmp_path_factory.mktemp("pki")
    authority, stranger = trustme.CA(), trustme.CA()
    server = authority.issue_cert("127.0.0.1", "localhost")
    client = authority.issue_cert("client@example.com", common_name="alice")
    outsider = stranger.issue_cert("mallory@example.com", common_name="mallory")
    files = {
        "ca": folder / "ca.pem",
        "server": folder / "server.pem",
        "client": folder / "client.pem",
        "outsider": folder / "outsider.pem",
    }
    authority.cert_pem.write_to_path(str(files["ca"]))
    server.private_key_and_cert_chain_pem.write_to_path(str(files["server"]))
    client.private_key_and_cert_chain_pem.write_to_path(str(files["client"]))
    outsider.private_key_and_cert_chain_pem.write_to_path(str(files["outsider"]))
    files["client_der"] = client.cert_chain_pems[0].bytes()
    return files


def tls_settings(pki, client_cert="off", http2=True, site=None, **server):
    tls = {"certfile": pki["server"], "keyfile": pki["server"], "http2": http2}
    if client_cert != "off":
        tls.update(client_cert=client_cert, client_ca=pki["ca"])
    routes = {"/echo": "echo", "/": "static"} if site else {"/": "echo"}
    sections = dict(server=dict({"workers": 1, "threads": 4}, **server), tls=tls, routes=routes)
    if site:
        sections["static"] = {"root": site}
    return settings_text(**sections)


def client_context(pki, cert=None, alpn=("h2", "http/1.1")):
    context = ssl.create_default_context(cafile=str(pki["ca"]))
    if cert:
        context.load_cert_chain(str(pki[cert]))
    if alpn:
        context.set_alpn_protocols(list(alpn))
    return context


def get(server, path, pki, cert=None, http2=True, **kwargs):
    with httpx.Client(http2=http2, verify=client_context(pki, cert), timeout=10) as client:
        return client.get("https://127.0.0.1:%d%s" % (server.port, path), **kwargs)

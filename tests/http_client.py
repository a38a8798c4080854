"""Small socket-level helpers for talking to real servers in tests."""

import http.client
import json
import socket


def request(server, method, path, body=None, headers=None, timeout=15):
    """One request on a fresh connection: (status, headers dict-ish, body bytes)."""
    connection = http.client.HTTPConnection(server.host, server.port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def get_json(server, method, path, body=None, headers=None):
    status, response_headers, data = request(server, method, path, body, headers)
    return status, response_headers, json.loads(data)


def raw(server, data, timeout=10, read_until_close=True):
    """Send raw bytes; read until the server closes (or the timeout)."""
    with socket.create_connection((server.host, server.port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
                if not read_until_close:
                    break
        except socket.timeout:
            pass
        return b"".join(chunks)


def status_of(response_bytes):
    """The status code of the first response in raw bytes."""
    return int(response_bytes.split(b" ", 2)[1])

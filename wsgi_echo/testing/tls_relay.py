"""A TLS front for a test server that cannot speak TLS itself (waitress).

``python -m wsgi_echo.testing.tls_relay --listen PORT --to PORT --cert C --key K``
accepts TLS connections on 127.0.0.1:PORT and relays the decrypted bytes,
both ways, to the plain server on 127.0.0.1:PORT, one upstream connection per
client connection, closing each side when the other closes.  The server
behind it is told the scheme with ``[proxy] assume_scheme = https``.

Written here because the standard library has no TLS terminator and a test
fixture should not need nginx or stunnel installed; it is bytes in, bytes
out, with no HTTP in it, so what reaches the server is exactly what the
client sent.  It offers only ``http/1.1`` by ALPN.
"""

import argparse
import asyncio
import signal
import ssl
import sys

from ..servers import address, announce_ready

CHUNK = 64 * 1024


async def _pipe(reader, writer):
    try:
        while True:
            data = await reader.read(CHUNK)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except (ConnectionError, ssl.SSLError, asyncio.IncompleteReadError):
        pass
    finally:
        try:
            if writer.can_write_eof():
                writer.write_eof()
            else:
                writer.close()
        except (OSError, RuntimeError):
            writer.close()


async def _relay(client_reader, client_writer, target_port):
    try:
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", target_port)
    except OSError:
        client_writer.close()
        return
    await asyncio.gather(
        _pipe(client_reader, upstream_writer), _pipe(upstream_reader, client_writer)
    )
    for writer in (client_writer, upstream_writer):
        writer.close()


async def serve(listen_port, target_port, cert, key, host="127.0.0.1"):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    context.set_alpn_protocols(["http/1.1"])
    server = await asyncio.start_server(
        lambda reader, writer: _relay(reader, writer, target_port), host, listen_port, ssl=context
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(signum, stop.set)
        except (NotImplementedError, AttributeError):  # Windows: KeyboardInterrupt ends it
            pass
    announce_ready(
        "https://" + address(host, listen_port), "the TLS relay", " to port %d" % target_port
    )
    async with server:
        await stop.wait()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m wsgi_echo.testing.tls_relay")
    parser.add_argument("--listen", type=int, required=True)
    parser.add_argument("--to", type=int, required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    args = parser.parse_args(argv)
    try:
        asyncio.run(serve(args.listen, args.to, args.cert, args.key))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

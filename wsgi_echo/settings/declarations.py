"""Every setting, declared once: section, key, default, converter, doc, flag.

The typed section objects, the shipped ``settings.ini``, the docs' settings
table and the command-line flags are all derived from ``DECLARATIONS``;
adding a setting is one line here plus its use.
"""

from collections.abc import Callable
from typing import NamedTuple

from .. import servers
from ..apps import KINDS, RECORDABLE
from .converters import (
    LOCAL_SITE,
    app_kinds,
    auto_or,
    boolean,
    choice,
    document_root,
    extensions,
    file_name,
    header_list,
    header_names,
    host,
    host_names,
    instance_name,
    integer,
    log_target,
    networks,
    optional_header,
    origins,
    path,
    record_store,
    secret_token,
    url_path,
    url_paths,
)


class Setting(NamedTuple):
    section: str
    key: str
    default: str  # as it is written in settings.ini
    convert: Callable  # (text, base folder) -> typed value, or ValueError
    doc: str  # one line: what it means, and its unit
    flag: str | None = None  # the command-line flag that overrides it


SECTIONS = {
    "server": "how the server listens, and what it accepts from clients",
    "static": "the static site (app kind `static`)",
    "echo": "the echo (app kind `echo`)",
    "httpbin": "the httpbin-compatible API (app kind `httpbin`): what its endpoints may produce",
    "log": "where log lines go",
    "tls": "HTTPS (gunicorn only)",
    "proxy": "trusted reverse proxies",
    "record": "recorded requests, and who may read them (app kind `requests`: the API and "
    "the inspector page)",
}

DECLARATIONS = (
    Setting(
        "server",
        "server",
        servers.DEFAULT_SERVER,
        choice(*servers.SERVERS),
        "what `python -m wsgi_echo` starts: %s" % " | ".join(servers.SERVERS),
        "--server",
    ),
    Setting(
        "server",
        "worker_class",
        "",
        choice("", *servers.WORKERS),
        "gunicorn's worker: gthread (a thread per request) | gevent (a greenlet per "
        "connection: thousands held at once); empty: %s's default, %s; waitress runs "
        "gthread only" % (servers.DEFAULT_SERVER, servers.selection(servers.default_runner())[1]),
        "--worker-class",
    ),
    Setting("server", "host", "0.0.0.0", host, "address to listen on", "--host"),
    Setting("server", "port", "8080", integer(1, 65535), "TCP port to listen on", "--port"),
    Setting(
        "server",
        "workers",
        "2",
        integer(1, 64),
        "worker processes (gunicorn; waitress runs one)",
        "--workers",
    ),
    Setting(
        "server",
        "threads",
        "8",
        integer(1, 1024),
        "threads per worker process (gunicorn's gthread worker, waitress)",
        "--threads",
    ),
    Setting(
        "server",
        "max_connections",
        "1000",
        integer(1, 100000),
        "open connections per worker process; more wait in the listen backlog",
    ),
    Setting(
        "server",
        "held_requests",
        "auto",
        auto_or(integer(1, 100000)),
        "requests per process at once that wait on purpose (/delay, /drip, /sse, "
        "X-Echo-Delay); more: 503 with Retry-After; auto: a thread-per-request server's "
        "threads less a quarter, no bound under gevent",
    ),
    Setting(
        "server",
        "keepalive",
        "5",
        integer(0, 3600),
        "seconds an idle connection is kept open; 0 closes it after every response",
    ),
    Setting(
        "server",
        "header_timeout",
        "5",
        integer(1, 3600),
        "seconds a client may take to send its request headers, from their first byte; "
        "slower: 408 and close (waitress, gunicorn's gevent worker; not gthread, see "
        "docs/servers.md)",
    ),
    Setting(
        "server",
        "body_timeout",
        "10",
        integer(1, 3600),
        "seconds a request body may take to arrive, counted from the end of its "
        "headers; slower: 408 and close",
    ),
    Setting(
        "server",
        "instance",
        "",
        instance_name,
        "this instance's name, shown in a response header, the echo and JSON logs "
        "(empty: the host name)",
        "--instance",
    ),
    Setting(
        "server",
        "instance_header",
        "X-Served-By",
        optional_header,
        "response header that carries the instance name (empty: none)",
    ),
    Setting(
        "server",
        "health_path",
        "/healthz",
        url_path,
        "path answered 200 with a small JSON status, for load balancers and probes (empty: none)",
    ),
    Setting(
        "server",
        "timeout",
        "30",
        integer(1, 86400),
        "seconds in-flight requests get to finish after SIGTERM; also gunicorn's worker heartbeat",
    ),
    Setting(
        "server",
        "max_request_bytes",
        "1048576",
        integer(0),
        "largest request body in bytes; larger: 413",
    ),
    Setting(
        "server",
        "limit_request_line",
        "8190",
        integer(0, 8190),
        "longest request line in bytes, without its CRLF (0: no limit); longer: 414",
    ),
    Setting(
        "server",
        "limit_request_fields",
        "100",
        integer(1, 32768),
        "most header fields in a request; more: 431",
    ),
    Setting(
        "server",
        "limit_request_field_size",
        "8190",
        integer(1, 65536),
        "longest header field line in bytes, with its CRLF; longer: 431",
    ),
    Setting(
        "static",
        "root",
        "",
        document_root,
        "the document root (empty: ./%s if there is one, else the demo site that comes "
        "with wsgi-echo)" % LOCAL_SITE,
        "--root",
    ),
    Setting("static", "index", "index.html", file_name, "the file served for a directory"),
    Setting(
        "static",
        "allowed_extensions",
        ".html .htm .css .js .json .txt .png .jpg .jpeg .gif .svg .ico .webp",
        extensions,
        "file extensions that may be served, case-insensitive; others: 403",
    ),
    Setting(
        "static",
        "cache_max_age",
        "60",
        integer(0),
        "seconds, for Cache-Control: public, max-age on static files",
    ),
    Setting(
        "echo",
        "max_delay_ms",
        "10000",
        integer(0, 600000),
        "the longest X-Echo-Delay, in milliseconds",
    ),
    Setting(
        "echo",
        "max_form_parts",
        "1000",
        integer(1, 1000000),
        "most parts in a multipart body; more: 413",
    ),
    Setting(
        "echo",
        "cors_origins",
        "*",
        origins,
        "origins whose browser code may read echo answers: * or a list of origins",
    ),
    Setting(
        "echo",
        "cors_credentials",
        "false",
        boolean,
        "let browsers send cookies and auth to the echo (needs listed origins, never *)",
    ),
    Setting(
        "echo",
        "cors_expose_headers",
        "*",
        header_names,
        "response headers browser code may read: * (all of them) or a list",
    ),
    Setting(
        "echo",
        "cors_max_age",
        "600",
        integer(0, 86400),
        "seconds a browser may cache a preflight answer",
    ),
    Setting(
        "httpbin",
        "max_delay",
        "10",
        integer(0, 3600),
        "longest /delay, and longest /drip, /range, /sse and /jsonl duration plus delay, in "
        "seconds (httpbin's cap is 10)",
    ),
    Setting(
        "httpbin",
        "max_bytes",
        "102400",
        integer(0),
        "most bytes /bytes, /stream-bytes and /range produce (httpbin's cap: 100 KiB)",
    ),
    Setting(
        "httpbin",
        "max_drip_bytes",
        "10485760",
        integer(0),
        "most bytes /drip and /fault/slow send (httpbin's cap for /drip: 10 MiB)",
    ),
    Setting(
        "httpbin",
        "max_stream_lines",
        "100",
        integer(0, 1000000),
        "most lines /stream and /jsonl send, and events /sse sends (httpbin's cap is 100)",
    ),
    Setting(
        "httpbin",
        "max_form_parts",
        "1000",
        integer(1, 1000000),
        "most parts in a multipart body (werkzeug's default cap); more: 413",
    ),
    Setting(
        "httpbin",
        "max_upload_bytes",
        "104857600",
        integer(0),
        "largest body /upload takes, in bytes (read as a stream, never held whole; may be "
        "over [server] max_request_bytes)",
    ),
    Setting(
        "httpbin",
        "hostname_route",
        "false",
        boolean,
        "serve /hostname, which shows this machine's host name; false: 404",
    ),
    Setting(
        "httpbin",
        "env_route",
        "false",
        boolean,
        "serve /env, which shows the HTTPBIN_ENV_* environment variables (none named like "
        "a secret); false: 404",
    ),
    Setting(
        "httpbin",
        "cors_credentials",
        "true",
        boolean,
        "reflect any Origin with credentials allowed, as httpbin does (any page can then "
        "read this host's cookies through /cookies); false: * without credentials",
    ),
    Setting(
        "httpbin",
        "redirect_hosts",
        "",
        host_names,
        "hosts /redirect-to may send clients to, besides relative URLs; empty: any, as httpbin",
    ),
    Setting(
        "httpbin",
        "fault_routes",
        "true",
        boolean,
        "serve /fault/... (reset, closed, truncated, stalled, slow and malformed answers, for "
        "testing clients' error handling); false: 404",
    ),
    Setting(
        "httpbin",
        "max_fault_seconds",
        "60",
        integer(0, 3600),
        "longest /fault/stall, and longest /fault/slow body, in seconds",
    ),
    Setting(
        "log",
        "access_log",
        "-",
        log_target,
        "- is stdout, a path is a file (appended, reopened on USR1), empty is off",
        "--access-log",
    ),
    Setting(
        "log",
        "error_log",
        "-",
        log_target,
        "- is stderr, a path is a file (appended), empty is off",
    ),
    Setting(
        "log",
        "access_log_format",
        "text",
        choice("text", "json"),
        "text (one line as documented) or json (one object per line)",
    ),
    Setting(
        "log",
        "access_log_skip",
        "/healthz",
        url_paths,
        "paths not written to the access log; a path ending in * skips all it begins",
    ),
    Setting(
        "log",
        "access_log_headers",
        "",
        header_list,
        "request headers added to each json line (secret ones as [redacted])",
    ),
    Setting(
        "log",
        "redact_headers",
        "",
        header_list,
        "more request headers whose values no log may show, besides Authorization, "
        "Cookie and Proxy-Authorization",
    ),
    Setting(
        "tls", "certfile", "", path, "PEM certificate (chain); with keyfile, gunicorn serves HTTPS"
    ),
    Setting("tls", "keyfile", "", path, "PEM private key for certfile"),
    Setting(
        "tls",
        "http2",
        "true",
        boolean,
        "offer HTTP/2 (h2) besides HTTP/1.1 by ALPN when serving HTTPS",
    ),
    Setting(
        "tls",
        "client_cert",
        "off",
        choice("off", "optional", "required"),
        "ask clients for a certificate: off | optional (verified when sent) | "
        "required (no valid certificate, no handshake)",
    ),
    Setting(
        "tls", "client_ca", "", path, "PEM bundle of the CAs that client certificates must chain to"
    ),
    Setting(
        "proxy",
        "trusted",
        "",
        networks,
        "addresses and networks whose X-Forwarded-For/-Proto/-Host are believed",
    ),
    Setting(
        "proxy",
        "http2_cleartext",
        "off",
        choice("off", "prior-knowledge", "upgrade", "both"),
        "accept cleartext HTTP/2 (h2c) from trusted proxies only, by prior knowledge "
        "and/or Upgrade: h2c (gunicorn)",
    ),
    Setting(
        "proxy",
        "assume_scheme",
        "",
        choice("", "http", "https"),
        "the scheme clients used, for a TLS-terminating front that sends no "
        "X-Forwarded-Proto (empty: as the server saw it)",
    ),
    Setting(
        "record",
        "enabled",
        "true",
        boolean,
        "record the requests that reach the mounts of the app kinds in mounts",
    ),
    Setting(
        "record",
        "mounts",
        " ".join(RECORDABLE),
        app_kinds(*RECORDABLE),
        "app kinds whose requests are recorded: %s (never the static site, the health "
        "path or the API)" % " | ".join(RECORDABLE),
    ),
    Setting(
        "record",
        "store",
        "sqlite",
        record_store,
        "where records are kept: sqlite (a file per instance in the temporary folder), "
        "sqlite:PATH, memory (one process) or redis://host:port/db (shared by instances)",
    ),
    Setting(
        "record",
        "max_requests",
        "1000",
        integer(1, 1000000),
        "most requests kept; the oldest are dropped",
    ),
    Setting(
        "record",
        "max_body_bytes",
        "65536",
        integer(0, 16777216),
        "most body bytes kept per request; the rest is cut off and the record marked truncated",
    ),
    Setting(
        "record",
        "token",
        "",
        secret_token,
        "secret the API and page readers must present (Authorization: Bearer, or the "
        "page's ?token=); empty: loopback clients only",
    ),
    Setting(
        "record",
        "store_timeout_ms",
        "500",
        integer(1, 60000),
        "longest wait for the store during a request; slower or down: the record is "
        "dropped and counted, the answer goes out",
    ),
    Setting(
        "record",
        "feed_seconds",
        "300",
        integer(1, 86400),
        "how long one live feed connection stays open (browsers reconnect and resume)",
    ),
    Setting(
        "record",
        "feed_listeners",
        "4",
        integer(1, 1024),
        "most live feeds open at once per worker process (each holds a thread); more: 503",
    ),
)

ROUTES_DOC = (
    "path prefix = app kind (%s); the longest matching prefix wins, and a "
    "[routes] section replaces this table whole" % " | ".join(KINDS)
)
DEFAULT_ROUTES = (
    ("/echo", "echo"),
    ("/httpbin", "httpbin"),
    ("/_requests", "requests"),
    ("/", "static"),
)

BY_SECTION: dict[str, dict[str, Setting]] = {name: {} for name in SECTIONS}
for _setting in DECLARATIONS:
    BY_SECTION[_setting.section][_setting.key] = _setting
FLAGS = {setting.flag: setting for setting in DECLARATIONS if setting.flag}

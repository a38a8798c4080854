"""deploy/nginx/'s shipped files, read without running them: every
placeholder is documented in deploy/README.md, and the limits and timeouts
nginx and the instances share (body size, keep-alive, proxy timeouts) are
in step.
"""

import collections
import os
import re

import pytest
from nginx_stack import (
    DEPLOY,
    INSTANCE_INI,
    NGINX_FILES,
    PLACEHOLDER,
    read,
)

from conftest import PROJECT
from wsgi_echo import settings as settings_module

pytestmark = pytest.mark.server

# -- the shipped files -----------------------------------------------------------------------


def test_the_shipped_nginx_files_have_only_documented_placeholders():
    readme = read(os.path.join(PROJECT, "deploy", "README.md"))
    for source in NGINX_FILES:
        for name in set(PLACEHOLDER.findall(read(os.path.join(DEPLOY, source)))):
            assert "${%s}" % name in readme, "%s: ${%s} is not in deploy/README.md" % (source, name)
    assert set(NGINX_FILES) | {"instance.ini"} == {
        os.path.relpath(os.path.join(folder, name), DEPLOY)
        for folder, _, names in os.walk(DEPLOY)
        for name in names
    }


def directives(source):
    """``{name: [values]}`` of the simple ``name value;`` directives in a shipped file."""
    found = collections.defaultdict(list)
    for name, value in re.findall(r"(?m)^\s*([a-z_]+)\s+([^;{#]+?)\s*;", read(source)):
        found[name].append(value)
    return found


def size_bytes(value):
    """nginx's size syntax: ``1m``, ``512k``, ``1048576``."""
    number, unit = re.fullmatch(r"(\d+)([kKmMgG]?)", value).groups()
    return int(number) * 1024 ** " kmg".index(unit.lower() or " ")


def seconds(value):
    """nginx's time syntax as these files use it: ``35s`` or ``35``."""
    return int(re.fullmatch(r"(\d+)s?", value).group(1))


def test_the_values_nginx_and_the_instances_share_are_in_step():
    """Limits stated in both the nginx files and instance.ini, as
    deploy/README.md says they relate, so editing one alone fails here."""
    instance = settings_module.load(INSTANCE_INI)
    plain = directives(os.path.join(DEPLOY, "conf.d", "wsgi-echo.conf"))
    tls = directives(os.path.join(DEPLOY, "wsgi-echo-tls.conf"))
    proxy = directives(os.path.join(DEPLOY, "wsgi-echo-proxy.conf"))
    # The same body limit at both layers, so nginx's 413 and ours agree.
    assert [size_bytes(value) for value in plain["client_max_body_size"]] == [
        instance.server.max_request_bytes
    ]
    # The TLS server takes clients exactly as the plain one does.
    for name in ("client_header_timeout", "client_body_timeout", "client_max_body_size"):
        assert tls[name] == plain[name], name
    # nginx closes idle upstream connections before an instance would.
    assert [seconds(value) < instance.server.keepalive for value in plain["keepalive_timeout"]] == [
        True
    ]
    # nginx waits longer than the slowest answer an instance gives on purpose.
    slowest = max(
        instance.server.timeout, instance.echo.max_delay_ms / 1000, instance.httpbin.max_delay
    )
    for name in ("proxy_read_timeout", "proxy_send_timeout"):
        assert [seconds(value) > slowest for value in proxy[name]] == [True], name

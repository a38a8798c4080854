"""Every bad parameter the httpbin app is given is a 400 in JSON naming it
(with the CORS headers: ``error_of`` in tests/httpbin_app.py), never a 500:
one table of targets under the mount, by route group as docs/httpbin.md
lists them.  Every other parameter in a row is within the
test limits (``LIMITS``), so the one named is the one refused.
"""

import pytest
from httpbin_app import error_of, get

# (target under the mount, the parameter the 400 names)
BAD_PARAMETERS = [
    # /status/<codes>: codes and weights that are no number or out of range, all weights 0
    ("/status/abc", "status code"),
    ("/status/4!9", "status code"),
    ("/status/200,402,foo", "status code"),
    ("/status/99", "status code"),
    ("/status/100", "status code"),
    ("/status/600", "status code"),
    ("/status/-1", "status code"),
    ("/status/1e3", "status code"),
    ("/status/200:x", "status code"),
    ("/status/200:x,201", "weight"),
    ("/status/200:-1,201", "weight"),
    ("/status/200:0,500:0", "status code"),
    # /drip: numbytes, duration, delay and code that are no number or out of bounds
    ("/drip?numbytes=0&duration=0", "numbytes"),
    ("/drip?numbytes=-1&duration=0", "numbytes"),
    ("/drip?numbytes=x&duration=0", "numbytes"),
    ("/drip?duration=x", "duration"),
    ("/drip?duration=-1", "duration"),
    ("/drip?duration=2", "duration"),
    ("/drip?delay=x&duration=0", "delay"),
    ("/drip?duration=0.6&delay=0.6", "duration"),
    ("/drip?code=700&duration=0", "status code"),
    ("/drip?code=abc&duration=0", "status code"),
    # numbers in the dynamic data routes, /cache/<n> and the redirect chains
    ("/bytes/abc", "n"),
    ("/bytes/-1", "n"),
    ("/bytes/10?seed=x", "seed"),
    ("/stream-bytes/x", "n"),
    ("/stream-bytes/10?chunk_size=x", "chunk_size"),
    ("/stream/x", "n"),
    ("/stream/-2", "n"),
    ("/range/abc", "numbytes"),
    ("/range/0", "numbytes"),
    ("/range/1001", "numbytes"),
    ("/range/10?duration=x", "duration"),
    ("/range/10?duration=5", "duration"),
    ("/range/10?chunk_size=1.5", "chunk_size"),
    ("/links/x", "n"),
    ("/links/x/0", "n"),
    ("/links/3/y", "offset"),
    ("/cache/x", "n"),
    ("/redirect/0", "n"),
    ("/redirect/abc", "n"),
    ("/relative-redirect/-1", "n"),
    ("/absolute-redirect/x", "n"),
    # /response-headers: a header that would break the response (the error names it)
    ("/response-headers?Content-Length=5", "Content-Length"),
    ("/response-headers?Transfer-Encoding=chunked", "Transfer-Encoding"),
    ("/response-headers?Connection=close", "Connection"),
    ("/response-headers?bad%20name=1", "bad name"),
    ("/response-headers?X-A=a%0D%0Ab", "X-A"),
    # /sse (go-httpbin): count, duration and delay that are no number or out of bounds
    ("/sse?count=0", "count"),
    ("/sse?count=6", "count"),
    ("/sse?count=x", "count"),
    ("/sse?count=3&duration=0", "duration"),
    ("/sse?count=3&duration=1m", "duration"),
    ("/sse?count=3&duration=-1ms", "duration"),
    ("/sse?count=3&duration=0.1&delay=foo", "delay"),
    ("/sse?count=3&duration=0.6&delay=0.5", "duration"),
]


@pytest.mark.parametrize("target, parameter", BAD_PARAMETERS)
def test_a_bad_parameter_is_a_400_naming_it(hb, target, parameter):
    error_of(get(hb, target, status=400), 400, parameter)

"""``testing.Server`` used the way pytest-httpbin's is, from a script: its
``start()`` is there, and a script that ends without ``stop()`` (an error
half-way) leaves no server running after it, as pytest-httpbin's thread
would not outlive its process."""

import json
import os
import subprocess
import sys

from wsgi_echo.testing.waiting import wait_for

SCRIPT = """
import json, sys, urllib.request
from wsgi_echo.testing import Server
server = Server()
server.start()
answered = json.load(urllib.request.urlopen(server.url + "/get?a=1"))["args"]
print(json.dumps({"pids": server.pids(), "args": answered}), flush=True)
raise SystemExit("an error before stop()")
"""


def running(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_script_that_never_calls_stop_leaves_no_server_behind(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1 and "an error before stop()" in done.stderr
    result = json.loads(done.stdout)
    assert result["args"] == {"a": "1"}
    assert result["pids"]
    wait_for(lambda: not any(map(running, result["pids"])), what="the server's processes gone")

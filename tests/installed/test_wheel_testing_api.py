"""The installed wheel's testing API: ``Server()`` with no arguments is a pure
httpbin, and the pytest fixtures work in a project of their own.
"""

import textwrap

# -- the testing API and the pytest fixtures ----------------------------------------------


def test_server_with_no_arguments_is_a_pure_httpbin(launch):
    code, out, err = launch.finish(
        [
            "python",
            "-c",
            textwrap.dedent("""
        import json, urllib.request
        from wsgi_echo.testing import Server
        with Server() as server:
            print(json.load(urllib.request.urlopen(server + "/get?a=1"))["args"])
        server = Server()  # as suites written for pytest-httpbin's serve.Server do
        server.start()
        print(json.load(urllib.request.urlopen(server.url + "/get?b=2"))["args"])
        server.stop()
    """),
        ]
    )
    assert (code, out.split()) == (0, ["{'a':", "'1'}", "{'b':", "'2'}"]), err


def test_the_fixtures_in_a_project_of_their_own(launch_for_pytest):
    launch = launch_for_pytest
    (launch.folder / "test_client.py").write_text(
        textwrap.dedent("""
        import json, ssl, urllib.request

        def test_httpbin(httpbin):
            assert json.load(urllib.request.urlopen(httpbin.url + "/get?a=1"))["args"] == {"a": "1"}

        def test_httpbin_secure(httpbin_secure, httpbin_ca_bundle):
            context = ssl.create_default_context(cafile=httpbin_ca_bundle)
            answer = urllib.request.urlopen(httpbin_secure + "/get", context=context)
            assert json.load(answer)["url"].startswith("https://")

        def test_brotli_works_out_of_the_box(httpbin):
            answer = urllib.request.urlopen(httpbin + "/brotli")
            assert answer.headers["Content-Encoding"] == "br"

        def test_wsgi_echo(wsgi_echo):
            answer = json.load(urllib.request.urlopen(wsgi_echo + "/echo/hi"))
            assert answer["path"] == "/echo/hi"
    """)
    )
    code, out, err = launch.finish(
        ["python", "-m", "pytest", "-q", "-p", "no:cacheprovider"], timeout=180
    )
    assert code == 0 and "4 passed" in out, out + err

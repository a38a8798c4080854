"""What the in-process tests of go-httpbin's routes share: the app with
small limits, and the check of a JSON refusal."""

from conftest import app_for, settings_text

LIMITS = {"max_delay": 1, "max_bytes": 1000, "max_stream_lines": 5}


def make(tmp_path, server=None, **httpbin):
    """A pure httpbin (mounted at /) with ``LIMITS`` and ``httpbin`` on top."""
    return app_for(
        settings_text(
            server=server or {}, httpbin=dict(LIMITS, **httpbin), routes={"/": "httpbin"}
        ),
        tmp_path,
    )


def refused(response, status, parameter=None):
    """A JSON error of ``status``, naming ``parameter`` when given."""
    assert response.status_int == status and response.content_type == "application/json"
    assert response.json["status"] == status
    if parameter is not None:
        assert response.json["parameter"] == parameter
    return response.json

"""The echo's reference JSON POST (``POST /method?a=b&b=a`` with a JSON body,
an ``X-Header`` and a cookie), checked the same in-process
(test_echo_request.py) and under real servers (test_echo_servers.py).
"""


def check_post_json_reference(data):
    """What the echo's document must show of the reference POST."""
    assert data["method"] == "POST"
    assert data["path"] == "/method"
    assert data["query_string"] == "a=b&b=a"
    assert data["query"] == {"a": "b", "b": "a"}
    assert data["headers"]["Content-Type"] == "application/json"
    assert data["headers"]["X-Header"] == "value"
    assert data["cookies"] == {"xcookie": "value"}
    assert data["json"] == {"data": "value"}

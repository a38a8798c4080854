"""Small WSGI wrappers around the router, each with one job: believe trusted
proxies (``proxy``), log each request (``accesslog``), bound and buffer the
request body (``body``).  Pure WSGI: no server is named here."""

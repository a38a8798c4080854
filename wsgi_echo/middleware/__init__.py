"""Small WSGI wrappers around the router, each with one job: believe trusted
proxies (``proxy``), log each request (``accesslog``), bound and buffer the
request body (``body``), name the instance that answered (``instance``),
answer the health path (``health``).  Pure WSGI: no server is named here.

They change or guard the request on its way to an app; reading it (header
names, query, forms) is the apps' business, shared in ``wsgi_echo.request``.
"""

"""What any app reads from a request, in one neutral place.

The apps answer differently (the echo shows everything it was sent, httpbin
shows what httpbin on werkzeug would), but they read the same facts from
the same environ and body: header names, the host, the query, a JSON body,
cookies, form bodies.  Those readings live here, outside ``apps``, so that
no app imports another and each rule has one copy:

* ``header_names``: environ key -> header name, in the two styles the apps
  show (Title-Case per dash-separated word, and ``str.title()``), behind
  one bounded cache.
* ``host``: the request's host as the client named it.
* ``query``: query strings to (key, value) pairs, two ways to decode.
* ``multi``: pairs to an object, repeats as lists.
* ``json_body``: a body as JSON, or None.
* ``cookies``: a ``Cookie`` header to name -> value.
* ``numbers``: a whole number as a client writes one.
* ``forms``: what kind of form a body is, its boundary, how many parts.
* ``parameters``: the parameters of a header value (``; name="f"``).
* ``multipart``: a multipart/form-data body split into its parts.

What an app makes of these (which part is an upload, which header is
hidden) stays in the app.  Everything here works on the environ directly,
as the hot paths need: no WebOb ``Request`` is built per request.
"""

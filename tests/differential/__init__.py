"""``make differential``: our httpbin mount against the real httpbin 0.10.x.

``corpus`` (from ``corpus_tables``) is what is sent, ``wire`` sends it as
raw bytes and reads the answers whole, ``compare`` finds what differs,
``differences`` is the table of deliberate differences (``entry`` its row),
``verdict`` sorts and reports, ``doc`` writes docs/httpbin.md's list.
"""

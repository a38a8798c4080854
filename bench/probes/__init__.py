"""Probes: what hostile and slow clients cost this tree's servers, in
figures, under gunicorn and waitress (``python -m bench.probes``, ``make
probes``).

Where the benchmark measures speed, the probes measure how the servers hold
up: ``slow`` (clients trickling bodies and headers against the deadlines),
``multipart`` (CPU and memory of hostile multipart bodies) and ``churn`` (a
static file changing under load).  They measure; the tests check behaviour
(``tests/test_slow_clients.py``, ``test_static_race.py``, ``test_framing.py``,
``test_fuzz.py``), with no figure in them.
"""

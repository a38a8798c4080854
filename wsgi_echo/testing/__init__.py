"""Real wsgi-echo servers for test suites: start one, talk to it, stop it.

``process`` starts and stops server processes by PID; ``ini`` writes
settings text from keyword arguments.  The test suite, ``make bench`` and the
pytest plugin all start servers through here.
"""

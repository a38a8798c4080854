"""`make bench`: wsgi-echo measured side by side with named peers, in one run.

Run with ``python -m bench`` (``make bench`` sets up its venv first).
``BENCH_ONLY`` picks a subset: a comma-separated list of words matched
against case names (``BENCH_ONLY=echo,bare``) or ``memory``.  Every run
saves its report in bench/results/; only a full run (no ``BENCH_ONLY``)
rewrites docs/benchmarks.md.
"""

"""The benchmark's bar chart of the throughput ratios (matplotlib, when installed)."""

from .report import BASELINES


def chart(results, path):
    """A horizontal bar chart of the ratios; returns False without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    # nginx (10x and more, against gunicorn's bare) would squash every other
    # bar, and the 10 MB file is compared in MB/s, not req/s: both stay in
    # the table only.
    # The nginx-before-two-instances group compares with one instance, not
    # with bare: its ratio says something else, and is in the table.
    rows = [
        row
        for row in results
        if row.get("ratio") is not None
        and row["target"] not in ("bare", "nginx", "one instance", "gthread", "gevent")
        and row["server"] not in BASELINES  # the recording group: ratios to recording off
        and row["case"] != "10 MB"
    ]
    if not rows:
        return False
    labels = ["%s / %s / %s" % (row["server"], row["target"], row["case"]) for row in rows]
    colours = {
        "wsgi-echo": "#1e3c78",
        "httpbin": "#b0b0b0",
        "whitenoise": "#8fb3d9",
        "nginx": "#4a8f4a",
    }
    figure, axes = plt.subplots(figsize=(9, 0.32 * len(rows) + 1.2))
    axes.barh(
        range(len(rows)),
        [row["ratio"] for row in rows],
        color=[colours.get(row["target"], "#888") for row in rows],
    )
    axes.set_yticks(range(len(rows)))
    axes.set_yticklabels(labels, fontsize=8)
    axes.invert_yaxis()
    axes.axvline(1.0, color="black", linewidth=0.8)
    for x in (0.7, 0.8, 0.85):
        axes.axvline(x, color="#c33", linewidth=0.6, linestyle="--")
    axes.set_xlabel("req/s relative to the bare WSGI app under the same server")
    axes.set_title(
        "wsgi-echo and peers: req/s as a ratio to bare WSGI under the same server\n"
        "(dashed: targets 0.70 / 0.80 / 0.85; nginx and 10 MB: see the table)",
        fontsize=10,
    )
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return True

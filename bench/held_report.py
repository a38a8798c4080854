"""The held-connection group's part of the report: two tables and the
targets they are held to (``held``)."""

from .units import ms

# What each kind of trickler's 408 is due by: the settings' defaults.
DEADLINES = {"headers": 5.0, "body": 10.0}
# (runner, holders, p99 ms at most, RSS growth in MB at most): with that many
# held, ordinary requests go on.
TARGETS = (
    ("gunicorn-gevent", 1000, 50.0, 300.0),
    ("waitress", 8, 200.0, None),
)
TRICKLE_DELAY_MS = 100.0  # how much later than alone an ordinary request may be


def _errors(summary):
    errors = summary["errors"]
    if not errors:
        return "0"
    return "%d (%s)" % (
        sum(errors.values()),
        ", ".join("%s x%d" % item for item in sorted(errors.items())),
    )


def _answers(statuses):
    return ", ".join(
        "%s x%d" % ("closed" if status == "None" else status, count)
        for status, count in sorted(statuses.items())
    )


def _tricklers(summary, kind):
    mine = [(status, after) for what, status, after in summary["tricklers"] if what == kind]
    cut = sorted(after for status, after in mine if status == 408 and after is not None)
    text = "%d/%d got 408" % (len(cut), len(mine))
    if cut:
        text += ", %.1f-%.1f s (due %.0f s)" % (cut[0], cut[-1], DEADLINES[kind])
    return text


def _ordinary(row):
    """The cells every table has: the ordinary requests' fate."""
    return (
        "%d/%d" % (row["answered"], row["ordinary"]),
        ms(row["p50_ms"]),
        ms(row["p99_ms"]),
        ms(row["max_ms"]),
        _errors(row),
    )


def markdown(result):
    rows, trickles = result["held"], result["tricklers"]
    out = [
        "",
        "## Held connections",
        "",
        "One worker, 8 threads, `max_connections = 2000`, default deadlines. N holders "
        "(equal shares of `/httpbin/delay/5`, `/httpbin/sse`, `/httpbin/drip`, a body "
        "trickled at 1 byte/s and an idle keep-alive connection, each reconnecting when "
        "the server is done with it) while 50 ordinary echo GETs a second arrive for 10 s, "
        "each on a connection of its own, 10 s timeout. RSS: every process of the server.",
        "",
        "| server | held | ordinary answered | p50 ms | p99 ms | max ms | errors "
        "| holders were answered | RSS MB before / peak |",
        "|---|---:|---:|---:|---:|---:|---|---|---|",
    ]
    for row in rows:
        out.append(
            "| %s | %d | %s | %s | %s | %s | %s | %s | %.0f / %.0f |"
            % (
                row["server"],
                row["holders"],
                *_ordinary(row),
                _answers(row["held_statuses"]),
                row["rss_before"] / 1e6,
                row["rss_peak"] / 1e6,
            )
        )
    out += [
        "",
        "100 tricklers (half send headers, half a body, a byte a second), ordinary GETs "
        "meanwhile; `header_timeout` 5 s, `body_timeout` 10 s.",
        "",
        "| server | ordinary answered | p50 ms | p99 ms | max ms | errors | header tricklers "
        "| body tricklers |",
        "|---|---:|---:|---:|---:|---|---|---|",
    ]
    for row in trickles:
        out.append(
            "| %s | %s | %s | %s | %s | %s | %s | %s |"
            % (
                row["server"],
                *_ordinary(row),
                _tricklers(row, "headers"),
                _tricklers(row, "body"),
            )
        )
    return out


def check_targets(result):
    """One line per target the group's figures can judge."""
    index = {(row["server"], row["holders"]): row for row in result["held"]}
    lines = []
    for server, holders, p99, growth in TARGETS:
        row = index.get((server, holders))
        if row is None:
            continue
        grew = (row["rss_peak"] - row["rss_before"]) / 1e6
        met = (
            row["p99_ms"] is not None
            and row["p99_ms"] < p99
            and not row["errors"]
            and (growth is None or grew < growth)
        )
        lines.append(
            "- %s with %d held: ordinary p99 %s ms (target < %.0f), %s errors, RSS +%.0f MB%s: %s"
            % (
                server,
                holders,
                ms(row["p99_ms"]),
                p99,
                _errors(row),
                grew,
                " (target < %.0f)" % growth if growth else "",
                "met" if met else "MISSED",
            )
        )
    for row in result["tricklers"]:
        cut_in_time = all(
            status == 408 and after is not None and after <= DEADLINES[kind] + 1.0
            for kind, status, after in row["tricklers"]
        )
        alone = index.get((row["server"], 0))
        if alone is None or alone["p50_ms"] is None or row["max_ms"] is None:
            continue
        delay = row["max_ms"] - alone["p50_ms"]
        lines.append(
            "- %s, %d tricklers: the slowest ordinary request %.0f ms later than the median "
            "with nothing held (target < %.0f), every trickler 408 within 1 s of its "
            "deadline: %s"
            % (
                row["server"],
                len(row["tricklers"]),
                delay,
                TRICKLE_DELAY_MS,
                "met"
                if delay < TRICKLE_DELAY_MS and cut_in_time and not row["errors"]
                else "MISSED",
            )
        )
    return lines

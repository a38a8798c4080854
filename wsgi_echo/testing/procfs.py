"""What Linux's /proc says about a server: the resident memory of its
processes, and the TCP sockets on its port (listening, or connected).  The
test suite and ``make bench`` (``bench/proc.py`` builds on it) read it
alike; Linux only, as both are."""

LISTEN, ESTABLISHED = "0A", "01"  # TCP states in /proc/net/tcp


def rss_kb(pid):
    """The resident memory of process ``pid`` in KiB; OSError once it is gone."""
    with open("/proc/%d/status" % pid) as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise OSError("no VmRSS for %d" % pid)


def rss_bytes(pids):
    """The resident memory of the processes ``pids`` together, in bytes."""
    total = 0
    for pid in pids:
        try:
            total += rss_kb(pid) * 1024
        except (OSError, ValueError):
            pass  # gone since it was listed
    return total


def tcp_rows():
    """(local port, remote port, state, inode) of every TCP socket the kernel
    lists (/proc/net/tcp and tcp6); none where there is no /proc."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as handle:
                next(handle)
                rows = [line.split() for line in handle]
        except (OSError, StopIteration):
            continue
        for fields in rows:
            try:
                local = int(fields[1].rsplit(":", 1)[1], 16)
                remote = int(fields[2].rsplit(":", 1)[1], 16)
            except (IndexError, ValueError):
                continue
            yield local, remote, fields[3], fields[9]


def sockets(port, state):
    """``socket:[inode]`` of the TCP sockets on local ``port`` in ``state``."""
    return {
        "socket:[%s]" % inode
        for local, _, found, inode in tcp_rows()
        if local == port and found == state
    }

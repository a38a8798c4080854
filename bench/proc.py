"""What /proc says about a server's processes: CPU time, resident memory,
the connections each holds, and which workers are waiting to accept.
Linux only, as ``make bench`` is."""

import os

LISTEN, ESTABLISHED = "0A", "01"  # TCP states in /proc/net/tcp


def cpu_seconds(pids):
    """User and system CPU seconds used so far by the processes ``pids``
    (those already gone count nothing)."""
    ticks, total = os.sysconf("SC_CLK_TCK"), 0
    for pid in pids:
        try:
            with open("/proc/%d/stat" % pid) as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return total / ticks


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


def sockets(port, state):
    """``socket:[inode]`` of the TCP sockets on local ``port`` in ``state``."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as handle:
                next(handle)
                for line in handle:
                    fields = line.split()
                    if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == state:
                        found.add("socket:[%s]" % fields[9])
        except (OSError, StopIteration, IndexError, ValueError):
            pass
    return found


def _fds(pid):
    """{fd number: what it points to} of process ``pid`` ({} once it is gone)."""
    found = {}
    try:
        for fd in os.listdir("/proc/%d/fd" % pid):
            try:
                found[int(fd)] = os.readlink("/proc/%d/fd/%s" % (pid, fd))
            except OSError:
                pass
    except OSError:
        pass
    return found


def connections(pids, port):
    """{pid: established connections on ``port`` that the process holds}."""
    established = sockets(port, ESTABLISHED)
    return {pid: sum(1 for target in _fds(pid).values() if target in established) for pid in pids}


def accepting(pids, port):
    """The processes of ``pids`` whose event loop (epoll) watches the socket
    listening on ``port``: workers that have booted and wait to accept."""
    listening = sockets(port, LISTEN)
    ready = []
    for pid in pids:
        fds = _fds(pid)
        listeners = {fd for fd, target in fds.items() if target in listening}
        for fd, target in fds.items():
            if target != "anon_inode:[eventpoll]" or not listeners:
                continue
            try:
                with open("/proc/%d/fdinfo/%d" % (pid, fd)) as handle:
                    watched = {int(line.split()[1]) for line in handle if line.startswith("tfd:")}
            except (OSError, ValueError, IndexError):
                continue
            if watched & listeners:
                ready.append(pid)
                break
    return ready

"""What /proc says about a server's processes: CPU time, the connections
each holds, and which workers are waiting to accept (resident memory and
the sockets on a port are ``wsgi_echo.testing.procfs``'s, which the tests
read too).  Linux only, as ``make bench`` is."""

import os

from wsgi_echo.testing.procfs import ESTABLISHED, LISTEN, sockets


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

"""Run a command (an Odoo server) so that it never leaves orphans behind.

    python setup/process_group.py -- COMMAND [ARG...]

The wrapper starts a new session (its pid is the id of the process group to stop:
`kill -- -PID`), runs COMMAND in it and forwards SIGTERM/SIGINT/SIGHUP to it. When
COMMAND ends, however it ends, every process left in the group is killed and reaped:
an Odoo master killed with -9 leaves its HTTP workers, its cron worker and its
queue_job runner behind, and an orphaned runner keeps holding queue_job's election
lock (so no other node takes over) while dispatching jobs to a server that is gone.
Odoo's workers only notice a dead master between two requests; the runner never
does, it loops forever.

Exits with COMMAND's status (128 + signal number when it was killed). Linux only:
it finds the group's members in /proc.
"""

import argparse
import ctypes
import os
import signal
import subprocess
import sys
import time

PR_SET_CHILD_SUBREAPER = 36
FORWARDED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def group_members(pgid, exclude):
    """Pids of the living processes of process group ``pgid`` (zombies excluded)."""
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == exclude:
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue
        # Fields after the command name (which may hold spaces and parentheses).
        state, _ppid, pgrp = stat.rsplit(")", 1)[1].split()[:3]
        if int(pgrp) == pgid and state != "Z":
            members.append(int(entry))
    return members


def kill_group_leftovers(pgid):
    """SIGKILL what is left of the group (except this process), then reap it."""
    for _attempt in range(50):
        members = group_members(pgid, exclude=os.getpid())
        if not members:
            break
        for pid in members:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        reap_children()
        time.sleep(0.05)
    reap_children()


def reap_children():
    """Collect the exit status of orphans re-parented to this (subreaper) process."""
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")

    if os.getpgrp() != os.getpid():
        os.setsid()
    # Orphans of the group become our children, so we can reap them (no zombies left
    # for an init that may not reap, as in some containers).
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)

    child = subprocess.Popen(command)

    def forward(signum, _frame):
        try:
            child.send_signal(signum)
        except ProcessLookupError:
            pass

    for signum in FORWARDED:
        signal.signal(signum, forward)
    status = child.wait()
    kill_group_leftovers(os.getpgrp())
    return 128 - status if status < 0 else status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

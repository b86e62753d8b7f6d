#!/usr/bin/env python3
"""An example launcher wrapper that does not exec: it runs the launcher as its
child, as a Slurm or Kubernetes wrapper might (set-up before, clean-up
after), forwards the signals a scheduler sends, and exits as the launcher
did. Its profile (python_wrapper.json) says so with "agent", since the
workers' parent is then the launcher below the wrapper, not the wrapper.

    python_wrapper.py LAUNCHER [LAUNCHER ARGS...]
"""
import ctypes
import os
import signal
import subprocess
import sys

FORWARDED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT,
             signal.SIGUSR1, signal.SIGUSR2)
PR_SET_PDEATHSIG = 1


def die_with_parent():
    # The launcher dies with the wrapper (even when the wrapper is
    # SIGKILLed), so nothing outlives the job.
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def main():
    if len(sys.argv) < 2:
        sys.stderr.write("usage: python_wrapper.py LAUNCHER [ARGS...]\n")
        return 2
    child = subprocess.Popen(sys.argv[1:], preexec_fn=die_with_parent)
    for sig in FORWARDED:
        signal.signal(sig, lambda signum, frame: child.send_signal(signum))
    code = child.wait()
    if code < 0:  # died of a signal: so does the wrapper
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    return code


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""timeit.py: times a command as a whole process, RUNS times, and prints the median wall and
CPU seconds as "WALL CPU".  CPU is user + system time of the command and of every
descendant it waited for (the rusage os.wait4 reports: mpirun and its ranks, sh and its
children).  The command's standard output and error go to FILE (default /dev/null); a run
that fails stops it with the command's status.

usage: bench/timeit.py [-n RUNS] [-o FILE] -- COMMAND [ARG]...
"""
import os
import statistics
import subprocess
import sys
import time


def main():
    args = sys.argv[1:]
    runs, out = 5, os.devnull
    while args and args[0] != "--":
        if args[0] == "-n" and len(args) > 1:
            runs = int(args[1])
        elif args[0] == "-o" and len(args) > 1:
            out = args[1]
        else:
            sys.exit(__doc__.strip().splitlines()[-1])
        args = args[2:]
    cmd = args[1:]
    if not cmd or runs < 1:
        sys.exit(__doc__.strip().splitlines()[-1])
    walls, cpus = [], []
    for _ in range(runs):
        with open(out, "wb") as f:
            t0 = time.monotonic()
            p = subprocess.Popen(cmd, stdout=f, stderr=subprocess.STDOUT)
            _, status, ru = os.wait4(p.pid, 0)
            t1 = time.monotonic()
            p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode != 0:
            sys.exit(f"timeit.py: {' '.join(cmd)}: status {p.returncode} (see {out})")
        walls.append(t1 - t0)
        cpus.append(ru.ru_utime + ru.ru_stime)
    print(f"{statistics.median(walls):.3f} {statistics.median(cpus):.3f}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""mpi-model.py: a discrete-event model of opsin's MPI pool (src/protocols/pool_mpi.c) at
scales this 2-core machine cannot run: W worker ranks, one thread each, and rank 0, a single
server that handles one message at a time for PER_MESSAGE + PER_ROW x rows seconds (the two
figures bench/run-bench-mpi.sh measures with OPSIN_MPI_STATS; per row covers emitting it: the
CSV line and its fflush).  Point costs are log-normal around MEAN with SPREAD decades between
the 2.5 % and 97.5 % quantiles (points "differ in cost by orders of magnitude").  Chunks follow
pool_mpi.c: a worker's first chunk is one point, then min(left / (2 W), CHUNK_SECONDS / the
seconds per row its last chunk took), at least 1, at most CHUNK_MAX.  The network adds LATENCY
each way.  Prints, per W and MEAN: the makespan, the efficiency (the work over W x makespan),
rank 0's utilisation and the analytic ceiling: rank 0 gathers at most
1 / (PER_ROW + PER_MESSAGE / rows per message) rows per second, the workers ask W / MEAN.

usage: bench/mpi-model.py [--per-message S] [--per-row S] [--points N] [--spread DECADES]
                          [--latency S] [--seed N]
"""
import argparse
import heapq
import math
import random

CHUNK_MAX = 1024
CHUNK_SECONDS = 0.2


def simulate(w, n, costs, per_msg, per_row, latency):
    """Makespan, rank 0's busy time and message count for w workers over the costs."""
    nxt = 0
    per_row_seen = [0.0] * w
    events = [(latency, k, 0, 0.0) for k in range(w)]  # (arrival at rank 0, worker, rows, sent)
    heapq.heapify(events)
    free_at = 0.0
    busy = 0.0
    msgs = 0
    done_rows = 0
    end = 0.0
    while events:
        t, k, rows, sent = heapq.heappop(events)
        start = max(t, free_at)
        service = per_msg + per_row * rows
        free_at = start + service
        busy += service
        msgs += 1
        done_rows += rows
        if rows:
            per_row_seen[k] = (start - sent) / rows
        end = max(end, free_at)
        if nxt >= n:
            continue  # STOP
        left = n - nxt
        c = left // (2 * w)
        if per_row_seen[k] > 0:
            c = min(c, int(CHUNK_SECONDS / per_row_seen[k]))
        else:
            c = min(c, 1)
        c = max(1, min(c, CHUNK_MAX, left))
        work = sum(costs[nxt:nxt + c])
        nxt += c
        heapq.heappush(events, (free_at + latency + work + latency, k, c, free_at))
    return end, busy, msgs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--per-message", type=float, default=5e-6)
    ap.add_argument("--per-row", type=float, default=2e-6)
    ap.add_argument("--points", type=int, default=1000000)
    ap.add_argument("--spread", type=float, default=2.0)
    ap.add_argument("--latency", type=float, default=2e-6)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    sigma = a.spread * math.log(10) / (2 * 1.96)
    shape = [rng.lognormvariate(0, sigma) for _ in range(a.points)]
    norm = sum(shape) / a.points
    print(f"rank 0: {a.per_message * 1e6:.2f} us per message, {a.per_row * 1e6:.2f} us per row;"
          f" {a.points} points, costs spread over {a.spread:g} decades; latency"
          f" {a.latency * 1e6:g} us")
    print(f"{'mean_ms':>8} {'workers':>8} {'makespan_s':>11} {'efficiency':>10}"
          f" {'rank0_busy':>10} {'messages':>9} {'rows/msg':>8} {'ceiling_W':>9}")
    for mean in (0.2e-3, 2e-3, 20e-3):
        costs = [s / norm * mean for s in shape]
        total = sum(costs)
        for w in (10, 100, 300, 1000):
            end, busy, msgs = simulate(w, a.points, costs, a.per_message, a.per_row, a.latency)
            rows_per_msg = a.points / max(msgs - w, 1)
            ceiling = 1.0 / (a.per_row + a.per_message / rows_per_msg)
            print(f"{mean * 1e3:8.1f} {w:8d} {end:11.2f} {total / (w * end):10.3f}"
                  f" {busy / end:10.3f} {msgs:9d} {rows_per_msg:8.1f} {ceiling * mean:9.0f}")


if __name__ == "__main__":
    main()

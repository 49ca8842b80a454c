"""Shared by the PyTorch workload scripts (torch_grokking.py, torch_scan_snap.py): which BLAS and
malloc the process loaded, and the wall and CPU seconds per call of a training step."""
import resource
import time


def print_libraries():
    """Prints "blas=<libraries> malloc=tcmalloc|glibc" from /proc/self/maps."""
    with open("/proc/self/maps") as maps:
        text = maps.read()
    blas = sorted({l.split()[-1] for l in text.splitlines() if "blas" in l and ".so" in l})
    print("blas=" + ",".join(blas) + f" malloc={'tcmalloc' if 'tcmalloc' in text else 'glibc'}", flush=True)


def time_steps(step, seconds, warmup=3):
    """Runs step() `warmup` times, then for at least `seconds` (and 3 calls); returns
    (wall seconds per step, CPU seconds per step (user + system, all threads), steps)."""
    for _ in range(warmup):
        step()
    n, t0 = 0, time.perf_counter()
    c0 = resource.getrusage(resource.RUSAGE_SELF)
    while time.perf_counter() - t0 < seconds or n < 3:
        step()
        n += 1
    wall = time.perf_counter() - t0
    c1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (c1.ru_utime - c0.ru_utime) + (c1.ru_stime - c0.ru_stime)
    return wall / n, cpu / n, n

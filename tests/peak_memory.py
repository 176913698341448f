"""The peak memory of the running process, for tests that measure one in a child process."""


def peak_mib() -> int:
    """This process's peak resident memory in MiB: ``VmHWM``, which starts again at ``exec``
    (``getrusage``'s ``ru_maxrss`` keeps what the parent held when it forked this one)."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) >> 10 for line in status if line.startswith("VmHWM"))

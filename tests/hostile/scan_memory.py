"""Look for the grader's environment and other students in the kernel's own process.

Replaces the ``jacobian_shape`` cell of ``01_scalar_wrt_scalar``: prints the kernel's
initial environment block (``/proc/self/environ``, which ``os.environ.clear()`` does not
rewrite: ``hostile-environ ...``), then reads every readable mapping of its own memory
through ``/proc/self/mem`` and prints, once each, what an instructor's environment or the
spawn request of an earlier kernel would hold there: variables named ``INSTRUCTOR...`` with
their values, paths into a course's submitted or autograded folders or a grading station,
the ids of the honest students of the hostile suite (``hostile-found ...``); then
``hostile-memory-scanned N MiB``. ``jacobian_shape`` is right. Must earn all of
``01_scalar_wrt_scalar``; it must find nothing.
"""

import re

# Each found where its word is, so that the search stays fast; none matches its own text.
PATTERNS = {
    b"INSTRUCTOR": re.compile(rb"INSTRUCTOR\w*=[^\x00\n]{0,80}"),
    b"/submitted/": re.compile(rb"[\w./-]{0,120}/submitted/[\w.-]+"),
    b"/autograded/": re.compile(rb"[\w./-]{0,120}/autograded/[\w.-]+"),
    b"autograder-station-": re.compile(rb"[\w./-]{0,120}autograder-station-\w+"),
    b"honest-": re.compile(rb"honest-\w+"),
}
UNREADABLE = ("[vvar]", "[vvar_vclock]", "[vsyscall]")

print("hostile-environ", open("/proc/self/environ", "rb").read())
found, scanned = set(), 0
with open("/proc/self/maps") as maps, open("/proc/self/mem", "rb", buffering=0) as mem:
    regions = [line.split() for line in maps]
    for fields in regions:
        if not fields[1].startswith("r") or fields[-1] in UNREADABLE:
            continue
        start, end = (int(x, 16) for x in fields[0].split("-"))
        for offset in range(start, end, 1 << 24):
            try:
                mem.seek(offset)
                chunk = mem.read(min(1 << 24, end - offset))
            except (OSError, ValueError, OverflowError):
                break
            scanned += len(chunk)
            for word, pattern in PATTERNS.items():
                at = chunk.find(word)
                while at >= 0 and len(found) < 200:
                    window = chunk[max(0, at - 130):at + 130]
                    found.update(match.group() for match in pattern.finditer(window))
                    at = chunk.find(word, at + 1)
for text in sorted(found):
    print("hostile-found", text)
print(f"hostile-memory-scanned {scanned >> 20} MiB")


def jacobian_shape(B):
    return (B, 1, 1)

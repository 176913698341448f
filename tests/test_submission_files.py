"""The one walk of a submission's files, the bounded notebook reader, and nbgrader's reads
and copy through them (autograder/submission_files.py, notebook_files.py,
submission_exporter.py)."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from autograder.notebook_files import MAX_NESTING, nesting, parse_notebook_json, read_notebook
from autograder.submission_exporter import unread_paths
from autograder.submission_files import (
    MAX_DEPTH,
    MAX_ENTRIES,
    MAX_FILE_BYTES,
    MAX_TOTAL_BYTES,
    Link,
    Refused,
    RefusedFile,
    read_chunks,
    read_file,
    walk,
)


def sparse(path: Path, size: int) -> Path:
    with open(path, "wb") as file:
        file.truncate(size)
    return path


# --- the walk ------------------------------------------------------------------------------------

def test_the_walk_lists_files_and_links_and_refuses_the_rest(tmp_path):
    (tmp_path / "sub" / "inner").mkdir(parents=True)
    (tmp_path / "01.ipynb").write_text("{}")
    (tmp_path / "sub" / "inner" / "data.csv").write_text("1,2")
    (tmp_path / "secret").symlink_to("/etc/hostname")
    (tmp_path / "sub" / "up").symlink_to("..")
    (tmp_path / "linked").symlink_to("sub")  # a linked folder is not entered
    os.mkfifo(tmp_path / "pipe")
    sparse(tmp_path / "huge.bin", 64 << 30)
    found = walk(tmp_path)
    assert found.files == ("01.ipynb", "sub/inner/data.csv")
    assert found.sizes == {"01.ipynb": 2, "sub/inner/data.csv": 3}
    assert found.links == (Link("linked", "sub"), Link("secret", "/etc/hostname"),
                           Link("sub/up", ".."))
    assert found.refused == (
        Refused("huge.bin", "holds 65536 MiB, over the 64 MiB a submitted file may hold"),
        Refused("pipe", "is a named pipe, not a file"))
    assert found.incomplete is None
    assert str(found.refused[1]) == "pipe is a named pipe, not a file: neither read nor copied"


def test_a_loop_of_links_costs_nothing(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "b").symlink_to("../c")
    (tmp_path / "c").symlink_to("a")
    (tmp_path / "self").symlink_to("self")
    found = walk(tmp_path)
    assert (found.files, found.refused) == ((), ())
    assert [link.path for link in found.links] == ["a/b", "c", "self"]


def test_devices_and_sockets_are_refused_unopened(tmp_path):
    import socket
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(tmp_path / "sock"))
    try:
        os.mknod(tmp_path / "zero", 0o600 | 0o020000, os.makedev(1, 5))  # /dev/zero
    except PermissionError:
        pass  # not root: the socket stands for special files
    found = walk(tmp_path)
    server.close()
    assert {refused.path: refused.reason for refused in found.refused} == {
        "sock": "is a socket, not a file",
        **({"zero": "is a character device, not a file"} if (tmp_path / "zero").exists()
           else {})}
    assert found.files == ()


def test_folders_deeper_than_the_bound_are_not_entered(tmp_path):
    folder = tmp_path
    for _ in range(MAX_DEPTH + 5):
        folder = folder / "d"
    folder.mkdir(parents=True)
    (folder / "deep.txt").write_text("x")
    (tmp_path / "d" / "shallow.txt").write_text("y")
    found = walk(tmp_path)
    assert found.files == ("d/shallow.txt",)
    assert found.refused == (Refused("/".join(["d"] * (MAX_DEPTH + 1)),
                                     f"is nested more than {MAX_DEPTH} folders deep"),)
    assert found.incomplete == f"nests folders more than {MAX_DEPTH} deep"


def test_a_thousand_levels_of_folders_is_no_recursion_error(tmp_path):
    descriptors = [os.open(tmp_path, os.O_RDONLY)]
    for _ in range(1500):  # deeper than the recursion limit, and than a path may be long
        os.mkdir("d", dir_fd=descriptors[-1])
        descriptors.append(os.open("d", os.O_RDONLY, dir_fd=descriptors[-1]))
    try:
        assert walk(tmp_path).incomplete == f"nests folders more than {MAX_DEPTH} deep"
    finally:  # removed here: pytest's clean-up walks paths, which cannot be that long
        os.close(descriptors.pop())
        while descriptors:
            os.rmdir("d", dir_fd=descriptors[-1])
            os.close(descriptors.pop())


def test_entries_beyond_the_bound_are_not_looked_at(tmp_path):
    for index in range(MAX_ENTRIES + 10):
        (tmp_path / f"f{index:05d}").write_text("x")
    found = walk(tmp_path)
    assert len(found.files) == MAX_ENTRIES
    assert found.refused == (Refused(".", f"is where the submission passes {MAX_ENTRIES} "
                                          "files and folders: the rest of it is neither read "
                                          "nor copied"),)
    assert str(found.refused[0]) == (f"the submission folder is where the submission passes "
                                     f"{MAX_ENTRIES} files and folders: the rest of it is "
                                     "neither read nor copied")
    assert found.incomplete == f"holds more than {MAX_ENTRIES} files and folders"


def test_files_beyond_the_total_bound_are_refused(tmp_path):
    count = MAX_TOTAL_BYTES // MAX_FILE_BYTES + 2
    for index in range(count):
        sparse(tmp_path / f"part{index}", MAX_FILE_BYTES)  # each within the file bound
    found = walk(tmp_path)
    assert len(found.files) == MAX_TOTAL_BYTES // MAX_FILE_BYTES
    assert sum(found.sizes.values()) <= MAX_TOTAL_BYTES
    assert [refused.path for refused in found.refused] == [
        f"part{index}" for index in range(count - 2, count)]
    assert "a submission may hold in all" in found.refused[0].reason


def test_a_linked_or_missing_submission_folder_is_refused(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "linked").symlink_to("real")
    assert walk(tmp_path / "linked").refused == (Refused(".", "is a symbolic link, not a "
                                                              "folder"),)
    assert walk(tmp_path / "linked").incomplete is not None
    assert walk(tmp_path / "gone").incomplete == "cannot be read (No such file or directory)"


# --- reading a file ------------------------------------------------------------------------------

def test_reading_follows_no_link_on_the_way(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "file.txt").write_bytes(b"data")
    (tmp_path / "via").symlink_to("real")
    (tmp_path / "link.txt").symlink_to("real/file.txt")
    assert read_file(tmp_path, "real/file.txt") == b"data"
    for path in ("via/file.txt", "link.txt"):
        with pytest.raises(RefusedFile, match="cannot be opened as a file"):
            read_file(tmp_path, path)


def test_reading_opens_no_pipe_and_reads_no_more_than_the_bound(tmp_path):
    os.mkfifo(tmp_path / "pipe")  # opened for reading, it would block without a writer
    with pytest.raises(RefusedFile, match="pipe is a named pipe, not a file"):
        read_file(tmp_path, "pipe")
    sparse(tmp_path / "huge", 64 << 30)
    with pytest.raises(RefusedFile, match="huge holds 65536 MiB, over 64 MiB"):
        read_file(tmp_path, "huge")
    (tmp_path / "small").write_bytes(b"x" * 3000)
    with pytest.raises(RefusedFile, match="holds 3000 bytes, over 2000 bytes"):
        read_file(tmp_path, "small", limit=2000)
    assert [len(chunk) for chunk in read_chunks(tmp_path, "small")] == [3000]


# --- notebooks -----------------------------------------------------------------------------------

def test_nesting_is_measured_without_recursion():
    value: list = []
    for _ in range(100_000):
        value = [value]
    assert nesting(value) == 100_001
    assert nesting({"a": [1, {"b": "text"}], "c": 2}) == 3
    assert nesting("a string") == 0


@pytest.mark.parametrize("levels", [MAX_NESTING + 1, 1000, 100_000])
def test_a_notebook_nesting_too_deep_is_refused_not_a_recursion_error(levels):
    data = ('{"cells": [], "metadata": {"x": ' + "[" * levels + "]" * levels + "}}").encode()
    with pytest.raises(RefusedFile, match=f"nests lists and objects more than {MAX_NESTING}"):
        parse_notebook_json(data, "01.ipynb")


def test_a_notebook_as_deep_as_allowed_is_read():
    levels = MAX_NESTING - 2
    parsed = parse_notebook_json(json.dumps({"x": json.loads("[" * levels + "]" * levels)})
                                 .encode(), "01.ipynb")
    assert nesting(parsed) == MAX_NESTING - 1


@pytest.mark.parametrize(("data", "reason"), [
    (b"{not json", "is not valid JSON (Expecting property name"),
    (b"\xff\xfe{}", "is not valid JSON ('utf-8' codec can't decode"),
    (b"1" * 5000, "is not valid JSON (Exceeds the limit"),
])
def test_what_is_not_json_is_refused_with_the_reason(data, reason):
    with pytest.raises(RefusedFile) as refused:
        parse_notebook_json(data, "01.ipynb")
    assert refused.value.reason.startswith(reason)


def test_a_notebook_is_read_as_nbformat_reads_it(tmp_path):
    notebook = new_notebook(cells=[new_code_cell("x = 1")])
    nbformat.write(notebook, tmp_path / "01.ipynb")
    assert read_notebook(tmp_path, "01.ipynb") == nbformat.read(tmp_path / "01.ipynb", 4)


# --- what nbgrader may not read or copy ----------------------------------------------------------

def test_nbgrader_is_told_to_skip_every_link_and_refused_entry(tmp_path, caplog):
    (tmp_path / "01.ipynb").write_text("{}")
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "zero").symlink_to("/dev/zero")
    (tmp_path / "d[1]").mkdir()
    os.mkfifo(tmp_path / "d[1]" / "pipe")
    logger = logging.getLogger("test-submission-files")
    with caplog.at_level(logging.INFO, logger.name):
        patterns = unread_paths(str(tmp_path), logger)
    assert patterns == [f"{tmp_path}/zero", f"{tmp_path}/d[[]1]/pipe"]  # exact, escaped
    assert caplog.messages == ["zero is a symbolic link (to /dev/zero): neither read nor copied",
                               "d[1]/pipe is a named pipe, not a file: neither read nor copied"]


@pytest.mark.parametrize("make", [
    lambda path: path.symlink_to("/dev/zero"), os.mkfifo,
    lambda path: sparse(path, 64 << 30)])
def test_a_timestamp_nbgrader_cannot_read_safely_refuses_the_submission(tmp_path, make):
    make(tmp_path / "timestamp.txt")
    with pytest.raises(RefusedFile, match="timestamp.txt"):
        unread_paths(str(tmp_path))


def test_a_submission_too_deep_to_walk_is_refused_before_nbgrader_walks_it(tmp_path):
    (tmp_path / ("/".join(["d"] * (MAX_DEPTH + 2)))).mkdir(parents=True)
    with pytest.raises(RefusedFile, match=f"the submission nests folders more than {MAX_DEPTH}"):
        unread_paths(str(tmp_path))


WALK_IN_A_BOUNDED_PROCESS = """
import resource, sys
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[2]), int(sys.argv[2])))
from autograder.cluster.kit import read_files
from autograder.grading.scan import scan
from autograder.submission_files import walk
from tests.peak_memory import peak_mib
folder = Path(sys.argv[1])
findings = scan(folder, {"01": {}})
print(sorted(read_files(folder)), len(walk(folder).links),
      ",".join(sorted({f"{f.notebook}:{f.kind}" for f in findings})), peak_mib())
"""


def test_the_walk_reads_in_bounded_memory_whatever_the_submission_holds(tmp_path):
    """Links to /dev/zero and /proc/kmsg, a pipe and a 64 GiB sparse file, read by a process
    of 1 GiB of address space: nothing hangs, nothing runs out of memory."""
    (tmp_path / "01.ipynb").write_text(json.dumps(new_notebook()))
    (tmp_path / "zero").symlink_to("/dev/zero")
    (tmp_path / "kmsg.ipynb").symlink_to("/proc/kmsg")
    os.mkfifo(tmp_path / "pipe.ipynb")
    sparse(tmp_path / "sparse.ipynb", 64 << 30)
    limit = 1 << 30
    done = subprocess.run([sys.executable, "-c", WALK_IN_A_BOUNDED_PROCESS, str(tmp_path),
                           str(limit)], capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]  # a MemoryError past 1 GiB
    *printed, peak_mib = done.stdout.split()
    assert printed == ["['01.ipynb']", "2", ",".join([
        "kmsg:linked_file", "kmsg:unknown_notebook", "pipe:refused_file",
        "pipe:unknown_notebook", "sparse:refused_file", "sparse:unknown_notebook",
        "zero:linked_file"])]
    assert int(peak_mib) < 256

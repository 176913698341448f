"""The kernel sandbox (autograder.sandbox), each scenario in a fresh interpreter.

``spawn()`` forks and then enters namespaces, which the (possibly multi-threaded) pytest
process should not do to itself: every scenario runs :data:`RUNNER` in a subprocess, which
calls ``spawn()`` and runs the scenario's code in the jailed child. Both sides print JSON
lines (``emit``) that the test reads back.
"""

from __future__ import annotations

import errno
import json
import os
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import sysconfig
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager as ContextManager
from contextlib import contextmanager
from pathlib import Path

import pytest
from jupyter_client import BlockingKernelClient

from autograder.kernels import python_view
from autograder.kernels.jailed import kernel_base_jail
from autograder.sandbox import JailSpec, Limits, cgroups, default_read_only, seccomp
from autograder.sandbox.spec import MiB

REPO = Path(__file__).resolve().parents[1]

RUNNER = """
import json, os, sys, time
sys.path.insert(0, {repo!r})
from autograder.sandbox import JailSpec, SandboxError, cgroups, host_uid, spawn

def emit(**fields):  # one write(2) per line: jailed processes share the pipe
    os.write(1, (json.dumps(fields) + "\\n").encode())

spec = JailSpec.from_json(open(sys.argv[1]).read())
body = open(sys.argv[2]).read()
PARENT = os.getpid()
fds_before = sorted(os.listdir("/proc/self/fd"))
started = time.monotonic()
try:
    pid = spawn(spec, stdout_fd=1, stderr_fd=2)
except SandboxError as exc:
    try:
        os.waitpid(-1, os.WNOHANG)
        children = "some"
    except ChildProcessError:
        children = "none"
    fds_leaked = fds_before != sorted(os.listdir("/proc/self/fd"))
    emit(role="error", message=str(exc), step=exc.step, path=exc.path, children=children,
         seconds=time.monotonic() - started, fds_leaked=fds_leaked)
    sys.exit(0)
if pid == 0:
    try:
        exec(compile(body, "scenario", "exec"), {{"emit": emit, "PARENT": PARENT}})
    except BaseException as exc:
        emit(role="crash", error=repr(exc))
    sys.stdout.flush()
    os._exit(0)
emit(role="parent", pid=pid, host_uid=host_uid(pid))
status = os.waitpid(pid, 0)[1]
cgroups.release(pid)
emit(role="exit", code=os.waitstatus_to_exitcode(status))
"""


@pytest.fixture
def host_dir() -> Iterator[Path]:
    """A scratch directory on the host outside /tmp, which every jail replaces by its own."""
    base = "/var/tmp" if os.access("/var/tmp", os.W_OK) else str(Path.home())
    path = Path(tempfile.mkdtemp(prefix="sandbox-test-", dir=base))
    yield path
    shutil.rmtree(path)


@contextmanager
def killed_at_exit(process: subprocess.Popen[str]) -> Iterator[subprocess.Popen[str]]:
    """``process``, SIGKILLed and reaped on leaving (its jail dies with it) even on failure."""
    with process:
        try:
            yield process
        finally:
            process.kill()


def start(tmp_path: Path, spec: JailSpec, body: str) -> ContextManager[subprocess.Popen[str]]:
    """Start RUNNER with ``spec`` and ``body`` (code for the jailed child)."""
    (tmp_path / "runner.py").write_text(RUNNER.format(repo=str(REPO)))
    (tmp_path / "spec.json").write_text(spec.to_json())
    (tmp_path / "body.py").write_text(textwrap.dedent(body))
    command = [sys.executable, "runner.py", "spec.json", "body.py"]
    process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, text=True)
    return killed_at_exit(process)


def run(tmp_path: Path, spec: JailSpec, body: str) -> dict[str, dict]:
    """Run a scenario to its end; its events by role ("jail" for what the body emits)."""
    with start(tmp_path, spec, body) as process:
        out, _ = process.communicate(timeout=30)
    events = [json.loads(line) for line in out.splitlines()]
    return {event.pop("role", "jail"): event for event in events}


def read_until(process: subprocess.Popen[str], done: Callable[[dict], bool]) -> dict[str, dict]:
    """Read a running scenario's events until ``done(events)``, within 10 s."""
    assert process.stdout is not None
    fd = process.stdout.fileno()  # not readline(): it may buffer a line select() then misses
    events: dict[str, dict] = {}
    pending = b""
    deadline = time.monotonic() + 10
    while not done(events):
        left = max(0.0, deadline - time.monotonic())
        assert select.select([fd], [], [], left)[0], events
        pending += os.read(fd, 65536)
        *lines, pending = pending.split(b"\n")
        for line in lines:
            event = json.loads(line)
            events[event.pop("role", "jail")] = event
    return events


def jail_processes(pid_namespace: str) -> list[int]:
    """Host pids of the live (not zombie) processes in a PID namespace."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.readlink(f"/proc/{pid}/ns/pid") != pid_namespace:
                continue
            with open(f"/proc/{pid}/status") as file:
                state = next(line for line in file if line.startswith("State:"))
        except (OSError, StopIteration):
            continue  # gone meanwhile
        if state.split()[1] not in ("Z", "X"):
            found.append(int(pid))
    return found


def wait_until_gone(pid_namespace: str, seconds: float) -> list[int]:
    """Poll until no process of the namespace lives; those still alive after ``seconds``."""
    deadline = time.monotonic() + seconds
    while (alive := jail_processes(pid_namespace)) and time.monotonic() < deadline:
        time.sleep(0.01)
    return alive


# --- the spec ------------------------------------------------------------------------------


def test_a_spec_survives_json_and_bad_json_is_refused():
    spec = JailSpec(
        read_only=("/usr", "/opt/x"),
        hidden=("/opt/x/y",),
        filtered={"/opt/x/site": ("numpy", "__pycache__/six.pyc")},
        workdir_source="/srv/work",
        files={"/run/kernel/kernel.json": "{}"},
        env={"A": "b"},
        cwd="/home/student",
        limits=Limits(memory_bytes=MiB, processes=3),
    )
    assert JailSpec.from_json(spec.to_json()) == spec
    assert json.loads(spec.to_json())["read_only"] == ["/usr", "/opt/x"]  # plain JSON
    for bad in [
        {"unknown": 1},
        {"read_only": ["relative/path"]},
        {"read_only": "/usr"},
        {"limits": {"memory_bytes": -1}},
        {"limits": {"processes": True}},
        {"env": {"A": 1}},
        {"cwd": None},
        {"workdir_source": 5},
        {"filtered": {"/usr/lib": "numpy"}},
    ]:
        with pytest.raises(ValueError):
            JailSpec.from_json(json.dumps(bad))


WRITABLE = "/etc, /tmp, /home/student, /run/kernel"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"read_only": ("/dev/shm",)}, "read-only path /dev/shm overlaps the jail's own /dev"),
        ({"read_only": ("/",)}, "read-only path / overlaps the jail's own /proc"),
        ({"read_only": ("/home",)}, "read-only path /home overlaps the jail's own /home/student"),
        ({"read_only": ("/tmp",)}, "read-only path /tmp overlaps the jail's own /tmp"),
        ({"read_only": ("/home/student/work/venv",)},
         "read-only path /home/student/work/venv overlaps the jail's own /home/student"),
        ({"files": {"/usr/lib/x": ""}}, f"file /usr/lib/x is not inside {WRITABLE}"),
        ({"files": {"/tmp": ""}}, f"file /tmp is not inside {WRITABLE}"),
        ({"hidden": ("relative",)}, "jail paths must be absolute path strings, not 'relative'"),
        ({"filtered": {"/opt/site": ("numpy",)}},
         "filtered directory /opt/site is not in a read-only path"),
        ({"filtered": {"/usr/lib": ("../../etc",)}},
         "entries of /usr/lib must be plain relative paths, not '../../etc'"),
        ({"filtered": {"/usr/lib": ("a/../../b",)}},
         "entries of /usr/lib must be plain relative paths, not 'a/../../b'"),
    ],
)
def test_a_spec_the_jail_cannot_honour_is_refused_when_made(fields, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        JailSpec(**fields)


def test_default_read_only_has_the_system_and_this_python_once():
    paths = default_read_only()
    assert "/usr" in paths
    assert any(sys.prefix.startswith(p) for p in paths)
    assert any(sys.base_prefix.startswith(p) for p in paths)
    assert len(paths) == len(set(paths))
    assert not any(a != b and b.startswith(a + "/") for a in paths for b in paths)


# --- inside a jail -------------------------------------------------------------------------


def test_inside_is_pid_2_of_its_own_processes_as_uid_1000_without_privileges(tmp_path):
    body = """
        import os, socket
        status = dict(line.split(":\\t") for line in open("/proc/self/status").read().splitlines())
        emit(pid=os.getpid(), uid=os.getresuid(), gid=os.getresgid(), groups=os.getgroups(),
             processes=sorted(int(p) for p in os.listdir("/proc") if p.isdigit()),
             caps={k: status[k] for k in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")},
             no_new_privs=status["NoNewPrivs"], hostname=socket.gethostname(),
             fds=sorted(os.listdir("/proc/self/fd")), cwd=os.getcwd(), env=dict(os.environ))
    """
    events = run(tmp_path, JailSpec(), body)
    jail = events["jail"]
    assert jail["pid"] == 2
    assert jail["processes"] == [1, 2]  # its init and itself: nothing of the host
    assert jail["uid"] == jail["gid"] == [1000, 1000, 1000]
    assert jail["groups"] in ([], [1000])
    assert set(jail["caps"].values()) == {"0000000000000000"}
    assert jail["no_new_privs"] == "1"
    assert jail["hostname"] == "sandbox"
    assert jail["fds"] == ["0", "1", "2", "3"]  # 3: the listing's own descriptor
    assert jail["cwd"] == "/home/student/work"
    assert jail["env"]["HOME"] == "/home/student"
    assert "JPY_PARENT_PID" not in jail["env"]
    assert events["exit"] == {"code": 0}


def test_there_is_no_network_but_a_loopback(tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        body = f"""
            import socket
            try:
                socket.create_connection(("127.0.0.1", {port}), timeout=2).close()
                emit(connected=True, interfaces=[])
            except OSError as exc:
                emit(connected=False, interfaces=[name for _, name in socket.if_nameindex()])
        """
        events = run(tmp_path, JailSpec(), body)
    assert events["jail"] == {"connected": False, "interfaces": ["lo"]}


def test_only_the_bound_trees_are_visible_read_only_and_the_workdir_is_a_copy(tmp_path, host_dir):
    course = host_dir / "course"
    course.mkdir()
    (course / "gradebook.db").write_text("grades")
    (course / "secret.txt").write_text("the course secret")
    tree = host_dir / "tree"
    (tree / "grader_pkg").mkdir(parents=True)
    (tree / "grader_pkg" / "__init__.py").write_text("ANSWERS = 42")
    (tree / "answers.txt").write_text("42")
    (tree / "open").mkdir(mode=0o777)
    (tree / "open").chmod(0o777)  # only the read-only mount can refuse a write here
    (tree / "data.txt").write_text("shared data")
    work = host_dir / "work"
    (work / "sub").mkdir(parents=True)
    (work / "a.txt").write_text("a")
    (work / "sub" / "b.txt").write_text("b")
    (work / "link").symlink_to(course / "secret.txt")
    os.mkfifo(work / "fifo")
    spec = JailSpec(
        read_only=(*default_read_only(), str(tree)),
        hidden=(str(tree / "grader_pkg"), str(tree / "answers.txt"), str(host_dir / "elsewhere")),
        workdir_source=str(work),
        limits=Limits(scratch_bytes=8 * MiB),
    )
    body = f"""
        import os
        def refused(path):
            try:
                open(path, "w").close()
                return 0
            except OSError as exc:
                return exc.errno
        def fill(path, size):
            try:
                with open(path, "wb") as file:
                    file.write(bytes(size))
                return 0
            except OSError as exc:
                return exc.errno
        listing = sorted(os.path.relpath(os.path.join(d, f), "/home/student/work")
                         for d, _, files in os.walk("/home/student/work") for f in files)
        emit(course=os.path.exists({str(course)!r}),
             repo=[os.path.exists({str(REPO)!r} + "/" + p) for p in ("autograder", "tests")],
             data=open({str(tree / "data.txt")!r}).read(),
             hidden=[os.listdir({str(tree / "grader_pkg")!r}),
                     open({str(tree / "answers.txt")!r}).read()],
             usr=refused("/usr/x"), root=refused("/x"), tree=refused({str(tree / "open/x")!r}),
             listing=listing, a=open("a.txt").read(),
             new=refused("new.txt"), changed=fill("a.txt", 3),
             big=fill("/home/student/big", 9 << 20), tmp=fill("/tmp/big", 9 << 20),
             passwd=open("/etc/passwd").read())
    """
    events = run(tmp_path, spec, body)
    jail = events["jail"]
    assert jail["course"] is False
    assert jail["repo"] == [False, False]  # the repository's .venv only
    assert jail["data"] == "shared data"
    assert jail["hidden"] == [[], ""]
    assert jail["usr"] in (errno.EROFS, errno.EACCES)
    assert jail["root"] in (errno.EROFS, errno.EACCES)
    assert jail["tree"] == errno.EROFS
    assert jail["listing"] == ["a.txt", "sub/b.txt"]  # no symlink to the secret, no fifo
    assert jail["a"] == "a"
    assert (jail["new"], jail["changed"]) == (0, 0)
    assert jail["big"] == jail["tmp"] == errno.ENOSPC  # 8 MiB of scratch in all
    assert "student:x:1000:1000::/home/student:/bin/sh" in jail["passwd"]
    assert sorted(p.name for p in work.iterdir()) == ["a.txt", "fifo", "link", "sub"]
    assert (work / "a.txt").read_text() == "a"


def test_a_tree_under_tmp_is_bound_read_only_over_a_writable_scratch(tmp_path):
    """A virtualenv under /tmp (a CI checkout, say) is seen at its path, read-only, while the
    jail's own /tmp stays its writable scratch, without the host's other files."""
    tree = tmp_path / "venv"
    (tree / "lib").mkdir(parents=True)
    (tree / "lib" / "module.py").write_text("VALUE = 42\n")
    (tmp_path / "beside.txt").write_text("host file")
    body = f"""
        import os
        def attempt(action):
            try:
                action()
                return "ok"
            except OSError as exc:
                return exc.errno
        emit(read=open({str(tree / "lib" / "module.py")!r}).read(),
             write_tree=attempt(lambda: open({str(tree / "new.txt")!r}, "w")),
             write_tmp=attempt(lambda: open("/tmp/scratch.txt", "w").write("x")),
             beside=os.path.exists({str(tmp_path / "beside.txt")!r}))
    """
    spec = JailSpec(read_only=(*default_read_only(), str(tree)))
    jail = run(tmp_path, spec, body)["jail"]
    assert jail == {"read": "VALUE = 42\n", "write_tree": errno.EROFS, "write_tmp": "ok",
                    "beside": False}


def test_the_limits_hold(tmp_path):
    limits = Limits(memory_bytes=512 * MiB, processes=16, file_size_bytes=MiB, open_files=64)
    body = """
        import os, resource, time
        try:
            bytearray(600 << 20)
            memory = "allocated"
        except MemoryError:
            memory = "MemoryError"
        try:
            with open("/tmp/f", "wb") as file:
                file.write(bytes(2 << 20))
            fsize = 0
        except OSError as exc:
            fsize = exc.errno
        forks = 0
        try:
            for _ in range(40):
                if os.fork() == 0:
                    time.sleep(10)
                    os._exit(0)
                forks += 1
        except BlockingIOError:
            pass
        emit(memory=memory, fsize=fsize, forks=forks,
             limits=[resource.getrlimit(getattr(resource, name))
                     for name in ("RLIMIT_NPROC", "RLIMIT_FSIZE", "RLIMIT_NOFILE", "RLIMIT_CORE")],
             oom_score_adj=open("/proc/self/oom_score_adj").read().strip())
    """
    events = run(tmp_path, JailSpec(limits=limits), body)
    jail = events["jail"]
    assert jail["memory"] == "MemoryError"
    assert jail["fsize"] == errno.EFBIG
    assert 0 < jail["forks"] <= 14  # 16 tasks, I and K among them
    assert jail["limits"][1:] == [[MiB, MiB], [64, 64], [0, 0]]
    assert jail["limits"][0][0] >= 16
    assert jail["oom_score_adj"] == "1000"


def test_a_jail_and_its_children_share_one_memory_limit_where_cgroups_allow(tmp_path):
    """Three children hold 120 MiB each, under their own 256 MiB address space: together they
    exceed the jail's 256 MiB, so one is killed -- where this host lets us use cgroups."""
    body = """
        import os, select
        ready_r, ready_w = os.pipe()
        release_r, release_w = os.pipe()
        for index in range(3):
            if os.fork() == 0:
                hoard = b"\\x01" * (120 << 20)  # written, so really held
                os.write(ready_w, bytes([index]))
                os.read(release_r, 1)
                os.write(ready_w, bytes([64 + index]))  # alive, so it held it all along
                os._exit(0)
        holding = set()
        while len(holding) < 3 and select.select([ready_r], [], [], 3)[0]:
            holding.add(os.read(ready_r, 1)[0])  # until all hold, or one was killed
        os.write(release_w, b"xxx")
        statuses = sorted(os.waitstatus_to_exitcode(os.wait()[1]) for _ in range(3))
        os.close(ready_w)
        alive = {byte - 64 for byte in os.read(ready_r, 16) if byte >= 64}
        held = 120 * len(holding & alive)
        emit(held=held, statuses=statuses)
    """
    events = run(tmp_path, JailSpec(limits=Limits(memory_bytes=256 * MiB)), body)
    jail = events["jail"]
    limited = cgroups.jail_memory_limited()
    memory = [h for h in cgroups.find_hierarchies() if "memory" in h.controllers]
    assert limited == (os.geteuid() == 0 and memory != [])
    if limited:
        assert jail["held"] <= 240 and -signal.SIGKILL in jail["statuses"]
        left = [name for name in os.listdir(memory[0].parent) if name.startswith("jail-")]
        # released once reaped: what is left belongs to live jails (of another grading run)
        assert [name for name in left if not os.path.exists(f"/proc/{name[5:]}")] == []
    else:
        assert jail == {"held": 360, "statuses": [0, 0, 0]}


def test_cgroup_v2_gets_memory_and_cpu_enabled_and_caps(tmp_path):
    """The v2 set-up on a tree laid out as /sys/fs/cgroup is (its files are plain here)."""
    root = tmp_path / "cgroup"
    own = root / "grader.slice"
    own.mkdir(parents=True)
    (root / "cgroup.controllers").write_text("cpu io memory pids\n")
    (root / "cgroup.subtree_control").write_text("cpu memory\n")
    (own / "cgroup.subtree_control").write_text("memory\n")
    (tmp_path / "self").write_text("0::/grader.slice\n")
    assert cgroups.find_hierarchies(str(root), str(tmp_path / "self"), as_root=False) == ()
    hierarchies = cgroups.find_hierarchies(str(root), str(tmp_path / "self"), as_root=True)
    parent = own / cgroups.GROUP
    assert hierarchies == (cgroups.Hierarchy(str(parent), 2, ("memory", "cpu")),)
    assert (own / "cgroup.subtree_control").read_text() == "+cpu"  # memory was on already
    assert (parent / "cgroup.subtree_control").read_text() == "+memory +cpu"
    assert (root / "cgroup.subtree_control").read_text() == "cpu memory\n"  # left as it was
    assert (parent / "cpu.weight").read_text() == str(min(100 * os.cpu_count(), 10_000))
    (parent / "memory.swap.max").write_text("max\n")
    assert cgroups.confine(4321, Limits(memory_bytes=5 << 20, cpus=2), hierarchies)
    group = parent / "jail-4321"
    assert [(group / name).read_text() for name in (
        "memory.max", "memory.swap.max", "cpu.max", "cgroup.procs")] == [
        "5242880", "0", "200000 100000", "4321"]
    (root / "cgroup.controllers").write_text("io memory\n")  # no cpu controller: memory only
    assert cgroups.find_hierarchies(str(root), str(tmp_path / "self"), as_root=True) == (
        cgroups.Hierarchy(str(parent), 2, ("memory",)),)


@pytest.mark.parametrize("swept", [errno.ENOENT, errno.ENODEV])
def test_a_jail_group_swept_away_by_another_grader_starting_up_is_made_again(
        tmp_path, monkeypatch, swept):
    """Another grading process's start-up removes every empty jail group, a new one too,
    before its jail's first process joined it (seen as ENODEV on a cluster's station)."""
    parent = tmp_path / cgroups.GROUP
    parent.mkdir()
    hierarchy = cgroups.Hierarchy(str(parent), 2, ("memory",))
    join, sweeps = cgroups._join, [swept]

    def join_after_a_sweep(group, settings, pid):
        if sweeps:
            raise OSError(sweeps.pop(), os.strerror(swept), group)
        join(group, settings, pid)

    monkeypatch.setattr(cgroups, "_join", join_after_a_sweep)
    assert cgroups.confine(4321, Limits(memory_bytes=5 << 20), (hierarchy,))
    assert (parent / "jail-4321" / "cgroup.procs").read_text() == "4321"


def test_a_jail_group_refused_otherwise_is_an_error(tmp_path, monkeypatch):
    parent = tmp_path / cgroups.GROUP
    parent.mkdir()

    def refuse(group, settings, pid):
        raise OSError(errno.EACCES, "Permission denied", group)

    monkeypatch.setattr(cgroups, "_join", refuse)
    with pytest.raises(PermissionError):
        cgroups.confine(4321, Limits(), (cgroups.Hierarchy(str(parent), 2, ("memory",)),))


def test_cgroup_v1_groups_nest_under_the_graders_own_memory_and_cpu_groups(tmp_path):
    root = tmp_path / "cgroup"
    (root / "memory/grader").mkdir(parents=True)
    (root / "memory/memory.limit_in_bytes").write_text("9223372036854771712\n")
    (root / "cpu,cpuacct/cpugroup").mkdir(parents=True)
    (root / "cpu").symlink_to("cpu,cpuacct")  # as systemd mounts them
    (root / "cpu/cpu.cfs_quota_us").write_text("-1\n")
    (tmp_path / "self").write_text("5:pids:/other\n4:memory:/grader\n3:cpu,cpuacct:/cpugroup\n"
                                   "0::/\n")
    hierarchies = cgroups.find_hierarchies(str(root), str(tmp_path / "self"), as_root=True)
    memory, cpu = hierarchies
    assert memory == cgroups.Hierarchy(str(root / "memory/grader" / cgroups.GROUP), 1)
    assert cpu == cgroups.Hierarchy(str(root / "cpu/cpugroup" / cgroups.GROUP), 1, ("cpu",))
    limits = Limits(memory_bytes=7, cpus=3)
    assert memory.settings(limits) == [("memory.limit_in_bytes", "7")]  # no swap accounting
    assert cpu.settings(limits) == [("cpu.cfs_period_us", "100000"),
                                    ("cpu.cfs_quota_us", "300000")]
    assert Path(cpu.parent, "cpu.shares").read_text() == str(1024 * os.cpu_count())
    (root / "memory/memory.limit_in_bytes").unlink()  # no memory hierarchy: cpu only
    assert cgroups.find_hierarchies(str(root), str(tmp_path / "self"), as_root=True) == (cpu,)
    (root / "cpu/cpu.cfs_quota_us").unlink()  # and no v2 controllers either: none
    assert cgroups.find_hierarchies(str(root), str(tmp_path / "self"), as_root=True) == ()


def test_killing_the_top_pid_ends_every_process_of_the_jail(tmp_path):
    body = """
        import ctypes, os, signal, time
        child = os.fork()
        if child == 0:
            os.setsid()
            if os.fork() == 0:  # a detached grandchild that ignores everything it can
                signal.signal(signal.SIGTERM, signal.SIG_IGN)
                signal.signal(signal.SIGHUP, signal.SIG_IGN)
                ctypes.CDLL(None).prctl(1, 0, 0, 0, 0)  # PR_SET_PDEATHSIG, none
                emit(role="stray", pid=os.getpid())
                while True:
                    time.sleep(1)
            os._exit(0)
        os.waitpid(child, 0)
        emit(role="k", pid=os.getpid())
        while True:
            time.sleep(1)
    """
    with start(tmp_path, JailSpec(), body) as process:
        events = read_until(process, lambda e: {"parent", "stray", "k"} <= set(e))
        top = events["parent"]["pid"]
        namespace = os.readlink(f"/proc/{top}/ns/pid_for_children")
        members = jail_processes(namespace)
        assert len(members) == 3  # init, K and the stray
        for pid in members:  # as an unprivileged host uid of the jail's own (if we are root)
            uids = Path(f"/proc/{pid}/status").read_text().split("\nUid:")[1].split()[:4]
            assert uids == [str(events["parent"]["host_uid"])] * 4
        os.kill(top, signal.SIGKILL)
        assert wait_until_gone(namespace, 1.0) == []
        last = json.loads(process.communicate(timeout=10)[0])
        assert last == {"role": "exit", "code": -signal.SIGKILL}


def test_the_jail_can_neither_see_nor_signal_its_parent(tmp_path):
    body = """
        import os, signal
        try:
            os.kill(PARENT, signal.SIGKILL)
            error = None
        except OSError as exc:
            error = type(exc).__name__
        emit(error=error, visible=os.path.exists(f"/proc/{PARENT}"))
    """
    events = run(tmp_path, JailSpec(), body)
    assert events["jail"] == {"error": "ProcessLookupError", "visible": False}
    assert events["exit"] == {"code": 0}  # the parent lived to report it


@pytest.mark.parametrize(
    ("spec", "step", "path"),
    [
        (JailSpec(read_only=("/usr", "/nonexistent/sandbox")), "open read-only path", None),
        (JailSpec(cwd="/nonexistent/cwd"), "chdir", "/nonexistent/cwd"),
        (JailSpec(workdir_source="/nonexistent/work"), "open workdir", "/nonexistent/work"),
    ],
    ids=["missing read-only path (in I)", "missing cwd (in K)", "missing workdir (in I)"],
)
def test_a_setup_error_is_raised_in_the_parent_quickly_and_cleanly(tmp_path, spec, step, path):
    path = path or spec.read_only[-1]
    error = run(tmp_path, spec, "emit(role='unexpected')")["error"]
    assert error["step"] == step
    assert error["path"] == path
    assert path in error["message"]
    assert error["seconds"] < 2
    assert error["children"] == "none"  # U was reaped
    assert error["fds_leaked"] is False


# --- what the jail's program may not do: the seccomp filter -------------------------------

ESCAPES = """
    import ctypes, errno, os, platform, subprocess, threading
    from autograder.sandbox import seccomp
    libc = ctypes.CDLL(None, use_errno=True)
    number = seccomp.ARCHITECTURES[platform.machine()].numbers
    NEWUSER, NEWNET, SIGCHLD = 0x10000000, 0x40000000, 17

    def outcome(result):
        return errno.errorcode[ctypes.get_errno()] if result == -1 else "allowed"

    def call(function, *args):
        ctypes.set_errno(0)
        return outcome(function(*args))

    def syscall(name, *args):
        return call(libc.syscall, ctypes.c_long(number[name]), *map(ctypes.c_long, args))

    def raw_clone(name, *args):  # fork-like (no new stack): a child that got through leaves
        ctypes.set_errno(0)
        result = libc.syscall(ctypes.c_long(number[name]), *map(ctypes.c_long, args))
        if result == 0:
            os._exit(0)
        if result > 0:
            os.waitpid(result, 0x40000000)  # __WALL: a clone3 child sends no SIGCHLD
        return outcome(result)

    zeros = ctypes.create_string_buffer(256)
    user_ns = os.open("/proc/self/ns/user", os.O_RDONLY)
    go_r, go_w = os.pipe()
    child = os.fork()
    if child == 0:
        os.read(go_r, 1)
        os._exit(0)
    refused = {
        "unshare user": call(libc.unshare, NEWUSER),
        "unshare net": call(libc.unshare, NEWNET),
        "setns": call(libc.setns, user_ns, 0),
        "clone newuser": raw_clone("clone", NEWUSER | SIGCHLD, 0, 0, 0, 0),
        "clone3": raw_clone("clone3", ctypes.addressof(zeros), 88),
        "ptrace attach": call(libc.ptrace, 16, child, 0, 0),  # PTRACE_ATTACH: our own child
        "io_uring_setup": syscall("io_uring_setup", 1, ctypes.addressof(zeros)),
        "bpf": syscall("bpf", 0, ctypes.addressof(zeros), 72),
        "perf_event_open": syscall("perf_event_open", ctypes.addressof(zeros), 0, -1, -1, 0),
        "userfaultfd": syscall("userfaultfd", 0),
        "add_key": syscall("add_key", ctypes.addressof(ctypes.create_string_buffer(b"user")),
                           ctypes.addressof(ctypes.create_string_buffer(b"k")), 0, 0, -2),
        "keyctl": syscall("keyctl", 0, -2, 0),
        "mount": call(libc.mount, b"none", b"/tmp", b"tmpfs", 0, None),
        "umount2": call(libc.umount2, b"/proc", 2),
        "chroot": call(libc.chroot, b"/tmp"),
        "open_tree": syscall("open_tree", -100, ctypes.addressof(ctypes.create_string_buffer(
            b"/tmp")), 1),
        "fsopen": syscall("fsopen", ctypes.addressof(ctypes.create_string_buffer(b"tmpfs")), 0),
    }
    os.write(go_w, b"x")
    os.waitpid(child, 0)
    # What a kernel needs still works: fork, threads, subprocesses, NumPy.
    child = os.fork()
    if child == 0:
        os._exit(7)
    ran = []
    thread = threading.Thread(target=ran.append, args=[1])
    thread.start()
    thread.join()
    import numpy
    cli = subprocess.run(["unshare", "-U", "true"], capture_output=True, text=True)
    emit(refused=refused, fork=os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]),
         thread=ran, subprocess=subprocess.run(["true"]).returncode,
         numpy=float(numpy.ones((3, 3)).dot(numpy.ones(3)).sum()),
         cli=[cli.returncode, cli.stderr.strip()])
"""


def test_the_jail_refuses_namespaces_ptrace_io_uring_bpf_keys_and_mounts(tmp_path):
    jail = run(tmp_path, JailSpec(), ESCAPES)["jail"]
    expected = dict.fromkeys(jail["refused"], "EPERM")
    expected["clone3"] = "ENOSYS"  # so that the C library falls back to clone
    assert jail["refused"] == expected
    assert len(expected) == 17
    assert (jail["fork"], jail["thread"], jail["subprocess"], jail["numpy"]) == (7, [1], 0, 9.0)
    assert jail["cli"] == [1, "unshare: unshare failed: Operation not permitted"]


def run_filter(program: list[tuple[int, int, int, int]], nr: int, arch: int,
               flags: int = 0) -> int:
    """What a classic BPF seccomp ``program`` returns for a call (a small interpreter of the
    instructions a filter may use: loads of seccomp_data, jeq/jge/jset, ret)."""
    data = struct.pack("<iIQ6Q", nr, arch, 0, flags, 0, 0, 0, 0, 0)
    accumulator, pc = 0, 0
    while True:
        code, jt, jf, k = program[pc]
        if code == 0x20:
            accumulator = struct.unpack_from("<I", data, k)[0]
            pc += 1
        elif code == 0x06:
            return k
        else:
            taken = {0x15: accumulator == k, 0x35: accumulator >= k,
                     0x45: bool(accumulator & k)}[code]
            pc += 1 + (jt if taken else jf)


@pytest.mark.parametrize("machine", sorted(seccomp.ARCHITECTURES))
def test_the_filter_decides_by_architecture_number_and_clone_flags(machine):
    program = seccomp.program(machine)
    arch = seccomp.ARCHITECTURES[machine]
    eperm = seccomp.RET_ERRNO | errno.EPERM

    def verdict(name_or_nr: str | int, flags: int = 0, audit_arch: int = arch.audit_arch) -> int:
        nr = arch.numbers[name_or_nr] if isinstance(name_or_nr, str) else name_or_nr
        return run_filter(program, nr, audit_arch, flags)

    assert {name: verdict(name) for name in seccomp.denied(machine)} == dict.fromkeys(
        seccomp.denied(machine), eperm)
    read = {"x86_64": 0, "aarch64": 63}[machine]
    assert verdict(read) == verdict(9999) == seccomp.RET_ALLOW
    assert verdict(read, audit_arch=0x40000003) == seccomp.RET_KILL_PROCESS  # e.g. i386
    assert verdict("clone3") == seccomp.RET_ERRNO | errno.ENOSYS
    thread = 0x3D0F00  # what pthread_create passes
    assert verdict("clone", thread) == verdict("clone", 17) == seccomp.RET_ALLOW
    for flag in (0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000,
                 0x40000000):
        assert verdict("clone", thread | flag) == eperm, hex(flag)
    assert verdict(0x40000000 | read) == (eperm if machine == "x86_64" else seccomp.RET_ALLOW)
    with pytest.raises(OSError, match="knows the system calls of x86_64, aarch64 only"):
        seccomp.program("riscv64")


HEADERS = {"x86_64": ["/usr/include/x86_64-linux-gnu/asm/unistd_64.h",
                      "/usr/include/asm/unistd_64.h"],
           "aarch64": ["/usr/include/asm-generic/unistd.h"]}


@pytest.mark.parametrize("machine", sorted(seccomp.ARCHITECTURES))
def test_the_filters_numbers_are_the_kernel_headers(machine):
    header = next((path for path in HEADERS[machine] if os.path.exists(path)), None)
    if header is None:
        pytest.skip(f"no kernel header of {machine} here ({', '.join(HEADERS[machine])})")
    text = Path(header).read_text()
    defined = {name: int(value) for name, value in re.findall(
        r"#define __NR(?:3264)?_(\w+)\s+(\d+)\b", text)}
    ours = seccomp.ARCHITECTURES[machine].numbers
    known = {name: number for name, number in ours.items() if name in defined}
    assert known == {name: defined[name] for name in known}
    assert set(ours) - set(known) <= {"open_tree_attr"}  # newer than some headers


# --- a CPU share per jail ----------------------------------------------------------------------


def cpu_seconds(pid_namespace: str) -> float:
    """CPU time (user and system) of the live processes of a PID namespace, in seconds."""
    ticks = 0
    for pid in jail_processes(pid_namespace):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def test_sixty_spinning_processes_keep_to_one_core_and_leave_a_jail_beside_them_its_share(
        tmp_path):
    if not cgroups.jail_cpu_limited():
        pytest.xfail("not root, or no cgroup cpu controller here: a jail's processes share "
                     "the machine with the others as any processes do")
    hog = """
        import os, time
        for _ in range(60):
            if os.fork() == 0:
                os.setsid()  # each in a scheduling group of its own, where autogroups are on
                while True:
                    pass
        emit(role="ready")
        time.sleep(600)
    """
    honest = """
        emit(role="ready")
        while True:
            pass
    """
    (tmp_path / "hog").mkdir()
    (tmp_path / "honest").mkdir()
    with start(tmp_path / "hog", JailSpec(), hog) as hogging, \
            start(tmp_path / "honest", JailSpec(), honest) as working:
        namespaces = []
        for process in (hogging, working):
            top = read_until(process, lambda e: {"parent", "ready"} <= set(e))["parent"]["pid"]
            namespaces.append(os.readlink(f"/proc/{top}/ns/pid_for_children"))
        assert len(jail_processes(namespaces[0])) == 62  # its init, K and 60 spinners
        started = time.monotonic()
        before = [cpu_seconds(namespace) for namespace in namespaces]
        deadline = started + 60
        while cpu_seconds(namespaces[0]) - before[0] < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        used = [cpu_seconds(namespace) - spent
                for namespace, spent in zip(namespaces, before, strict=True)]
        wall = time.monotonic() - started
    print(f"CPU seconds in {wall:.1f} s: hog {used[0]:.2f}, honest {used[1]:.2f}")
    assert used[0] >= 2  # the hog ran...
    assert used[0] <= 1.25 * wall  # ...on one core at most (its quota, and a period's slack)
    assert used[1] >= used[0] / 3  # and the honest jail kept a share (1/60 without cgroups)


# --- the Python a jail sees ---------------------------------------------------------------------


def test_a_kernels_jail_shows_its_own_packages_and_no_other(tmp_path):
    spec = kernel_base_jail({})
    hidden_site = [path for path in spec.hidden if path.endswith(("site-packages",
                                                                  "dist-packages"))]
    body = f"""
        import importlib, os, sys
        def imports(name):
            try:
                importlib.import_module(name)
                return "ok"
            except ImportError as exc:
                return type(exc).__name__
        sys.path += {hidden_site!r}
        emit(imports={{name: imports(name) for name in (
                 "numpy", "ipykernel.kernelapp", "zmq", "IPython", "jacobian_checks",
                 "nbgrader", "dask", "distributed", "sympy", "autograder.grading", "course")}},
             hidden={{path: os.listdir(path) for path in {hidden_site!r}}})
    """
    jail = run(tmp_path, spec, body)["jail"]
    assert jail["imports"] == {
        "numpy": "ok", "ipykernel.kernelapp": "ok", "zmq": "ok", "IPython": "ok",
        "jacobian_checks": "ok", "nbgrader": "ModuleNotFoundError",
        "dask": "ModuleNotFoundError", "distributed": "ModuleNotFoundError",
        "sympy": "ModuleNotFoundError", "autograder.grading": "ModuleNotFoundError",
        "course": "ModuleNotFoundError"}
    assert base_site_packages() in hidden_site  # where the instructor's sympy may live
    assert jail["hidden"] == dict.fromkeys(hidden_site, [])


def base_site_packages() -> str:
    return os.path.realpath(sysconfig.get_path("purelib", vars={"base": sys.base_prefix}))


def write_distribution(site: Path, name: str, files: dict[str, str],
                       requires: tuple[str, ...] = (), record: bool = True) -> None:
    """A distribution installed in ``site`` as pip does: its files, METADATA and RECORD."""
    info = site / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n"
                                   + "".join(f"Requires-Dist: {r}\n" for r in requires))
    for path, text in files.items():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_text(text)
    if record:
        listed = [*files, f"{info.name}/METADATA", f"{info.name}/RECORD"]
        (info / "RECORD").write_text("".join(f"{path},,\n" for path in listed))


def test_the_view_shows_the_required_distributions_files_only(tmp_path):
    site = tmp_path / "site-packages"
    write_distribution(site, "kernelpkg", {"kernelpkg/__init__.py": "", "ns/x.py": "",
                                           "__pycache__/kp.pyc": "", "../../bin/kp": ""},
                       requires=("helper", "extra_only; extra == 'plot'",
                                 "never; python_version < '3'"))
    write_distribution(site, "helper", {"helper.py": "", "__pycache__/helper.pyc": ""})
    write_distribution(site, "extra_only", {"extra_only/__init__.py": ""})
    write_distribution(site, "never", {"never.py": ""})
    write_distribution(site, "sympy", {"sympy/__init__.py": "", "ns/y.py": "",
                                       "__pycache__/sympy.pyc": ""})
    (site / "stray.pth").write_text("")
    dists = python_view.kernel_distributions(["kernelpkg"], path=[str(site)])
    assert sorted(d.metadata["Name"] for d in dists) == ["helper", "kernelpkg"]
    other_site = tmp_path / "dist-packages"
    other_site.mkdir()
    view = python_view.view_of(dists, [str(site), str(other_site)])
    assert view.filtered == {str(site): (
        "__pycache__/helper.pyc", "__pycache__/kp.pyc", "helper-1.0.dist-info", "helper.py",
        "kernelpkg", "kernelpkg-1.0.dist-info", "ns/x.py")}  # ns and __pycache__ are shared
    assert view.hidden == (str(other_site),)
    with pytest.raises(python_view.PythonViewError, match=r"'missing'.*`make venv`"):
        python_view.kernel_distributions(["missing"], path=[str(site)])
    write_distribution(site, "unrecorded", {"unrecorded.py": ""}, record=False)
    unrecorded = python_view.kernel_distributions(["unrecorded"], path=[str(site)])
    with pytest.raises(python_view.PythonViewError, match="no record of its files"):
        python_view.view_of(unrecorded, [])


def test_a_filtered_directory_shows_its_entries_read_only(tmp_path, host_dir):
    tree = host_dir / "tree"
    (tree / "pkg").mkdir(parents=True)
    (tree / "pkg" / "a.py").write_text("A")
    (tree / "hidden_pkg").mkdir()
    (tree / "cache").mkdir()
    (tree / "cache" / "mine.pyc").write_text("M")
    (tree / "cache" / "theirs.pyc").write_text("T")
    (tree / "link").symlink_to(tree / "hidden_pkg")
    spec = JailSpec(read_only=(*default_read_only(), str(tree)),
                    filtered={str(tree): ("pkg", "cache/mine.pyc", "link", "gone")})
    body = f"""
        import os
        tree = {str(tree)!r}
        def attempt(path):
            try:
                open(path, "w").close()
                return "written"
            except OSError as exc:
                return exc.errno
        emit(top=sorted(os.listdir(tree)), cache=os.listdir(tree + "/cache"),
             a=open(tree + "/pkg/a.py").read(),
             writes=[attempt(tree + "/new"), attempt(tree + "/pkg/new"),
                     attempt(tree + "/cache/new")])
    """
    jail = run(tmp_path, spec, body)["jail"]
    assert jail == {"top": ["cache", "pkg"], "cache": ["mine.pyc"], "a": "A",
                    "writes": [errno.EROFS] * 3}


# --- the launcher and a real kernel ----------------------------------------------------------


def launch(tmp_path: Path, spec: JailSpec, command: list[str], **popen) -> tuple:
    """Start the launcher; the Popen (see :func:`killed_at_exit`) and the read end of PID_FD."""
    (tmp_path / "spec.json").write_text(spec.to_json())
    pid_r, pid_w = os.pipe()
    args = ["spec.json", str(pid_w), "--", *command]
    process = subprocess.Popen(
        [sys.executable, "-m", "autograder.sandbox.launch", *args],
        cwd=tmp_path,
        pass_fds=(pid_w,),
        env={**os.environ, "PYTHONPATH": str(REPO)},
        **popen,
    )
    os.close(pid_w)
    return killed_at_exit(process), pid_r


def read_all(fd: int) -> str:
    """Read ``fd`` to its end (all writers closed it), within 10 s."""
    with os.fdopen(fd, "rb") as file:
        data = b""
        while select.select([file], [], [], 10)[0] and (chunk := os.read(fd, 100)):
            data += chunk
        return data.decode()


def test_the_launcher_reports_the_top_pid_and_runs_the_command_as_pid_2(tmp_path):
    code = "import os, sys; print(os.getpid()); sys.exit(3)"
    started, pid_r = launch(tmp_path, JailSpec(), [sys.executable, "-c", code],
                            stdout=subprocess.PIPE, text=True)  # fmt: skip
    with started as process:
        top = read_all(pid_r)
        out, _ = process.communicate(timeout=30)
    assert top.endswith("\n") and int(top) > 0
    assert out == "2\n"
    assert process.returncode == 3


def test_a_real_kernel_runs_in_the_jail_over_ipc_and_dies_with_the_launcher(tmp_path):
    connection = {
        "transport": "ipc",
        "ip": "/run/kernel/ipc",
        "shell_port": 1,
        "iopub_port": 2,
        "stdin_port": 3,
        "control_port": 4,
        "hb_port": 5,
        "key": os.urandom(16).hex(),
        "signature_scheme": "hmac-sha256",
        "kernel_name": "python3",
    }
    spec = JailSpec(
        files={"/run/kernel/kernel.json": json.dumps(connection)},
        env={"JPY_PARENT_PID": "1", "PATH": "/usr/bin"},  # the parent poller must not see it
    )
    command = [sys.executable, "-m", "ipykernel_launcher", "-f", "/run/kernel/kernel.json"]
    started, pid_r = launch(tmp_path, spec, command, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    with started as process:
        top = int(read_all(pid_r))
        namespace = os.readlink(f"/proc/{top}/ns/pid_for_children")
        client = BlockingKernelClient()
        client.load_connection_info({**connection, "ip": f"/proc/{top}/root/run/kernel/ipc"})
        client.start_channels()
        try:
            client.wait_for_ready(timeout=30)
            outputs: list[dict] = []
            code = "import os, numpy; print(numpy.ones(3).sum(), os.environ.get('JPY_PARENT_PID'))"
            reply = client.execute_interactive(code, timeout=30, output_hook=outputs.append)
        finally:
            client.stop_channels()
        assert reply["content"]["status"] == "ok"
        assert [m["content"]["text"] for m in outputs if m["msg_type"] == "stream"] == [
            "3.0 None\n"
        ]
        assert jail_processes(namespace)
        process.kill()
        process.wait(timeout=10)
        assert wait_until_gone(namespace, 1.0) == []


# --- preflight -------------------------------------------------------------------------------


PREFLIGHT = """
import errno, json, sys
sys.path.insert(0, {repo!r})
from autograder.kernels import preflight
from autograder.kernels.preflight import SandboxUnavailable, check
from autograder.sandbox import syscalls
def refuse(flags):
    raise OSError(errno.EPERM, "unshare: Operation not permitted")
if sys.argv[1] == "refuse":  # the probe itself, in this process, with unshare refused
    syscalls.unshare = refuse
    print(json.dumps({{"message": str(preflight._probe()), "cached": True}}))
    sys.exit(0)
if sys.argv[1] == "foreign":  # a kernel that needs a package the jail does not show
    preflight.KERNEL_IMPORTS = "import nbgrader"
    print(json.dumps({{"message": str(preflight._probe()), "cached": True}}))
    sys.exit(0)
errors = []
for _ in range(2):  # check() probes in a new process, once
    try:
        check()
        errors.append(None)
    except SandboxUnavailable as exc:
        errors.append(exc)
print(json.dumps({{"message": str(errors[0]), "cached": errors[0] is errors[1]}}))
"""


@pytest.mark.parametrize("mode", ["real", "refuse", "foreign"])
def test_preflight_passes_here_and_names_what_is_missing_otherwise(tmp_path, mode):
    script = tmp_path / "preflight.py"
    script.write_text(PREFLIGHT.format(repo=str(REPO)))
    out = subprocess.run(
        [sys.executable, str(script), mode], capture_output=True, text=True, timeout=30, check=True
    ).stdout
    result = json.loads(out)
    if mode == "real":
        assert result == {"message": "None", "cached": True}
        return
    assert result["cached"] is True  # the same exception: probed once
    message = result["message"]
    if mode == "foreign":  # what the jail's interpreter said, and how to set one up
        assert message.startswith("A student's kernel cannot import what it needs in the "
                                  "sandbox.\n")
        assert "No module named 'nbgrader'" in message and "`make venv`" in message
        return
    assert message.startswith("Linux user namespaces are turned off on this machine, so "
                              "student kernels cannot be sandboxed.\n")
    assert "/proc/sys/user/max_user_namespaces" in message
    assert "kernel.unprivileged_userns_clone" in message
    assert "kernel.apparmor_restrict_unprivileged_userns" in message

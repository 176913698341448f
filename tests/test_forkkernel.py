"""Tests of the fork-from-zygote kernel provisioner (autograder/kernels/fork).

Every test runs real kernels: through nbclient (as nbgrader's Execute does), through a
kernel manager directly, and once through nbgrader's Autograde converter.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import nbformat
import psutil
import pytest
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning.factory import KernelProvisionerFactory
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError
from nbformat.v4 import new_code_cell, new_notebook
from traitlets.config import Config

from autograder.kernels.fork import client
from autograder.kernels.fork.provisioner import ForkProvisioner
from autograder.sandbox import cgroups

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="fork() is POSIX-only")

FORK, LOCAL = "autograder-fork", "local-provisioner"
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
HIST = "--HistoryManager.hist_file=:memory:"

# Facts about the kernel process, printed as JSON by a notebook cell.
PROBE = """\
import json, os, signal, sys
print(json.dumps({
    "pid": os.getpid(), "ppid": os.getppid(), "cwd": os.getcwd(), "sys_path": sys.path,
    "argv0": sys.argv[0], "argv_tail": sys.argv[3:], "name": __name__,
    "executable": sys.executable, "stdin_eof": os.read(0, 1) == b"",
    "env": {k: v for k, v in os.environ.items() if k != "JPY_PARENT_PID"},
    "nbgrader": os.environ.get("NBGRADER_EXECUTION"),
    "jpy_parent_is_ppid": os.environ.get("JPY_PARENT_PID") == str(os.getppid()),
    "session_leader": os.getsid(0) == os.getpid(), "group_leader": os.getpgrp() == os.getpid(),
    "signals": {s.name: getattr(signal.getsignal(s), "__name__", str(signal.getsignal(s)))
                for s in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD, signal.SIGPIPE)},
    "numpy_loaded": "numpy" in sys.modules, "colorsys_loaded": "colorsys" in sys.modules,
}))
"""


@pytest.fixture(autouse=True)
def fresh_factory() -> Iterator[None]:
    """Each test starts (and leaves) with a fresh provisioner factory singleton."""
    KernelProvisionerFactory.clear_instance()
    yield
    KernelProvisionerFactory.clear_instance()


@pytest.fixture(scope="module", autouse=True)
def stop_zygotes() -> Iterator[None]:
    """Whatever happens, leave no zygote (hence no kernel) behind this module."""
    yield
    client.shutdown_zygotes()


@contextmanager
def default_provisioner(name: str) -> Iterator[None]:
    factory = KernelProvisionerFactory.instance()
    factory.default_provisioner_name = name
    try:
        yield
    finally:
        KernelProvisionerFactory.clear_instance()


def run_notebook(sources: list[str], cwd: Path, provisioner: str = FORK,
                 **options: Any) -> nbformat.NotebookNode:
    """Execute code cells through nbclient, as nbgrader's Execute preprocessor does."""
    cells = [new_code_cell(source) for source in sources]
    nb = new_notebook(cells=cells, metadata={"kernelspec": KERNELSPEC})
    options.setdefault("timeout", 30)
    with default_provisioner(provisioner):
        nbclient = NotebookClient(nb, resources={"metadata": {"path": str(cwd)}}, **options)
        asyncio.run(nbclient.async_execute())
    return nb


def stdout_json(cell: nbformat.NotebookNode) -> dict[str, Any]:
    text = "".join(o["text"] for o in cell.outputs if o.get("name") == "stdout")
    return json.loads(text)


def zygote_pids() -> set[int]:
    return {z.pid for z in client.running_zygotes()}


def gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def wait_until(predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


DETERMINISTIC_CELLS = [
    "1 + 1",
    "print('hello'); import sys; print('err', file=sys.stderr)",
    "import numpy as np\nnp.ones(3).sum(), np.arange(4)",
    "from IPython.display import display, Markdown\ndisplay(Markdown('**bold**')); {'a': [1, 2]}",
    "1 / 0",
    "x = 3\nx * 2",
]


def test_same_outputs_and_process_setup_as_local_provisioner(tmp_path, monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")  # nbgrader sets it before executing
    (tmp_path / "local").mkdir()
    (tmp_path / "fork").mkdir()
    cells = [PROBE, *DETERMINISTIC_CELLS]
    local = run_notebook(cells, tmp_path / "local", LOCAL, allow_errors=True)
    fork = run_notebook(cells, tmp_path / "fork", FORK, allow_errors=True)

    assert [(c.execution_count, c.outputs) for c in fork.cells[1:]] == [
        (c.execution_count, c.outputs) for c in local.cells[1:]
    ]
    lf, ff = stdout_json(local.cells[0]), stdout_json(fork.cells[0])
    assert lf["ppid"] == os.getpid()
    assert ff["ppid"] in zygote_pids()  # a fork child of this process's zygote
    assert ff["cwd"] == str(tmp_path / "fork") and lf["cwd"] == str(tmp_path / "local")
    assert ff["nbgrader"] == lf["nbgrader"] == "autograde"
    for key in ("sys_path", "argv0", "argv_tail", "name", "executable", "stdin_eof", "env",
                "jpy_parent_is_ppid", "session_leader", "group_leader", "signals"):
        assert ff[key] == lf[key], (key, ff[key], lf[key])
    assert ff["argv_tail"] == [HIST] and ff["name"] == "__main__" and ff["session_leader"]
    assert ff["numpy_loaded"] and not lf["numpy_loaded"]  # the visible effect of preloading


def test_every_kernel_is_a_fresh_process(tmp_path):
    first = [
        "import os, random, numpy, autograder\nx = 1\nnumpy.pi = 3\nautograder.MARK = True",
        "print(os.getpid(), os.getppid(), random.random(), numpy.random.rand())",
    ]
    second = [
        "import os, random, numpy, autograder",
        "print(os.getpid(), os.getppid(), random.random(), numpy.random.rand())",
        "print('x' in globals(), numpy.pi, hasattr(autograder, 'MARK'))",
    ]
    nb1, nb2 = run_notebook(first, tmp_path), run_notebook(second, tmp_path)
    pid1, ppid1, rand1, nprand1 = nb1.cells[1].outputs[0]["text"].split()
    pid2, ppid2, rand2, nprand2 = nb2.cells[1].outputs[0]["text"].split()
    assert pid1 != pid2 and ppid1 == ppid2 and int(ppid1) in zygote_pids()
    assert rand1 != rand2 and nprand1 != nprand2  # RNGs re-seeded after fork
    assert nb2.cells[2].outputs[0]["text"] == "False 3.141592653589793 False\n"


def test_interrupt_on_timeout(tmp_path):
    nb = run_notebook(["while True:\n    pass", "print('after')"], tmp_path,
                      timeout=1, interrupt_on_timeout=True, allow_errors=True)
    assert [o.get("ename") for o in nb.cells[0].outputs] == ["KeyboardInterrupt"]
    assert nb.cells[1].outputs[0]["text"] == "after\n"


def test_dead_kernel_is_reported(tmp_path):
    with pytest.raises(DeadKernelError):
        run_notebook(["import os\nos._exit(1)", "print('unreachable')"], tmp_path)


async def _start(**kwargs: Any) -> AsyncKernelManager:
    km = AsyncKernelManager(kernel_name="python3", **kwargs)
    await km.start_kernel(extra_arguments=[HIST])
    assert isinstance(km.provisioner, ForkProvisioner) and km.provisioner.has_process
    return km


def test_exit_status_kill_and_terminate():
    async def scenario() -> None:
        for action, expected in (("kill", -signal.SIGKILL), ("terminate", -signal.SIGTERM)):
            km = await _start()
            prov = km.provisioner
            assert isinstance(prov, ForkProvisioner) and prov.pid is not None
            assert await prov.poll() is None and not gone(prov.pid)
            pid = prov.pid
            await getattr(prov, action)()
            assert await asyncio.wait_for(prov.wait(), 5) == expected
            assert not prov.has_process and gone(pid)
            await km.cleanup_resources()
        km = await _start()  # a kernel that exits by itself
        kc = km.client()
        kc.start_channels()
        await kc.wait_for_ready(timeout=30)
        kc.execute("import os; os._exit(3)")
        assert await asyncio.wait_for(km.provisioner.wait(), 10) == 3
        kc.stop_channels()
        assert not await km.is_alive()
        await km.cleanup_resources()

    with default_provisioner(FORK):
        asyncio.run(scenario())


def test_kernelspec_route_and_preload_config(tmp_path, monkeypatch):
    spec_dir = tmp_path / "kernels" / "forkspec"
    spec_dir.mkdir(parents=True)
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}", HIST],
        "display_name": "fork", "language": "python",
        "metadata": {"kernel_provisioner": {"provisioner_name": FORK}},
    }))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    c = Config()
    c.ForkProvisioner.preload_modules = ["ipykernel.kernelapp", "colorsys"]
    nb = run_notebook([PROBE], tmp_path, LOCAL, kernel_name="forkspec", config=c)
    facts = stdout_json(nb.cells[0])
    assert facts["ppid"] in zygote_pids()  # forked although the default is the local one
    assert facts["colorsys_loaded"] and not facts["numpy_loaded"]  # preloaded what we asked


def test_a_preload_entry_with_a_function_runs_it_before_the_kernels_fork(tmp_path):
    c = Config()
    c.ForkProvisioner.preload_modules = ["ipykernel.kernelapp", "jacobian_checks",
                                         "jacobian_checks.stored:read_stored_data"]
    read = ("import json\nfrom jacobian_checks import stored\n"
            "print(json.dumps([stored._records.cache_info().currsize, len(stored._records())]))")
    nb = run_notebook([read], tmp_path, kernel_name="python3", config=c)
    cached, records = stdout_json(nb.cells[0])
    assert cached == 1 and records > 0  # read in the zygote, before the kernel asked


@pytest.mark.parametrize("provisioner", [FORK, LOCAL])
def test_a_failed_check_shows_its_short_message_in_a_forked_kernel_as_in_a_fresh_one(
        tmp_path, provisioner):
    # The zygote imported the package before any IPython shell existed.
    failing = ("from jacobian_checks import check_predicted_shape\n"
               "def jacobian_shape(B, D):\n"
               "    return 'B by D'\n"
               "check_predicted_shape(jacobian_shape, 'scalar_wrt_vector', B=256, D=10)")
    # IPython also keeps a formatted copy of each cell's error (for its history): the same
    # lines, not a full traceback formatted through the checks' frames (~0.1 s per kernel).
    error, kept, _ = _shown_and_kept([failing], tmp_path, provisioner)
    shown = "\n".join(error["traceback"])
    assert error["ename"] == "JacobianCheckError"
    assert "returned a string" in shown
    assert "Traceback" not in shown and "check_predicted_shape(" not in shown  # no frames
    assert kept["ename"] == "JacobianCheckError" and kept["traceback"] == error["traceback"]


@pytest.mark.parametrize("provisioner", [FORK, LOCAL])
def test_an_error_in_the_students_function_is_formatted_once_and_kept_as_shown(
        tmp_path, provisioner):
    # IPython asks for the lines twice, to show the error and to keep it in its history;
    # formatting the student's frames costs a kernel about 0.1 s each time.
    counting = ("import jacobian_checks.display as display\n"
                "formatted = []\n"
                "original = display._own_lines\n"
                "display._own_lines = lambda *a: formatted.append(1) or original(*a)")
    failing = ("from jacobian_checks import check_jacobian_values\n"
               "def dloss_dyhat(y, yhat):\n"
               "    return (yhat - y) @ y\n"
               "check_jacobian_values(dloss_dyhat, 'scalar_wrt_vector', B=256, D=10)")
    error, kept, formatted = _shown_and_kept([counting, failing], tmp_path, provisioner,
                                             also="len(formatted)")
    assert error["ename"] == "ValueError" and "dloss_dyhat" in "\n".join(error["traceback"])
    assert formatted == 1 and kept["traceback"] == error["traceback"]


def _shown_and_kept(cells: list[str], tmp_path: Path, provisioner: str, also: str = "None"
                    ) -> tuple[dict, dict, object]:
    """Run ``cells``, the last of which fails, then one more that reads IPython's kept copy
    of that error: the error output shown, the copy kept, and the value of ``also`` then."""
    read = ("import json\nprint(json.dumps([list(get_ipython().history_manager.exceptions"
            f".values()), {also}]))")
    nb = run_notebook([*cells, read], tmp_path, provisioner, allow_errors=True,
                      extra_arguments=[HIST])
    [error] = [o for o in nb.cells[-2].outputs if o["output_type"] == "error"]
    [kept], value = json.loads(nb.cells[-1].outputs[0]["text"])
    return error, kept, value


def test_non_ipykernel_command_falls_back_to_local_launch():
    async def scenario() -> None:
        prov = ForkProvisioner(kernel_id="k", kernel_spec=None)
        await prov.launch_kernel([sys.executable, "-c", "import time; time.sleep(60)"],
                                 env=dict(os.environ))
        assert prov.process is not None and prov.has_process  # a plain Popen child
        await prov.kill()
        assert await asyncio.wait_for(prov.wait(), 5) == -signal.SIGKILL

    asyncio.run(scenario())


def test_zygote_crash_and_unavailable_zygote(monkeypatch):
    async def scenario() -> None:
        km = await _start()
        prov = km.provisioner
        assert isinstance(prov, ForkProvisioner) and prov._zygote is not None
        zygote, kernel_pid = prov._zygote, prov.pid
        os.kill(zygote.pid, signal.SIGKILL)
        # The orphaned kernel exits through ipykernel's parent poller, and poll() sees it.
        assert await asyncio.wait_for(prov.wait(), 10) is not None
        assert gone(kernel_pid) and gone(zygote.pid)
        await km.cleanup_resources()
        km = await _start()  # a new zygote replaces the dead one
        assert km.provisioner._zygote.pid != zygote.pid  # type: ignore[union-attr]
        await km.shutdown_kernel()

        client.shutdown_zygotes()
        monkeypatch.setattr(client, "ZYGOTE_SCRIPT", "/nonexistent/zygote.py")
        with pytest.raises(client.ZygoteError, match="exited with status 2"):
            await _start()

    with default_provisioner(FORK):
        asyncio.run(scenario())


def test_a_forked_grader_forgets_its_parents_zygotes(tmp_path):
    run_notebook(["1"], tmp_path)
    zygotes = client.running_zygotes()
    with warnings.catch_warnings():  # Python >= 3.12 warns about fork() with threads running
        warnings.filterwarnings("ignore", ".*use of fork.*", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child must not use (nor shut down) the parent's zygote
        ok = client.running_zygotes() == [] and all(z.sock.fileno() == -1 for z in zygotes)
        os._exit(0 if ok else 1)
    assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
    time.sleep(0.1)
    assert client.running_zygotes() == zygotes
    assert all(z.alive and z.proc.poll() is None for z in zygotes)


def test_no_zombies_or_orphans_after_shutdown(tmp_path):
    before = set(psutil.Process().children(recursive=True))  # e.g. another test's helpers
    run_notebook(["print(1)"], tmp_path)
    zygotes = client.running_zygotes()
    assert zygotes
    for zygote in zygotes:
        process = psutil.Process(zygote.pid)
        assert process.children() == []  # no kernel left running, and no zombie
        assert process.num_threads() == 1  # (numpy's OpenBLAS pool stops at the first fork)
    client.shutdown_zygotes()
    assert all(z.proc.returncode is not None for z in zygotes)  # reaped by us
    assert set(psutil.Process().children(recursive=True)) - before == set()


@pytest.mark.parametrize("end", ["sys.exit(0)", "os.kill(os.getpid(), 9)"])
def test_zygote_and_kernels_end_with_their_grader(end, tmp_path):
    script = textwrap.dedent(f"""
        import os, sys
        from autograder.kernels.fork import client
        zygote = client.get_zygote(sys.executable, [], dict(os.environ))  # no preloads: quick
        zygote.ready.result(30)
        cmd = [sys.executable, "-m", "ipykernel_launcher", "-f", sys.argv[1]]
        request = dict(module=cmd[2], args=cmd[3:], cmd=cmd, env=dict(os.environ),
                       cwd=os.getcwd())
        kernel = zygote.spawn(request, (1, 2), jail=False).result(30)
        print(zygote.pid, kernel["pid"], flush=True)
        {end}  # leaving the kernel running
    """)
    proc = subprocess.run([sys.executable, "-c", script, str(tmp_path / "kernel.json")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode in (0, -signal.SIGKILL), proc.stderr
    zygote_pid, kernel_pid = map(int, proc.stdout.split())
    assert wait_until(lambda: gone(zygote_pid) and gone(kernel_pid), 10)


# --- a jailed kernel starts from a clean slate ---------------------------------------------------

UNREADABLE = ("[vvar]", "[vvar_vclock]", "[vsyscall]")


def memory_holds(pid: int, needles: list[bytes]) -> set[bytes]:
    """The ``needles`` found in the readable memory of process ``pid``, read through
    ``/proc/PID/mem`` mapping by mapping, as a hostile cell reads its own."""
    found: set[bytes] = set()
    overlap = max(map(len, needles))
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", buffering=0) as mem:
        for line in maps:
            fields = line.split()
            if not fields[1].startswith("r") or fields[-1] in UNREADABLE:
                continue
            start, end = (int(x, 16) for x in fields[0].split("-"))
            tail = b""
            for offset in range(start, end, 1 << 24):
                try:
                    mem.seek(offset)
                    chunk = tail + mem.read(min(1 << 24, end - offset))
                except (OSError, ValueError, OverflowError):
                    break
                found.update(needle for needle in needles if needle in chunk)
                tail = chunk[-overlap:]
    return found


def jail_top(km: Any) -> int:
    """The pid of a jailed kernel's top process, whose file view the grader reaches the
    kernel's sockets through (``/proc/<top>/root/...``)."""
    return int(km.provisioner.connection_info["ip"].split("/")[2])


def jailed_kernel_pid(km: Any) -> int:
    """The host pid of a jailed kernel: the grandchild of its jail's top process."""
    init = psutil.Process(jail_top(km)).children()[0]
    return init.children()[0].pid


@pytest.mark.parametrize("fork", [True, False], ids=["forked", "fresh"])
def test_a_jailed_kernel_holds_nothing_of_the_grader_nor_of_earlier_kernels(fork, tmp_path,
                                                                              monkeypatch):
    from autograder.kernels.manager import SandboxKernelManager

    secret = os.urandom(16).hex()
    monkeypatch.setenv("INSTRUCTOR_DB_PASSWORD", secret)
    course = tmp_path / f"course-{os.urandom(6).hex()}"
    earlier, later = (course / "submitted" / f"student-{os.urandom(6).hex()}" for _ in range(2))
    for folder in (earlier, later):
        folder.mkdir(parents=True)
        (folder / "data.txt").write_text("a file of the submission's")

    async def start(folder: Path) -> tuple[Any, Any]:
        km = SandboxKernelManager(kernel_name="python3", sandbox=True, fork=fork)
        await km.start_kernel(extra_arguments=[HIST], cwd=str(folder))
        kc = km.client()
        kc.start_channels()
        await kc.wait_for_ready(timeout=60)
        reply = await kc.execute_interactive("open('data.txt').read()", timeout=60)
        assert reply["content"]["status"] == "ok"
        return km, kc

    tops = []

    async def scenario() -> tuple[bytes, set[bytes], list[str]]:
        km, kc = await start(earlier)  # a kernel of the student graded before
        tops.append(jail_top(km))
        kc.stop_channels()
        await km.shutdown_kernel(now=True)
        km, kc = await start(later)
        tops.append(jail_top(km))
        try:
            kernel = jailed_kernel_pid(km)
            environ = Path(f"/proc/{kernel}/environ").read_bytes()
            needles = [secret.encode(), str(course).encode(), earlier.name.encode(),
                       later.name.encode()]
            names = list(os.environ)
            return environ, memory_holds(kernel, needles), names
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)

    environ, found, grader_env = asyncio.run(scenario())
    if fork:  # the jail's parent has its control groups released once the jail is gone
        groups = [f"{h.parent}/jail-{top}" for h in cgroups.find_hierarchies() for top in tops]
        assert wait_until(lambda: not any(map(os.path.exists, groups)), 10), groups
    assert found == set()  # neither the secret, nor the course's path, nor any student's id
    variables = dict(item.split(b"=", 1) for item in environ.split(b"\0") if item)
    assert secret.encode() not in environ
    assert set(variables) == {b"PATH", b"LANG", b"OPENBLAS_NUM_THREADS", b"OMP_NUM_THREADS",
                              b"MKL_NUM_THREADS", b"PYTHONPATH", b"HOME", b"IPYTHONDIR"}
    assert len(grader_env) > len(variables)  # the grader's own had more to give away

"""The one process pool: order, the parent's share of the work, errors, and the SIGINT rule."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hubrails.core.parallel import Pool
from tests.helpers import sigint_as_a_terminal_has_it


def _square(offset: int, n: int) -> tuple[int, int]:
    return n * n + offset, os.getpid()


def _fail(_shared: None, n: int) -> int:
    if n == 3:
        raise ValueError(f"bad task {n}")
    return n


def test_map_keeps_order_and_the_parent_takes_work_from_the_back() -> None:
    with Pool(_square, 1, 1) as pool:
        results = pool.map(list(range(200)))
    assert [r for r, _ in results] == [n * n + 1 for n in range(200)]
    pids = {pid for _, pid in results}
    assert os.getpid() in pids and len(pids) == 2  # the worker and this process both worked


def test_imap_streams_in_order() -> None:
    with Pool(_square, 0, 2) as pool:
        assert [r for r, _ in pool.imap(iter(range(50)))] == [n * n for n in range(50)]


@pytest.mark.parametrize("streamed", [False, True])
def test_a_worker_error_is_raised_in_the_caller(streamed: bool) -> None:
    with Pool(_fail, None, 2) as pool, pytest.raises(ValueError, match="bad task 3"):
        if streamed:
            list(pool.imap(iter(range(10))))
        else:
            pool.map([3] * 10)  # the parent may run them all: make every task fail


def _nap(_shared: None, n: int) -> int:
    time.sleep(0.5)
    return n


def test_a_worker_leaves_sigint_to_its_parent() -> None:
    with Pool(_nap, None, 1) as pool:
        worker = pool.processes[0].pid
        assert worker is not None
        answers = pool.imap(iter(range(3)))
        time.sleep(0.2)  # the worker is inside its first task
        os.kill(worker, signal.SIGINT)
        assert list(answers) == [0, 1, 2]  # it neither died nor dropped the task


SCRIPT = """
import os, sys, time
from hubrails.core.parallel import Pool

def slow(_shared, n):
    time.sleep(n)
    return n

pool = Pool(slow, None, 2)
print(*[p.pid for p in pool.processes], flush=True)
if sys.argv[1] == "idle":
    time.sleep(60)
try:
    with pool:
        pool.map([30, 30, 30, 30])
except KeyboardInterrupt:
    sys.exit(130)
"""


def _gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] == "Z"  # a zombie
    except (FileNotFoundError, ProcessLookupError):
        return True


def _start(mode: str) -> tuple[subprocess.Popen[str], list[int]]:
    run = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=sigint_as_a_terminal_has_it,
    )
    assert run.stdout is not None
    return run, [int(pid) for pid in run.stdout.readline().split()]


def test_ctrl_c_reaches_the_parent_alone_which_stops_the_workers_at_once() -> None:
    run, workers = _start("busy")
    time.sleep(1)  # every process is inside a 30 s task
    started = time.monotonic()
    os.killpg(run.pid, signal.SIGINT)  # as a terminal sends it: to the whole process group
    _, stderr = run.communicate(timeout=20)
    assert run.returncode == 130, stderr
    assert time.monotonic() - started < 5
    assert "Traceback" not in stderr  # no worker printed one of its own
    assert all(_gone(pid) for pid in workers)


def test_workers_of_a_killed_parent_exit() -> None:
    run, workers = _start("idle")
    os.kill(run.pid, signal.SIGKILL)
    run.communicate(timeout=20)
    deadline = time.monotonic() + 10
    while not all(_gone(pid) for pid in workers):
        assert time.monotonic() < deadline, "worker processes outlived their parent"
        time.sleep(0.05)


def test_without_workers_this_process_does_it_all() -> None:
    with Pool(_square, 2, 0) as pool:
        assert [r for r, _ in pool.imap(iter(range(3)))] == [2, 3, 6]
        assert pool.map([3]) == [(11, os.getpid())]


class _Tally:
    """A stateful worker: adds what it is told, answers what it was told so far."""

    def __init__(self, start: int) -> None:
        self.total = start

    def __call__(self, task: tuple[str, int]) -> tuple[int, int]:
        kind, n = task
        if kind == "fail":
            raise ValueError(f"told to fail with {n}")
        if kind == "add":
            self.total += n
        return self.total, os.getpid()


@pytest.mark.parametrize("count", [0, 2])
def test_stateful_workers_keep_their_state_across_tasks(count: int) -> None:
    with Pool.stateful(_Tally, 100, count) as pool:
        got = list(pool.imap_workers(iter([("add", n) for n in range(1, 7)])))
        by_worker: dict[int, list[int]] = {}
        for worker, (total, pid) in got:
            by_worker.setdefault(worker, []).append(total)
            assert (pid == os.getpid()) == (worker == -1)
        assert sorted(by_worker) == ([-1] if count == 0 else [0, 1])
        for totals in by_worker.values():  # each worker's running total only grows
            assert totals == sorted(totals) and totals[0] > 100
        if count:
            pool.tell(1, ("add", 1000))  # no answer
            assert pool.ask(1, ("get", 0))[0] == by_worker[1][-1] + 1000
            assert pool.ask(0, ("get", 0))[0] == by_worker[0][-1]


def test_a_told_task_that_fails_is_raised_by_the_next_answer() -> None:
    with Pool.stateful(_Tally, 0, 1) as pool:
        pool.tell(0, ("fail", 7))
        pool.tell(0, ("add", 5))  # later tasks still run
        with pytest.raises(ValueError, match="told to fail with 7"):
            pool.ask(0, ("get", 0))
        assert pool.ask(0, ("get", 0))[0] == 5


def _sleep_then_time(_shared: None, seconds: float) -> float:
    time.sleep(seconds)
    return time.monotonic()


def test_posted_tasks_run_on_every_worker_at_once_and_answer_in_order() -> None:
    with Pool(_sleep_then_time, None, 2) as pool:
        start = time.monotonic()
        for worker in (0, 1):
            pool.post(worker, 0.5)
        pool.post(0, 0.0)  # queued behind worker 0's first
        first, second = pool.answer(1), pool.answer(0)
        assert pool.answer(0) >= second  # worker 0's answers in the order posted
        assert abs(first - second) < 0.4 and second - start < 0.9  # both slept at once

"""One process pool for every parallel path (validation, certification, ledger parsing).

Workers are forked (spawned when other threads run, as fork is then unsafe) when the pool is
made, and inherit ``shared``; each has its own pair of pipes and holds no copy of another's, so
when the parent dies (even by ``kill -9``) its workers read end-of-file and exit. One SIGINT rule:
workers ignore Ctrl-C (it reaches the whole process group) and leave it to the parent, which
stops them at once — no worker traceback, no hang, and ``hub`` exits 130. Tasks and results
travel pickled; a task is never ``None``. ``Pool.stateful`` workers each keep a state across
tasks (the ledger's parsers keep their daily sums), and may be told things (``tell``, no
answer) or asked (``ask``) one by one. Imports nothing of hubrails.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")


def cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _serve(
    function: Callable[..., Any],
    shared: Any,
    stateful: bool,
    tasks: Connection,
    results: Connection,
    foreign: list[Connection],
) -> None:
    """A worker: answer each task with ``function(shared, task)`` (stateful: with
    ``function(shared)(task)``, made once) until told to stop or orphaned. A task told rather
    than asked gets no answer; if it fails, the next answer is its error."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for conn in foreign:
        conn.close()
    call = function(shared) if stateful else functools.partial(function, shared)
    failed: tuple[bool, Any] | None = None
    while True:
        try:
            message = tasks.recv()
        except EOFError:  # the parent is gone
            return
        if message is None:
            return
        wanted, task = message
        try:
            answer: tuple[bool, Any] = (True, call(task))
        except Exception as exc:  # the parent raises it: the one boundary reports it
            answer = (False, exc)
        if not wanted:
            if failed is None and not answer[0]:
                failed = answer
            continue
        if failed is not None:
            answer, failed = failed, None
        try:
            results.send(answer)
        except BrokenPipeError:
            return
        except Exception as exc:  # an exception or result that does not pickle
            results.send((False, RuntimeError(f"{type(exc).__name__}: {exc}")))


def start_workers(
    target: Callable[..., None], args: tuple[Any, ...], count: int, *, fork: bool | None = None
) -> tuple[list[tuple[Connection, Connection]], list[Any]]:
    """``count`` processes running ``target(*args, tasks, results, foreign)``, each with a pipe
    for tasks and one for results, and returned as (task end, result end) pairs with the
    processes. ``foreign`` are the other workers' ends, which a forked worker closes, so that
    each sees end-of-file when the parent goes. Forked when no other thread runs (``fork``
    overrides), else spawned; if one cannot start, those started are killed."""
    import multiprocessing

    safe = threading.active_count() == 1 and os.name == "posix"
    context: Any = multiprocessing.get_context(
        "fork" if fork or (fork is None and safe) else "spawn"
    )
    pipes: list[tuple[Connection, Connection]] = []
    processes: list[Any] = []
    ours: list[Connection] = []
    try:
        for _ in range(count):
            task_out, task_in = context.Pipe(duplex=False)
            result_out, result_in = context.Pipe(duplex=False)
            process = context.Process(
                target=target,
                args=(*args, task_out, result_in, [*ours, task_in, result_out]),
                daemon=True,
            )
            process.start()
            task_out.close()
            result_in.close()
            ours += [task_in, result_out]
            pipes.append((task_in, result_out))
            processes.append(process)
    except BaseException:
        for started in processes:
            started.kill()
        for conn in ours:
            conn.close()
        raise
    return pipes, processes


class Pool(Generic[S, T, R]):
    """``count`` worker processes running ``function(shared, task)``; use it with ``with``."""

    def __init__(
        self,
        function: Callable[[S, T], R],
        shared: S,
        count: int,
        *,
        fork: bool | None = None,
        stateful: bool = False,
    ) -> None:
        self.function, self.shared, self.is_stateful = function, shared, stateful
        self.local: Callable[[T], R] | None = None  # this process's worker, made when needed
        self.pipes, self.processes = start_workers(
            _serve, (function, shared, stateful), count, fork=fork
        )

    @classmethod
    def stateful(
        cls, make: Callable[[S], Callable[[T], R]], shared: S, count: int, *,
        fork: bool | None = None,
    ) -> Pool[S, T, R]:  # fmt: skip
        """Workers that keep a state: each runs ``make(shared)`` once and answers every task
        with what that returns (a callable object holding the state)."""
        return cls(make, shared, count, fork=fork, stateful=True)  # type: ignore[arg-type]

    def _here(self, task: T) -> R:
        """``task`` done in this process (with its own state, in stateful mode)."""
        if not self.is_stateful:
            return self.function(self.shared, task)
        if self.local is None:
            make: Any = self.function
            self.local = make(self.shared)
        return self.local(task)

    def tell(self, worker: int, task: T) -> None:
        """Give ``worker`` a task whose answer is not wanted (a failure is raised by the next
        answer asked of that worker)."""
        self.pipes[worker][0].send((False, task))

    def ask(self, worker: int, task: T) -> R:
        """``worker``'s answer to ``task``; only while it has no task from ``imap`` in flight."""
        self.post(worker, task)
        return self.answer(worker)

    def post(self, worker: int, task: T) -> None:
        """Give ``worker`` a task whose answer ``answer`` takes later (answers come in order),
        so that several workers work on theirs at once."""
        self.pipes[worker][0].send((True, task))

    def answer(self, worker: int) -> R:
        """``worker``'s answer to its oldest task ``post``-ed and not answered yet."""
        return self._receive(worker)

    def __enter__(self) -> Pool[S, T, R]:
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        self.close(abort=kind is not None)

    def _receive(self, worker: int) -> R:
        try:
            ok, value = self.pipes[worker][1].recv()
        except EOFError:
            raise RuntimeError("a worker process died") from None
        if not ok:
            raise value
        result: R = value
        return result

    def imap(self, tasks: Iterator[T]) -> Iterator[R]:
        """The results of ``tasks``, in order, streamed: each worker has one task in flight
        (sent at once, before the first result is asked for), so memory stays flat however many
        tasks there are."""
        if not self.pipes:  # no workers: this process does it all
            return (self._here(task) for task in tasks)
        return (result for _, result in self.imap_workers(tasks))

    def imap_workers(self, tasks: Iterator[T]) -> Iterator[tuple[int, R]]:
        """``imap``, each result with the worker that made it (-1: this process)."""
        if not self.pipes:
            return ((-1, self._here(task)) for task in tasks)
        busy: collections.deque[int] = collections.deque()
        for worker in range(len(self.pipes)):
            task = next(tasks, None)
            if task is None:
                break
            self.pipes[worker][0].send((True, task))
            busy.append(worker)
        return self._stream(tasks, busy)

    def _stream(self, tasks: Iterator[T], busy: collections.deque[int]) -> Iterator[tuple[int, R]]:
        while busy:
            worker = busy.popleft()
            result = self._receive(worker)
            task = next(tasks, None)
            if task is not None:  # keep the worker busy while the caller uses the result
                self.pipes[worker][0].send((True, task))
                busy.append(worker)
            yield worker, result

    def map(self, tasks: Sequence[T]) -> list[R]:
        """The results of ``tasks``, in order. Workers take tasks from the front while this
        process takes them from the back, so that all finish together however unevenly the
        work is spread."""
        results: dict[int, R] = {}
        todo = collections.deque(enumerate(tasks))
        lock = threading.Lock()
        failed: list[BaseException] = []

        def take(front: bool) -> tuple[int, T] | None:
            with lock:
                if not todo:
                    return None
                return todo.popleft() if front else todo.pop()

        def dispatch() -> None:  # a thread: hands out work the moment a worker is free
            from multiprocessing.connection import wait

            held: dict[int, int] = {}  # worker -> task index
            try:
                for worker in range(len(self.pipes)):
                    if (item := take(front=True)) is not None:
                        self.pipes[worker][0].send((True, item[1]))
                        held[worker] = item[0]
                ends = {self.pipes[w][1]: w for w in range(len(self.pipes))}
                while held:
                    for end in wait([self.pipes[w][1] for w in held]):
                        worker = ends[end]  # type: ignore[index]
                        results[held.pop(worker)] = self._receive(worker)
                        if (item := take(front=True)) is not None:
                            self.pipes[worker][0].send((True, item[1]))
                            held[worker] = item[0]
            except BaseException as exc:  # re-raised in the caller's thread
                failed.append(exc)
                with lock:
                    todo.clear()

        thread = threading.Thread(target=dispatch, daemon=True)
        thread.start()
        while (item := take(front=False)) is not None:
            results[item[0]] = self._here(item[1])
        thread.join()
        if failed:
            raise failed[0]
        return [results[i] for i in range(len(tasks))]

    def close(self, *, abort: bool = False) -> None:
        """Stop the workers: let them finish (or, on ``abort``, kill them at once)."""
        for task_in, result_out in self.pipes:
            if not abort:
                with contextlib.suppress(OSError):
                    task_in.send(None)
            task_in.close()
            result_out.close()
        for process in self.processes:
            if abort:
                process.kill()
            process.join(10)
            if process.is_alive():
                process.kill()
                process.join()

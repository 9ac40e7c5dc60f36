"""The Playground's live runs as a class uses them: one training at a time, shared by everyone who asks for it.

A teacher says "everybody press Train now": the learners who ask for a configuration that is already
training, or already waiting, join that run and watch the same curves (it is trained once). Other
configurations wait their turn in order; a run whose last watcher leaves gives up its place (or stops, if it
was training); at most ``MAX_WAITING`` configurations wait, beyond that a request is refused with a message.
One background thread trains; requests only read what it has done so far, so they hold no thread while
they wait.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import itertools
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

LIBC = ctypes.util.find_library("c")


def release_memory() -> None:
    """Hand the heap a finished run freed back to the system (glibc keeps it otherwise, and a class's runs add up)."""
    if LIBC:
        with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
            ctypes.CDLL(LIBC).malloc_trim(0)


MAX_WAITING = 6  # configurations waiting behind the one training: a class of 30 picks about this many at once


class QueueFull(Exception):
    """Too many configurations are waiting already."""


@dataclass(eq=False)
class Run:
    """One configuration's live run: what the trainer has done so far, and who watches it."""

    key: str
    config: dict
    seed: int
    number: int  # the order runs were asked for, from 1
    watchers: int = 0
    history: dict = field(default_factory=dict)  # per-epoch numbers so far (model.playground.train_run's)
    epochs_done: int = 0
    started: float | None = None  # time.monotonic() when training began
    finished: bool = False
    stopped: bool = False  # every watcher left before it finished
    error: str | None = None
    net: object = None  # the trained network, once finished


class LiveQueue:
    """Runs asked for by key; ``train(config, seed)`` yields (history so far, network) after each epoch."""

    def __init__(self, train: Callable[[dict, int], Iterator[tuple[dict, object]]], max_waiting: int = MAX_WAITING):
        self._train = train
        self.max_waiting = max_waiting
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._waiting: deque[Run] = deque()
        self._current: Run | None = None
        self._numbers = itertools.count(1)
        self._thread: threading.Thread | None = None

    def join(self, key: str, config: dict, seed: int) -> Run:
        """Watch the run of KEY: the one training or waiting, else a new one at the end of the line (QueueFull
        if MAX_WAITING are waiting). SEED is used only for a new run. Call ``leave`` when done watching."""
        with self._lock:
            run = next((r for r in (self._current, *self._waiting) if r is not None and r.key == key), None)
            if run is None:
                if len(self._waiting) >= self.max_waiting:
                    raise QueueFull
                run = Run(key, dict(config), seed, next(self._numbers))
                self._waiting.append(run)
                self._start_worker()
                self._wake.notify_all()
            run.watchers += 1
            return run

    def leave(self, run: Run) -> None:
        """One watcher fewer; a waiting run nobody watches leaves the line, a training one stops after its epoch."""
        with self._lock:
            run.watchers -= 1
            if run.watchers <= 0 and run in self._waiting:
                self._waiting.remove(run)

    def ahead(self, run: Run) -> list[Run] | None:
        """The runs that train before RUN (the one training first), or None once RUN is training or done."""
        with self._lock:
            if run not in self._waiting:
                return None
            before = list(itertools.takewhile(lambda r: r is not run, self._waiting))
            return ([self._current] if self._current else []) + before

    def _start_worker(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._work, name="playground-live", daemon=True)
            self._thread.start()

    def _work(self) -> None:
        while True:
            with self._lock:
                while not self._waiting:
                    self._wake.wait()
                run = self._current = self._waiting.popleft()
                run.started = time.monotonic()
            try:
                for history, net in self._train(run.config, run.seed):
                    with self._lock:
                        run.history = {k: list(v) for k, v in history.items()}
                        run.epochs_done = len(history["val_loss"])
                        if run.watchers <= 0:
                            run.stopped = True
                            break
                    run.net = net
            except Exception as problem:  # a failed run ends for its watchers; the queue goes on
                run.error = f"{type(problem).__name__}: {problem}"
            with self._lock:
                run.finished = True
                if run.stopped:
                    run.net = None  # nobody will ask it anything: its memory goes now
                self._current = None
            net = history = None
            gc.collect()
            release_memory()

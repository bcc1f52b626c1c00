"""Ctrl-C and SIGTERM during a batch run: stop within seconds, keep whole chunks, say so once.

Python's default turns SIGINT into a KeyboardInterrupt wherever the main thread happens
to be, which in a Prefect flow is often inside Prefect's own serialisation (the run was
then marked `failed` with a traceback), and Prefect turns SIGTERM into its own exception.
During a run, `StopRequest` takes both signals instead: the first one stops the workers
(their documents in flight are given up) and lets the flow finish its bookkeeping, so
the run is marked `interrupted` and the next run resumes; a second one exits at once.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType, TracebackType
from typing import Any, Self

from pipeline.errors import ChitieuError

EXIT_INTERRUPTED = 130  # what shells report for a command ended by Ctrl-C


class RunStopped(Exception):
    """Raised inside the flow once a stop was requested (never shown to the user)."""


class Interrupted(ChitieuError):
    """The run was stopped by a signal; what was stored is kept (one line, exit 130)."""

    exit_code = EXIT_INTERRUPTED


class StopRequest:
    """While active, SIGINT/SIGTERM call `on_stop` once; a second signal calls `on_force`."""

    def __init__(self, on_stop: Callable[[], None], on_force: Callable[[], None] | None = None) -> None:
        self.on_stop = on_stop
        self.on_force = on_force
        self.requested = False
        self.signal_name: str | None = None
        self._previous: dict[int, Any] = {}

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        if self.requested:
            if self.on_force is not None:
                self.on_force()
            sys.stderr.write("chitieu: stopped at once (second signal)\n")
            os._exit(EXIT_INTERRUPTED)
        self.requested = True
        self.signal_name = signal.Signals(signum).name
        self.on_stop()

    def __enter__(self) -> Self:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._previous.clear()

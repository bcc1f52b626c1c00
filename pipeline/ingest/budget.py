"""How much memory this process may still take: the per-document memory bound as ingest sees it.

Why ingest asks: a sandboxed worker caps its own address space (`pipeline/batch/sandbox.py`,
README "Reliability"), and a parser that runs into the cap fails only after it has worked
for a minute.  A parse whose size is known up front (an HTML page becomes a tree of about
36 bytes per character of markup) is refused at once instead, with a reason that says
what it would need.  A process without a cap (the Python API, tests) has no budget here.
"""

from __future__ import annotations

import contextlib
import resource

MB = 1 << 20


def vm_size() -> int:
    """This process's address space now (VmSize), in bytes; raises where /proc cannot tell (not Linux)."""
    with open("/proc/self/status", encoding="ascii") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmSize:")) * 1024


def _mapped() -> int | None:
    """`vm_size()`, or None where it cannot be read."""
    with contextlib.suppress(OSError, StopIteration, ValueError):
        return vm_size()
    return None


def memory_left() -> int | None:
    """Bytes of address space left under this process's cap, or None when it has none."""
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return None
    mapped = _mapped()
    return None if mapped is None else max(0, soft - mapped)

"""How a batch run works, as one typed value passed from the CLI to the flow and its tasks.

Why: `chitieu run --store`, `run_batch` and `batch_flow` restated the same seven keyword
parameters (architecture review, repeat row D2), and a new option had to be threaded
through each by hand.  One frozen object, in the manner of trafilatura's `Extractor`
settings and `pipeline.web.fetch.FetchOptions`, is read once and passed whole; it holds no
global state and is a valid Prefect flow parameter (a deployment's `--param` JSON is
validated into it).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from pipeline.batch.sandbox import Bounds
from pipeline.limits import MAX_BYTES


@dataclass(frozen=True)
class BatchOptions:
    """Where and how a batch run extracts; every field has the default `chitieu run --store` uses.

    `workers` defaults to the number of cores (and one process for small inputs);
    `dask_address` (tcp://host:port) runs the tasks on that Dask cluster instead;
    `cache=False` neither reads nor writes Prefect's task cache (benchmarks); `manifests`
    are sidecar manifest files beyond the one found at the top of the input; `bounds` are
    the per-document bounds (README, "Reliability").
    """

    workers: int | None = None
    chunk_size: int | None = None
    dask_address: str | None = None
    cache: bool = True
    progress: bool = False
    manifests: tuple[str, ...] = ()
    bounds: Bounds = field(default_factory=Bounds)

    @property
    def max_bytes(self) -> int:
        """The largest document read, in bytes: the bound, or the global limit."""
        return self.bounds.max_bytes or MAX_BYTES

    def task_bounds(self) -> dict[str, Any]:
        """The bounds as the extraction task takes them: plain data, part of its cache key."""
        return asdict(self.bounds)

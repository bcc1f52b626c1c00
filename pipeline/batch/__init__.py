"""Many documents: the folder runner, sandboxed workers, stopping and progress of a batch run."""

"""Where the pipeline runs: this process and its pool (``dyad.api.run``), or a Dask cluster
(``dyad.engines.dask``)."""

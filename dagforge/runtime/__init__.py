"""What ships to MWAA beside the stages: the loader, error DAGs, locating one DAG, caches."""

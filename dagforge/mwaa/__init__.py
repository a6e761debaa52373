"""MWAA tooling: the bundle, parse timing, capacity, local Airflow, the local runner."""

"""The demo: a local S3, sample data, and the run of every DAG."""

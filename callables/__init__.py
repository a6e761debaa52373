"""Reusable, tested task callables that dagforge configs name with ``python_callable:
callables.<module>.<name>``.

Every S3 access goes through Airflow's amazon provider (``S3Hook``) and a connection id, so the same
code reaches the local S3 (moto server) and S3 on MWAA (the environment's IAM role).
"""

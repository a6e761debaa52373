"""Checks that turn loaded documents and expanded DAGs into problems (values, never exceptions)."""

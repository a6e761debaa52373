"""Checks: each turns one config file (its document and the DAGs it expands to) into problems.

The contract is :class:`dagforge.checks.base.Check`; the list of checks that ``validate`` runs,
in order, is :data:`dagforge.checks.registry.CHECKS`. Adding a check is adding a module here and
one line to that list. Checks return problems (values), never raise, and never import Airflow.
"""

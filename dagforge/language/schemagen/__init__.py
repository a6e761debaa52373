"""Generate the config schema and its reference docs.

``introspect`` reads operator signatures from Airflow (dev time only) into
``schemas/operators.json``; ``compose`` turns that data plus the dagforge keys into
``schemas/dagforge.schema.json``; ``docs`` renders the schema as Markdown. Only ``introspect``
imports Airflow.
"""

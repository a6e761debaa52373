"""The country-style config the benchmarks share: one template file with one instance per code."""

from __future__ import annotations

TEMPLATE_HEAD = """\
default:
  default_args: {owner: data-engineering, start_date: 2024-03-01, retries: 1, retry_delay: 5m}
  catchup: false
  max_active_runs: 1
templates:
  country:
    dag_id: bench_country_{code}
    parameters:
      code: {type: string, pattern: "^C[0-9]{5}$"}
    dag:
      description: WHO figures for {code}
      schedule: "@daily"
      tags: [who, "country:{code}"]
      tasks:
        - task_id: process_country
          operator: airflow.providers.standard.operators.python.PythonOperator
          python_callable: callables.who.process_country
          op_kwargs:
            country_code: "{code}"
            bucket: "{{ var.value.dagforge_data_bucket }}"
            source_key: who/WHO-COVID-19-global-data.csv
            output_prefix: who/countries
            ds: "{{ (dag_run.logical_date or dag_run.run_after) | ds }}"
    instances:
"""


def template_file(codes: list[str]) -> str:
    """A config file whose template yields ``bench_country_<code>`` for each code (``C00000``
    form)."""
    return TEMPLATE_HEAD + "".join(f"      - {{code: {code}}}\n" for code in codes)

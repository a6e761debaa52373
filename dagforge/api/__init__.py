"""A small typed client for the Airflow REST API, with two transports.

- **local**: the Airflow API server itself (``/auth/token`` then ``/api/v2`` on Airflow 3, basic
  auth and ``/api/v1`` on Airflow 2), through httpx;
- **MWAA**: boto3's ``mwaa.invoke_rest_api``, signed with IAM.

The same calls work on both and on both API versions: trigger a run, read runs and task states,
wait for a run, unpause, Variables, asset events. Refusals raise errors from
:mod:`dagforge.errors` with the status, the API's ``detail`` and what to do about it.

>>> from dagforge.api.targets import connect, parse_target  # doctest: +SKIP
>>> client = connect(parse_target("mwaa:my-env", region="eu-west-1"))  # doctest: +SKIP
>>> client.trigger("who_split", conf={"note": "rerun"})  # doctest: +SKIP

Import from the submodules (``dagforge.api.client``, ``.targets``, ``.mwaa``, ``.local``): this
package imports nothing itself, so the events handler in a Lambda loads boto3 and never httpx.
"""

"""The MWAA transport: every call through boto3's ``mwaa.invoke_rest_api``, signed with IAM.

MWAA answers ``RestApiStatusCode`` and ``RestApiResponse``; an Airflow 4xx or 5xx comes back as
``RestApiClientException`` or ``RestApiServerException`` carrying the same two fields, which this
transport turns back into a plain answer so callers see Airflow's own status. MWAA's own refusals
(IAM, an unknown environment, a bad request) become errors that say what to change.

The environment name and region come from the caller, else from the usual AWS settings
(``AWS_REGION``/``AWS_DEFAULT_REGION``, profiles). ``AWS_ENDPOINT_URL_MWAA`` and
``AWS_DISABLE_HOST_PREFIX_INJECTION=true`` point the same code at the local runner.
"""

from __future__ import annotations

from typing import Any

from dagforge.api.transport import Query, Reply, json_size
from dagforge.errors import (
    ApiAuthError,
    ApiCall,
    ApiError,
    ApiNotFoundError,
    ApiTimeoutError,
    TargetError,
)
from dagforge.mwaa.limits import (
    ENVIRONMENT_NAME_RULE,
    INVOKE_REST_API_MAX_PATH,
    INVOKE_REST_API_TIMEOUT,
    valid_environment_name,
)

IAM_ACTION = "airflow:InvokeRestApi"
_REST_ERRORS = ("RestApiClientException", "RestApiServerException")


def mwaa_client(region: str | None = None) -> Any:
    """A boto3 ``mwaa`` client; MWAA cuts a call at 10 s, so waiting longer buys nothing."""
    import boto3
    from botocore.config import Config

    config = Config(
        read_timeout=INVOKE_REST_API_TIMEOUT + 5,
        connect_timeout=10,
        retries={"mode": "standard", "max_attempts": 3},
    )
    return boto3.client("mwaa", region_name=region, config=config)


class MwaaTransport:
    """Calls to the Airflow REST API of MWAA environment ``name``."""

    max_path: int | None = INVOKE_REST_API_MAX_PATH

    def __init__(self, name: str, region: str | None = None, client: Any = None) -> None:
        if not valid_environment_name(name):
            raise TargetError(f"'{name}' is not an MWAA environment name: {ENVIRONMENT_NAME_RULE}")
        self.name = name
        self.client = client if client is not None else mwaa_client(region)
        self._version: str | None = None

    @property
    def region(self) -> str:
        return str(self.client.meta.region_name)

    @property
    def target(self) -> str:
        return f"mwaa:{self.name} ({self.region})"

    def airflow_version(self) -> str:
        if self._version is None:
            reply = self.request("GET", "/version")
            if not reply.ok or not isinstance(reply.body, dict):
                raise ApiError(
                    ApiCall(self.target, "GET", "/version"),
                    status=reply.status,
                    detail=reply.detail,
                )
            self._version = str(reply.body["version"])
        return self._version

    def request(
        self, method: str, path: str, *, query: Query | None = None, body: Any = None
    ) -> Reply:
        from botocore.exceptions import BotoCoreError, ClientError

        params: dict[str, Any] = {"Name": self.name, "Method": method, "Path": path}
        if query:
            params["QueryParameters"] = {k: _query_value(v) for k, v in query.items()}
        if body is not None:
            params["Body"] = body
        try:
            answer = self.client.invoke_rest_api(**params)
        except ClientError as exc:
            return self._from_error(exc, method, path)
        except BotoCoreError as exc:
            raise self._no_answer(exc, method, path) from exc
        data = answer.get("RestApiResponse")
        return Reply(int(answer["RestApiStatusCode"]), data, json_size(data))

    def auth_hint(self, status: int) -> str:
        return (
            f"the Airflow role behind your IAM identity may not make this call: allow "
            f"{IAM_ACTION} on arn:aws:airflow:{self.region}:ACCOUNT:role/{self.name}/ROLE with "
            "an Airflow role that may (Op for runs and Variables, Admin for everything)"
        )

    def _from_error(self, exc: Any, method: str, path: str) -> Reply:
        response = exc.response
        code = str(response.get("Error", {}).get("Code", ""))
        if code in _REST_ERRORS:
            data = response.get("RestApiResponse")
            return Reply(int(response.get("RestApiStatusCode", 0)), data, json_size(data))
        detail = str(response.get("Error", {}).get("Message", "")) or str(exc)
        call = ApiCall(self.target, method, path)
        status = int(response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))
        if code == "AccessDeniedException":
            hint = (
                f"your IAM identity needs {IAM_ACTION} on "
                f"arn:aws:airflow:{self.region}:ACCOUNT:role/{self.name}/ROLE "
                "(ROLE: the Airflow role to act as, e.g. Op or Admin)"
            )
            raise ApiAuthError(call, status=status, detail=detail, hint=hint)
        if code == "ResourceNotFoundException":
            hint = f"no environment '{self.name}' in {self.region}: check the name and --region"
            raise ApiNotFoundError(call, status=status, detail=detail, hint=hint)
        raise ApiError(call, status=status, detail=detail, hint=_mwaa_hint(code, path))

    def _no_answer(self, exc: Exception, method: str, path: str) -> ApiError:
        from botocore.exceptions import NoCredentialsError, ReadTimeoutError

        call = ApiCall(self.target, method, path)
        if isinstance(exc, ReadTimeoutError):
            hint = "MWAA cuts calls at 10 s: ask for less (a smaller page), or try again"
            return ApiTimeoutError(call, status=0, detail=str(exc), hint=hint)
        if isinstance(exc, NoCredentialsError):
            hint = "set AWS credentials (AWS_PROFILE, or the role of the machine or Lambda)"
            return ApiAuthError(call, status=0, detail=str(exc), hint=hint)
        hint = "check the region and the network path"
        return ApiError(call, status=0, detail=str(exc), hint=hint)


def _query_value(value: object) -> object:
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return str(value).lower() if isinstance(value, bool) else value


def _mwaa_hint(code: str, path: str) -> str:
    if code == "ValidationException" and len(path) > INVOKE_REST_API_MAX_PATH:
        return (
            f"InvokeRestApi takes paths of at most {INVOKE_REST_API_MAX_PATH} characters and "
            f"this one has {len(path)}: use a shorter dag_id or run id"
        )
    return "MWAA refused the call itself; the message says why"

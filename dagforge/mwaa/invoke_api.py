"""MWAA's ``InvokeRestApi`` wire protocol, served by the local runner (werkzeug).

``POST /restapi/{Name}`` with a JSON body ``{"Path", "Method", "QueryParameters", "Body"}``,
answered as MWAA answers: ``200 {"RestApiStatusCode", "RestApiResponse"}``; an Airflow 4xx or 5xx
as a 400 ``RestApiClientException`` or ``RestApiServerException`` carrying the same two fields; and
MWAA's own refusals (``ValidationException``, ``ResourceNotFoundException``,
``AccessDeniedException`` for an unsigned request). Calls go on to the runner's API server as its
Admin user, so unchanged boto3 code pointed here (``endpoint_url``, or the botocore settings in
:func:`botocore_env`) runs against the local runner.

Run as one more runner component: ``python -m dagforge.mwaa.invoke_api`` with its settings in
the environment variable :data:`SETTINGS_ENV` (JSON), so the password is not on a command line.
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass
from typing import Any

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from dagforge.api.local import LocalTransport
from dagforge.api.transport import json_size
from dagforge.errors import ApiError, ApiTimeoutError
from dagforge.mwaa.limits import (
    INVOKE_REST_API_MAX_BYTES,
    INVOKE_REST_API_MAX_PATH,
    INVOKE_REST_API_TIMEOUT,
    valid_environment_name,
)

SETTINGS_ENV = "DAGFORGE_INVOKE_API"
DEFAULT_ENVIRONMENT = "dagforge-local"
METHODS = ("GET", "PUT", "POST", "PATCH", "DELETE")
_ROUTE = re.compile(r"^/restapi/(?P<name>[^/]+)$")
_SIGNED = re.compile(r"^AWS4-HMAC-SHA256 Credential=[^/]+/\d{8}/[^/]+/airflow/aws4_request")


@dataclass(frozen=True)
class Settings:
    host: str
    port: int
    environment: str
    api_url: str
    username: str
    password: str


def botocore_env(url: str) -> dict[str, str]:
    """botocore's own settings that send unchanged ``boto3.client("mwaa")`` code to ``url``
    (boto3 would otherwise put ``env.`` in front of the host)."""
    return {"AWS_ENDPOINT_URL_MWAA": url, "AWS_DISABLE_HOST_PREFIX_INJECTION": "true"}


def error(status: int, kind: str, fields: dict[str, Any]) -> Response:
    """An error shaped as AWS rest-json services send it: the type in a header and the body."""
    return Response(
        json.dumps(fields),
        status=status,
        content_type="application/json",
        headers={"x-amzn-ErrorType": kind},
    )


def _answer(status: int, data: Any) -> Response:
    fields = {"RestApiStatusCode": status, "RestApiResponse": data}
    if status >= 500:
        return error(400, "RestApiServerException", fields)
    if status >= 400:
        return error(400, "RestApiClientException", fields)
    return Response(json.dumps(fields), status=200, content_type="application/json")


class InvokeRestApi:
    """The WSGI application: checks a call as MWAA does, then forwards it to Airflow."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.airflow = LocalTransport(
            settings.api_url, settings.username, settings.password, INVOKE_REST_API_TIMEOUT
        )

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        response = self.handle(Request(environ))
        return response(environ, start_response)

    def handle(self, request: Request) -> Response:
        route = _ROUTE.match(request.path)
        if request.method != "POST" or route is None:
            return error(404, "UnknownOperationException", {"message": "no such operation"})
        if not _SIGNED.match(request.headers.get("Authorization", "")):
            message = "the request is not signed with SigV4 for the 'airflow' service"
            return error(403, "AccessDeniedException", {"Message": message})
        if route["name"] != self.settings.environment:
            here = self.settings.environment
            message = f"Environment {route['name']} was not found (this one is '{here}')"
            return error(404, "ResourceNotFoundException", {"message": message})
        if (request.content_length or 0) > INVOKE_REST_API_MAX_BYTES:
            return _invalid(f"the request is over {INVOKE_REST_API_MAX_BYTES} bytes")
        call = request.get_json(silent=True)
        problem = validate(call, route["name"])
        return _invalid(problem) if problem or not isinstance(call, dict) else self.forward(call)

    def forward(self, call: dict[str, Any]) -> Response:
        try:
            reply = self.airflow.request(
                call["Method"],
                call["Path"],
                query=call.get("QueryParameters"),
                body=call.get("Body"),
            )
        except ApiTimeoutError as exc:
            return _answer(504, {"detail": f"Airflow did not answer within 10 s: {exc.detail}"})
        except ApiError as exc:
            return error(500, "InternalServerException", {"message": exc.detail})
        if (size := json_size(reply.body)) > INVOKE_REST_API_MAX_BYTES:
            return _answer(502, {"detail": f"the answer is {size} bytes, over 6 MB"})
        return _answer(reply.status, reply.body)


def _invalid(message: str) -> Response:
    return error(400, "ValidationException", {"message": message})


def validate(call: Any, name: str) -> str:
    """What MWAA's request validation would refuse in ``call``, or ``""``."""
    if not valid_environment_name(name):
        return f"1 validation error detected: Value '{name}' at 'name' fails the pattern"
    if not isinstance(call, dict):
        return "the request body is not a JSON object"
    path, method = call.get("Path"), call.get("Method")
    if not isinstance(path, str) or not 1 <= len(path) <= INVOKE_REST_API_MAX_PATH:
        return (
            f"1 validation error detected: Value at 'path' failed to satisfy constraint: "
            f"Member must have length less than or equal to {INVOKE_REST_API_MAX_PATH}"
        )
    if method not in METHODS:
        return f"1 validation error detected: Value '{method}' at 'method' must be one of {METHODS}"
    query = call.get("QueryParameters")
    if query is not None and not isinstance(query, dict):
        return "QueryParameters must be a JSON object"
    return ""


def settings_from_env() -> Settings:
    data = json.loads(os.environ[SETTINGS_ENV])
    return Settings(**data)


def serve(settings: Settings) -> None:
    """Serve until the process is stopped (the runner stops its process group)."""
    server = make_server(settings.host, settings.port, InvokeRestApi(settings), threaded=True)
    print(f"InvokeRestApi for '{settings.environment}' on {settings.host}:{settings.port}")
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    serve(settings_from_env())

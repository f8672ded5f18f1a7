from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.skip_request import SkipRequest
from ...models.step_detail import StepDetail
from ...types import UNSET, Response, Unset


def _get_kwargs(
    execution_pk: UUID,
    step_id: str,
    *,
    body: SkipRequest | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/executions/{execution_pk}/steps/{step_id}/skip/".format(
            execution_pk=quote(str(execution_pk), safe=""),
            step_id=quote(str(step_id), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | StepDetail | None:
    if response.status_code == 200:
        response_200 = StepDetail.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Error.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Error.from_dict(response.json())

        return response_415

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | StepDetail]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    execution_pk: UUID,
    step_id: str,
    *,
    client: AuthenticatedClient,
    body: SkipRequest | Unset = UNSET,
) -> Response[Error | StepDetail]:
    """Skip a failed or pending step with a substitute output and continue

    Args:
        execution_pk (UUID):
        step_id (str):
        body (SkipRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | StepDetail]
    """

    kwargs = _get_kwargs(
        execution_pk=execution_pk,
        step_id=step_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    execution_pk: UUID,
    step_id: str,
    *,
    client: AuthenticatedClient,
    body: SkipRequest | Unset = UNSET,
) -> Error | StepDetail | None:
    """Skip a failed or pending step with a substitute output and continue

    Args:
        execution_pk (UUID):
        step_id (str):
        body (SkipRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | StepDetail
    """

    return sync_detailed(
        execution_pk=execution_pk,
        step_id=step_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    execution_pk: UUID,
    step_id: str,
    *,
    client: AuthenticatedClient,
    body: SkipRequest | Unset = UNSET,
) -> Response[Error | StepDetail]:
    """Skip a failed or pending step with a substitute output and continue

    Args:
        execution_pk (UUID):
        step_id (str):
        body (SkipRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | StepDetail]
    """

    kwargs = _get_kwargs(
        execution_pk=execution_pk,
        step_id=step_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    execution_pk: UUID,
    step_id: str,
    *,
    client: AuthenticatedClient,
    body: SkipRequest | Unset = UNSET,
) -> Error | StepDetail | None:
    """Skip a failed or pending step with a substitute output and continue

    Args:
        execution_pk (UUID):
        step_id (str):
        body (SkipRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | StepDetail
    """

    return (
        await asyncio_detailed(
            execution_pk=execution_pk,
            step_id=step_id,
            client=client,
            body=body,
        )
    ).parsed

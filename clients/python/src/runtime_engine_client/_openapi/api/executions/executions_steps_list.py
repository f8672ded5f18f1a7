from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.step_result import StepResult
from ...types import Response


def _get_kwargs(
    execution_pk: UUID,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/executions/{execution_pk}/steps/".format(
            execution_pk=quote(str(execution_pk), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | list[StepResult] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = StepResult.from_dict(response_200_item_data)

            response_200.append(response_200_item)

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

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | list[StepResult]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    execution_pk: UUID,
    *,
    client: AuthenticatedClient,
) -> Response[Error | list[StepResult]]:
    """Every step's result, in plan order

    Args:
        execution_pk (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | list[StepResult]]
    """

    kwargs = _get_kwargs(
        execution_pk=execution_pk,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    execution_pk: UUID,
    *,
    client: AuthenticatedClient,
) -> Error | list[StepResult] | None:
    """Every step's result, in plan order

    Args:
        execution_pk (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | list[StepResult]
    """

    return sync_detailed(
        execution_pk=execution_pk,
        client=client,
    ).parsed


async def asyncio_detailed(
    execution_pk: UUID,
    *,
    client: AuthenticatedClient,
) -> Response[Error | list[StepResult]]:
    """Every step's result, in plan order

    Args:
        execution_pk (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | list[StepResult]]
    """

    kwargs = _get_kwargs(
        execution_pk=execution_pk,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    execution_pk: UUID,
    *,
    client: AuthenticatedClient,
) -> Error | list[StepResult] | None:
    """Every step's result, in plan order

    Args:
        execution_pk (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | list[StepResult]
    """

    return (
        await asyncio_detailed(
            execution_pk=execution_pk,
            client=client,
        )
    ).parsed

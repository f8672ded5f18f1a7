from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...types import Response


def _get_kwargs(
    workflow_pk: int,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/api/v1/workflows/{workflow_pk}/webhook/".format(
            workflow_pk=quote(str(workflow_pk), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Error | None:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

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
) -> Response[Any | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    workflow_pk: int,
    *,
    client: AuthenticatedClient,
) -> Response[Any | Error]:
    """Disable the webhook (its URL answers 404)

     The workflow's webhook: its URL, a new secret, or disabled.

    Args:
        workflow_pk (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error]
    """

    kwargs = _get_kwargs(
        workflow_pk=workflow_pk,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    workflow_pk: int,
    *,
    client: AuthenticatedClient,
) -> Any | Error | None:
    """Disable the webhook (its URL answers 404)

     The workflow's webhook: its URL, a new secret, or disabled.

    Args:
        workflow_pk (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error
    """

    return sync_detailed(
        workflow_pk=workflow_pk,
        client=client,
    ).parsed


async def asyncio_detailed(
    workflow_pk: int,
    *,
    client: AuthenticatedClient,
) -> Response[Any | Error]:
    """Disable the webhook (its URL answers 404)

     The workflow's webhook: its URL, a new secret, or disabled.

    Args:
        workflow_pk (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error]
    """

    kwargs = _get_kwargs(
        workflow_pk=workflow_pk,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    workflow_pk: int,
    *,
    client: AuthenticatedClient,
) -> Any | Error | None:
    """Disable the webhook (its URL answers 404)

     The workflow's webhook: its URL, a new secret, or disabled.

    Args:
        workflow_pk (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error
    """

    return (
        await asyncio_detailed(
            workflow_pk=workflow_pk,
            client=client,
        )
    ).parsed

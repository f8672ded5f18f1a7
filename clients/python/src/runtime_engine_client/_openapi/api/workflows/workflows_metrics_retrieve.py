from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.workflow_trends import WorkflowTrends
from ...types import UNSET, Response, Unset


def _get_kwargs(
    id: str,
    *,
    runs: int | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["runs"] = runs

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/workflows/{id}/metrics/".format(
            id=quote(str(id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | WorkflowTrends | None:
    if response.status_code == 200:
        response_200 = WorkflowTrends.from_dict(response.json())

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
) -> Response[Error | WorkflowTrends]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: str,
    *,
    client: AuthenticatedClient,
    runs: int | Unset = UNSET,
) -> Response[Error | WorkflowTrends]:
    """Trends across runs: per-step p50/p95, failure and retry rates, memory against limits,
    recommendations

    Args:
        id (str):
        runs (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | WorkflowTrends]
    """

    kwargs = _get_kwargs(
        id=id,
        runs=runs,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: str,
    *,
    client: AuthenticatedClient,
    runs: int | Unset = UNSET,
) -> Error | WorkflowTrends | None:
    """Trends across runs: per-step p50/p95, failure and retry rates, memory against limits,
    recommendations

    Args:
        id (str):
        runs (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | WorkflowTrends
    """

    return sync_detailed(
        id=id,
        client=client,
        runs=runs,
    ).parsed


async def asyncio_detailed(
    id: str,
    *,
    client: AuthenticatedClient,
    runs: int | Unset = UNSET,
) -> Response[Error | WorkflowTrends]:
    """Trends across runs: per-step p50/p95, failure and retry rates, memory against limits,
    recommendations

    Args:
        id (str):
        runs (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | WorkflowTrends]
    """

    kwargs = _get_kwargs(
        id=id,
        runs=runs,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: str,
    *,
    client: AuthenticatedClient,
    runs: int | Unset = UNSET,
) -> Error | WorkflowTrends | None:
    """Trends across runs: per-step p50/p95, failure and retry rates, memory against limits,
    recommendations

    Args:
        id (str):
        runs (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | WorkflowTrends
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            runs=runs,
        )
    ).parsed

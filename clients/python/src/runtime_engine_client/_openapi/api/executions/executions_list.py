import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.executions_list_status_item import ExecutionsListStatusItem
from ...models.executions_list_trigger import ExecutionsListTrigger
from ...models.paginated_execution_list_list import PaginatedExecutionListList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    cursor: str | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    search: str | Unset = UNSET,
    started_after: datetime.datetime | Unset = UNSET,
    started_before: datetime.datetime | Unset = UNSET,
    status: list[ExecutionsListStatusItem] | Unset = UNSET,
    top_level: bool | Unset = UNSET,
    trigger: ExecutionsListTrigger | Unset = UNSET,
    workflow: float | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["cursor"] = cursor

    params["ordering"] = ordering

    params["page_size"] = page_size

    params["search"] = search

    json_started_after: str | Unset = UNSET
    if not isinstance(started_after, Unset):
        json_started_after = started_after.isoformat()
    params["started_after"] = json_started_after

    json_started_before: str | Unset = UNSET
    if not isinstance(started_before, Unset):
        json_started_before = started_before.isoformat()
    params["started_before"] = json_started_before

    json_status: list[str] | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = []
        for status_item_data in status:
            status_item = status_item_data.value
            json_status.append(status_item)

    params["status"] = json_status

    params["top_level"] = top_level

    json_trigger: str | Unset = UNSET
    if not isinstance(trigger, Unset):
        json_trigger = trigger.value

    params["trigger"] = json_trigger

    params["workflow"] = workflow

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/executions/",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | PaginatedExecutionListList | None:
    if response.status_code == 200:
        response_200 = PaginatedExecutionListList.from_dict(response.json())

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
) -> Response[Error | PaginatedExecutionListList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    search: str | Unset = UNSET,
    started_after: datetime.datetime | Unset = UNSET,
    started_before: datetime.datetime | Unset = UNSET,
    status: list[ExecutionsListStatusItem] | Unset = UNSET,
    top_level: bool | Unset = UNSET,
    trigger: ExecutionsListTrigger | Unset = UNSET,
    workflow: float | Unset = UNSET,
) -> Response[Error | PaginatedExecutionListList]:
    """Execution history, newest first (cursor pages)

    Args:
        cursor (str | Unset):
        ordering (str | Unset):
        page_size (int | Unset):
        search (str | Unset):
        started_after (datetime.datetime | Unset):
        started_before (datetime.datetime | Unset):
        status (list[ExecutionsListStatusItem] | Unset):
        top_level (bool | Unset):
        trigger (ExecutionsListTrigger | Unset):
        workflow (float | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedExecutionListList]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        ordering=ordering,
        page_size=page_size,
        search=search,
        started_after=started_after,
        started_before=started_before,
        status=status,
        top_level=top_level,
        trigger=trigger,
        workflow=workflow,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    search: str | Unset = UNSET,
    started_after: datetime.datetime | Unset = UNSET,
    started_before: datetime.datetime | Unset = UNSET,
    status: list[ExecutionsListStatusItem] | Unset = UNSET,
    top_level: bool | Unset = UNSET,
    trigger: ExecutionsListTrigger | Unset = UNSET,
    workflow: float | Unset = UNSET,
) -> Error | PaginatedExecutionListList | None:
    """Execution history, newest first (cursor pages)

    Args:
        cursor (str | Unset):
        ordering (str | Unset):
        page_size (int | Unset):
        search (str | Unset):
        started_after (datetime.datetime | Unset):
        started_before (datetime.datetime | Unset):
        status (list[ExecutionsListStatusItem] | Unset):
        top_level (bool | Unset):
        trigger (ExecutionsListTrigger | Unset):
        workflow (float | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedExecutionListList
    """

    return sync_detailed(
        client=client,
        cursor=cursor,
        ordering=ordering,
        page_size=page_size,
        search=search,
        started_after=started_after,
        started_before=started_before,
        status=status,
        top_level=top_level,
        trigger=trigger,
        workflow=workflow,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    search: str | Unset = UNSET,
    started_after: datetime.datetime | Unset = UNSET,
    started_before: datetime.datetime | Unset = UNSET,
    status: list[ExecutionsListStatusItem] | Unset = UNSET,
    top_level: bool | Unset = UNSET,
    trigger: ExecutionsListTrigger | Unset = UNSET,
    workflow: float | Unset = UNSET,
) -> Response[Error | PaginatedExecutionListList]:
    """Execution history, newest first (cursor pages)

    Args:
        cursor (str | Unset):
        ordering (str | Unset):
        page_size (int | Unset):
        search (str | Unset):
        started_after (datetime.datetime | Unset):
        started_before (datetime.datetime | Unset):
        status (list[ExecutionsListStatusItem] | Unset):
        top_level (bool | Unset):
        trigger (ExecutionsListTrigger | Unset):
        workflow (float | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedExecutionListList]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        ordering=ordering,
        page_size=page_size,
        search=search,
        started_after=started_after,
        started_before=started_before,
        status=status,
        top_level=top_level,
        trigger=trigger,
        workflow=workflow,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    search: str | Unset = UNSET,
    started_after: datetime.datetime | Unset = UNSET,
    started_before: datetime.datetime | Unset = UNSET,
    status: list[ExecutionsListStatusItem] | Unset = UNSET,
    top_level: bool | Unset = UNSET,
    trigger: ExecutionsListTrigger | Unset = UNSET,
    workflow: float | Unset = UNSET,
) -> Error | PaginatedExecutionListList | None:
    """Execution history, newest first (cursor pages)

    Args:
        cursor (str | Unset):
        ordering (str | Unset):
        page_size (int | Unset):
        search (str | Unset):
        started_after (datetime.datetime | Unset):
        started_before (datetime.datetime | Unset):
        status (list[ExecutionsListStatusItem] | Unset):
        top_level (bool | Unset):
        trigger (ExecutionsListTrigger | Unset):
        workflow (float | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedExecutionListList
    """

    return (
        await asyncio_detailed(
            client=client,
            cursor=cursor,
            ordering=ordering,
            page_size=page_size,
            search=search,
            started_after=started_after,
            started_before=started_before,
            status=status,
            top_level=top_level,
            trigger=trigger,
            workflow=workflow,
        )
    ).parsed

from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.executions_logs_list_format import ExecutionsLogsListFormat
from ...models.executions_logs_list_level_item import ExecutionsLogsListLevelItem
from ...models.executions_logs_list_min_level import ExecutionsLogsListMinLevel
from ...models.paginated_log_line_list import PaginatedLogLineList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    id: UUID,
    *,
    after: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
    format_: ExecutionsLogsListFormat | Unset = UNSET,
    level: list[ExecutionsLogsListLevelItem] | Unset = UNSET,
    min_level: ExecutionsLogsListMinLevel | Unset = UNSET,
    page_size: int | Unset = UNSET,
    search: str | Unset = UNSET,
    step: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["after"] = after

    params["cursor"] = cursor

    json_format_: str | Unset = UNSET
    if not isinstance(format_, Unset):
        json_format_ = format_.value

    params["format"] = json_format_

    json_level: list[str] | Unset = UNSET
    if not isinstance(level, Unset):
        json_level = []
        for level_item_data in level:
            level_item = level_item_data.value
            json_level.append(level_item)

    params["level"] = json_level

    json_min_level: str | Unset = UNSET
    if not isinstance(min_level, Unset):
        json_min_level = min_level.value

    params["min_level"] = json_min_level

    params["page_size"] = page_size

    params["search"] = search

    params["step"] = step

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/executions/{id}/logs/".format(
            id=quote(str(id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | PaginatedLogLineList | None:
    if response.status_code == 200:
        response_200 = PaginatedLogLineList.from_dict(response.json())

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
) -> Response[Error | PaginatedLogLineList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient,
    after: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
    format_: ExecutionsLogsListFormat | Unset = UNSET,
    level: list[ExecutionsLogsListLevelItem] | Unset = UNSET,
    min_level: ExecutionsLogsListMinLevel | Unset = UNSET,
    page_size: int | Unset = UNSET,
    search: str | Unset = UNSET,
    step: str | Unset = UNSET,
) -> Response[Error | PaginatedLogLineList]:
    """Log lines (filter by level, step, text, after a seq); downloads

    Args:
        id (UUID):
        after (int | Unset):
        cursor (str | Unset):
        format_ (ExecutionsLogsListFormat | Unset):
        level (list[ExecutionsLogsListLevelItem] | Unset):
        min_level (ExecutionsLogsListMinLevel | Unset):
        page_size (int | Unset):
        search (str | Unset):
        step (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedLogLineList]
    """

    kwargs = _get_kwargs(
        id=id,
        after=after,
        cursor=cursor,
        format_=format_,
        level=level,
        min_level=min_level,
        page_size=page_size,
        search=search,
        step=step,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: UUID,
    *,
    client: AuthenticatedClient,
    after: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
    format_: ExecutionsLogsListFormat | Unset = UNSET,
    level: list[ExecutionsLogsListLevelItem] | Unset = UNSET,
    min_level: ExecutionsLogsListMinLevel | Unset = UNSET,
    page_size: int | Unset = UNSET,
    search: str | Unset = UNSET,
    step: str | Unset = UNSET,
) -> Error | PaginatedLogLineList | None:
    """Log lines (filter by level, step, text, after a seq); downloads

    Args:
        id (UUID):
        after (int | Unset):
        cursor (str | Unset):
        format_ (ExecutionsLogsListFormat | Unset):
        level (list[ExecutionsLogsListLevelItem] | Unset):
        min_level (ExecutionsLogsListMinLevel | Unset):
        page_size (int | Unset):
        search (str | Unset):
        step (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedLogLineList
    """

    return sync_detailed(
        id=id,
        client=client,
        after=after,
        cursor=cursor,
        format_=format_,
        level=level,
        min_level=min_level,
        page_size=page_size,
        search=search,
        step=step,
    ).parsed


async def asyncio_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient,
    after: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
    format_: ExecutionsLogsListFormat | Unset = UNSET,
    level: list[ExecutionsLogsListLevelItem] | Unset = UNSET,
    min_level: ExecutionsLogsListMinLevel | Unset = UNSET,
    page_size: int | Unset = UNSET,
    search: str | Unset = UNSET,
    step: str | Unset = UNSET,
) -> Response[Error | PaginatedLogLineList]:
    """Log lines (filter by level, step, text, after a seq); downloads

    Args:
        id (UUID):
        after (int | Unset):
        cursor (str | Unset):
        format_ (ExecutionsLogsListFormat | Unset):
        level (list[ExecutionsLogsListLevelItem] | Unset):
        min_level (ExecutionsLogsListMinLevel | Unset):
        page_size (int | Unset):
        search (str | Unset):
        step (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedLogLineList]
    """

    kwargs = _get_kwargs(
        id=id,
        after=after,
        cursor=cursor,
        format_=format_,
        level=level,
        min_level=min_level,
        page_size=page_size,
        search=search,
        step=step,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: UUID,
    *,
    client: AuthenticatedClient,
    after: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
    format_: ExecutionsLogsListFormat | Unset = UNSET,
    level: list[ExecutionsLogsListLevelItem] | Unset = UNSET,
    min_level: ExecutionsLogsListMinLevel | Unset = UNSET,
    page_size: int | Unset = UNSET,
    search: str | Unset = UNSET,
    step: str | Unset = UNSET,
) -> Error | PaginatedLogLineList | None:
    """Log lines (filter by level, step, text, after a seq); downloads

    Args:
        id (UUID):
        after (int | Unset):
        cursor (str | Unset):
        format_ (ExecutionsLogsListFormat | Unset):
        level (list[ExecutionsLogsListLevelItem] | Unset):
        min_level (ExecutionsLogsListMinLevel | Unset):
        page_size (int | Unset):
        search (str | Unset):
        step (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedLogLineList
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            after=after,
            cursor=cursor,
            format_=format_,
            level=level,
            min_level=min_level,
            page_size=page_size,
            search=search,
            step=step,
        )
    ).parsed

import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.audit_list_via import AuditListVia
from ...models.error import Error
from ...models.paginated_audit_entry_list import PaginatedAuditEntryList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    action: str | Unset = UNSET,
    after: datetime.datetime | Unset = UNSET,
    before: datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    via: AuditListVia | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["action"] = action

    json_after: str | Unset = UNSET
    if not isinstance(after, Unset):
        json_after = after.isoformat()
    params["after"] = json_after

    json_before: str | Unset = UNSET
    if not isinstance(before, Unset):
        json_before = before.isoformat()
    params["before"] = json_before

    params["cursor"] = cursor

    params["page_size"] = page_size

    json_via: str | Unset = UNSET
    if not isinstance(via, Unset):
        json_via = via.value

    params["via"] = json_via

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/audit/",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | PaginatedAuditEntryList | None:
    if response.status_code == 200:
        response_200 = PaginatedAuditEntryList.from_dict(response.json())

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
) -> Response[Error | PaginatedAuditEntryList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    action: str | Unset = UNSET,
    after: datetime.datetime | Unset = UNSET,
    before: datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    via: AuditListVia | Unset = UNSET,
) -> Response[Error | PaginatedAuditEntryList]:
    """Your audit trail: starts, controls, approvals, settings, env vars, connections and tokens (names,
    never values)

    Args:
        action (str | Unset):
        after (datetime.datetime | Unset):
        before (datetime.datetime | Unset):
        cursor (str | Unset):
        page_size (int | Unset):
        via (AuditListVia | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedAuditEntryList]
    """

    kwargs = _get_kwargs(
        action=action,
        after=after,
        before=before,
        cursor=cursor,
        page_size=page_size,
        via=via,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    action: str | Unset = UNSET,
    after: datetime.datetime | Unset = UNSET,
    before: datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    via: AuditListVia | Unset = UNSET,
) -> Error | PaginatedAuditEntryList | None:
    """Your audit trail: starts, controls, approvals, settings, env vars, connections and tokens (names,
    never values)

    Args:
        action (str | Unset):
        after (datetime.datetime | Unset):
        before (datetime.datetime | Unset):
        cursor (str | Unset):
        page_size (int | Unset):
        via (AuditListVia | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedAuditEntryList
    """

    return sync_detailed(
        client=client,
        action=action,
        after=after,
        before=before,
        cursor=cursor,
        page_size=page_size,
        via=via,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    action: str | Unset = UNSET,
    after: datetime.datetime | Unset = UNSET,
    before: datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    via: AuditListVia | Unset = UNSET,
) -> Response[Error | PaginatedAuditEntryList]:
    """Your audit trail: starts, controls, approvals, settings, env vars, connections and tokens (names,
    never values)

    Args:
        action (str | Unset):
        after (datetime.datetime | Unset):
        before (datetime.datetime | Unset):
        cursor (str | Unset):
        page_size (int | Unset):
        via (AuditListVia | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedAuditEntryList]
    """

    kwargs = _get_kwargs(
        action=action,
        after=after,
        before=before,
        cursor=cursor,
        page_size=page_size,
        via=via,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    action: str | Unset = UNSET,
    after: datetime.datetime | Unset = UNSET,
    before: datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    via: AuditListVia | Unset = UNSET,
) -> Error | PaginatedAuditEntryList | None:
    """Your audit trail: starts, controls, approvals, settings, env vars, connections and tokens (names,
    never values)

    Args:
        action (str | Unset):
        after (datetime.datetime | Unset):
        before (datetime.datetime | Unset):
        cursor (str | Unset):
        page_size (int | Unset):
        via (AuditListVia | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedAuditEntryList
    """

    return (
        await asyncio_detailed(
            client=client,
            action=action,
            after=after,
            before=before,
            cursor=cursor,
            page_size=page_size,
            via=via,
        )
    ).parsed

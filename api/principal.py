"""Who is asking: the roles of R10 (§六(三), §七(三)) and the caller a request is answered for.

Authentication (``api.auth``) turns a bearer token or an API key into a :class:`Principal`; routes, masking
and the audit log only ever see the principal, never the credential. A request without credentials is
answered for :data:`ANONYMOUS` (role ``public``), which may reach the public endpoints only.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, Request


class Role(StrEnum):
    """What a caller is, which decides what it may reach and see."""

    #: Anyone: publicity lists, the measures list, exit and correction notices.
    PUBLIC = "public"
    #: A business system of a department: the check only, for its own business items.
    BUSINESS_SYSTEM = "business_system"
    #: An implementing department (实施部门): its own dispatches and feedback.
    IMPLEMENTING_DEPARTMENT = "implementing_department"
    #: An identifying department (认定部门): entries of its own list types.
    IDENTIFYING_DEPARTMENT = "identifying_department"
    #: 信用管理部门 staff investigating: graph and analytics; unmasked personal data only with a stated purpose.
    INVESTIGATOR = "investigator"
    #: The credit authority's administrators: everything, measures list and policies included.
    CREDIT_ADMIN = "credit_admin"
    #: Reads the audit log, nothing else.
    AUDITOR = "auditor"


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller of one request, as authenticated.

    ``department`` is the department a departmental user or key acts for (dispatch feeds and list entries
    name departments by their name). ``business_items`` and ``list_types`` narrow a business system or an
    identifying department to its own; ``None`` means not narrowed (roles that are not narrowed by them).
    ``purpose`` is the stated purpose of this request (``X-Purpose``), if any.
    """

    #: ``user:<name>``, ``key:<key id>`` or ``anonymous`` — what the audit log records as "who".
    actor: str
    role: Role
    department: str | None = None
    business_items: frozenset[str] | None = None
    list_types: frozenset[str] | None = None
    purpose: str | None = None


ANONYMOUS = Principal(actor="anonymous", role=Role.PUBLIC)


async def get_principal(request: Request) -> Principal:
    """The principal authentication left on the request (``request.state.principal``), else anonymous."""
    principal = getattr(request.state, "principal", None)
    return principal if isinstance(principal, Principal) else ANONYMOUS


PrincipalDep = Annotated[Principal, Depends(get_principal)]

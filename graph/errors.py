"""One error tree for credlink.

Domain and store code raise these; only ``api/`` turns them into HTTP responses, using ``status`` and
``code``. ``detail`` is written for the person who will read it (Chinese where the public sees it is
the API layer's choice; here it is plain and names the offending value).
"""

from __future__ import annotations


class CredlinkError(Exception):
    """Root of every error credlink raises on purpose."""

    status: int = 500
    code: str = "internal_error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidIdentifier(CredlinkError):
    """A USCC or resident id number that is malformed or fails its check character."""

    status = 422
    code = "invalid_identifier"


class AmbiguousIdentifier(CredlinkError):
    """A string that is valid both as a USCC and as a resident id, and the store cannot tell which."""

    status = 409
    code = "ambiguous_identifier"


class InvalidDate(CredlinkError):
    status = 400
    code = "invalid_date"


class InvalidRequest(CredlinkError):
    status = 400
    code = "invalid_request"


class NotFound(CredlinkError):
    status = 404
    code = "not_found"


class ConflictError(CredlinkError):
    """The record changed since it was read (another writer got there first)."""

    status = 409
    code = "conflict"


class StoreError(CredlinkError):
    """A store adapter failed (disk, lock, driver); wraps the driver's error."""

    status = 503
    code = "store_unavailable"


class LoadRejected(CredlinkError):
    """An import was refused; the report says which file, row and column, and why."""

    status = 422
    code = "load_rejected"

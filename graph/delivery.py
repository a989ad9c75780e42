"""Webhook delivery of dispatches and reminders from the durable outbox (R8: delivered reliably, never lost).

A dispatch and its outbox rows are written in one transaction (:meth:`Store.dispatch`), so nothing is
lost by a crash. :func:`deliver_due` leases due rows (so that two deliverers never send the same row at
once), POSTs each as JSON and records the answer: a 2xx marks it delivered; anything else, or no answer,
schedules a retry with exponential backoff (``RETRY_BASE`` doubling up to ``RETRY_CAP``) until
``MAX_ATTEMPTS``, after which the row is given up and counted (the feed still has the dispatch).

Delivery is *at least once*: if credlink dies after the receiver answered but before the answer was
recorded, the row is sent again after a restart. Every attempt carries the same ``Idempotency-Key``
header (``dispatch-<id>`` or ``reminder-<id>``) so the receiver can drop a repeat, and an
``X-Credlink-Signature`` (``sha256=`` HMAC of the body with the webhook's secret) so it can trust it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graph.dispatch import ACTION_LABELS, REASON_LABELS, DispatchAction, DispatchReason
from graph.store.port import Delivery, DispatchRecord, Store

RETRY_BASE = dt.timedelta(seconds=30)
RETRY_CAP = dt.timedelta(hours=6)
MAX_ATTEMPTS = 20
LEASE = dt.timedelta(minutes=2)
TIMEOUT_SECONDS = 10.0

#: Sends one request: (url, body bytes, headers) → HTTP status. Raises ``OSError`` when no answer came.
Sender = Callable[[str, bytes, Mapping[str, str]], int]


def dispatch_body(record: DispatchRecord, *, event: str, idempotency_key: str) -> dict[str, Any]:
    """The JSON a department receives for a dispatch (or a reminder of one)."""
    return {
        "event": event,
        "idempotency_key": idempotency_key,
        "dispatch_id": record.pk,
        "department": record.department,
        "action": record.action,
        "action_label": ACTION_LABELS[DispatchAction(record.action)],
        "reason": record.reason,
        "reason_label": REASON_LABELS[DispatchReason(record.reason)],
        "recall": record.recall,
        "entry_id": record.entry_id,
        "measure_id": record.measure_id,
        "created_on": record.created_on.isoformat(),
        "feedback_due_on": record.due_on.isoformat(),
        **dict(record.payload),
    }


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def post_json(url: str, body: bytes, headers: Mapping[str, str]) -> int:
    """POST with the standard library (no extra dependency on air-gapped hosts)."""
    request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def backoff(attempts: int) -> dt.timedelta:
    """Wait before the next attempt after ``attempts`` failed ones: 30 s, 1 min, 2 min … capped at 6 h."""
    return min(RETRY_BASE * (1 << min(max(attempts - 1, 0), 30)), RETRY_CAP)


@dataclass(slots=True)
class DeliveryReport:
    delivered: int = 0
    retried: int = 0
    given_up: int = 0

    def to_dict(self) -> dict[str, int]:
        return {"delivered": self.delivered, "retried": self.retried, "given_up": self.given_up}


def _request(delivery: Delivery) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(
        dispatch_body(delivery.dispatch, event=delivery.event, idempotency_key=delivery.idempotency_key),
        ensure_ascii=False,
        sort_keys=True,
    ).encode("utf-8")
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Idempotency-Key": delivery.idempotency_key,
        "X-Credlink-Event": delivery.event,
        "X-Credlink-Signature": signature(delivery.secret, body),
    }
    return body, headers


def deliver_due(
    store: Store,
    *,
    now: dt.datetime | None = None,
    send: Sender = post_json,
    limit: int = 100,
    max_attempts: int = MAX_ATTEMPTS,
) -> DeliveryReport:
    """Send every due outbox row (up to ``limit``) once; record delivered, retry-at or given-up."""
    moment = now or dt.datetime.now(dt.UTC)
    report = DeliveryReport()
    for delivery in store.lease_deliveries(moment, limit=limit, lease=LEASE):
        body, headers = _request(delivery)
        try:
            status = send(delivery.url, body, headers)
            error = None if 200 <= status < 300 else f"HTTP {status}"
        except OSError as exc:  # refused, timed out, unreachable
            error = f"{type(exc).__name__}: {exc}"
        if error is None:
            store.delivery_succeeded(delivery.outbox_pk, moment)
            report.delivered += 1
            continue
        attempts = delivery.attempts + 1
        if attempts >= max_attempts:
            store.delivery_failed(delivery.outbox_pk, moment, error=error, retry_at=None)
            report.given_up += 1
        else:
            store.delivery_failed(
                delivery.outbox_pk, moment, error=error, retry_at=moment + backoff(attempts)
            )
            report.retried += 1
    return report

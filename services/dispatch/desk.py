"""The handoff desk: opens handoffs, delivers them, applies partners' reports, fires deadlines, escalates.

This is dispatch's service layer: decisions come from the pure modules (routing, lifecycle, rules);
here they meet Redis, Kafka and partners' webhooks. Every change is a compare-and-set on the
handoff's status followed by an event with a deterministic id, so a repeat changes nothing.
"""

import asyncio
import random
from collections.abc import Awaitable, Callable
from datetime import timedelta

import structlog
from pydantic import BaseModel

from schemas.codes import HANDOFF_TRANSITIONS, TERMINAL_STATUSES, Agency, HandoffStatus as S
from schemas.events import CallClosed, HandoffNotice, HandoffRequested, derive_id, utcnow
from schemas.topics import (AGENCY_TOPICS, ALL_TOPICS, CALLS_CLOSED, DISPATCH_AUDIT, HANDOFFS_REQUESTED,
                           HANDOFFS_STATUS, Topic)
from services.dispatch.credentials import Credentials
from services.dispatch.delivery import WebhookSender, backoff_s
from services.dispatch.lifecycle import AWAITING_ACK, Refused, check_transition
from services.dispatch.partner_view import partner_view, request_of
from services.dispatch.routing import (RoutingContext, handoff_id, reopened, sent_by_dispatcher, status_event,
                                      successor)
from services.dispatch.stores import HandoffStore
from services.dispatch.timers import Timer, TimerStore
from services.kit.stream import STREAM_ERRORS

log = structlog.get_logger()
Publish = Callable[[BaseModel, Topic], Awaitable[None]]
OPEN = {s.value for s in S if s not in TERMINAL_STATUSES}
TOPICS_BY_NAME = {t.name: t for t in ALL_TOPICS}
REPUBLISH_AFTER_MS = 1000


class NotFound(LookupError):
    pass


def _ms(dt) -> int:
    return int(dt.timestamp() * 1000)


class Desk:
    def __init__(self, *, publish: Publish, store: HandoffStore, timers: TimerStore, ctx: RoutingContext,
                 sender: WebhookSender | None, credentials: Credentials, webhook_base_url: str | None,
                 rng: random.Random | None = None) -> None:
        self.publish, self.store, self.timers, self.ctx = publish, store, timers, ctx
        self.sender, self.credentials, self.webhook_base_url = sender, credentials, webhook_base_url
        self.rng = rng or random.Random()
        self.on_call_closed: Callable[[str, list[dict]], Awaitable[None]] | None = None

    # -- opening and delivering -------------------------------------------------------------
    async def open(self, req: HandoffRequested) -> bool:
        """Open a handoff once: claim it, announce it, start its delivery and its deadlines."""
        if not await self.store.claim(req):
            return False
        await asyncio.gather(  # with the stream away the handoff still opens: its events follow later
            self.announce(req, HANDOFFS_REQUESTED),
            self.announce(status_event(req, None, S.ROUTED, "dispatch", req.rule, req.occurred_at), HANDOFFS_STATUS),
        )
        hid = req.handoff_id
        await self.timers.schedule_many([
            (f"{hid}:deliver", _ms(req.occurred_at), {"kind": "deliver", "handoff_id": hid}),
            (f"{hid}:ack", _ms(req.ack_by), {"kind": "ack", "handoff_id": hid, "stage": "remind"}),
            (f"{hid}:resolve", _ms(req.resolve_by), {"kind": "resolve", "handoff_id": hid, "stage": "remind"}),
        ])
        await self.store.confirm_published(hid)
        return True

    async def send_also(self, call_id: str, agency: Agency, dispatcher: str, note: str | None) -> tuple[dict, bool]:
        """A dispatcher hands the call to one more agency. Returns (the handoff, whether it is new):
        an agency that already has an open handoff of the call, or had the one the classifier would
        have opened, gets no second one, so a repeated request opens nothing."""
        handoffs = await self.store.for_call(call_id)
        if not handoffs:
            raise NotFound(call_id)
        hid = handoff_id(call_id, agency)
        for record in handoffs:
            if record["handoff_id"] == hid or (record["agency"] == agency.value and record["status"] in OPEN):
                return record, False
        if not await self.store.open_for_call(call_id):
            raise Refused("the call is closed; the station desk's callback reopens it")
        req = sent_by_dispatcher(request_of(handoffs[0]), agency, dispatcher, note, self.ctx, utcnow())
        opened = await self.open(req)
        record = await self.store.get(req.handoff_id)
        if opened:
            # the note stays in the handoff's rule: free text may name people, and this detail is logged
            await self.notice(record, "dispatcher_added", f"{dispatcher} sent the call to {agency.value}")
        return record, opened

    async def deliver(self, hid: str, event: str = "handoff.requested") -> None:
        record = await self.store.get(hid)
        if record is None or record["status"] in {s.value for s in TERMINAL_STATUSES}:
            return
        partner = self.ctx.directory.partner(record["partner_id"])
        view = partner_view(record, event)
        if partner.delivery == "topic":
            await self.publish(_Raw(view), AGENCY_TOPICS[partner.agency.value])
            await self.mark_delivered(record, f"published on {AGENCY_TOPICS[partner.agency.value].name}")
            return
        secret = self.credentials.webhook_secret(partner.id)
        if partner.delivery == "pull" or not (self.webhook_base_url and secret and self.sender):
            return  # the partner pulls it through the partner API; that marks it delivered
        url = self.webhook_base_url.rstrip("/") + (partner.webhook_path or "")
        result = await self.sender.send(url, secret, view, idempotency_key=f"{hid}:{event}", event=event)
        if result.ok:
            if event == "handoff.requested":
                await self.mark_delivered(record, f"webhook answered {result.status}")
            return
        attempts = await self.store.bump_attempts(hid)
        rules = self.ctx.rules.delivery
        await self.notice(record, "delivery_failed", f"webhook attempt {attempts} failed: {result.error}")
        if result.retryable and attempts < rules.max_attempts:
            wait = backoff_s(attempts, base_s=rules.backoff_base_s, cap_s=rules.backoff_cap_s, rng=self.rng)
            due = utcnow() + timedelta(seconds=wait)
            await self.timers.schedule(f"{hid}:deliver:{attempts}", _ms(due),
                                       {"kind": "deliver", "handoff_id": hid, "event": event})
        elif event == "handoff.requested":
            await self.escalate(hid, f"webhook delivery failed {attempts} times ({result.error})")

    async def mark_delivered(self, record: dict, note: str) -> None:
        moved, before = await self.store.move(record["handoff_id"], S.DELIVERED.value, {S.ROUTED.value},
                                              updated_at=utcnow().isoformat())
        if moved:
            req = request_of(record)
            await self.announce(status_event(req, S(before), S.DELIVERED, "dispatch", note, utcnow()), HANDOFFS_STATUS)

    # -- partners' reports --------------------------------------------------------------------
    async def report(self, hid: str, actor: str, status: S, note: str | None, eta=None,
                     *, by_partner: bool = True) -> dict:
        record = await self.store.get(hid)
        if record is None or (by_partner and record["partner_id"] != actor):
            raise NotFound(hid)
        last_resort = record["partner_id"] == self.ctx.directory.duty_desk
        check_transition(S(record["status"]), status, by_partner=by_partner, last_resort=last_resort)
        allowed_from = {s.value for s, nexts in HANDOFF_TRANSITIONS.items() if status in nexts}
        fields = {"updated_at": utcnow().isoformat(), **({"note": note} if note else {}),
                  **({"eta": eta.isoformat()} if eta else {})}
        moved, before = await self.store.move(hid, status.value, allowed_from, **fields)
        if not moved:
            raise Refused(f"handoff is now '{before}'; cannot go to '{status.value}'")
        req = request_of(record)
        await self.announce(status_event(req, S(before), status, actor, note, utcnow(), eta), HANDOFFS_STATUS)
        if status == S.RESOLVED:
            await self._closed_one(record)
        elif status == S.REJECTED:
            await self._hand_on(record, f"rejected: {note or 'not ours'}")
        return await self.store.get(hid)

    # -- events of changes already made -------------------------------------------------------
    async def announce(self, event: BaseModel, topic: Topic) -> None:
        """Publish the event of a change already recorded. When the stream does not confirm it, a
        durable timer publishes it again until it does (at-least-once; consumers drop repeats by
        event id): the change stands, and the audit trail gets its event late, never not at all."""
        try:
            await self.publish(event, topic)
        except STREAM_ERRORS as exc:
            event_id = getattr(event, "event_id")
            log.warning("event.deferred", topic=topic.name, event_id=event_id, error=type(exc).__name__)
            await self.timers.schedule(f"publish:{event_id}", _ms(utcnow()) + REPUBLISH_AFTER_MS, {
                "kind": "publish", "topic": topic.name, "event": event.model_dump(mode="json")})

    async def _republish(self, p: dict) -> None:
        await self.publish(_Raw(p["event"]), TOPICS_BY_NAME[p["topic"]])  # fails: the timer retries
        log.info("event.published_late", topic=p["topic"], event_id=p["event"].get("event_id"))

    # -- deadlines ------------------------------------------------------------------------------
    async def fire(self, timer: Timer) -> None:
        p = timer.payload
        if p["kind"] == "publish":
            await self._republish(p)
            return
        hid = p["handoff_id"]
        if p["kind"] == "deliver":
            await self.deliver(hid, p.get("event", "handoff.requested"))
            return
        record = await self.store.get(hid)
        if record is None:
            return
        waiting = (S(record["status"]) in AWAITING_ACK) if p["kind"] == "ack" else record["status"] in OPEN
        if not waiting:
            return
        what = "acknowledge" if p["kind"] == "ack" else "resolve"
        last_resort = record["partner_id"] == self.ctx.directory.duty_desk
        if p["stage"] == "remind" or last_resort:
            await self._remind(record, p["kind"], what, last_resort)
        else:
            await self.escalate(hid, "no one acknowledged in time" if p["kind"] == "ack" else "not resolved in time")

    async def _remind(self, record: dict, kind: str, what: str, last_resort: bool) -> None:
        req = request_of(record)
        hid = req.handoff_id
        deadline = req.ack_by if kind == "ack" else req.resolve_by
        grace = (deadline - req.occurred_at) * self.ctx.rules.grace_fraction
        n = int(record.get(f"reminders_{kind}", "0")) + 1
        await self.store.update(hid, **{f"reminders_{kind}": str(n)})
        await self.notice(record, "reminder_sent", f"{record['partner_id']} did not {what} by its deadline "
                                                   f"(reminder {n})", suffix=f"{kind}{n}")
        if last_resort:
            await self.notice(record, "dispatcher_alert", f"the station duty desk has not {what}d in time: "
                                                          "a dispatcher must follow up now", suffix=f"{kind}{n}")
        await self.timers.schedule(f"{hid}:deliver:remind:{kind}{n}", _ms(utcnow()),
                                   {"kind": "deliver", "handoff_id": hid, "event": "handoff.reminder"})
        due = utcnow() + max(grace, timedelta(seconds=1))
        await self.timers.schedule(f"{hid}:{kind}:{n}", _ms(due), {"kind": kind, "handoff_id": hid, "stage": "escalate"})

    async def escalate(self, hid: str, reason: str) -> None:
        record = await self.store.get(hid)
        if record is None or record["partner_id"] == self.ctx.directory.duty_desk:
            return  # the last resort keeps the call; _remind alerts the dispatcher instead
        moved, before = await self.store.move(hid, S.ESCALATED.value, OPEN, updated_at=utcnow().isoformat(),
                                              note=reason)
        if not moved:
            return
        req = request_of(record)
        await self.announce(status_event(req, S(before), S.ESCALATED, "dispatch", reason, utcnow()), HANDOFFS_STATUS)
        await self._hand_on(record, f"escalated: {reason}")

    async def _hand_on(self, record: dict, reason: str) -> None:
        """Give the call to the next partner in the chain; the police station is always last."""
        chain = self.ctx.directory.escalation_chain(record["partner_id"])
        nxt = chain[1] if len(chain) > 1 else self.ctx.directory.partner(self.ctx.directory.duty_desk)
        req = successor(request_of(record), nxt, reason, self.ctx, utcnow())
        await self.open(req)
        await self.store.close(record["call_id"], record["handoff_id"])
        await self.notice(record, "dispatcher_alert", f"{reason}; handed on to {nxt.id} ({nxt.name})")

    async def _closed_one(self, record: dict) -> None:
        call_id = record["call_id"]
        if await self.store.close(call_id, record["handoff_id"]) == 0:
            handoffs = await self.store.for_call(call_id)
            round_ = max(int(h.get("round", "0")) for h in handoffs)
            await self._close_call(call_id, handoffs, round_, "resolved")
            # Callers who joined this incident are done too (unless their own extra handoffs are open).
            for joined in await self.store.joined_calls(call_id):
                if not await self.store.open_for_call(joined):
                    await self._close_call(joined, handoffs, round_, f"resolved with incident {call_id}")

    async def _close_call(self, call_id: str, handoffs: list[dict], round_: int, outcome: str) -> None:
        await self.announce(CallClosed(event_id=derive_id("call.closed", call_id, str(round_)), call_id=call_id,
                                      outcome=outcome, reopened_count=round_), CALLS_CLOSED)
        if self.on_call_closed:
            await self.on_call_closed(call_id, handoffs)

    async def reopen(self, call_id: str, note: str) -> list[str]:
        """The citizen is not satisfied: every partner that resolved the call takes it again."""
        handoffs = await self.store.for_call(call_id)
        round_ = max((int(h.get("round", "0")) for h in handoffs), default=0) + 1
        opened = []
        for record in handoffs:
            if record["status"] == S.RESOLVED.value and int(record.get("round", "0")) == round_ - 1:
                req = reopened(request_of(record), round_, note, self.ctx, utcnow())
                if await self.open(req):
                    await self.store.update(req.handoff_id, round=str(round_))
                    opened.append(req.handoff_id)
        return opened

    async def notice(self, record: dict, notice: str, detail: str, suffix: str = "") -> None:
        await self.announce(HandoffNotice(
            event_id=derive_id("notice", record["handoff_id"], notice, detail if not suffix else suffix),
            call_id=record["call_id"], handoff_id=record["handoff_id"], partner_id=record["partner_id"],
            notice=notice, detail=detail), DISPATCH_AUDIT)
        if notice in ("dispatcher_alert", "reminder_sent", "delivery_failed"):
            await self.store.add_alert({"at": utcnow().isoformat(), "notice": notice, "call_id": record["call_id"],
                                        "handoff_id": record["handoff_id"], "partner_id": record["partner_id"],
                                        "detail": detail})
        log.info("handoff.notice", notice=notice, handoff_id=record["handoff_id"], detail=detail)


class _Raw(BaseModel):
    """A plain JSON object to publish as is (the partner view on an agency topic)."""

    model_config = {"extra": "allow"}

    def __init__(self, data: dict) -> None:
        super().__init__(**data)

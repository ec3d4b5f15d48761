"""Which account an email is about, in this order:

1. Thread: it answers (In-Reply-To, References) a message or a reply the inbox already holds;
   it joins that conversation.
2. Reference: it quotes account numbers (references.account_numbers_in) that exist. One → that
   account. Several → the one among them the sender is a party to, if exactly one; otherwise
   triage with them as the candidates.
3. Sender: its From address is a customer's (parties.Email, compared lower-cased). The accounts of
   every party with that address, whatever their role on the contract: exactly one active
   account → that account; several active accounts, or only closed ones (charged off, paid off)
   → triage with them as the candidates; none → triage, nothing to suggest.
"""

from __future__ import annotations

from dataclasses import dataclass

from recoup.comms.inbox.models import InboundMessage, MatchedBy, Reply, TriageReason
from recoup.comms.inbox.parsing import ParsedMessage, message_id_key
from recoup.comms.inbox.references import account_numbers_in
from recoup.parties.models import Email
from recoup.portfolio.models import Contract, ContractParty, ContractStatus


@dataclass(frozen=True)
class Match:
    item_id: int | None = None  # the conversation it joins
    contract_id: int | None = None
    jurisdiction: str = ""
    matched_by: str = ""
    triage_reason: str = ""
    candidates: tuple[str, ...] = ()


def match_message(parsed: ParsedMessage) -> Match:
    return _by_thread(parsed) or _by_reference(parsed) or _by_sender(parsed)


def _by_thread(parsed: ParsedMessage) -> Match | None:
    keys = [message_id_key(message_id) for message_id in parsed.thread_ids]
    if not keys:
        return None
    items = dict(InboundMessage.objects.filter(message_key__in=keys).values_list("message_key", "item_id"))
    items.update(
        (key, item_id)
        for key, item_id in Reply.objects.filter(message_key__in=keys).values_list("message_key", "item_id")
        if key not in items
    )
    for key in keys:  # the nearest message it answers wins
        if key in items:
            return Match(item_id=items[key], matched_by=MatchedBy.THREAD)
    return None


def _sender_contracts(address: str) -> list[tuple[int, str, str, str]]:
    """(contract id, account number, status, jurisdiction) of every account a party with this
    email address is on; active accounts first."""
    if not address:
        return []
    parties = Email.objects.filter(address=address.lower()).values_list("party_id", flat=True)
    rows = (
        Contract.objects.filter(
            pk__in=ContractParty.objects.filter(party_id__in=parties).values_list("contract_id", flat=True)
        )
        .order_by("account_number")
        .values_list("pk", "account_number", "status", "jurisdiction")
    )
    return sorted(rows, key=lambda row: row[2] != ContractStatus.ACTIVE)


def _by_reference(parsed: ParsedMessage) -> Match | None:
    numbers = account_numbers_in(parsed.subject, parsed.text)
    if not numbers:
        return None
    quoted = list(
        Contract.objects.filter(account_number__in=numbers).values_list(
            "pk", "account_number", "jurisdiction"
        )
    )
    if not quoted:
        return None
    if len(quoted) == 1:
        pk, _, jurisdiction = quoted[0]
        return Match(contract_id=pk, jurisdiction=jurisdiction, matched_by=MatchedBy.REFERENCE)
    senders = {row[0] for row in _sender_contracts(parsed.from_address)}
    theirs = [row for row in quoted if row[0] in senders]
    if len(theirs) == 1:
        pk, _, jurisdiction = theirs[0]
        return Match(contract_id=pk, jurisdiction=jurisdiction, matched_by=MatchedBy.REFERENCE)
    order = {number: position for position, number in enumerate(numbers)}
    return Match(
        triage_reason=TriageReason.SEVERAL_ACCOUNTS,
        candidates=tuple(sorted((row[1] for row in quoted), key=order.__getitem__)),
    )


def _by_sender(parsed: ParsedMessage) -> Match:
    rows = _sender_contracts(parsed.from_address)
    active = [row for row in rows if row[2] == ContractStatus.ACTIVE]
    if len(active) == 1:
        pk, _, _, jurisdiction = active[0]
        return Match(contract_id=pk, jurisdiction=jurisdiction, matched_by=MatchedBy.SENDER)
    if rows:
        reason = TriageReason.SEVERAL_ACCOUNTS if active else TriageReason.NO_ACTIVE_ACCOUNT
        return Match(triage_reason=reason, candidates=tuple(row[1] for row in rows))
    return Match(triage_reason=TriageReason.NO_MATCH)

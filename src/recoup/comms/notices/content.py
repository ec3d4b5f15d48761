"""What each notice must say, as the merge data it is rendered from. Pure: no Django.

Each element is a key of the notice's merge data; a notice goes out only when every element its kind
and jurisdiction require is present and not blank (an amount of zero is present: "no charge" is a
statement). The fixed wording each statute prescribes (the right to cure, deficiency liability, the
consequences of default) is in the notice templates, which must use every element (a unit test holds
them to it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from recoup.comms.notices.errors import NoticeContentMissing, UnknownNoticeKind

RIGHT_TO_CURE = "us.right_to_cure"
INTENT_TO_REPOSSESS = "us.intent_to_repossess"
DISPOSITION = "us.disposition"
DEFICIENCY_EXPLANATION = "us.deficiency_explanation"
ARREARS_S86B = "uk.arrears_s86b"
DEFAULT_S87 = "uk.default_s87"
KINDS = (RIGHT_TO_CURE, INTENT_TO_REPOSSESS, DISPOSITION, DEFICIENCY_EXPLANATION, ARREARS_S86B, DEFAULT_S87)

_PARTIES = ("customer_name", "customer_address", "lender_name", "lender_address", "account_number")

# Kansas K.S.A. 16a-5-111(2): the creditor's name, address and telephone number, a brief description
# of the credit transaction, the right to cure, the amount and the date by which it must be paid, and
# the possible liability for the reasonable costs of collection (fixed wording).
_KANSAS = (*_PARTIES, "lender_phone", "transaction_description", "amount_due", "cure_by_date")
# Massachusetts c.255B §20A: the heading "Rights of Defaulting Buyer…", the transaction, the
# creditor's name and address, the amount due and the date (at least 21 days after mailing) before
# which it must be paid; the rest of the prescribed body is fixed wording.
_MASSACHUSETTS = (*_PARTIES, "transaction_description", "amount_due", "cure_before_date")
_INTENT = (*_PARTIES, "lender_phone", "vehicle_description", "amount_due", "repossession_from_date")
# UCC 9-613(1): debtor and secured party, the collateral, the method, the accounting and its charge,
# the public disposition's time and place or the time after which a private one will be made; and
# for consumer goods 9-614(1): deficiency liability, a telephone number for the redemption amount,
# and a telephone number or mailing address for more information.
_DISPOSITION = (
    *_PARTIES,
    "vehicle_description",
    "disposition_method",
    "accounting_charge",
    "deficiency_liability",
    "redemption_phone",
    "information_contact",
)
_PUBLIC = ("sale_at_local", "sale_place")
_PRIVATE = ("earliest_private_sale_date",)
# Cal. Civ. Code §2983.2(a): the right to redeem with the amount itemised, the conditional right to
# reinstate and its conditions (or that there is none, and why), the 10-day extension on written
# request, the intent to dispose when the period ends. Its further items (the accounting on request,
# deficiency liability) are covered by the UCC elements above; the remaining items of (a)(1)-(9) were
# not confirmed against the statute's text and are not checked here.
_CALIFORNIA = ("redemption_amount", "reinstatement", "redeem_by_date", "extension_days")
# UCC 9-616(a)(1) and (c), in order: the aggregate obligation and the date it is calculated as of,
# proceeds, the obligation after proceeds, expenses, credits, the deficiency (or surplus); and a
# telephone number or mailing address for more information.
_DEFICIENCY = (
    *_PARTIES,
    "obligation_as_of_date",
    "aggregate_obligation",
    "proceeds",
    "after_proceeds",
    "expenses",
    "credits",
    "deficiency",
    "information_contact",
)
# CCA s.86B(7)-(8) and the Consumer Credit (Information Requirements and Duration of Licences and
# Charges) Regulations 2007 (SI 2007/1167) Schedule 2: the agreement and the parties, that the
# customer is behind, the sums due and paid and the shortfall; with the FCA's arrears information
# sheet (s.86B(6), s.86A). The Schedule's exact wording was not available to check; these are the
# figures it is built from.
_S86B = (*_PARTIES, "agreement_description", "total_due", "total_paid", "shortfall", "information_sheet")
# CCA s.88(1)-(4A) and the Consumer Credit (Enforcement, Default and Termination Notices) Regulations
# 1983: the nature of the breach, what must be done to remedy it and the date, the consequences of
# not doing so (fixed wording), and the FCA's default information sheet.
_DEFAULT = (
    *_PARTIES,
    "agreement_description",
    "breach",
    "remedy_action",
    "amount_required",
    "remedy_by_date",
    "information_sheet",
)


def required_elements(
    kind: str, jurisdiction: str, merge: Mapping[str, Any] | None = None
) -> tuple[str, ...]:
    """The elements a notice of `kind` in `jurisdiction` must carry (a disposition's depend on its
    method, so `merge` is consulted for it)."""
    if kind == RIGHT_TO_CURE:
        if jurisdiction == "US-KS":
            return _KANSAS
        if jurisdiction == "US-MA":
            return _MASSACHUSETTS
        raise UnknownNoticeKind(f"no right-to-cure notice for {jurisdiction}", field="jurisdiction")
    if kind == INTENT_TO_REPOSSESS:
        return _INTENT
    if kind == DISPOSITION:
        method = (merge or {}).get("disposition_method")
        extra = _PUBLIC if method == "public" else _PRIVATE if method == "private" else ()
        return (*_DISPOSITION, *extra, *(_CALIFORNIA if jurisdiction == "US-CA" else ()))
    if kind == DEFICIENCY_EXPLANATION:
        return _DEFICIENCY
    if kind == ARREARS_S86B:
        return _S86B
    if kind == DEFAULT_S87:
        return _DEFAULT
    raise UnknownNoticeKind(f"unknown notice kind {kind!r}", field="kind")


def content_missing(kind: str, jurisdiction: str, merge: Mapping[str, Any]) -> tuple[str, ...]:
    """The required elements absent or blank in `merge`, in the order the law lists them."""
    return tuple(
        element
        for element in required_elements(kind, jurisdiction, merge)
        if merge.get(element) is None or (isinstance(merge.get(element), str) and not merge[element].strip())
    )


def content_check(kind: str, jurisdiction: str, merge: Mapping[str, Any]) -> None:
    """Raises NoticeContentMissing naming the first missing element (and listing them all)."""
    missing = content_missing(kind, jurisdiction, merge)
    if missing:
        raise NoticeContentMissing(
            f"the notice lacks what the law requires: {', '.join(missing)}", field=missing[0]
        )

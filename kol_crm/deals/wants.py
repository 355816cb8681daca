"""The KOL's wants against what a proposal offers (issue 12: many KOLs are not moved by money
alone; they also want personal brand, platform support, traffic).

The wants are the KOL's own fields (``wants_*``, "Preferences and Personality" on the KOL form,
which the KOL also sets on the portal). ``WANT_BENEFITS`` is the one place that says which
benefit types meet which want. A proposal is a mismatch when

- a want is met by none of its benefits, or
- it offers only money (Cash, Revenue Share) to a KOL who wants something other than money.

The proposal warns on save (``warn_on_mismatch``) and its form shows the comparison beside the
benefits (``wants_vs_offer``); neither stops the save: the operator decides.
"""

import frappe
from frappe import _

from kol_crm.deals.terms import PAID_ONLY_BENEFITS

# the KOL's want (a Check field on KOL) -> the benefit types that meet it
WANT_BENEFITS = {
	"wants_money": ("Cash", "Revenue Share"),
	"wants_personal_brand": ("Personal Brand", "Endorsement"),
	"wants_platform_support": ("Platform Support",),
	"wants_traffic": ("Traffic Exposure",),
}
WANT_FIELDS = tuple(WANT_BENEFITS)
MONEY_WANT = "wants_money"


def want_label(want: str) -> str:
	return {
		"wants_money": _("Money"),
		"wants_personal_brand": _("Personal brand"),
		"wants_platform_support": _("Platform support"),
		"wants_traffic": _("Traffic"),
	}[want]


def compare(wants: dict, benefit_types: list[str]) -> dict:
	"""The KOL's ``wants`` (want field -> truthy) against the offered ``benefit_types``.

	Returns ``wants`` (the wanted fields), ``offered`` (the benefit types, in order, once each),
	``unmet`` (wants no offered benefit meets), ``only_money`` (only money is offered to a KOL who
	wants something else), ``mismatch`` and ``messages`` (translated, one per problem)."""
	wanted = [w for w in WANT_FIELDS if wants.get(w)]
	offered = list(dict.fromkeys(t for t in benefit_types if t))
	unmet = [w for w in wanted if not set(WANT_BENEFITS[w]) & set(offered)]
	non_money_wants = [w for w in wanted if w != MONEY_WANT]
	only_money = bool(offered) and bool(non_money_wants) and set(offered) <= set(PAID_ONLY_BENEFITS)
	messages = []
	if only_money:
		messages.append(
			_("Only money is offered, but the KOL wants {0}: money alone may not move them.").format(
				", ".join(want_label(w) for w in non_money_wants)
			)
		)
	for want in unmet:
		messages.append(
			_("The KOL wants {0}, and no benefit offers it (add {1}).").format(
				want_label(want), " / ".join(_(t) for t in WANT_BENEFITS[want])
			)
		)
	return {
		"wants": wanted,
		"want_labels": [want_label(w) for w in wanted],
		"offered": offered,
		"unmet": unmet,
		"only_money": only_money,
		"mismatch": bool(unmet or only_money),
		"messages": messages,
	}


def kol_wants(kol: str | None) -> dict:
	if not kol:
		return {}
	return frappe.db.get_value("KOL", kol, list(WANT_FIELDS), as_dict=True) or {}


def proposal_comparison(doc) -> dict:
	"""The comparison for a proposal as it is being saved: the stored KOL's wants, its benefits."""
	return compare(kol_wants(doc.get("kol")), [row.benefit_type for row in doc.get("benefits") or []])


def offer_changed(doc) -> bool:
	"""A new proposal, or one whose KOL or benefit types change in this save."""
	before = doc.get_doc_before_save()
	if not before:
		return True
	types = lambda d: [row.benefit_type for row in d.get("benefits") or []]  # noqa: E731
	return before.kol != doc.kol or types(before) != types(doc)


def warn_on_mismatch(doc) -> None:
	"""KOL Proposal.validate: an orange message when a desk user saves an offer (new, or its KOL or
	benefits changed) that misses what the KOL wants. Not on a workflow step that changes nothing
	of the offer, nor to the KOL on the portal (the form's section shows it at all times)."""
	if doc.flags.portal_action or not offer_changed(doc):
		return
	result = proposal_comparison(doc)
	if result["mismatch"]:
		frappe.msgprint(
			"<br>".join(result["messages"]),
			title=_("The offer doesn't match what the KOL wants"),
			indicator="orange",
		)


@frappe.whitelist()
def wants_vs_offer(kol: str, benefit_types: list | str | None = None) -> dict:
	"""The proposal form's section: the KOL's wants beside the benefit types being offered."""
	if isinstance(benefit_types, str):
		benefit_types = frappe.parse_json(benefit_types)
	if not isinstance(kol, str) or not kol:
		frappe.throw(_("Choose a KOL."))
	if not isinstance(benefit_types, list | type(None)) or not all(
		isinstance(t, str) for t in benefit_types or []
	):
		frappe.throw(_("Benefit types must be a list of benefit type names."))
	frappe.has_permission("KOL Proposal", "read", throw=True)
	if not frappe.db.exists("KOL", kol) or not frappe.has_permission("KOL", "read", doc=kol):
		frappe.throw(_("You can't see this KOL."), frappe.PermissionError)
	return compare(kol_wants(kol), benefit_types or [])

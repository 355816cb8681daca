"""KOL Interactions: the follow-up dates they maintain on the KOL, and email as interactions.

An email sent from a KOL (or its proposal/partnership) in the desk, or received from one of a
KOL's addresses through a Frappe Email Account, is a Communication; ``on_communication``
turns it into exactly one KOL Interaction (an automatic reply into none: ``auto_replies.py``;
a bounce into none: ``bounces.py``; a reply "unsubscribe" also opts the KOL out: ``opt_outs.py``).

A received email whose ``In-Reply-To`` is not ours but whose ``References`` hold one of our
emails (a forwarded thread answered by the agent) goes where that email is (``threads.py``).
Any other received email outside a thread is the KOL's when its sender is (in this order) the KOL's
email, one of its other email addresses, or its agent's email. An address that several KOLs
have at the same step (an agent with several KOLs) decides nothing: the email stays on nobody,
for a person to attach (Relink), as mail from an unknown address does.
"""

import frappe
from frappe.query_builder.functions import Max
from frappe.utils import getdate, parse_addr

from kol_crm.outreach import auto_replies, bounces, opt_outs, threads
from kol_crm.utils.validation import email_list


def refresh_kol_follow_up(kol: str | None) -> None:
	"""Set the KOL's last interaction and next follow-up from its interactions.

	The next follow-up is the one planned by the latest interaction that planned one, unless
	the KOL has been contacted on or after that date since (the follow-up happened).
	"""
	if not kol or not frappe.db.exists("KOL", kol):
		return
	it = frappe.qb.DocType("KOL Interaction")
	last = frappe.qb.from_(it).select(Max(it.interaction_on)).where(it.kol == kol).run()[0][0]
	planned = (
		frappe.qb.from_(it)
		.select(it.next_follow_up_on)
		.where((it.kol == kol) & it.next_follow_up_on.isnotnull())
		.orderby(it.interaction_on, order=frappe.qb.desc)
		.orderby(it.creation, order=frappe.qb.desc)
		.limit(1)
		.run()
	)
	next_follow_up = planned[0][0] if planned else None
	if next_follow_up and last and getdate(last) >= getdate(next_follow_up):
		next_follow_up = None
	frappe.db.set_value(
		"KOL",
		kol,
		{"last_interaction_on": last, "next_follow_up_on": next_follow_up},
		update_modified=False,
	)


def kol_for_communication(comm) -> tuple[str | None, str | None, str | None]:
	"""(kol, proposal, partnership) a Communication is about, by reference or by the KOL's address."""
	if comm.reference_doctype == "KOL" and comm.reference_name:
		return comm.reference_name, None, None
	if comm.reference_doctype in ("KOL Proposal", "KOL Partnership") and comm.reference_name:
		kol = frappe.db.get_value(comm.reference_doctype, comm.reference_name, "kol")
		if comm.reference_doctype == "KOL Proposal":
			return kol, comm.reference_name, None
		return kol, None, comm.reference_name
	if comm.reference_doctype == "KOL Content" and comm.reference_name:
		# an email about a piece of content (content review): the KOL's, about its partnership
		row = (
			frappe.db.get_value("KOL Content", comm.reference_name, ["kol", "partnership"], as_dict=True)
			or frappe._dict()
		)
		return row.kol, None, row.partnership
	if comm.sent_or_received == "Received" and comm.sender:
		return kol_for_address(parse_addr(comm.sender)[1]), None, None
	return None, None, None


def kol_for_address(address: str | None) -> str | None:
	"""The one KOL whose email, other email or agent's email ``address`` is (see the module)."""
	if not address or "@" not in address:
		return None
	for found in (
		frappe.get_all("KOL", filters={"email": address}, pluck="name", limit=2),
		_kols_with_other_email(address),
		frappe.get_all("KOL", filters={"agent_email": address}, pluck="name", limit=2),
	):
		if found:
			return found[0] if len(found) == 1 else None
	return None


def _kols_with_other_email(address: str) -> list[str]:
	rows = frappe.get_all(
		"KOL",
		filters={"other_emails": ("like", f"%{address}%")},
		fields=["name", "other_emails"],
		limit=20,
	)
	return [row.name for row in rows if address.lower() in email_list(row.other_emails)][:2]


def on_communication(comm) -> None:
	"""An email to or from a KOL becomes exactly one KOL Interaction (Communication.after_insert)."""
	if comm.communication_type != "Communication" or comm.communication_medium not in ("Email", None, ""):
		return
	if frappe.db.exists("KOL Interaction", {"communication": comm.name}):
		return  # the hook ran already for this email
	if report := bounces.noted(comm):
		# a delivery status notification: no KOL wrote it
		original = bounces.original_communication(report)
		bounces.record(comm, report, original, kol_for_communication(original)[0] if original else None)
		return
	threads.file_in_thread(comm)  # further down one of our threads (References), not a direct reply
	kol, proposal, partnership = kol_for_communication(comm)
	if not kol:
		return
	if not comm.reference_doctype:
		# an email that arrived without a thread: file it on the KOL so it shows on the timeline
		comm.db_set({"reference_doctype": "KOL", "reference_name": kol}, update_modified=False)
	if comm.sent_or_received == "Received" and auto_replies.is_noted(comm):
		return  # an out-of-office: on the KOL's timeline, but the KOL has not answered

	inbound = comm.sent_or_received == "Received"
	interaction = frappe.get_doc(
		{
			"doctype": "KOL Interaction",
			"kol": kol,
			"interaction_type": "Email",
			"direction": "Inbound" if inbound else "Outbound",
			"interaction_on": comm.communication_date or comm.creation,
			"operator": frappe.db.get_value("KOL", kol, "operator")
			if inbound
			else comm.user or frappe.session.user,
			"summary": comm.subject or frappe._("(no subject)"),
			"proposal": proposal,
			"partnership": partnership,
			"communication": comm.name,
		}
	)
	# the system records the email, whoever sent or received it
	interaction.flags.ignore_permissions = True
	interaction.insert(ignore_if_duplicate=True)
	if inbound:
		opt_outs.on_unsubscribe_reply(comm, kol)

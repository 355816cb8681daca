"""Emails to the KOL about their content: changes requested (with the reviewer's comment and the
portal link), approved, published. And, when the KOL submits on the portal, a desk notification
(Frappe's Notification Log, the bell) to the KOL's operator, whose review it waits for. Email Templates shipped by the app
(``kol_crm/setup/email_templates``), rendered in the language of the KOL's portal login, sent
through Frappe's ``communication.email.make``: one Communication on the content's timeline and
one outbound interaction on the KOL (``outreach/interactions.py``)."""

import frappe
from frappe import _
from frappe.core.doctype.communication.email import make as make_communication
from frappe.desk.doctype.notification_log.notification_log import enqueue_create_notification
from frappe.email.doctype.email_account.email_account import EmailAccount
from frappe.translate import print_language
from frappe.utils import escape_html, get_url

from kol_crm.outreach.email import contact_block_reason
from kol_crm.workflows import kol_content as wf

TEMPLATES = {
	wf.CHANGES_REQUESTED: "KOL Content Changes Requested",
	wf.APPROVED: "KOL Content Approved",
	wf.PUBLISHED: "KOL Content Published",
}


def portal_link(doc) -> str:
	return get_url(f"/kol/partnerships/{doc.partnership}")


def context(doc, kol, escape: bool) -> dict:
	def text(value):
		value = value or ""
		return escape_html(value) if escape else value

	comment = text(doc.reviewer_comment)
	return {
		"kol_name": text(kol.display_name or kol.kol_name),
		"title": text(doc.title),
		"deliverable": text(doc.deliverable_description),
		"version": doc.current_version,
		"comment": comment.replace("\n", "<br>") if escape else comment,
		"live_url": text(doc.live_url),
		"published_on": frappe.format(doc.published_on, "Date") if doc.published_on else "",
		"portal_link": portal_link(doc) if kol.portal_user else "",
	}


def notify_kol(doc, state: str) -> str | None:
	"""Email the KOL that their content is ``state``; the Communication's name, or None (with a
	comment on the content saying why) when no email may or can go."""
	template = TEMPLATES.get(state)
	if not template or not frappe.db.exists("Email Template", template):
		return None
	# the system reads the KOL's address to write to them (the reviewer may write to this KOL)
	kol = frappe.get_doc("KOL", doc.kol)
	reason = contact_block_reason(kol)
	if not reason and not EmailAccount.find_outgoing(match_by_doctype="KOL Content"):
		reason = _("no outgoing Email Account is set up")
	if reason:
		doc.add_comment("Info", _("No email went to the KOL about {0}: {1}.").format(_(state), reason))
		return None
	email_template = frappe.get_cached_doc("Email Template", template)
	body = email_template.response_html if email_template.use_html else email_template.response
	language = frappe.db.get_value("User", kol.portal_user, "language") if kol.portal_user else None
	with print_language(language):
		subject = frappe.render_template(email_template.subject or "", context(doc, kol, escape=False))
		message = frappe.render_template(body or "", context(doc, kol, escape=True))
	result = make_communication(
		doctype="KOL Content",
		name=doc.name,
		recipients=kol.email,
		subject=subject.strip(),
		content=message,
		send_email=True,
		email_template=template,
	)
	return result["name"]


def notify_reviewer(doc) -> None:
	"""The KOL submitted a version on the portal: tell the KOL's operator (the bell in the desk)."""
	operator = frappe.db.get_value("KOL", doc.kol, "operator")
	if not operator:
		return
	enqueue_create_notification(
		operator,
		{
			"type": "Alert",
			"document_type": "KOL Content",
			"document_name": doc.name,
			"subject": _("{0} submitted version {1} of {2} for your review.").format(
				frappe.bold(escape_html(doc.kol_name or doc.kol)),
				doc.current_version,
				frappe.bold(escape_html(doc.title)),
			),
			"from_user": frappe.session.user,
		},
	)

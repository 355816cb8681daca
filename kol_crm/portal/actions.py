"""What a KOL does on the portal. Each method checks the stored record against the session user
(``views.check_record`` / ``views.own_kol``, i.e. ``permissions.portal_may_read``), then saves as
the app: the portal role has no desk permission, so the save ignores permissions, and every other
rule of the DocType (workflow guards, negotiation history, rules acknowledged) still applies.
The operator sees each change on the record's timeline: Frappe's Version, and a comment.

The writes are stamped with the app's "KOL Portal" user (``actor.as_portal``), never the KOL's
login: a portal login is the KOL's email, and a record's owner and modified_by, its Versions and
comments are read by analysts, who never see a KOL's personal data. The KOL's own private file is
the exception: the File keeps the KOL as owner, which is how they open it again (the form's
attachments don't show owners; a File record read on its own does: docs/security.md, Known
limits)."""

import base64
import binascii

import frappe
from frappe import _
from frappe.utils import cint, escape_html, flt, getdate, nowdate

from kol_crm.content.review import MAX_TITLE, deliverable_row
from kol_crm.intelligence import rules
from kol_crm.portal import views
from kol_crm.portal.actor import as_portal
from kol_crm.workflows import kol_content

MAX_MESSAGE = 2000
MAX_BODY = 20000


@frappe.whitelist(methods=["POST"])
def accept_proposal(name: str) -> dict:
	"""The KOL accepts the offer on the table: the workflow's "Mark Accepted" (Sent → Accepted)."""
	views.check_record("KOL Proposal", name)
	doc = frappe.get_doc("KOL Proposal", name)
	if doc.workflow_state == "Accepted":
		return {"workflow_state": doc.workflow_state}
	if doc.workflow_state != "Sent":
		refuse_answer(doc)
	doc.workflow_state = "Accepted"
	save_as_kol(doc, "Mark Accepted")
	comment(doc, _("The KOL accepted this proposal on the portal."))
	return {"workflow_state": doc.workflow_state}


@frappe.whitelist(methods=["POST"])
def counter_proposal(name: str, message: str, amount: float | None = None) -> dict:
	"""The KOL counters with a message (and an amount, if they name one): a negotiation round from
	the KOL and, on a Sent proposal, the workflow's "Record Counter-offer" (Sent → Countered)."""
	views.check_record("KOL Proposal", name)
	message = (message or "").strip()
	if not message:
		frappe.throw(_("Write your counter-offer: what you would change."), title=_("Missing value"))
	if len(message) > MAX_MESSAGE:
		frappe.throw(
			_("Your message is too long ({0} characters); keep it under {1}.").format(
				len(message), MAX_MESSAGE
			),
			title=_("Invalid value"),
		)
	if flt(amount) < 0:
		frappe.throw(_("The amount can't be negative."), title=_("Invalid value"))
	doc = frappe.get_doc("KOL Proposal", name)
	if doc.workflow_state not in views.OPEN_PROPOSAL_STATES:
		refuse_answer(doc)
	doc.append(
		"negotiation_rounds",
		{
			"round_date": nowdate(),
			"party": "KOL",
			"channel": "Portal",
			"offer": message,
			"budget": flt(amount),
		},
	)
	action = None
	if doc.workflow_state == "Sent":
		doc.workflow_state = "Countered"
		action = "Record Counter-offer"
	save_as_kol(doc, action)
	comment(doc, _("The KOL countered on the portal: {0}").format(escape_html(message)))
	return {"workflow_state": doc.workflow_state, "rounds": len(doc.negotiation_rounds)}


@frappe.whitelist(methods=["POST"])
def acknowledge_rules(name: str) -> dict:
	"""The KOL acknowledges the rules of a partnership: recorded with today's date, as the desk does."""
	views.check_record("KOL Partnership", name)
	doc = frappe.get_doc("KOL Partnership", name)
	if doc.rules_acknowledged:
		return {"rules_acknowledged_on": str(doc.rules_acknowledged_on)}
	if doc.status not in views.OPEN_PARTNERSHIP_STATUSES:
		frappe.throw(
			_("This partnership is {0}; there is nothing to acknowledge any more.").format(_(doc.status)),
			title=_("Not permitted"),
		)
	doc.rules_acknowledged = 1
	doc.rules_acknowledged_on = nowdate()
	save_as_kol(doc)
	comment(doc, _("The KOL acknowledged the rules on the portal."))
	with as_portal():
		rules.record_by_kol(doc.kol, rules.PORTAL)  # the KOL's own acknowledgement of the current rules
	return {"rules_acknowledged_on": str(doc.rules_acknowledged_on)}


@frappe.whitelist(methods=["POST"])
def acknowledge_code_of_conduct() -> dict:
	"""The KOL acknowledges the current rules (the Code of Conduct) for their own KOL."""
	kol = views.own_kol()
	with as_portal():
		result = rules.record_by_kol(kol, rules.PORTAL)
	return {"acknowledged": True, "new": result["new"]}


@frappe.whitelist(methods=["POST"])
def update_profile(
	preferences: str | None = None,
	occasions: str | list | None = None,
	wants_money: int | None = None,
	wants_personal_brand: int | None = None,
	wants_platform_support: int | None = None,
	wants_traffic: int | None = None,
) -> dict:
	"""The KOL edits their own soft facts: preferences, what they want, occasions."""
	doc = frappe.get_doc("KOL", views.own_kol())
	doc.preferences = (preferences or "").strip()[:MAX_MESSAGE] or None
	for fieldname, value in (
		("wants_money", wants_money),
		("wants_personal_brand", wants_personal_brand),
		("wants_platform_support", wants_platform_support),
		("wants_traffic", wants_traffic),
	):
		doc.set(fieldname, 1 if cint(value) else 0)
	if occasions is not None:
		set_occasions(doc, frappe.parse_json(occasions) or [])
	before = frappe.get_doc("KOL", doc.name)  # as stored, to name what changed
	changed = changed_labels(before, doc)
	if not changed:
		return {"changed": []}
	doc.flags.skip_pacing_warning = True
	save_as_kol(doc)
	comment(doc, _("The KOL updated on the portal: {0}.").format(", ".join(changed)))
	return {"changed": changed}


@frappe.whitelist(methods=["POST"])
def submit_content(
	partnership: str,
	deliverable: str,
	title: str,
	body: str | None = None,
	link: str | None = None,
	content: str | None = None,
	file_name: str | None = None,
	file_data: str | None = None,
	submit: int = 1,
) -> dict:
	"""The KOL's content for a deliverable of their partnership: a new piece, or their Draft or
	Changes Requested piece (``content``) again, with a file if they attach one; submitted for
	review (the workflow's "Submit for Review" or "Resubmit"), or kept as a draft (``submit=0``).

	Every record is checked as stored: the partnership is the KOL's, the deliverable is a row of
	it, and the content (if named) is theirs and for that row."""
	views.check_record("KOL Partnership", partnership)
	row = deliverable_row(partnership, deliverable)
	if not row:
		views.not_permitted()
	title = (title or "").strip()
	body = (body or "").strip() or None
	link = (link or "").strip() or None
	upload = uploaded_file(file_name, file_data)
	check_content_input(title, body)
	if content:
		views.check_record("KOL Content", content)
		doc = frappe.get_doc("KOL Content", content)
		if (doc.partnership, doc.deliverable) != (partnership, deliverable):
			views.not_permitted()
		if doc.workflow_state not in kol_content.EDITABLE_STATES:
			frappe.throw(
				_("This content is {0}; you can't change it now.").format(_(doc.workflow_state)),
				title=_("Not permitted"),
			)
	else:
		doc = new_content(partnership, row)
	doc.update({"title": title, "body": body, "link": link})
	if cint(submit) and not (body or link or upload or doc.get("attachment")):
		frappe.throw(
			_("Add the text, a link or a file before submitting the content for review."),
			title=_("Missing value"),
		)
	if doc.is_new():
		save_as_kol(doc, "")
	if upload:
		doc.attachment = attach_file(doc, *upload)
	action = None
	if cint(submit):
		action = kol_content.PORTAL_TRANSITIONS[(doc.workflow_state, kol_content.SUBMITTED)]
		doc.workflow_state = kol_content.SUBMITTED
	save_as_kol(doc, action or "")
	return {"name": doc.name, "workflow_state": doc.workflow_state, "version": cint(doc.current_version)}


def check_content_input(title: str, body: str | None) -> None:
	if not title:
		frappe.throw(_("Give your content a title."), title=_("Missing value"))
	if len(title) > MAX_TITLE:
		frappe.throw(
			_("The title is too long ({0} characters); keep it under {1}.").format(len(title), MAX_TITLE),
			title=_("Invalid value"),
		)
	if body and len(body) > MAX_BODY:
		frappe.throw(
			_("Your text is too long ({0} characters); keep it under {1}, or send a link or a file.").format(
				len(body), MAX_BODY
			),
			title=_("Invalid value"),
		)


def new_content(partnership: str, row) -> "frappe.model.document.Document":
	"""A new piece of content for the deliverable ``row`` of the KOL's own ``partnership``: while the
	partnership runs, and no more pieces than the deliverable's quantity."""
	status, kol = frappe.db.get_value("KOL Partnership", partnership, ["status", "kol"])
	if status not in views.OPEN_PARTNERSHIP_STATUSES:
		frappe.throw(
			_("This partnership is {0}; no new content can be submitted.").format(_(status)),
			title=_("Not permitted"),
		)
	count = frappe.db.count("KOL Content", {"partnership": partnership, "deliverable": row.name})
	if count >= max(cint(row.quantity), 1):
		frappe.throw(
			_(
				"This deliverable asks for {0} piece(s) of content and you have {1}: open one to change it."
			).format(max(cint(row.quantity), 1), count),
			title=_("Not permitted"),
		)
	doc = frappe.new_doc("KOL Content")
	doc.update({"kol": kol, "partnership": partnership, "deliverable": row.name})
	return doc


def uploaded_file(file_name: str | None, file_data: str | None) -> tuple[str, bytes] | None:
	"""(name, content) of the file the KOL sent: a multipart upload (``file``) or a data URL."""
	request = getattr(frappe.local, "request", None)
	upload = request.files.get("file") if request is not None and request.files else None
	if upload:
		return upload.filename, upload.stream.read()
	if not file_data:
		return None
	try:
		content = base64.b64decode(file_data.split(",", 1)[-1], validate=True)
	except (binascii.Error, ValueError):
		frappe.throw(_("The file could not be read; attach it again."), title=_("Invalid value"))
	return file_name or "file", content


def attach_file(doc, file_name: str, content: bytes) -> str:
	"""A private File attached to the content, owned by the KOL (so they can open it again);
	Frappe's own checks apply (size, allowed extensions). Its URL."""
	file_name = (file_name or "file").replace("/", "_").replace("\\", "_").strip()[:140] or "file"
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": file_name,
			"content": content,
			"is_private": 1,
			"attached_to_doctype": "KOL Content",
			"attached_to_name": doc.name,
			"attached_to_field": "attachment",
		}
	)
	# the portal role has no permission on File: the KOL attaches to the content checked above
	file.insert(ignore_permissions=True)
	return file.file_url


def set_occasions(doc, rows: list) -> None:
	"""Replace the occasions with the KOL's list; a row they kept keeps the operator's note."""
	if not isinstance(rows, list) or len(rows) > 50:
		frappe.throw(_("Occasions: give a list of at most 50."), title=_("Invalid value"))
	existing = {row.name: row for row in doc.occasions}
	result = []
	for number, row in enumerate(rows, 1):
		row = row if isinstance(row, dict) else {}
		occasion = str(row.get("occasion") or "").strip()[:140]
		if not occasion or not row.get("occasion_date"):
			frappe.throw(
				_("Occasion {0}: give what it is and its date.").format(number), title=_("Missing value")
			)
		try:
			date = getdate(row.get("occasion_date"))
		except Exception:
			frappe.throw(_("Occasion {0}: the date is not valid.").format(number), title=_("Invalid value"))
		kept = existing.get(row.get("name"))
		result.append(
			{
				"occasion": occasion,
				"occasion_date": date,
				"repeats_yearly": 1 if cint(row.get("repeats_yearly")) else 0,
				"note": kept.note if kept else None,
			}
		)
	doc.set("occasions", result)


def changed_labels(before, doc) -> list[str]:
	changed = [
		_(doc.meta.get_label(f)) for f in views.SOFT_FACTS if (before.get(f) or None) != (doc.get(f) or None)
	]
	old = [(str(getdate(r.occasion_date)), r.occasion, cint(r.repeats_yearly)) for r in before.occasions]
	new = [(str(getdate(r.occasion_date)), r.occasion, cint(r.repeats_yearly)) for r in doc.occasions]
	if old != new:
		changed.append(_(doc.meta.get_label("occasions")))
	return changed


def save_as_kol(doc, action: str | None = None) -> None:
	# the portal role has no desk permission: the caller checked the stored record
	# (views.check_record / views.own_kol) and the KOL changes only what the method sets
	doc.flags.ignore_permissions = True
	doc.flags.portal_action = action
	with as_portal():
		doc.save(ignore_version=False)  # always a Version for the operator (tests skip them otherwise)


def comment(doc, text: str) -> None:
	with as_portal():
		doc.add_comment("Info", text)


def refuse_answer(doc) -> None:
	if doc.workflow_state == "Countered":
		message = _("Your counter-offer is with your operator; you can accept once they reply.")
	else:
		message = _("This proposal is {0}; it can't be answered any more.").format(_(doc.workflow_state))
	frappe.throw(message, title=_("Not permitted"))

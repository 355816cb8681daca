"""The steps of a KOL Content save (``KOLContent.validate`` / ``on_update``), in the order they run."""

import frappe
from frappe import _
from frappe.utils import cint, escape_html, flt, now_datetime

from kol_crm.utils import validation as v
from kol_crm.workflows import kol_content as wf
from kol_crm.workflows.base import changed_state

# what the KOL writes: changes only while the draft is theirs (Draft, Changes Requested)
CONTENT_FIELDS = ("title", "body", "link", "attachment")
# what the reviewer writes: while the content waits for review
REVIEW_FIELDS = ("reviewer_comment",)
# where and when it went live: once approved
PUBLISH_FIELDS = ("live_url", "published_on")
# what was measured: once published
RESULT_FIELDS = ("views", "likes", "comments", "shares", "measured_on")
EDITABLE_IN = {
	CONTENT_FIELDS: wf.EDITABLE_STATES,
	REVIEW_FIELDS: (wf.SUBMITTED,),
	PUBLISH_FIELDS: (wf.APPROVED, wf.PUBLISHED),
	RESULT_FIELDS: (wf.PUBLISHED,),
}
# set by the system on a transition only (a client's value is never kept)
SYSTEM_FIELDS = (
	"current_version",
	"submitted_on",
	"submitted_via",
	"submitted_by",
	"reviewed_by",
	"reviewed_on",
	"approved_by",
	"approved_on",
)
VERSION_FIELDS = ("title", "body", "link", "attachment")
MAX_TITLE = 140


def deliverable_row(partnership: str | None, row: str | None) -> frappe._dict | None:
	"""The stored deliverable ``row`` of ``partnership``, or None."""
	if not partnership or not row:
		return None
	return frappe.db.get_value(
		"KOL Deliverable",
		{"name": row, "parent": partnership, "parenttype": "KOL Partnership", "parentfield": "deliverables"},
		["name", "deliverable_type", "description", "quantity", "due_date", "status"],
		as_dict=True,
	)


def describe_deliverable(row) -> str:
	return f"{_(row.deliverable_type)}: {row.description}" if row.description else _(row.deliverable_type)


def check_deliverable(doc) -> None:
	"""The content belongs to a deliverable of a partnership of its KOL (stored values). The KOL,
	partnership and row are set once (``set_only_once``); the description and due date follow the row."""
	stored_kol = frappe.db.get_value("KOL Partnership", doc.partnership, "kol")
	if not stored_kol:
		v.invalid(_("Partnership {0} not found.").format(frappe.bold(doc.partnership)))
	if stored_kol != doc.kol:
		v.invalid(
			_("Partnership {0} is not a partnership of KOL {1}.").format(
				frappe.bold(doc.partnership), frappe.bold(doc.kol)
			)
		)
	row = deliverable_row(doc.partnership, doc.deliverable)
	if not row:
		if doc.is_new():
			v.invalid(
				_("Deliverable {0} is not a deliverable of partnership {1}.").format(
					frappe.bold(escape_html(doc.deliverable)), frappe.bold(doc.partnership)
				)
			)
		return  # the row was removed from the partnership later: keep what was copied
	doc.deliverable_description = describe_deliverable(row)[:140]
	doc.due_date = row.due_date


def keep_system_fields(doc) -> None:
	"""The review trail and the versions are the system's: a client's values are replaced by the
	stored ones (nothing on a new document)."""
	before = doc.get_doc_before_save()
	for fieldname in SYSTEM_FIELDS:
		doc.set(fieldname, before.get(fieldname) if before else None)
	doc.current_version = cint(doc.current_version)
	stored = [row.as_dict() for row in before.versions] if before else []
	doc.set("versions", [])
	for row in stored:
		doc.append(
			"versions", {k: row.get(k) for k in ("name", "idx", "creation", "owner", *version_fields())}
		)


def version_fields() -> tuple[str, ...]:
	return tuple(
		df.fieldname
		for df in frappe.get_meta("KOL Content Version").fields
		if df.fieldtype not in frappe.model.no_value_fields
	)


def lock_fields(doc) -> None:
	"""Each group of fields changes only in its states (the stored state decides; a new piece of
	content is a Draft: only what the KOL writes)."""
	before = doc.get_doc_before_save()
	state = before.workflow_state if before else wf.DRAFT
	for fields, states in EDITABLE_IN.items():
		if state in states:
			continue
		changed = [
			_(doc.meta.get_label(f))
			for f in fields
			if (v.normalised(before, (f,)) != v.normalised(doc, (f,)) if before else doc.get(f))
		]
		if changed:
			v.invalid(
				_("{0} can't be changed while the content is {1}.").format(", ".join(changed), _(state))
			)


def validate_values(doc) -> None:
	doc.title = (doc.title or "").strip()
	if len(doc.title) > MAX_TITLE:
		v.invalid(
			_("Title is too long ({0} characters); keep it under {1}.").format(len(doc.title), MAX_TITLE)
		)
	v.validate_url(doc, "link")
	v.validate_url(doc, "live_url")


def check_attachment(doc) -> None:
	"""A file set on the content must be one attached to this content. Frappe lets a user create a
	File record pointing at any private file's URL, so a desk user must also be able to read every
	File record of that URL (the portal's upload is the app's own, made for this content)."""
	before = doc.get_doc_before_save()
	if not doc.attachment or (before and before.attachment == doc.attachment):
		return
	files = frappe.get_all(
		"File",
		filters={"file_url": doc.attachment},
		fields=["name", "attached_to_doctype", "attached_to_name"],
	)
	attached = any(f.attached_to_doctype == "KOL Content" and f.attached_to_name == doc.name for f in files)
	readable = doc.flags.portal_action is not None or all(
		frappe.has_permission("File", "read", doc=frappe.get_doc("File", f.name)) for f in files
	)
	if doc.is_new() or not attached or not readable:
		v.invalid(_("Upload the file to this content (Attach) before setting it as its File."))


def apply_transition(doc, via: str) -> None:
	"""What the system records when the state changes: a version on each submission, the
	reviewer's answer on that version, the approval."""
	from_state, to_state = changed_state(doc)
	doc.flags.content_transition = (from_state, to_state) if to_state else None
	if not to_state:
		return
	now, user = now_datetime(), frappe.session.user
	if to_state == wf.SUBMITTED:
		doc.current_version = cint(doc.current_version) + 1
		doc.append(
			"versions",
			{
				"version": doc.current_version,
				"submitted_on": now,
				"submitted_via": via,
				"submitted_by": user,
				**{f: doc.get(f) for f in VERSION_FIELDS},
			},
		)
		doc.update({"submitted_on": now, "submitted_via": via, "submitted_by": user})
		# the previous answer stays on its version; the next review starts blank
		doc.update({"reviewer_comment": None, "reviewed_by": None, "reviewed_on": None})
	elif to_state in (wf.CHANGES_REQUESTED, wf.APPROVED):
		comment = (doc.reviewer_comment or "").strip() or None
		doc.update({"reviewer_comment": comment, "reviewed_by": user, "reviewed_on": now})
		if doc.versions:
			doc.versions[-1].update(
				{"outcome": to_state, "reviewer_comment": comment, "reviewed_by": user, "reviewed_on": now}
			)
		if to_state == wf.APPROVED:
			doc.update({"approved_by": user, "approved_on": now})


def set_engagement_rate(doc) -> None:
	views = cint(doc.views)
	interactions = cint(doc.likes) + cint(doc.comments) + cint(doc.shares)
	doc.engagement_rate = flt(interactions * 100 / views, 2) if views else 0


def mark_delivered(doc) -> None:
	"""Published: the deliverable is Delivered once as many pieces as its quantity are published."""
	row = deliverable_row(doc.partnership, doc.deliverable)
	if not row or row.status == "Delivered":
		return
	published = frappe.db.count(
		"KOL Content",
		{"partnership": doc.partnership, "deliverable": doc.deliverable, "workflow_state": wf.PUBLISHED},
	)
	if published < max(cint(row.quantity), 1):
		return
	partnership = frappe.get_doc("KOL Partnership", doc.partnership)
	for deliverable in partnership.deliverables:
		if deliverable.name == row.name:
			deliverable.status = "Delivered"
	# the consequence of a publication the user was allowed to make: the system records it
	partnership.flags.ignore_permissions = True
	partnership.save()
	partnership.add_comment(
		"Info",
		_("{0} delivered: content {1} was published on {2}.").format(
			describe_deliverable(row), doc.name, frappe.format(doc.published_on, "Date")
		),
	)


def content_status(rows: list[str]) -> dict[str, str]:
	"""For the deliverable reminders: per deliverable row, where its content stands (one query)."""
	states: dict[str, dict[str, int]] = {}
	for c in frappe.get_all(
		"KOL Content",
		filters={"deliverable": ("in", rows or [""])},
		fields=["deliverable", "workflow_state"],
	):
		counts = states.setdefault(c.deliverable, {})
		counts[c.workflow_state] = counts.get(c.workflow_state, 0) + 1
	result = {}
	for row in rows:
		counts = states.get(row)
		if not counts:
			result[row] = _("Content: none submitted yet.")
			continue
		parts = [
			_("{0} {1}").format(counts[state], _(state))
			for state in wf.DEFINITION.state_names
			if counts.get(state)
		]
		result[row] = _("Content: {0}.").format(", ".join(parts))
	return result

"""Bulk actions on KOLs selected in the list view (``kol_list.js``).

Set the operator, category, tier or purpose; apply a KOL Lifecycle action; send a templated
outreach email; send the Code of Conduct (after a rule change); enroll in a follow-up sequence;
add to a community group. Each KOL is handled on its own, in a savepoint:
a KOL that fails (no permission, a workflow guard, a validation) is rolled back and reported
with its reason, and the others go through. The user must be allowed to write each KOL
(operators: the KOLs they own or are assigned to).

Up to ``INLINE_LIMIT`` KOLs run in the request and the summary is returned. Larger selections
run as a background job (same user), committing per KOL, with ``frappe.publish_progress`` and a
``kol_bulk_action_done`` realtime event to the user carrying the summary.

A summary is ``{"action", "total", "queued", "done": [...], "skipped": [...], "failed": [...]}``,
each entry ``{"kol", "kol_name", "message"}``.
"""

import hashlib
import json

import frappe
from frappe import _
from frappe.model.workflow import apply_workflow, get_transitions
from frappe.utils import strip_html

from kol_crm.community import groups
from kol_crm.intelligence import rules
from kol_crm.outreach import email as outreach
from kol_crm.outreach import sequences
from kol_crm.permissions import MANAGER, OPERATOR
from kol_crm.portal import code_of_conduct
from kol_crm.workflows import kol_lifecycle

INLINE_LIMIT = 20
MAX_KOLS = 5000
DONE_EVENT = "kol_bulk_action_done"
SAVEPOINT = "kol_bulk_action"
DONE, SKIPPED, FAILED = "done", "skipped", "failed"

#: fields the list view may set in bulk
BULK_FIELDS = ("operator", "category", "tier", "intake_purpose", "do_not_contact")


# ------------------------------------------------------------------ whitelisted


@frappe.whitelist()
def set_field(
	names: str | list[str], fieldname: str, value: str | None = None, reason: str | None = None
) -> dict:
	"""Set Operator, Category, Tier (a pin, with a reason), Purpose or Do Not Contact (1 with a
	reason, or 0) on each KOL."""
	if fieldname not in BULK_FIELDS:
		frappe.throw(_("{0} cannot be changed in bulk.").format(fieldname), title=_("Not allowed"))
	value = (value or "").strip() or None
	validate_bulk_value(fieldname, value, reason)
	return run("set_field", names, {"fieldname": fieldname, "value": value, "reason": reason})


@frappe.whitelist()
def apply_transition(names: str | list[str], action: str) -> dict:
	"""Apply a KOL Lifecycle action (e.g. Shortlist) to each KOL the workflow allows it for."""
	if action not in workflow_actions():
		frappe.throw(_("{0} is not a KOL Lifecycle action you can take.").format(action))
	return run("apply_transition", names, {"action": action})


@frappe.whitelist()
def workflow_actions() -> list[str]:
	"""KOL Lifecycle actions the user's roles may take (each KOL is still checked on its own)."""
	roles = set(frappe.get_roles())
	actions = []
	for t in kol_lifecycle.TRANSITIONS:
		if roles & set(t.roles) and t.action not in actions:
			actions.append(t.action)
	return actions


@frappe.whitelist()
def preview_outreach(template: str, kol: str) -> dict:
	"""The template rendered for one KOL; fails naming any field the KOL does not have."""
	doc = frappe.get_doc("KOL", kol)
	doc.check_permission("write")
	tpl = outreach.get_template(template)
	rendered = outreach.render_for_kol(tpl, doc)
	return {**rendered, "kol": doc.name, "kol_name": doc.kol_name, "recipient": doc.email}


@frappe.whitelist()
def send_outreach(names: str | list[str], template: str) -> dict:
	"""Email the template to each KOL with an email address that may be contacted."""
	tpl = outreach.get_template(template)
	outreach.check_template(tpl)  # before anything is sent
	outreach.ensure_outgoing_account()
	return run("send_outreach", names, {"template": tpl.name})


@frappe.whitelist()
def send_code_of_conduct(names: str | list[str]) -> dict:
	"""Email the Code of Conduct to each KOL that hasn't acknowledged the current rules."""
	if not rules.current_version():
		frappe.throw(_("There are no enabled rules to send."), title=_("Invalid value"))
	outreach.ensure_outgoing_account()
	return run("send_code_of_conduct", names, {})


@frappe.whitelist()
def enroll_in_sequence(names: str | list[str], sequence: str) -> dict:
	"""Enroll each KOL in a follow-up sequence (KOL Sequence Enrollment)."""
	sequences.get_sequence(sequence, check_enabled=True)
	return run("enroll_in_sequence", names, {"sequence": sequence})


@frappe.whitelist()
def add_to_group(names: str | list[str], group: str) -> dict:
	"""Add each KOL to a community group (KOL Community Membership), skipping current members."""
	if not group or not frappe.db.exists("KOL Community Group", group):
		frappe.throw(_("Choose an existing Community Group."), title=_("Invalid value"))
	frappe.has_permission("KOL Community Group", "read", doc=group, throw=True)
	return run("add_to_group", names, {"group": group})


# ------------------------------------------------------------------ one KOL each


def _set_field(doc, fieldname: str, value: str | None, reason: str | None = None) -> tuple[str, str]:
	if fieldname == "tier":
		if (doc.tier or None) == value and bool(doc.tier_pinned) == bool(value):
			return SKIPPED, _("No change")
		doc.update(
			{"tier": value, "tier_pinned": 1 if value else 0, "tier_pin_reason": reason if value else None}
		)
	elif fieldname == "do_not_contact":
		if bool(doc.do_not_contact) == (value == "1"):
			return SKIPPED, _("No change")
		doc.update({"do_not_contact": int(value), "do_not_contact_reason": reason if value == "1" else None})
	else:
		if (doc.get(fieldname) or None) == value:
			return SKIPPED, _("No change")
		doc.set(fieldname, value)
	doc.save()
	return DONE, ""


def _apply_transition(doc, action: str) -> tuple[str, str]:
	if action not in {t.action for t in get_transitions(doc)}:
		return FAILED, _("{0} is not possible for this KOL in state {1}.").format(
			_(action), _(doc.workflow_state or "")
		)
	doc = apply_workflow(doc, action)
	return DONE, _(doc.workflow_state)


def _send_outreach(doc, template: str) -> tuple[str, str]:
	if reason := outreach.contact_block_reason(doc):
		return SKIPPED, reason
	return DONE, outreach.send_template(outreach.get_template(template), doc)


def _send_code_of_conduct(doc) -> tuple[str, str]:
	if rules.has_acknowledged(doc.name):
		return SKIPPED, _("Has acknowledged the current rules")
	if reason := outreach.contact_block_reason(doc):
		return SKIPPED, reason
	return DONE, code_of_conduct.send(doc)[0]


def _enroll_in_sequence(doc, sequence: str) -> tuple[str, str]:
	if reason := sequences.enrollment_block_reason(doc, sequence):
		return SKIPPED, reason
	return DONE, sequences.enroll(doc, sequence).name


def _add_to_group(doc, group: str) -> tuple[str, str]:
	if frappe.db.exists(
		"KOL Community Membership", {"kol": doc.name, "community_group": group, "status": groups.ACTIVE}
	):
		return SKIPPED, _("Already a member")
	return DONE, groups.add_member(doc.name, group)


ACTIONS = {
	"set_field": _set_field,
	"apply_transition": _apply_transition,
	"send_outreach": _send_outreach,
	"send_code_of_conduct": _send_code_of_conduct,
	"enroll_in_sequence": _enroll_in_sequence,
	"add_to_group": _add_to_group,
}

TITLES = {
	"set_field": "Updating KOLs",
	"apply_transition": "Moving KOLs through the workflow",
	"send_outreach": "Sending outreach",
	"send_code_of_conduct": "Sending the Code of Conduct",
	"enroll_in_sequence": "Enrolling KOLs in a sequence",
	"add_to_group": "Adding KOLs to a community group",
}


# ------------------------------------------------------------------ runner


def parse_names(names: str | list[str]) -> list[str]:
	if isinstance(names, str):
		names = json.loads(names) if names.strip().startswith("[") else names.split(",")
	unique = list(dict.fromkeys(str(n).strip() for n in names if n and str(n).strip()))
	if not unique:
		frappe.throw(_("Select at least one KOL."))
	if len(unique) > MAX_KOLS:
		frappe.throw(_("Select at most {0} KOLs at a time.").format(MAX_KOLS))
	return unique


def run(action: str, names: str | list[str], params: dict) -> dict:
	"""Run ``action`` for each KOL: inline for a few, as a background job for more."""
	names = parse_names(names)
	frappe.has_permission("KOL", "write", throw=True)
	if len(names) > INLINE_LIMIT:
		frappe.enqueue(
			"kol_crm.outreach.bulk.run_job",
			queue="long",
			timeout=max(600, 2 * len(names)),
			# the same request twice (a double click) while the first is queued or running: once
			job_id=job_id(action, names, params),
			deduplicate=True,
			action=action,
			names=names,
			params=params,
		)
		return {"action": action, "total": len(names), "queued": True}
	return process(action, names, params, commit=False)


def job_id(action: str, names: list[str], params: dict) -> str:
	key = json.dumps([frappe.session.user, action, names, params], sort_keys=True)
	return f"kol_bulk_{action}_{hashlib.sha1(key.encode()).hexdigest()}"


def run_job(action: str, names: list[str], params: dict) -> dict:
	"""Background job (runs as the user who started it): commit per KOL, report progress."""
	return process(action, names, params, commit=True)


def process(action: str, names: list[str], params: dict, commit: bool) -> dict:
	fn = ACTIONS[action]
	summary = {"action": action, "total": len(names), "queued": commit, DONE: [], SKIPPED: [], FAILED: []}
	for i, name in enumerate(names, 1):
		status, entry = process_one(fn, name, params)
		summary[status].append(entry)
		if commit:
			_commit()
			frappe.publish_progress(
				i * 100 / len(names),
				title=_(TITLES[action]),
				description=_("{0} of {1}").format(i, len(names)),
			)
	if commit:
		frappe.publish_realtime(DONE_EVENT, summary, user=frappe.session.user)
	return summary


def _commit() -> None:
	frappe.db.commit()  # background job only: each KOL is its own unit of work


def process_one(fn, name: str, params: dict) -> tuple[str, dict]:
	"""(status, entry) for one KOL; its changes are rolled back when it fails."""
	entry = {"kol": name, "kol_name": None, "message": ""}
	messages = len(frappe.local.message_log)
	frappe.db.savepoint(SAVEPOINT)
	try:
		if not frappe.has_permission("KOL", "write", doc=name):
			status, entry["message"] = FAILED, _("Not permitted: you can only act on KOLs you may edit.")
			return status, entry
		doc = frappe.get_doc("KOL", name)
		entry["kol_name"] = doc.kol_name
		status, entry["message"] = fn(doc, **params)
		if status == FAILED:
			frappe.db.rollback(save_point=SAVEPOINT)
	except Exception as e:
		frappe.db.rollback(save_point=SAVEPOINT)
		status, entry["message"] = FAILED, error_text(e)
		if not isinstance(e, frappe.ValidationError | frappe.PermissionError):
			frappe.log_error(
				title=_("Bulk action failed for KOL {0}").format(name),
				reference_doctype="KOL",
				reference_name=name,
			)
	finally:
		# per-KOL messages go into the summary, not into a pile of dialogs
		del frappe.local.message_log[messages:]
		frappe.flags.error_message = None
	return status, entry


def error_text(e: Exception) -> str:
	text = strip_html(str(e) or "").strip()
	if not text and isinstance(e, frappe.PermissionError):
		text = strip_html(frappe.flags.error_message or "") or _("Not permitted")
	return text or e.__class__.__name__


def validate_bulk_value(fieldname: str, value: str | None, reason: str | None) -> None:
	if fieldname == "do_not_contact" and (
		value not in ("0", "1") or (value == "1" and not (reason or "").strip())
	):
		frappe.throw(_("Do Not Contact needs 1 and a reason, or 0."), title=_("Invalid value"))
	if fieldname == "intake_purpose" and value not in ("Acquisition", "Activation", "Conversion"):
		frappe.throw(_("Choose a Purpose: Acquisition, Activation or Conversion."))
	if fieldname == "category" and value and not frappe.db.exists("KOL Category", value):
		frappe.throw(_("KOL Category {0} not found").format(value), frappe.DoesNotExistError)
	if fieldname == "tier" and value and not frappe.db.exists("KOL Tier", value):
		frappe.throw(_("KOL Tier {0} not found").format(value), frappe.DoesNotExistError)
	if fieldname == "tier" and value and not (reason or "").strip():
		frappe.throw(_("Pin Reason is required to pin the tier."), title=_("Invalid value"))
	if fieldname == "operator" and value:
		enabled = frappe.db.get_value("User", value, "enabled")
		if not enabled or not {OPERATOR, MANAGER} & set(frappe.get_roles(value)):
			frappe.throw(_("{0} is not an enabled KOL Operator or KOL Manager.").format(value))

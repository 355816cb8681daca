"""Bulk actions on KOLs selected in the list view (``kol_list.js``).

Set the operator, category, tier or purpose; apply a KOL Lifecycle action; send a templated
outreach email; send the Code of Conduct (after a rule change); enroll in a follow-up sequence;
add to a community group. Each KOL is handled on its own, in a savepoint:
a KOL that fails (no permission, a workflow guard, a validation) is rolled back and reported
with its reason, and the others go through. The user must be allowed to write each KOL
(operators: the KOLs they own or are assigned to).

Up to ``INLINE_LIMIT`` KOLs run in the request and the summary is returned. Larger selections
become a KOL Bulk Run: a record the user opens (its status, progress and a result row per KOL),
worked through in the background as that user, in chunks of ``chunk_size()`` KOLs, each committed
with the run's checkpoint (``kol_crm.utils.jobs``): a worker killed or Redis restarted in the
middle of a run, the run goes on from its checkpoint, and no KOL is emailed twice nor left out.
Each chunk moves the progress bar; the end sends a ``kol_bulk_action_done`` realtime event to the
user carrying the summary.

A summary is ``{"action", "total", "queued", "done": [...], "skipped": [...], "failed": [...]}``,
each entry ``{"kol", "kol_name", "message"}``.
"""

import hashlib
import json

import frappe
from frappe import _
from frappe.model.workflow import apply_workflow, get_transitions
from frappe.utils import cint, now_datetime, strip_html

from kol_crm.community import groups
from kol_crm.intelligence import rules
from kol_crm.outreach import email as outreach
from kol_crm.outreach import sequences
from kol_crm.permissions import MANAGER, OPERATOR
from kol_crm.portal import code_of_conduct
from kol_crm.utils import jobs
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
	"""Run ``action`` for each KOL: inline for a few, as a KOL Bulk Run in the background for more."""
	names = parse_names(names)
	frappe.has_permission("KOL", "write", throw=True)
	if len(names) > INLINE_LIMIT:
		return start_run(action, names, params)
	return process(action, names, params)


def job_id(action: str, names: list[str], params: dict) -> str:
	"""The request's key: the same request twice (a double click) while its run is going: one run."""
	key = json.dumps([frappe.session.user, action, names, params], sort_keys=True)
	return f"kol_bulk_{action}_{hashlib.sha1(key.encode()).hexdigest()}"


def process(action: str, names: list[str], params: dict) -> dict:
	"""The summary of ``action`` done for each KOL in this request (a few KOLs)."""
	fn = ACTIONS[action]
	summary = {"action": action, "total": len(names), "queued": False, DONE: [], SKIPPED: [], FAILED: []}
	for name in names:
		status, entry = process_one(fn, name, params)
		summary[status].append(entry)
	return summary


# ------------------------------------------------------------------ in the background

RUN = "KOL Bulk Run"
ROW = "KOL Bulk Run Row"
DEFAULT_CHUNK_SIZE = 20
RESULTS = {DONE: "Done", SKIPPED: "Skipped", FAILED: "Failed"}
COUNT_FIELDS = {DONE: "done_count", SKIPPED: "skipped_count", FAILED: "failed_count"}


def chunk_size() -> int:
	"""KOLs per chunk (a transaction): site config ``kol_bulk_chunk_size`` (default 20)."""
	return max(cint(frappe.conf.get("kol_bulk_chunk_size")) or DEFAULT_CHUNK_SIZE, 1)


def start_run(action: str, names: list[str], params: dict) -> dict:
	"""A KOL Bulk Run with a Pending row per KOL, its first job queued; the user follows it on the
	run's form. The same request while its run is going returns that run."""
	key = job_id(action, names, params)
	run = frappe.db.get_value(RUN, {"request_key": key, "status": jobs.RUNNING}, "name")
	if not run:
		doc = frappe.get_doc(
			{
				"doctype": RUN,
				"action": action,
				"parameters": json.dumps(params, sort_keys=True),
				"started_by": frappe.session.user,
				"request_key": key,
			}
		)
		doc.insert(ignore_permissions=True)  # the code records the user's own run (read-only in the desk)
		add_rows(doc.name, names)
		jobs.start(BulkRun(doc.name), len(names))
		run = doc.name
	return {"action": action, "total": len(names), "queued": True, "run": run}


def add_rows(run: str, names: list[str]) -> None:
	"""One Pending result row per KOL, in the order selected (one statement per 1,000)."""
	now, user = now_datetime(), frappe.session.user
	fields = ("name", "creation", "modified", "owner", "modified_by", "parent", "parenttype")
	fields += ("parentfield", "idx", "kol", "result")
	rows = [
		(frappe.generate_hash(length=10), now, now, user, user, run, RUN, "results", idx, name, "Pending")
		for idx, name in enumerate(names, 1)
	]
	frappe.db.bulk_insert(ROW, fields, rows, chunk_size=1000)


class BulkRun(jobs.ResumableRun):
	"""A bulk action in chunks of ``chunk_size()`` KOLs (``kol_crm.utils.jobs``): the chunk's KOLs
	are changed or emailed, their result rows, the run's counts and its checkpoint (the last row's
	``idx``) written in one transaction, so that a KOL is emailed once even when its chunk is done
	again after a crash."""

	kind = "bulk"
	doctype = RUN

	def prepare(self, state: frappe._dict) -> None:
		self.action = state.action
		self.fn = ACTIONS[state.action]
		self.params = json.loads(state.parameters or "{}")

	def chunk(self, state: frappe._dict) -> tuple[int, int, dict, bool]:
		after = cint(state.checkpoint)
		rows = frappe.get_all(
			ROW,
			filters={"parent": self.name, "parenttype": RUN, "idx": (">", after)},
			fields=["name", "idx", "kol"],
			order_by="idx",
			limit=chunk_size(),
		)
		counts = dict.fromkeys(RESULTS, 0)
		for row in rows:
			status, entry = process_one(self.fn, row.kol, self.params)
			counts[status] += 1
			frappe.db.set_value(
				ROW,
				row.name,
				{"result": RESULTS[status], "kol_name": entry["kol_name"], "message": entry["message"]},
				update_modified=False,
			)
		last = rows[-1].idx if rows else after
		values = {COUNT_FIELDS[s]: cint(state[COUNT_FIELDS[s]]) + n for s, n in counts.items()}
		return last, len(rows), values, last >= cint(state.total)

	def finish(self, state: frappe._dict) -> dict:
		return {"status": "Completed with Errors" if cint(state.failed_count) else "Completed"}

	def after_finish(self, state: frappe._dict) -> None:
		frappe.publish_realtime(DONE_EVENT, summary(self.name), user=state.started_by or state.owner)

	def user(self, state: frappe._dict) -> str:
		return state.started_by or state.owner

	def describe(self, done: int, total: int) -> str:
		return _("{0} of {1} KOLs").format(done, total)

	def progress_title(self) -> str:
		return _(TITLES[self.action])

	def progress_on_record(self) -> bool:
		return False  # the user who started it sees the bar anywhere in the desk, as before


def summary(run: str) -> dict:
	"""A bulk run's results in the form of an inline action's summary (plus the run's name)."""
	doc = frappe.db.get_value(RUN, run, ["action", "total"], as_dict=True)
	out = {
		"action": doc.action,
		"total": doc.total,
		"queued": True,
		"run": run,
		DONE: [],
		SKIPPED: [],
		FAILED: [],
	}
	status = {label: key for key, label in RESULTS.items()}
	for row in frappe.get_all(
		ROW,
		filters={"parent": run, "parenttype": RUN},
		fields=["kol", "kol_name", "result", "message"],
		order_by="idx",
	):
		if row.result in status:
			out[status[row.result]].append(
				{"kol": row.kol, "kol_name": row.kol_name, "message": row.message or ""}
			)
	return out


def run_job(action: str, names: list[str], params: dict) -> dict:
	"""A job queued by an earlier version (one job for every KOL): becomes a KOL Bulk Run."""
	return start_run(action, names, params)


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

"""Rules at the start (设立规则): the code of conduct a KOL acknowledges before activation and before
every new partnership.

- **The rules version** is the latest ``text_changed_on`` of the enabled KOL Rules: adding an
  enabled rule, enabling one, or changing a rule's title or text moves it on. Disabling a rule does
  not ask anyone to acknowledge again.
- **An acknowledgement** (KOL Rule Acknowledgement) is of one version. A KOL has acknowledged the
  current rules when one of its acknowledgements is of the current version or a later one; after
  a change every KOL acknowledges again.
- **How**: by the KOL, through the signed link of the Code of Conduct email
  (``portal/code_of_conduct.py``) or on the portal; or recorded by an operator, with evidence.
- **Guards**: the KOL Lifecycle refuses any move to Active, and KOL Partnership refuses a new
  partnership, without it (``refusal_reason``).
- **Shipped rules**: ``kol_crm/setup/rules.py``.
"""

import frappe
from frappe import _
from frappe.utils import get_datetime, getdate, now_datetime

from kol_crm.utils.docs import field_changed

SIGNED_LINK, PORTAL, OPERATOR = "Signed Link", "Portal", "Operator"
METHODS = (SIGNED_LINK, PORTAL, OPERATOR)

# ------------------------------------------------------------------ the rules and their version


def enabled_rules() -> list[dict]:
	"""The enabled rules, in a stable order (as the email and the portal show them)."""
	return frappe.get_all(
		"KOL Rule",
		filters={"disabled": 0},
		fields=["name", "rule_title", "description", "default_severity", "text_changed_on", "creation"],
		order_by="creation asc, name asc",
	)


def current_version(rules: list[dict] | None = None):
	"""The current rules version (a datetime), or None when no rule is enabled."""
	rules = enabled_rules() if rules is None else rules
	changes = [get_datetime(r.text_changed_on or r.creation) for r in rules]
	return max(changes) if changes else None


def version_label(version) -> str:
	return frappe.format(get_datetime(version), "Datetime") if version else _("none")


def set_text_changed_on(rule) -> None:
	"""KOL Rule.validate: a new rule, an enabled one, or a new title or text moves the version on.
	Decided by the server on what is stored: a value sent for the field is never taken."""
	before = rule.get_doc_before_save()
	if rule.is_new() or not before:
		rule.text_changed_on = now_datetime()
		return
	rule.text_changed_on = before.text_changed_on
	enabled = before.disabled and not rule.disabled
	if enabled or field_changed(rule, "rule_title", "description"):
		rule.text_changed_on = now_datetime()


def announce_change(rule) -> None:
	"""KOL Rule.on_update: when the rules version moved, say how many KOLs must acknowledge again."""
	before = rule.get_doc_before_save()
	if rule.disabled or (before and before.text_changed_on == rule.text_changed_on):
		return  # (set_text_changed_on keeps the stored value when the version doesn't move)
	active = frappe.db.count("KOL", {"workflow_state": "Active"})
	if not active:
		return
	frappe.msgprint(
		_(
			"The rules changed: all {0} Active KOLs must acknowledge them again before their next partnership. Send them the Code of Conduct: select them in the KOL list, then Actions, Send Code of Conduct."
		).format(active),
		title=_("Rules changed"),
		indicator="orange",
	)


def translated(rule: dict) -> dict:
	"""A rule for the KOL: the shipped rules in the reader's language (an edited text as written)."""
	return {"name": rule.name, "title": _(rule.rule_title), "text": _(rule.description)}


# ------------------------------------------------------------------ acknowledgements


def latest_acknowledgement(kol: str) -> dict | None:
	rows = frappe.get_all(
		"KOL Rule Acknowledgement",
		filters={"kol": kol},
		fields=["name", "rules_version", "acknowledged_on", "method"],
		order_by="rules_version desc, acknowledged_on desc",
		limit=1,
	)
	return rows[0] if rows else None


def has_acknowledged(kol: str, version=None) -> bool:
	"""Whether ``kol`` acknowledged the rules of ``version`` (default: the current one) or later."""
	version = current_version() if version is None else version
	if not version:
		return True  # no enabled rule: nothing to acknowledge
	latest = latest_acknowledgement(kol)
	return bool(latest) and get_datetime(latest.rules_version) >= get_datetime(version)


def acknowledgement_of_rule(kol: str, rule: str) -> dict | None:
	"""The KOL's first acknowledgement of a rules version holding ``rule`` as it reads now."""
	changed = frappe.db.get_value("KOL Rule", rule, ["text_changed_on", "creation"], as_dict=True)
	if not changed:
		return None
	rows = frappe.get_all(
		"KOL Rule Acknowledgement",
		filters={"kol": kol, "rules_version": (">=", changed.text_changed_on or changed.creation)},
		fields=["name", "acknowledged_on", "method"],
		order_by="acknowledged_on asc",
		limit=1,
	)
	return rows[0] if rows else None


def refusal_reason(kol: str, kol_name: str | None, action: str) -> str | None:
	"""Why ``kol`` may not go on with ``action`` (a translated phrase) for its rules; None if it may."""
	version = current_version()
	if not version or has_acknowledged(kol, version):
		return None
	latest = latest_acknowledgement(kol)
	name = frappe.bold(kol_name or kol)
	if latest:
		return _(
			"{0} acknowledged the rules of {1}, but the rules changed on {2}: the KOL must acknowledge the current rules before {3}. Use Send Code of Conduct on the KOL, or record the acknowledgement with evidence."
		).format(name, version_label(latest.rules_version), version_label(version), action)
	return _(
		"{0} has not acknowledged the current rules (version of {1}): the KOL must acknowledge them before {2}. Use Send Code of Conduct on the KOL, or record the acknowledgement with evidence."
	).format(name, version_label(version), action)


def activation_reason(doc, from_state: str | None, to_state: str) -> str | None:
	"""KOL Lifecycle guard: every move to Active needs the current rules acknowledged."""
	if to_state != "Active" or from_state == "Active" or doc.is_new():
		return None
	return refusal_reason(doc.name, doc.kol_name, _("becoming Active"))


def check_new_partnership(doc) -> None:
	"""KOL Partnership.validate: a new partnership needs the current rules acknowledged; the
	partnership then records that acknowledgement (date and rules)."""
	if not doc.is_new() or not doc.kol:
		return
	kol_name = frappe.db.get_value("KOL", doc.kol, "kol_name")
	if reason := refusal_reason(doc.kol, kol_name, _("a new partnership")):
		frappe.throw(reason, title=_("Rules not acknowledged"))
	latest = latest_acknowledgement(doc.kol)
	if latest and not doc.rules_acknowledged and not doc.acknowledged_rules:
		doc.rules_acknowledged = 1
		doc.rules_acknowledged_on = getdate(latest.acknowledged_on)


def validate_acknowledgement(doc) -> None:
	"""KOL Rule Acknowledgement.validate: recorded once, of the current rules; an operator's record
	needs evidence. The version, the time and who recorded it are the server's, never the client's."""
	if not doc.is_new():
		frappe.throw(
			_("An acknowledgement can't be changed once recorded; record a new one instead."),
			frappe.PermissionError,
			title=_("Not permitted"),
		)
	rules = enabled_rules()
	version = current_version(rules)
	if not version:
		frappe.throw(_("There are no enabled rules to acknowledge."), title=_("Invalid value"))
	if not doc.flags.recorded_by_kol:
		doc.method = OPERATOR  # from the desk or REST: the KOL's own ways are the link and the portal
	doc.evidence = (doc.evidence or "").strip() or None
	if doc.method == OPERATOR and not doc.evidence:
		frappe.throw(
			_(
				"Evidence is required when an operator records the acknowledgement: say how and when the KOL acknowledged the rules (their email or message), or attach it."
			),
			title=_("Missing value"),
		)
	doc.rules_version = version
	doc.acknowledged_on = now_datetime()
	doc.recorded_by = frappe.session.user
	doc.kol_name = frappe.db.get_value("KOL", doc.kol, "kol_name")
	doc.rules_acknowledged = "\n".join(r.rule_title for r in rules)
	if frappe.db.exists("KOL Rule Acknowledgement", {"kol": doc.kol, "rules_version": version}):
		frappe.throw(
			_("{0} has already acknowledged the current rules (version of {1}).").format(
				frappe.bold(doc.kol_name or doc.kol), version_label(version)
			),
			frappe.DuplicateEntryError,
			title=_("Already acknowledged"),
		)


def delete_kol_acknowledgements(kol) -> None:
	"""KOL.on_trash: a deleted KOL takes its acknowledgements with it."""
	frappe.db.delete("KOL Rule Acknowledgement", {"kol": kol.name})


def log_acknowledgement(doc) -> None:
	"""KOL Rule Acknowledgement.after_insert: a line on the KOL's timeline for its operator."""
	frappe.get_doc("KOL", doc.kol).add_comment(
		"Info",
		_("Acknowledged the rules (version of {0}): {1}.").format(
			version_label(doc.rules_version), _(doc.method)
		),
	)


def record_by_kol(kol: str, method: str) -> dict:
	"""The KOL acknowledges the current rules itself (signed link or portal). Idempotent: a KOL that
	already acknowledged them gets the recorded acknowledgement back. The caller checked that the
	request is the KOL's (a verified token, or the portal user's own KOL)."""
	version = current_version()
	if not version:
		return {"acknowledged": True, "new": False, "rules_version": None}  # no rule to acknowledge
	if has_acknowledged(kol, version):
		latest = latest_acknowledgement(kol)
		return {"acknowledged": True, "new": False, "rules_version": str(latest.rules_version)}
	doc = frappe.get_doc({"doctype": "KOL Rule Acknowledgement", "kol": kol, "method": method})
	doc.flags.recorded_by_kol = True
	# a guest (the link) or a portal user (no DocPerm) acts here: the caller verified the KOL
	doc.insert(ignore_permissions=True)
	return {"acknowledged": True, "new": True, "rules_version": str(doc.rules_version)}


def status(kol: str) -> dict:
	"""What the KOL form shows: the current version and whether this KOL acknowledged it."""
	version = current_version()
	latest = latest_acknowledgement(kol)
	return {
		"rules_version": str(version) if version else None,
		"rules_version_label": version_label(version),
		"acknowledged": has_acknowledged(kol, version) if version else True,
		"latest": {
			"name": latest.name,
			"rules_version_label": version_label(latest.rules_version),
			"acknowledged_on": str(latest.acknowledged_on),
			"method": _(latest.method),
		}
		if latest
		else None,
	}

"""Referral codes (and links) of partnerships: made, revoked, and revoked automatically.

- A code is human-readable and unique: up to ten letters and digits of the KOL's name (the
  KOL's ID when the name has none, a Chinese name say) and five random characters that can't be
  misread (no 0/O, 1/I/L): ``LINGLING-7KQ4X``. Its link is the settings' Referral Link Template
  with ``{code}`` replaced.
- Whoever may edit the stored partnership (a KOL Manager, the KOL's operator) generates and
  revokes its codes. A revoked code stays revoked.
- Codes are revoked automatically when the KOL's privileges are **revoked** (a violation's
  penalty, or offboarding) or **suspended by a violation** (a suspension with an end date).
  Dormancy also suspends privileges, without an end date: it revokes no code, as a dormant KOL
  broke no rule. No tier or pin exempts a KOL.
"""

import re
import secrets

import frappe
from frappe import _
from frappe.utils import cstr, now_datetime

from kol_crm.permissions import may_change_partnership
from kol_crm.utils.settings import get_settings

SUFFIX_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SUFFIX_LENGTH = 5
STEM_LENGTH = 10
ACTIVE, REVOKED = "Active", "Revoked"
OPEN_PARTNERSHIP = ("Active", "Paused")


def code_stem(kol_name: str | None, kol: str) -> str:
	stem = re.sub(r"[^A-Z0-9]", "", cstr(kol_name).upper())[:STEM_LENGTH]
	return stem or re.sub(r"[^A-Z0-9]", "", kol.upper())[:STEM_LENGTH] or "KOL"


def new_code(kol_name: str | None, kol: str) -> str:
	stem = code_stem(kol_name, kol)
	for _attempt in range(20):
		code = f"{stem}-{''.join(secrets.choice(SUFFIX_ALPHABET) for _i in range(SUFFIX_LENGTH))}"
		if not frappe.db.exists("KOL Referral Code", code):
			return code
	frappe.throw(_("Could not find a free referral code; try again."))


def referral_link(code: str) -> str | None:
	template = (get_settings().get("referral_link_template") or "").strip()
	return template.replace("{code}", code) if template else None


@frappe.whitelist(methods=["POST"])
def generate_referral_code(partnership: str) -> dict:
	"""A new code for the partnership (the button on its form)."""
	if not may_change_partnership(partnership):
		frappe.throw(
			_("You can only generate referral codes for partnerships you may edit."),
			frappe.PermissionError,
			title=_("Not permitted"),
		)
	doc = make_code(partnership)
	return {"code": doc.name, "referral_link": doc.referral_link}


def make_code(partnership: str):
	p = frappe.db.get_value("KOL Partnership", partnership, ["kol", "kol_name", "status"], as_dict=True)
	if p.status not in OPEN_PARTNERSHIP:
		frappe.throw(
			_("Partnership {0} is {1}: only an active or paused partnership gets new referral codes.").format(
				partnership, _(p.status)
			),
			title=_("Invalid value"),
		)
	status, until = frappe.db.get_value("KOL", p.kol, ["privilege_status", "privileges_suspended_until"])
	if revokes_codes(status, until):
		frappe.throw(
			_("The privileges of KOL {0} are {1}: no new referral code until they are restored.").format(
				p.kol, _(status).lower()
			),
			title=_("Not permitted"),
		)
	code = new_code(p.kol_name, p.kol)
	doc = frappe.get_doc(
		{
			"doctype": "KOL Referral Code",
			"code": code,
			"partnership": partnership,
			"kol": p.kol,
			"status": ACTIVE,
			"referral_link": referral_link(code),
		}
	)
	# the DocType has no create permission: codes are made here, after may_change_partnership
	doc.insert(ignore_permissions=True)
	return doc


@frappe.whitelist(methods=["POST"])
def revoke_referral_code(code: str, reason: str) -> dict:
	"""Revoke a code by hand (the button on its form), with the reason."""
	partnership = frappe.db.get_value("KOL Referral Code", code, "partnership") if code else None
	if not partnership or not may_change_partnership(partnership):
		frappe.throw(
			_("You can only revoke referral codes of partnerships you may edit."),
			frappe.PermissionError,
			title=_("Not permitted"),
		)
	if not cstr(reason).strip():
		frappe.throw(_("Give the reason for revoking the referral code."), title=_("Invalid value"))
	doc = frappe.get_doc("KOL Referral Code", code)
	if doc.status == REVOKED:
		frappe.throw(_("Referral code {0} is already revoked.").format(code), title=_("Invalid value"))
	revoke(doc, cstr(reason).strip())
	return {"code": doc.name, "status": doc.status}


def revoke(doc, reason: str) -> None:
	doc.update(
		{
			"status": REVOKED,
			"revoked_on": now_datetime(),
			"revoked_by": frappe.session.user,
			"revoked_reason": reason,
		}
	)
	doc.flags.ignore_permissions = True  # every field is read-only: revocation is this module's
	doc.save()


def revokes_codes(status: str | None, suspended_until) -> bool:
	"""Privileges revoked, or suspended by a violation (which sets an end date; dormancy doesn't)."""
	return status == "Revoked" or (status == "Suspended" and bool(suspended_until))


def on_privilege_change(kol) -> None:
	"""KOL.on_update: a penalty or offboarding revokes the KOL's active codes, with the reason."""
	before = kol.get_doc_before_save()
	if not revokes_codes(kol.privilege_status, kol.privileges_suspended_until):
		return
	if before and revokes_codes(before.privilege_status, before.privileges_suspended_until):
		return  # already revoked when the status changed
	reason = _("Privileges {0}: {1}").format(
		_(kol.privilege_status).lower(), kol.privilege_status_reason or ""
	)
	for name in frappe.get_all(
		"KOL Referral Code", filters={"kol": kol.name, "status": ACTIVE}, pluck="name"
	):
		doc = frappe.get_doc("KOL Referral Code", name)
		revoke(doc, reason)
		kol.add_comment("Info", _("Referral code {0} revoked: {1}").format(name, reason))


def validate_code(doc) -> None:
	"""KOL Referral Code.validate: the KOL follows the partnership; a revoked code stays revoked."""
	doc.code = cstr(doc.code).strip().upper()
	doc.kol = frappe.db.get_value("KOL Partnership", doc.partnership, "kol")
	before = doc.get_doc_before_save()
	if before and before.status == REVOKED and doc.status != REVOKED:
		frappe.throw(
			_("A revoked referral code stays revoked; generate a new code instead."), title=_("Invalid value")
		)
	if before and (before.code != doc.code or before.partnership != doc.partnership):
		frappe.throw(_("A referral code's code and partnership never change."), title=_("Invalid value"))
	if doc.status == REVOKED and not cstr(doc.revoked_reason).strip():
		frappe.throw(_("Give the reason for revoking the referral code."), title=_("Invalid value"))

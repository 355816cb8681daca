"""Field validation shared by the KOL CRM DocTypes.

Each check names the field and what is wrong with its value, in a translated message,
so that a rejected save tells the person exactly what to fix.
"""

import re

import frappe
from frappe import _
from frappe.utils import EMAIL_MATCH_PATTERN, cint, cstr, flt, getdate

MAX_FOLLOWERS = 1_000_000_000  # more than any real account has
MAX_TOTAL_FOLLOWERS = 2_000_000_000  # the column is a signed 32-bit int
PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()\-.]{5,24}$")
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*\.[^\s]+$|^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
WECHAT_RE = re.compile(r"^[a-zA-Z][-_a-zA-Z0-9]{5,19}$")


def invalid(message: str) -> None:
	frappe.throw(message, title=_("Invalid value"))


def label(doc, fieldname: str) -> str:
	return _(doc.meta.get_label(fieldname))


def validate_email(doc, fieldname: str = "email") -> None:
	"""Exactly one plain address (Frappe's own check accepts a comma-separated list, or a display name)."""
	value = (doc.get(fieldname) or "").strip()
	doc.set(fieldname, value or None)
	if not value or EMAIL_MATCH_PATTERN.fullmatch(value):
		return
	if value.count("@") > 1 or "<" in value:
		invalid(
			_("{0}: {1} is not one address; give exactly one address, like name@example.com.").format(
				label(doc, fieldname), frappe.bold(frappe.utils.escape_html(value))
			)
		)
	invalid(
		_("{0}: {1} is not a valid email address.").format(
			label(doc, fieldname), frappe.bold(frappe.utils.escape_html(value))
		)
	)


def email_list(value: str | None) -> list[str]:
	"""The addresses of a one-per-line field (commas, semicolons and spaces separate them too)."""
	return [part for part in re.split(r"[\s,;]+", value or "") if part]


def validate_email_list(doc, fieldname: str) -> None:
	"""Plain addresses, one per line; stored one per line, lower case, without repeats."""
	addresses = []
	for value in email_list(doc.get(fieldname)):
		if not EMAIL_MATCH_PATTERN.fullmatch(value):
			invalid(
				_("{0}: {1} is not a valid email address.").format(
					label(doc, fieldname), frappe.bold(frappe.utils.escape_html(value))
				)
			)
		if value.lower() not in addresses:
			addresses.append(value.lower())
	doc.set(fieldname, "\n".join(addresses) or None)


def validate_phone(doc, fieldname: str = "phone") -> None:
	value = (doc.get(fieldname) or "").strip()
	doc.set(fieldname, value or None)
	if value and (not PHONE_RE.match(value) or len(re.sub(r"\D", "", value)) < 6):
		invalid(
			_("{0}: {1} is not a valid phone number. Use digits, spaces and an optional leading +.").format(
				label(doc, fieldname), frappe.bold(value)
			)
		)


def validate_wechat(doc, fieldname: str = "wechat") -> None:
	value = (doc.get(fieldname) or "").strip()
	doc.set(fieldname, value or None)
	if value and not WECHAT_RE.match(value):
		invalid(
			_(
				"{0}: {1} is not a valid WeChat ID (6-20 letters, digits, - or _, starting with a letter)."
			).format(label(doc, fieldname), frappe.bold(value))
		)


def validate_url(doc, fieldname: str, row_label: str = "") -> None:
	value = (doc.get(fieldname) or "").strip()
	doc.set(fieldname, value or None)
	if value and not URL_RE.match(value):
		invalid(
			_("{0}{1}: {2} is not a valid web address; it must start with http:// or https://.").format(
				row_label, label(doc, fieldname), frappe.bold(value)
			)
		)


def validate_followers(doc, fieldname: str = "followers", row_label: str = "") -> None:
	value = doc.get(fieldname)
	if value is None:
		return
	if value < 0:
		invalid(_("{0}{1} cannot be negative ({2}).").format(row_label, label(doc, fieldname), value))
	if value > MAX_FOLLOWERS:
		invalid(
			_("{0}{1}: {2} is more than {3}; check the figure.").format(
				row_label,
				label(doc, fieldname),
				frappe.format(value, "Int"),
				frappe.format(MAX_FOLLOWERS, "Int"),
			)
		)


def validate_percent(doc, fieldname: str, row_label: str = "") -> None:
	value = doc.get(fieldname)
	if value is None:
		return
	if not 0 <= value <= 100:
		invalid(
			_("{0}{1} must be between 0 and 100 (got {2}).").format(row_label, label(doc, fieldname), value)
		)


def validate_date_order(doc, start_field: str, end_field: str) -> None:
	start, end = doc.get(start_field), doc.get(end_field)
	if start and end and getdate(end) < getdate(start):
		invalid(
			_("{0} ({1}) cannot be before {2} ({3}).").format(
				label(doc, end_field),
				frappe.format(end, "Date"),
				label(doc, start_field),
				frappe.format(start, "Date"),
			)
		)


def row_label(row) -> str:
	return _("Row #{0} in {1}: ").format(row.idx, _(row.doctype))


def normalise_handle(handle: str | None) -> str:
	return (handle or "").strip().lstrip("@").strip()


def normalised(doc, fieldnames) -> tuple:
	"""Comparable values of ``fieldnames`` (a stored 100.0 equals a typed "100")."""

	out = []
	for fieldname in fieldnames:
		value = doc.get(fieldname)
		fieldtype = doc.meta.get_field(fieldname).fieldtype if doc.meta.get_field(fieldname) else "Data"
		if fieldtype in ("Currency", "Float", "Percent"):
			out.append(flt(value))
		elif fieldtype in ("Int", "Check"):
			out.append(cint(value))
		elif fieldtype == "Date":
			out.append(str(getdate(value)) if value else "")
		elif fieldtype == "Table":
			child_fields = [
				df.fieldname
				for df in frappe.get_meta(doc.meta.get_field(fieldname).options).fields
				if df.fieldtype not in ("Section Break", "Column Break")
			]
			out.append(tuple(normalised(row, child_fields) for row in value or []))
		else:
			out.append(cstr(value))
	return tuple(out)

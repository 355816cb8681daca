"""Personal data never reaches the public page of a case study.

The case study stores none of the KOL's personal fields; its texts are written by people, so
before it is published (and while it stays published) every text the website shows is checked
against the KOL's **stored** personal values (email addresses, phones, WeChat ID, address, the
agent's contact) and for anything that looks like an email address.
"""

import re

import frappe
from frappe import _

from kol_crm.permissions import personal_fields
from kol_crm.utils import validation as v

# what the website shows of a case study (kol_crm/casestudies/website.py)
PUBLIC_TEXT_FIELDS = ("title", "public_name", "summary", "what_worked", "lessons")
PUBLIC_ROW_FIELDS = ("title", "live_url")
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
# a number written in a text, with the separators people put in phone numbers
NUMBER_RE = re.compile(r"\+?\d[\d\s\-().]{5,}\d")
# shorter values (a 3-digit fragment of an address) would match ordinary words and numbers
MIN_LENGTH = 5
# a phone is recognised by its last digits, with or without its country code or trunk prefix
PHONE_DIGITS = 8


def _digits(value: str) -> str:
	return re.sub(r"\D", "", value)


def kol_personal_values(kol: str | None) -> tuple[set[str], set[str]]:
	"""(texts, digit strings) of the KOL's stored personal fields, lower case."""
	if not kol:
		return set(), set()
	fields = [f for f in personal_fields("KOL") if f != "email_invalid_reason"]
	stored = frappe.db.get_value("KOL", kol, fields, as_dict=True) or {}
	texts, digits = set(), set()
	for fieldname, value in stored.items():
		if not value:
			continue
		parts = v.email_list(value) if fieldname == "other_emails" else [value]
		for part in parts:
			part = str(part).strip().lower()
			if "phone" in fieldname:
				if len(_digits(part)) >= MIN_LENGTH:
					digits.add(_digits(part)[-PHONE_DIGITS:])
			elif len(part) >= MIN_LENGTH:
				texts.add(part)
	return texts, digits


def personal_data_found(doc) -> list[str]:
	"""The labels of the public fields (and content rows) of ``doc`` that hold the KOL's personal
	data or an email address."""
	texts, digits = kol_personal_values(doc.get("kol"))

	def holds(value) -> bool:
		value = str(value or "").lower()
		if not value:
			return False
		if EMAIL_RE.search(value) or any(t in value for t in texts):
			return True
		numbers = [_digits(n) for n in NUMBER_RE.findall(value)]
		return any(d in n for d in digits for n in numbers)

	found = [v.label(doc, f) for f in PUBLIC_TEXT_FIELDS if holds(doc.get(f))]
	for row in doc.get("content") or []:
		if any(holds(row.get(f)) for f in PUBLIC_ROW_FIELDS):
			found.append(_("Content row #{0}").format(row.idx))
	return found

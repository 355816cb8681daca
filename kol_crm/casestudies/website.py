"""What the website shows of the case studies: ``/kol-case-studies`` (Frappe's web list of the
DocType, through ``get_list_context``) and each published case study's own page.

Only published case studies, and of them only the public fields below: never the KOL's record,
their name in our books, money amounts or anything personal. Guests read them here and nowhere
else (the DocType gives Guest no permission, so REST and the desk refuse them).
"""

import frappe
from frappe import _
from frappe.utils import cint

from kol_crm.utils import validation as v

# the columns the list may read (rows of the web list and of frappe.www.list.get)
LIST_FIELDS = ("name", "route", "title", "public_name", "purpose", "summary", "published_on")
RESULT_FIELDS = (
	("result_new_users", "target_new_users", "New Users"),
	("result_activated_users", "target_activated_users", "Activated Users"),
	("result_paid_conversions", "target_paid_conversions", "Paid Conversions"),
)
MAX_PAGE = 100


def public_list(
	doctype: str = "KOL Case Study",
	txt: str | None = None,
	filters: dict | None = None,
	limit_start: int = 0,
	limit_page_length: int = 20,
	order_by: str | None = None,
	**kwargs,
) -> list[dict]:
	"""The web list's rows: published case studies only, newest first, searched by ``txt``;
	whatever else the caller sent (filters, fields, sort) is not used."""
	conditions = {"published": 1}
	or_filters = None
	if txt and isinstance(txt, str):
		or_filters = {field: ("like", f"%{txt}%") for field in ("title", "public_name", "summary")}
	return frappe.get_all(
		"KOL Case Study",
		filters=conditions,
		or_filters=or_filters,
		fields=list(LIST_FIELDS),
		order_by="published_on desc, name desc",
		limit_start=max(cint(limit_start), 0),
		limit_page_length=min(max(cint(limit_page_length), 1), MAX_PAGE + 1),
	)


def list_context(context) -> dict:
	context.update(
		{
			"title": _("KOL Case Studies"),
			"introduction": _("How creators and our team worked together, and what came of it."),
			"get_list": public_list,
			"row_template": "kol_crm/kol_crm/doctype/kol_case_study/templates/kol_case_study_row.html",
			"no_breadcrumbs": True,
			"show_sidebar": False,
		}
	)
	return context


def safe_url(value: str | None) -> str | None:
	value = (value or "").strip()
	return value if v.URL_RE.match(value) else None


def page_context(doc, context) -> None:
	"""A published case study's page: its public fields only (``context.case_study``)."""
	if not doc.published:
		raise frappe.DoesNotExistError
	context.no_cache = 1
	context.title = doc.title
	context.case_study = frappe._dict(
		title=doc.title,
		public_name=doc.public_name,
		purpose=_(doc.purpose) if doc.purpose else None,
		published_on=doc.published_on,
		summary=doc.summary,
		what_worked=doc.what_worked,
		lessons=doc.lessons,
		roi=doc.roi,
		results=[
			frappe._dict(label=_(label), result=doc.get(result), target=doc.get(target))
			for result, target, label in RESULT_FIELDS
			if doc.get(result) or doc.get(target)
		],
		content=[
			frappe._dict(title=row.title or row.live_url, url=url, published_on=row.published_on)
			for row in doc.content
			if (url := safe_url(row.live_url))
		],
	)
	context.parents = [{"route": "kol-case-studies", "title": _("KOL Case Studies")}]

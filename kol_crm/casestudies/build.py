"""A case study made from a completed partnership, and what it takes from it on every save.

Everything the case study says about the partnership is read from stored records, never taken
from the client: the KOL, purpose, KPI targets and the results attributed through the
partnership's referral codes (``kol_crm.platform.attribution``), the cost and ROI
(``kol_crm.deals.roi``), and the live URLs of the partnership's published content.
"""

import frappe
from frappe import _
from frappe.utils import cstr, escape_html, flt, nowdate

from kol_crm.deals import roi
from kol_crm.permissions import may_change_partnership
from kol_crm.utils import validation as v
from kol_crm.workflows import kol_case_study as workflow

COMPLETED = "Completed"
PUBLISHED_CONTENT = "Published"
# the partnership's figures a case study keeps (same field names on both)
PARTNERSHIP_FIELDS = (
	"kol",
	"purpose",
	"currency",
	"target_new_users",
	"target_activated_users",
	"target_paid_conversions",
	"result_new_users",
	"result_activated_users",
	"result_paid_conversions",
	"result_revenue",
)
CONTENT_FIELDS = ("title", "live_url", "published_on", "views", "engagement_rate")


def check_may_make(partnership: str | None) -> None:
	"""A case study is made by whoever may write the **stored** partnership (the KOL's operator
	or a KOL Manager), from a Completed partnership only."""
	if not isinstance(partnership, str) or not partnership:
		v.invalid(_("Choose the completed partnership this case study tells."))
	if not may_change_partnership(partnership):
		frappe.throw(
			_("You can only write case studies of partnerships you may edit."),
			frappe.PermissionError,
			title=_("Not permitted"),
		)
	status = frappe.db.get_value("KOL Partnership", partnership, "status")
	if status != COMPLETED:
		v.invalid(
			_("Only a Completed partnership can become a case study; {0} is {1}.").format(
				frappe.bold(partnership), _(status)
			)
		)


def check_one_per_partnership(doc) -> None:
	other = frappe.db.get_value(
		"KOL Case Study", {"partnership": doc.partnership, "name": ("!=", doc.name or "")}, "name"
	)
	if other:
		v.invalid(
			_("Partnership {0} already has case study {1}.").format(
				frappe.bold(doc.partnership), frappe.bold(other)
			)
		)


def validate_partnership(doc) -> None:
	"""KOL Case Study.validate: the partnership is chosen once, by someone who may write it."""
	before = doc.get_doc_before_save()
	if before:
		if cstr(before.partnership) != cstr(doc.partnership):
			v.invalid(_("The partnership of a case study cannot be changed once it is saved."))
		return
	check_may_make(doc.partnership)
	check_one_per_partnership(doc)


def apply_partnership(doc) -> None:
	"""The partnership's KOL, purpose, targets, results, cost and ROI, as stored now (a published
	case study keeps the figures it was published with)."""
	before = doc.get_doc_before_save()
	if before and before.workflow_state == doc.workflow_state == workflow.PUBLISHED:
		return
	stored = frappe.db.get_value(
		"KOL Partnership", doc.partnership, [*PARTNERSHIP_FIELDS, "revenue_share_due"], as_dict=True
	)
	doc.update({field: stored.get(field) for field in PARTNERSHIP_FIELDS})
	doc.kol_name = frappe.db.get_value("KOL", stored.kol, "kol_name")
	spend = frappe.get_all(
		"KOL Benefit",
		filters={"parenttype": "KOL Partnership", "parent": doc.partnership, "parentfield": "benefits"},
		pluck="amount",
	)
	figures = roi.roi_figures(
		sum(flt(a) for a in spend),
		stored.revenue_share_due,
		stored.result_revenue,
		stored.result_paid_conversions or 0,
		stored.result_new_users or 0,
	)
	doc.cost = figures["cost"]
	doc.roi = figures["roi"]


def published_content(partnership: str) -> list[dict]:
	"""The partnership's published content with a live URL, oldest first."""
	return frappe.get_all(
		"KOL Content",
		filters={
			"partnership": partnership,
			"workflow_state": PUBLISHED_CONTENT,
			"live_url": ("is", "set"),
		},
		fields=["name", *CONTENT_FIELDS],
		order_by="published_on asc, name asc",
	)


def sync_content(doc) -> None:
	"""Each content row is a published piece of this partnership, with its stored title, live URL
	and figures (whatever the client sent); a row may be removed, not pointed elsewhere."""
	stored = {row.name: row for row in published_content(doc.partnership)}
	seen = set()
	for row in doc.get("content") or []:
		content = stored.get(row.kol_content)
		if not content:
			v.invalid(
				_("{0}{1} is not published content of partnership {2}.").format(
					v.row_label(row),
					frappe.bold(escape_html(cstr(row.kol_content))),
					frappe.bold(doc.partnership),
				)
			)
		if row.kol_content in seen:
			v.invalid(
				_("{0}{1} is listed twice.").format(
					v.row_label(row), frappe.bold(escape_html(row.kol_content))
				)
			)
		seen.add(row.kol_content)
		row.update({field: content.get(field) for field in CONTENT_FIELDS})


def record_consent(doc) -> None:
	"""Who recorded the KOL's consent and when; withdrawing it takes a published case study off
	the website at once (back to Approved)."""
	before = doc.get_doc_before_save()
	was = bool(before and before.kol_consented)
	if doc.kol_consented and not was:
		doc.consent_recorded_by = frappe.session.user
		doc.consent_recorded_on = nowdate()
	elif not doc.kol_consented:
		doc.consent_recorded_by = None
		doc.consent_recorded_on = None
		if (
			before
			and before.workflow_state == workflow.PUBLISHED
			and doc.workflow_state == workflow.PUBLISHED
		):
			doc.workflow_state = workflow.APPROVED
			frappe.msgprint(
				_("The KOL's consent was withdrawn: the case study is no longer on the website."),
				title=_("Unpublished"),
				indicator="orange",
			)


def set_publication(doc) -> None:
	"""``published`` (what the website reads) follows the workflow state; the route is made once."""
	doc.published = int(doc.workflow_state == workflow.PUBLISHED)
	if doc.published and not doc.published_on:
		doc.published_on = nowdate()
	if not doc.route and doc.published:
		doc.route = f"{doc.meta.route}/{doc.scrub(doc.title)}-{doc.scrub(doc.name)}"[:139]


def new_case_study(partnership: str) -> "frappe.model.document.Document":
	"""A Draft case study of ``partnership``: its title, summary and content links filled in."""
	check_may_make(partnership)
	stored = frappe.db.get_value("KOL Partnership", partnership, ["kol", "purpose", "proposal"], as_dict=True)
	display = frappe.db.get_value("KOL", stored.kol, "display_name")
	title = frappe.db.get_value("KOL Proposal", stored.proposal, "title") if stored.proposal else None
	doc = frappe.get_doc(
		{
			"doctype": "KOL Case Study",
			"partnership": partnership,
			"title": title or _("{0} partnership {1}").format(_(stored.purpose), partnership),
			"summary": _("{0} partnership {1}: what it set out to do and what came of it.").format(
				_(stored.purpose), partnership
			),
			"public_name": display,
			"content": [{"kol_content": row.name} for row in published_content(partnership)],
		}
	)
	return doc.insert()


@frappe.whitelist()
def make_case_study(partnership: str) -> str:
	"""The "Create Case Study" button of a Completed partnership: a Draft case study, its name."""
	check_may_make(partnership)
	if existing := frappe.db.get_value("KOL Case Study", {"partnership": partnership}, "name"):
		return existing  # one per partnership: open it
	return new_case_study(partnership).name

"""Helpers for the operations-intelligence tests: settings, categories, tiers, a frozen clock."""

from contextlib import contextmanager

import frappe
import pytz
from frappe.utils import get_datetime, get_system_timezone
from freezegun import freeze_time

from tests import factories as f


@contextmanager
def frozen(day: str, time: str = "12:00:00"):
	"""Freeze the clock at ``day`` noon in the site's time zone (as FrappeTestCase.freeze_time does)."""
	local = pytz.timezone(get_system_timezone()).localize(get_datetime(f"{day} {time}"))
	with freeze_time(local.astimezone(pytz.utc)):
		yield


def settings(**values):
	"""Save KOL CRM Settings with ``values`` (rolled back with the test)."""
	doc = frappe.get_single("KOL CRM Settings")
	program_categories = values.pop("program_categories", None)
	doc.update(values)
	if program_categories is not None:
		doc.set("program_categories", program_categories)
	doc.save()
	return doc


def category_tree(niches=("Skincare", "Makeup", "Haircare")) -> dict[str, str]:
	"""A domain with niches: {'domain': name, niche: name, ...}."""
	token = f.unique("")
	domain = frappe.get_doc(
		{"doctype": "KOL Category", "category_name": f"Beauty {token}", "is_group": 1}
	).insert()
	names = {"domain": domain.name}
	for niche in niches:
		names[niche] = (
			frappe.get_doc(
				{
					"doctype": "KOL Category",
					"category_name": f"{niche} {token}",
					"parent_kol_category": domain.name,
				}
			)
			.insert()
			.name
		)
	return names


def tiers() -> dict[str, str]:
	"""Gold (rank 1, 70+), Silver (rank 2, 40+), Bronze (rank 3, 0+), replacing any tiers (rolled back)."""
	for dt in ("KOL Tier Benefit", "KOL Tier Empowerment", "KOL Tier"):
		frappe.db.delete(dt)
	names = {}
	for name, rank, min_score, benefits, methods in (
		("Gold", 1, 70, [("Cash", "Campaign fee"), ("Privilege", "Direct line")], ["Traffic Exposure"]),
		("Silver", 2, 40, [("Product", "Product kits")], ["Operational Support"]),
		("Bronze", 3, 0, [("Privilege", "Beta access")], []),
	):
		tier = frappe.get_doc(
			{
				"doctype": "KOL Tier",
				"tier_name": f"{name} {f.unique('')}",
				"rank": rank,
				"min_score": min_score,
				"benefits": [{"benefit_type": t, "benefit": b} for t, b in benefits],
				"empowerment_methods": [{"method": m, "description": f"{m} for {name}"} for m in methods],
			}
		).insert()
		names[name] = tier.name
	return names


def comments(kol: str) -> list[str]:
	return frappe.get_all(
		"Comment",
		filters={"reference_doctype": "KOL", "reference_name": kol, "comment_type": "Info"},
		pluck="content",
		order_by="creation asc",
	)


def todos(kol: str, status: str | None = None) -> list[dict]:
	filters = {"reference_type": "KOL", "reference_name": kol}
	if status:
		filters["status"] = status
	return frappe.get_all(
		"ToDo", filters=filters, fields=["name", "allocated_to", "description", "date", "status"]
	)

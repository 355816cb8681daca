"""The KOL CRM Settings accessor and the names of its fields that other modules rely on.

A leaf: it imports nothing of the app, so every package may read the settings.
"""

import frappe
from frappe.model.document import Document

COMPONENTS = ("reach", "engagement", "content_quality", "activity", "fit")
EXTERNAL_WEIGHTS = tuple(f"weight_{c}" for c in COMPONENTS)
INTERNAL_WEIGHTS = tuple(f"internal_weight_{c}" for c in COMPONENTS)
POSITIVE_DAYS = (
	"inactivity_days",
	"dormant_after_days",
	"follow_up_days",
	"no_reply_attempts",
	"violation_window_days",
	"suspension_days",
	"content_full_posts",
)
WEIGHT_FIELDS_CHANGING_SCORES = (
	*EXTERNAL_WEIGHTS,
	*INTERNAL_WEIGHTS,
	"reach_full_followers",
	"engagement_full_rate",
	"content_full_posts",
	"activity_full_days",
	"activity_zero_days",
)


def get_settings() -> Document:
	"""The settings with every unset value at its default.

	From Frappe's document cache, which a save of the settings clears: every KOL save reads
	them, and a fresh read costs a query per field table. (Tests clear it after rolling back.)
	"""
	doc = frappe.get_cached_doc("KOL CRM Settings")
	doc.set_missing_defaults()
	return doc

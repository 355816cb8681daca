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
PURPOSES = ("Acquisition", "Activation", "Conversion")
# each score's weight is multiplied by the KOL's purpose's factor (KOL CRM Settings > Selection).
# The seeds: acquisition (拉新) wants reach, so it keeps the path's weights, where reach counts
# most; activation wants activity on our platform and content; conversion (转化) wants loyal,
# engaged followers and fit rather than a big audience.
PURPOSE_FACTORS = {
	"Acquisition": {"reach": 1.0, "engagement": 1.0, "content_quality": 1.0, "activity": 1.0, "fit": 1.0},
	"Activation": {"reach": 0.5, "engagement": 1.0, "content_quality": 1.5, "activity": 2.0, "fit": 1.0},
	"Conversion": {"reach": 0.5, "engagement": 2.0, "content_quality": 1.0, "activity": 1.0, "fit": 1.5},
}
WEIGHT_FIELDS_CHANGING_SCORES = (
	*EXTERNAL_WEIGHTS,
	*INTERNAL_WEIGHTS,
	"reach_full_followers",
	"engagement_full_rate",
	"content_full_posts",
	"activity_full_days",
	"activity_zero_days",
	"purpose_weights",
)


def get_settings() -> Document:
	"""The settings with every unset value at its default.

	From Frappe's document cache, which a save of the settings clears: every KOL save reads
	them, and a fresh read costs a query per field table. (Tests clear it after rolling back.)
	"""
	doc = frappe.get_cached_doc("KOL CRM Settings")
	doc.set_missing_defaults()
	return doc


def purpose_factors(s, purpose: str | None) -> dict[str, float]:
	"""The factors of ``purpose`` (its row in the settings, or the shipped defaults)."""
	purpose = purpose if purpose in PURPOSE_FACTORS else PURPOSES[0]
	for row in s.get("purpose_weights") or []:
		if row.purpose == purpose:
			return {c: float(row.get(c) or 0) for c in COMPONENTS}
	return dict(PURPOSE_FACTORS[purpose])

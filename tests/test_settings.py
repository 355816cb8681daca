"""KOL CRM Settings refuses unusable values."""

import frappe
import pytest

from tests import ops_helpers as h


@pytest.mark.parametrize(
	"values,message",
	[
		({"weight_reach": -1}, "must not be negative"),
		(
			{
				"weight_reach": 0,
				"weight_engagement": 0,
				"weight_content_quality": 0,
				"weight_activity": 0,
				"weight_fit": 0,
			},
			"add up to 0",
		),
		(
			{
				"internal_weight_reach": 0,
				"internal_weight_engagement": 0,
				"internal_weight_content_quality": 0,
				"internal_weight_activity": 0,
				"internal_weight_fit": 0,
			},
			"add up to 0",
		),
		({"activity_full_days": 30, "activity_zero_days": 30}, "must be more than"),
		({"target_min_per_1000": 5, "target_max_per_1000": 2}, "must be more than"),
		({"inactivity_days": 0}, "must be 1 or more"),
		({"dormant_after_days": -3}, "must be 1 or more"),
		({"no_reply_attempts": 0}, "must be 1 or more"),
		({"occasion_lead_days": -1}, "must not be negative"),
		({"engagement_full_rate": 0}, "more than 0"),
		({"reach_full_followers": 5}, "at least 10"),
	],
)
def test_bad_settings_are_refused(values, message):
	with pytest.raises(frappe.ValidationError, match=message):
		h.settings(**values)


def test_programme_categories_are_checked():
	cats = h.category_tree()
	with pytest.raises(frappe.ValidationError, match="listed twice"):
		h.settings(program_categories=[{"category": cats["Skincare"]}, {"category": cats["Skincare"]}])
	with pytest.raises(frappe.ValidationError, match="Choose the DocType"):
		h.settings(program_categories=[{"category": cats["Skincare"], "audience_source": "Count of Records"}])
	with pytest.raises(frappe.ValidationError, match="JSON"):
		h.settings(
			program_categories=[
				{
					"category": cats["Skincare"],
					"audience_source": "Count of Records",
					"audience_doctype": "User",
					"audience_filters": "not json",
				}
			]
		)


def test_defaults_are_usable_and_favour_quality_for_internal_cultivation():
	s = h.settings()
	assert (
		s.weight_reach,
		s.weight_engagement,
		s.weight_content_quality,
		s.weight_activity,
		s.weight_fit,
	) == (
		20,
		20,
		25,
		15,
		20,
	)
	assert s.internal_weight_content_quality == 40 and s.internal_weight_activity == 10
	assert (s.inactivity_days, s.dormant_after_days, s.follow_up_days, s.occasion_lead_days) == (60, 14, 7, 7)


def test_only_managers_edit_settings():
	frappe.set_user("kol.operator.a@kol-test.example")
	with pytest.raises(frappe.PermissionError):
		doc = frappe.get_single("KOL CRM Settings")
		doc.weight_reach = 50
		doc.save()

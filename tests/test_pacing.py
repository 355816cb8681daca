"""Intake pacing per programme category, and the warning when intake over-supplies."""

import frappe

from kol_crm.intelligence import pacing
from kol_crm.kol_crm.report.kol_intake_pacing import kol_intake_pacing
from tests import factories as f
from tests import ops_helpers as h


def _kols(category, active=0, intake=0):
	for _i in range(active):
		f.set_state(f.make_kol(category=category), "Active")
	for _i in range(intake):
		f.make_kol(category=category)


def _row(category):
	return next(r for r in pacing.pacing_rows() if r["category"] == category)


def test_pacing_counts_sub_categories_and_advises():
	cats = h.category_tree()
	h.settings(
		program_categories=[{"category": cats["domain"], "audience_size": 1000}],
		target_min_per_1000=1,
		target_max_per_1000=5,
	)
	_kols(cats["Skincare"], active=2)
	_kols(cats["Makeup"], intake=1)
	row = _row(cats["domain"])
	assert (row["active"], row["intake"], row["audience"]) == (2, 1, 1000)
	assert row["ratio"] == 2 and row["projected_ratio"] == 3
	assert row["advice"] == pacing.ON_PACE
	frappe.local.message_log = []
	_kols(cats["Makeup"], intake=3)
	assert _row(cats["domain"])["advice"] == pacing.SLOW_DOWN


def test_small_supply_says_speed_up():
	cats = h.category_tree()
	h.settings(program_categories=[{"category": cats["Skincare"], "audience_size": 10_000}])
	_kols(cats["Skincare"], active=1, intake=2)
	assert _row(cats["Skincare"])["advice"] == pacing.SPEED_UP


def test_audience_can_be_a_count_of_records():
	cats = h.category_tree()
	h.settings(
		program_categories=[
			{
				"category": cats["Skincare"],
				"audience_source": "Count of Records",
				"audience_doctype": "User",
				"audience_filters": '{"enabled": 1}',
			}
		]
	)
	assert _row(cats["Skincare"])["audience"] == frappe.db.count("User", {"enabled": 1})


def test_adding_to_intake_in_an_over_supplied_category_warns_but_saves():
	cats = h.category_tree()
	h.settings(
		program_categories=[{"category": cats["Skincare"], "audience_size": 1000}], target_max_per_1000=2
	)
	_kols(cats["Skincare"], active=2)
	frappe.local.message_log = []
	kol = f.make_kol(category=cats["Skincare"])
	assert frappe.db.exists("KOL", kol.name)
	assert any("over-supplied" in str(m) for m in frappe.local.message_log)
	frappe.local.message_log = []
	other = f.make_kol(category=cats["Makeup"])  # not a programme category: no warning
	assert other.name and not frappe.local.message_log


def test_report_shows_the_pacing_rows():
	cats = h.category_tree()
	h.settings(program_categories=[{"category": cats["Skincare"], "audience_size": 1000}])
	_kols(cats["Skincare"], active=1)
	columns, data, message, chart, summary = kol_intake_pacing.execute({})
	assert {c["fieldname"] for c in columns} >= {
		"category",
		"active",
		"intake",
		"audience",
		"ratio",
		"advice",
	}
	row = next(r for r in data if r["category"] == cats["Skincare"])
	assert row["active"] == 1 and row["advice"] == "On pace"
	# no internal candidate in the category: the internal pool is exhausted
	assert "Internal pool exhausted in" in message and cats["Skincare"] in message
	assert chart["data"]["labels"]
	assert {s["label"]: s["value"] for s in summary}["On pace"] >= 1


def test_advice_thresholds_at_the_band_limits_and_either_side():
	s = frappe._dict(target_min_per_1000=1, target_max_per_1000=5)
	# (active, intake) per 1,000 audience members
	assert pacing.advice(0, 0, 1000, s) == pacing.SPEED_UP
	assert pacing.advice(0, 1, 2000, s) == pacing.SPEED_UP  # projected 0.5
	assert pacing.advice(0, 1, 1000, s) == pacing.ON_PACE  # projected 1: at the minimum
	assert pacing.advice(1, 0, 1000, s) == pacing.ON_PACE
	assert pacing.advice(5, 0, 1000, s) == pacing.ON_PACE  # ratio 5: at the maximum
	assert pacing.advice(3, 2, 1000, s) == pacing.ON_PACE  # projected 5: at the maximum
	assert pacing.advice(3, 3, 1000, s) == pacing.SLOW_DOWN  # projected 6
	assert pacing.advice(6, 0, 1000, s) == pacing.SLOW_DOWN  # ratio 6
	assert pacing.advice(11, 0, 2000, s) == pacing.SLOW_DOWN  # ratio 5.5
	assert pacing.advice(3, 0, 0, s) == pacing.NO_AUDIENCE
	assert pacing.advice(3, 0, None, s) == pacing.NO_AUDIENCE


def test_the_over_supply_warning_counts_the_new_kol_and_not_at_the_maximum():
	cats = h.category_tree()
	h.settings(
		program_categories=[{"category": cats["Skincare"], "audience_size": 1000}], target_max_per_1000=3
	)
	_kols(cats["Skincare"], active=2)
	frappe.local.message_log = []
	f.make_kol(category=cats["Skincare"])  # with it: 3 per 1,000, at the maximum
	assert not any("over-supplied" in str(m) for m in frappe.local.message_log)
	frappe.local.message_log = []
	f.make_kol(category=cats["Skincare"])  # with it: 4 per 1,000
	warnings = [str(m) for m in frappe.local.message_log if "over-supplied" in str(m)]
	assert len(warnings) == 1 and "4.00 KOLs per 1,000" in warnings[0]

"""Scores: formulas, unknown figures, weights per intake path, the explanation, recompute."""

import math

import frappe
import pytest
from frappe.utils import add_days, getdate, nowdate

from kol_crm.intelligence import recompute, scoring
from kol_crm.kol_crm.doctype.kol_crm_settings.kol_crm_settings import recompute_scores
from tests import factories as f
from tests import ops_helpers as h


def test_reach_is_log_scaled_and_engagement_linear_with_default_weights():
	kol = f.make_kol()  # 12,000 followers, 4.5% engagement, nothing else known
	reach = 100 * math.log10(12001) / math.log10(10_000_001)
	assert kol.score_reach == pytest.approx(reach, abs=0.05)
	assert kol.score_engagement == pytest.approx(45.0)
	# only reach and engagement are known: both weigh 20 for External Intake
	assert kol.score_overall == pytest.approx((reach + 45) / 2, abs=0.1)


def test_missing_figures_are_unknown_not_zero_and_the_form_says_so():
	kol = f.make_kol()
	for label in ("Content Quality", "Activity", "Fit"):
		assert label in kol.score_unknown
	assert "Activity: unknown" in kol.score_explanation
	assert "left out of the overall score" in kol.score_explanation
	# a zero would have pulled the overall score down
	assert kol.score_overall > 50


def test_scoring_never_crashes_without_any_data():
	kol = f.make_kol(platform_accounts=[])
	assert kol.score_overall == 0
	assert kol.score_unknown.count(",") == 4
	assert kol.score_unknown_components == "reach,engagement,content_quality,activity,fit"
	assert "Overall: unknown" in kol.score_explanation
	assert kol.tier is None


def test_content_quality_blends_rating_and_on_platform_figures():
	kol = f.make_kol(
		content_quality_rating=0.8, platform_user="Administrator", on_platform_posts=20, on_platform_content=5
	)
	# 70% rating (80) + 30% figures (25 of 50 items = 50)
	assert kol.score_content_quality == pytest.approx(0.7 * 80 + 0.3 * 50)


def test_activity_is_recency_on_our_platform_and_elsewhere():
	kol = f.make_kol(last_active_on_platform=add_days(nowdate(), -3))
	assert kol.score_activity == 100
	kol.last_active_on_platform = add_days(nowdate(), -180)
	kol.platform_accounts[0].last_active_on = add_days(nowdate(), -7)
	kol.save()
	# ours 0 (180 days = zero), elsewhere 100 (7 days = full): 60/40
	assert kol.score_activity == pytest.approx(40)
	kol.last_active_on_platform = add_days(nowdate(), -(7 + 173 // 2))
	kol.save()
	assert 60 < kol.score_activity < 80


def test_fit_uses_programme_categories_and_the_fit_rating():
	cats = h.category_tree()
	h.settings(program_categories=[{"category": cats["Skincare"], "audience_size": 1000}])
	inside = f.make_kol(category=cats["Skincare"], fit_rating=1)
	same_domain = f.make_kol(category=cats["Makeup"])
	assert inside.score_fit == 100
	assert same_domain.score_fit == 60
	assert "shares the domain" in same_domain.score_explanation
	other = h.category_tree(niches=("Cars",))
	outside = f.make_kol(category=other["Cars"], fit_rating=0.6)
	assert outside.score_fit == pytest.approx((20 + 60) / 2)


def test_internal_cultivation_weighs_quality_over_activity_by_default():
	path = {"intake_path": "Internal Cultivation"}
	quality = f.make_kol(**path, content_quality_rating=1, last_active_on_platform=add_days(nowdate(), -170))
	busy = f.make_kol(**path, content_quality_rating=0.2, last_active_on_platform=nowdate())
	assert quality.score_activity < busy.score_activity
	assert quality.score_overall > busy.score_overall
	from kol_crm.utils.settings import get_settings

	s = get_settings()  # the defaults, whether or not the settings were ever saved on this site
	assert s.internal_weight_content_quality > s.internal_weight_activity


def test_scores_follow_their_inputs_on_save():
	kol = f.make_kol()
	before = kol.score_overall
	kol.platform_accounts[0].followers = 2_000_000
	kol.save()
	assert kol.score_reach > 80
	assert kol.score_overall > before


def test_only_a_manager_can_start_the_recompute():
	frappe.set_user(f.OPERATOR_A)
	with pytest.raises(frappe.PermissionError):
		recompute_scores()
	frappe.set_user(f.MANAGER)
	assert "background" in recompute_scores()


def test_changing_weights_and_recomputing_moves_tiers():
	tiers = h.tiers()
	kol = f.make_kol()  # reach 58.3, engagement 45: overall 51.6
	assert kol.tier == tiers["Silver"]
	frappe.set_user(f.MANAGER)
	h.settings(weight_content_quality=0, weight_engagement=0)  # reach alone: 58 -> still Silver
	frappe.db.set_value("KOL", kol.name, "score_overall", 0)
	result = recompute.recompute_all(commit=False)
	assert result["failed"] == 0
	kol.reload()
	assert kol.score_overall == pytest.approx(58.3, abs=0.1)
	h.settings(reach_full_followers=20_000)  # 12,000 of 20,000 log-scaled: 94.8 -> Gold
	recompute.recompute_all(commit=False)
	kol.reload()
	assert kol.tier == tiers["Gold"]
	assert frappe.db.exists("KOL Tier Change", {"kol": kol.name, "to_tier": tiers["Gold"]})
	assert frappe.db.get_single_value("KOL CRM Settings", "scores_recomputed_on")


@pytest.mark.parametrize(
	"purpose,reach_factor,engagement_factor",
	[("Acquisition", 1.0, 1.0), ("Activation", 0.5, 1.0), ("Conversion", 0.5, 2.0)],
)
def test_the_purpose_steers_the_weights(purpose, reach_factor, engagement_factor):
	"""Reach 58.3 and engagement 45 known, both weighing 20 for External Intake: the purpose's
	factors multiply the weights (conversion wants engaged followers over a big audience)."""
	kol = f.make_kol(intake_purpose=purpose)
	reach = 100 * math.log10(12001) / math.log10(10_000_001)
	expected = (20 * reach_factor * reach + 20 * engagement_factor * 45) / (
		20 * reach_factor + 20 * engagement_factor
	)
	assert kol.score_overall == pytest.approx(expected, abs=0.05)
	assert f"the External Intake weights times the {purpose} purpose's factors" in kol.score_explanation


def test_purpose_factors_are_editable_and_checked():
	acquisition = f.make_kol(intake_purpose="Acquisition")
	conversion = f.make_kol(intake_purpose="Conversion")
	assert conversion.score_overall < acquisition.score_overall  # engagement 45 < reach 58.3
	s = frappe.get_single("KOL CRM Settings")
	assert [(r.purpose, r.reach, r.engagement, r.fit) for r in s.purpose_weights] == [
		("Acquisition", 1, 1, 1),
		("Activation", 0.5, 1, 1),
		("Conversion", 0.5, 2, 1.5),
	]
	row = next(r for r in s.purpose_weights if r.purpose == "Conversion")
	row.reach, row.engagement = 1, 0  # engagement no longer counts for conversion: reach alone
	s.save()
	conversion.save()
	assert conversion.score_overall == pytest.approx(acquisition.score_reach, abs=0.05)

	for values, message in (
		({"reach": -1}, "the Reach factor of Conversion must not be negative"),
		(
			{"reach": 0, "engagement": 0, "content_quality": 0, "activity": 0, "fit": 0},
			"the factors of Conversion add up to 0",
		),
	):
		s = frappe.get_single("KOL CRM Settings")
		next(r for r in s.purpose_weights if r.purpose == "Conversion").update(values)
		with pytest.raises(frappe.ValidationError, match=message):
			s.save()
	s = frappe.get_single("KOL CRM Settings")
	s.append("purpose_weights", {"purpose": "Conversion", "reach": 1})
	with pytest.raises(frappe.ValidationError, match="Conversion has more than one row"):
		s.save()


@pytest.mark.parametrize(
	"days,expected",
	[
		(-2, 100.0),  # a date in the future counts as today
		(6, 100.0),
		(7, 100.0),  # full up to the limit, inclusive
		(8, 100.0 * 172 / 173),
		(30, 100.0 * 150 / 173),  # a reversed decay would give 100 x 23 / 173
		(179, 100.0 / 173),
		(180, 0.0),  # zero from the limit, inclusive
		(181, 0.0),
	],
)
def test_recency_is_full_to_its_limit_then_falls_linearly_to_zero(days, expected):
	today = getdate("2026-06-30")
	assert scoring.recency(add_days(today, -days), today, 7, 180) == pytest.approx(expected)
	assert scoring.recency(None, today, 7, 180) is None


def test_engagement_rate_is_follower_weighted_and_blended_with_loyalty():
	# 30,000 followers at 2% and 10,000 at 6%: weighted 3% (an unweighted mean would be 4%)
	accounts = [
		{"platform": "Bilibili", "handle": "@a", "followers": 30000, "engagement_rate": 2},
		{"platform": "Douyin", "handle": "@b", "followers": 10000, "engagement_rate": 6},
	]
	kol = f.make_kol(platform_accounts=accounts)
	assert kol.score_engagement == pytest.approx(30.0)
	# loyalty = mean of Medium (60) and Unlikely (20) = 40; the rate counts 60%, loyalty 40%
	kol = f.make_kol(follower_quality="Medium", audience_portability="Unlikely")
	assert kol.score_engagement == pytest.approx(0.6 * 45 + 0.4 * 40)
	kol = f.make_kol(follower_quality="High", audience_portability="Possible")
	assert kol.score_engagement == pytest.approx(0.6 * 45 + 0.4 * 80)


def test_internal_cultivation_uses_its_own_weights():
	h.settings(weight_reach=20, weight_engagement=20, internal_weight_reach=10, internal_weight_engagement=30)
	reach = 100 * math.log10(12001) / math.log10(10_000_001)
	internal = f.make_kol(intake_path="Internal Cultivation")
	external = f.make_kol()
	assert internal.score_overall == pytest.approx((10 * reach + 30 * 45) / 40, abs=0.05)
	assert external.score_overall == pytest.approx((20 * reach + 20 * 45) / 40, abs=0.05)


def test_reach_is_100_from_the_full_follower_count_and_below_it_under():
	s = frappe._dict(reach_full_followers=20_000)

	def reach(followers: int):
		return scoring.reach_score(frappe._dict(platform_accounts=[frappe._dict(followers=followers)]), s)[0]

	assert reach(20_000) == 100.0
	assert reach(40_000) == 100.0
	assert reach(19_999) == pytest.approx(100 * math.log10(20_000) / math.log10(20_001), rel=1e-12)
	assert reach(19_999) < 100.0
	assert reach(0) is None

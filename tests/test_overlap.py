"""Audience overlap between the KOLs of a category (issue 12): KOLs must not drain the shared
user pool. The pure measure with exact numbers, the three sources of shared followers, the
pacing report's unique reach, the warning at the threshold and on both sides of it, and the
overlap records as each role over REST."""

import json
import random
from itertools import combinations

import frappe
import pytest
from frappe.utils import add_days, nowdate

from kol_crm.intelligence import overlap, pacing
from kol_crm.kol_crm.report.kol_intake_pacing import kol_intake_pacing
from kol_crm.platform import events as platform_events
from tests import factories as f
from tests import ops_helpers as h
from tests import platform_helpers as ph
from tests.api import ApiSession

# ---------------------------------------------------------------- the pure measure


def test_overlap_coefficient_is_the_share_of_the_smaller_audience_not_jaccard():
	# a small KOL whose 1,000 followers all follow a 100,000-follower KOL adds nobody to the pool
	assert overlap.overlap_coefficient(1000, 1000, 100_000) == 1.0
	assert overlap.jaccard(1000, 1000, 100_000) == pytest.approx(0.01)
	# equal audiences: 500 shared of 1,000 each
	assert overlap.overlap_coefficient(500, 1000, 1000) == 0.5
	assert overlap.jaccard(500, 1000, 1000) == pytest.approx(1 / 3)
	# the same formula whichever way round
	assert overlap.overlap_coefficient(300, 2000, 1000) == overlap.overlap_coefficient(300, 1000, 2000) == 0.3
	assert overlap.overlap_coefficient(10, 0, 1000) == 0.0
	assert overlap.overlap_coefficient(5000, 1000, 2000) == 1.0  # never above the smaller audience


def test_threshold_is_exceeded_only_above_it():
	assert overlap.exceeds_threshold(0.30, 30) is False
	assert overlap.exceeds_threshold(0.2999, 30) is False
	assert overlap.exceeds_threshold(0.3001, 30) is True
	assert overlap.exceeds_threshold(0.0, 0) is False and overlap.exceeds_threshold(0.01, 0) is True


def test_sum_of_pairwise_minimums_matches_every_pair():
	assert overlap.sum_of_pairwise_minimums([5, 1, 3]) == 1 + 1 + 3
	assert overlap.sum_of_pairwise_minimums([7]) == 0 and overlap.sum_of_pairwise_minimums([]) == 0
	values = [random.Random(12).randint(0, 10_000) for _i in range(40)]
	assert overlap.sum_of_pairwise_minimums(values) == sum(min(a, b) for a, b in combinations(values, 2))


def test_estimate_takes_a_share_of_the_smaller_account_on_each_common_platform():
	a = {"Bilibili": 12_000, "Douyin": 5_000}
	b = {"Bilibili": 3_000, "Weibo": 9_000}
	assert overlap.estimated_shared(a, b, 10) == 300  # Bilibili only: 10 % of 3,000
	assert overlap.estimated_shared(a, {"Weibo": 9_000}, 10) == 0
	assert overlap.estimated_shared(a, {"Bilibili": 20_000, "Douyin": 1_000}, 50) == 6_000 + 500


def test_unique_reach_is_the_sum_minus_shared_never_below_the_largest_audience():
	assert overlap.unique_reach([5000, 3000, 2000], 1500) == 8500
	assert overlap.unique_reach([1000, 100_000], 1000) == 100_000
	assert overlap.unique_reach([5000, 3000], 7000) == 5000
	assert overlap.unique_reach([5000, 3000], -10) == 8000
	assert overlap.unique_reach([], 0) == 0


# ---------------------------------------------------------------- sources and pacing


def kol(category, followers, platform="Bilibili", state="Active", **kwargs):
	doc = f.make_kol(
		category=category,
		platform_accounts=[{"platform": platform, "handle": f"@{f.unique('h')}", "followers": followers}],
		**kwargs,
	)
	if state:
		f.set_state(doc, state)
	return doc


def measure(a, b, shared, **kwargs):
	return frappe.get_doc(
		{"doctype": "KOL Audience Overlap", "kol": a, "other_kol": b, "shared_followers": shared, **kwargs}
	).insert()


def pacing_row(category):
	return next(r for r in pacing.pacing_rows() if r["category"] == category)


def test_pacing_row_sums_followers_shared_and_unique_reach_from_measured_and_estimated_pairs():
	cats = h.category_tree()
	h.settings(
		program_categories=[{"category": cats["domain"], "audience_size": 100_000}],
		assumed_platform_overlap=10,
	)
	a = kol(cats["Skincare"], 12_000)
	kol(cats["Makeup"], 8_000)  # Bilibili too: estimated 10 % of 8,000 shared with a
	c = kol(cats["Makeup"], 5_000, platform="Douyin")  # no common platform: nothing estimated
	kol(cats["Makeup"], 9_000, state="Contacting")  # in intake: not in the pool
	row = pacing_row(cats["domain"])
	assert (row["kol_followers"], row["shared_followers"], row["unique_reach"]) == (25_000, 800, 24_200)
	measure(a.name, c.name, 1_000)  # measured: replaces the estimate of that pair (0)
	row = pacing_row(cats["domain"])
	assert (row["shared_followers"], row["unique_reach"]) == (1_800, 23_200)
	assert row["overlap_percent"] == pytest.approx(7.2)
	# the latest measurement of a pair counts
	measure(c.name, a.name, 2_000, measured_on=add_days(nowdate(), -30))
	assert pacing_row(cats["domain"])["shared_followers"] == 1_800
	_cols, data, *_rest = kol_intake_pacing.execute({})
	shown = next(r for r in data if r["category"] == cats["domain"])
	assert (shown["unique_reach"], shown["shared_followers"]) == (23_200, 1_800)


def test_users_converted_through_both_kols_on_our_platform_estimate_the_overlap():
	cats = h.category_tree()
	h.settings(program_categories=[{"category": cats["domain"], "audience_size": 100_000}])
	a = kol(cats["Skincare"], 10_000)
	b = kol(cats["Makeup"], 4_000, platform="Weibo")
	token = frappe.generate_hash(length=6)
	# a: users u0..u9; b: users u6..u11, so u6..u9 came through both: 4 of b's 6 = 2/3
	batch = [ph.conversion(f"{token}-a{i}", kol=a.name, customer_ref=f"{token}-u{i}") for i in range(10)] + [
		ph.conversion(f"{token}-b{i}", kol=b.name, customer_ref=f"{token}-u{i}") for i in range(6, 12)
	]
	assert platform_events.ingest(batch)["error"] == 0
	pool = overlap.Pool({a.name: 10_000, b.name: 4_000}, frappe.get_single("KOL CRM Settings"))
	pair = pool.pair(a.name, b.name)
	assert pair["source"] == overlap.OUR_PLATFORM
	assert pair["coefficient"] == pytest.approx(4 / 6)
	assert pair["shared"] == pytest.approx(4_000 * 4 / 6)
	assert pacing_row(cats["domain"])["shared_followers"] == round(4_000 * 4 / 6)


def test_fewer_than_five_converted_users_fall_back_to_the_estimate():
	cats = h.category_tree()
	a = kol(cats["Skincare"], 10_000)
	b = kol(cats["Makeup"], 4_000)
	token = frappe.generate_hash(length=6)
	batch = [ph.conversion(f"{token}-a{i}", kol=a.name, customer_ref=f"{token}-u{i}") for i in range(5)]
	batch += [ph.conversion(f"{token}-b{i}", kol=b.name, customer_ref=f"{token}-u{i}") for i in range(4)]
	assert platform_events.ingest(batch)["error"] == 0
	h.settings(assumed_platform_overlap=10)
	pair = overlap.Pool({a.name: 10_000, b.name: 4_000}, frappe.get_single("KOL CRM Settings")).pair(
		a.name, b.name
	)
	assert (pair["source"], pair["shared"]) == (overlap.ESTIMATE, 400)


@pytest.mark.parametrize(
	"shared, warns", [(2_999, False), (3_000, False), (3_001, True)], ids=["below", "at", "above"]
)
def test_candidate_overlapping_an_active_kol_above_the_threshold_is_warned(shared, warns):
	cats = h.category_tree()
	h.settings(
		program_categories=[{"category": cats["domain"], "audience_size": 100_000}],
		overlap_warning_threshold=30,
	)
	active = kol(cats["Makeup"], 50_000, platform="Douyin")
	candidate = kol(cats["Skincare"], 10_000, state=None)  # Identified: in intake
	measure(candidate.name, active.name, shared)
	hint = pacing.overlap_hint(frappe.get_doc("KOL", candidate.name))
	assert bool(hint) is warns
	if warns:
		assert hint["kol"] == active.name and hint["category"] == cats["domain"]
		assert hint["coefficient"] == pytest.approx(0.3001)
		assert "30.0 % of the smaller audience is shared with" in hint["message"]
		assert active.name in hint["message"]


def test_the_warning_shows_on_save_when_a_kol_enters_intake_and_hides_other_operators_kols():
	cats = h.category_tree()
	h.settings(
		program_categories=[{"category": cats["domain"], "audience_size": 100_000}],
		overlap_warning_threshold=30,
		assumed_platform_overlap=50,
	)
	active = kol(cats["Makeup"], 40_000, operator=f.OPERATOR_B)
	frappe.set_user(f.OPERATOR_A)
	frappe.local.message_log = []
	# estimated: 50 % of the smaller Bilibili account (10,000) = 5,000, a 50 % overlap
	candidate = kol(cats["Skincare"], 10_000, state=None, operator=f.OPERATOR_A)
	messages = [
		(m if isinstance(m, dict) else json.loads(m)).get("message", "") for m in frappe.local.message_log
	]
	warning = next(m for m in messages if "Audience overlap" in m)
	assert "50.0 %" in warning and "another Active KOL" in warning and active.name not in warning
	hint = pacing.overlap_hint(frappe.get_doc("KOL", candidate.name))  # the form's onload
	assert hint["kol"] is None and active.name not in json.dumps(hint)
	frappe.set_user("Administrator")
	assert pacing.overlap_hint(frappe.get_doc("KOL", candidate.name))["kol"] == active.name
	# an Active KOL is not warned (it is the pool)
	assert pacing.overlap_hint(active) is None


def test_overlap_record_rules():
	a = f.make_kol()  # 12,000 followers
	b = f.make_kol(
		platform_accounts=[{"platform": "Weibo", "handle": f"@{f.unique('h')}", "followers": 3_000}]
	)
	with pytest.raises(frappe.ValidationError, match="needs two different KOLs"):
		measure(a.name, a.name, 10)
	with pytest.raises(
		frappe.ValidationError, match=r"\(3,?001\) cannot be more than the smaller KOL's followers \(3,?000\)"
	):
		measure(a.name, b.name, 3_001)
	assert measure(a.name, b.name, 3_000).shared_followers == 3_000
	with pytest.raises(frappe.ValidationError, match="cannot be in the future"):
		measure(a.name, b.name, 10, measured_on=add_days(nowdate(), 1))


def test_settings_refuse_an_overlap_threshold_outside_0_to_100():
	with pytest.raises(frappe.ValidationError, match="must be between 0 and 100"):
		h.settings(overlap_warning_threshold=101)
	with pytest.raises(frappe.ValidationError, match="must be between 0 and 100"):
		h.settings(assumed_platform_overlap=-1)


# ---------------------------------------------------------------- over HTTP, per role


@pytest.fixture(scope="module")
def world():
	frappe.set_user("Administrator")
	a1 = f.make_kol(operator=f.OPERATOR_A)
	a2 = f.make_kol(operator=f.OPERATOR_A)
	b = f.make_kol(operator=f.OPERATOR_B)
	mine = measure(a1.name, a2.name, 100)
	mixed = measure(a1.name, b.name, 200)
	# a category of its own (in no programme category): A's candidate and B's Active KOL share
	# the candidate's whole audience
	category = frappe.get_doc({"doctype": "KOL Category", "category_name": f"Overlap {f.unique()}"}).insert()
	b_active = kol(category.name, 40_000, operator=f.OPERATOR_B)
	a_candidate = kol(category.name, 10_000, state=None, operator=f.OPERATOR_A)
	full = measure(a_candidate.name, b_active.name, 10_000)
	frappe.db.commit()
	yield frappe._dict(
		a1=a1, a2=a2, b=b, mine=mine, mixed=mixed, b_active=b_active, a_candidate=a_candidate, full=full
	)
	frappe.set_user("Administrator")
	kols = [a1.name, a2.name, b.name, b_active.name, a_candidate.name]
	for name in frappe.get_all("KOL Audience Overlap", filters={"kol": ["in", kols]}, pluck="name"):
		frappe.delete_doc("KOL Audience Overlap", name, force=True)
	for name in kols:
		frappe.delete_doc("KOL", name, force=True)
	frappe.delete_doc("KOL Category", category.name, force=True)
	frappe.db.commit()


def listing(s, expect=200):
	response = s.get(
		"/api/resource/KOL Audience Overlap",
		query_string={"fields": json.dumps(["name", "other_kol"]), "limit_page_length": 0},
	)
	assert response.status_code == expect, response.get_data(as_text=True)
	return {row["name"] for row in s.json(response).get("data") or []}


def test_rest_operator_sees_an_overlap_only_between_two_of_their_kols(world):
	s = ApiSession(f.OPERATOR_A, f.PASSWORD)
	names = listing(s)
	assert world.mine.name in names and world.mixed.name not in names
	assert s.get(f"/api/resource/KOL Audience Overlap/{world.mixed.name}").status_code == 403
	response = s.get(f"/api/resource/KOL Audience Overlap/{world.mine.name}")
	assert s.json(response)["data"]["shared_followers"] == 100
	# recording one with another operator's KOL, either way round, is refused
	for pair in ((world.a1.name, world.b.name), (world.b.name, world.a1.name)):
		response = s.post(
			"/api/resource/KOL Audience Overlap",
			json={"kol": pair[0], "other_kol": pair[1], "shared_followers": 5},
		)
		assert response.status_code == 403, response.get_data(as_text=True)
	response = s.request(
		"PUT", f"/api/resource/KOL Audience Overlap/{world.mine.name}", json={"other_kol": world.b.name}
	)
	assert response.status_code == 403
	assert frappe.db.get_value("KOL Audience Overlap", world.mine.name, "other_kol") == world.a2.name
	s_b = ApiSession(f.OPERATOR_B, f.PASSWORD)
	assert not listing(s_b) & {world.mine.name, world.mixed.name}


def test_rest_analyst_reads_every_overlap_and_records_none(world):
	s = ApiSession(f.ANALYST, f.PASSWORD)
	assert {world.mine.name, world.mixed.name} <= listing(s)
	response = s.post(
		"/api/resource/KOL Audience Overlap",
		json={"kol": world.a1.name, "other_kol": world.a2.name, "shared_followers": 5},
	)
	assert response.status_code == 403


@pytest.mark.parametrize("user", [f.PORTAL_USER, None], ids=["portal", "guest"])
def test_rest_portal_user_and_guest_read_no_overlap(world, user):
	s = ApiSession(user, f.PASSWORD) if user else ApiSession()
	listing(s, expect=403)
	assert s.get(f"/api/resource/KOL Audience Overlap/{world.mine.name}").status_code == 403


def test_rest_the_kol_form_warns_an_operator_without_naming_another_operators_kol(world):
	path = "/api/method/frappe.desk.form.load.getdoc"
	query = {"doctype": "KOL", "name": world.a_candidate.name}
	s = ApiSession(f.OPERATOR_A, f.PASSWORD)
	response = s.get(path, query_string=query)
	assert response.status_code == 200, response.get_data(as_text=True)
	hint = s.json(response)["docs"][0]["__onload"]["audience_overlap"]
	assert hint["kol"] is None and "another Active KOL" in hint["message"]
	assert hint["coefficient"] == 1.0
	body = response.get_data(as_text=True)
	assert world.b_active.name not in body and world.b_active.kol_name not in body
	manager = ApiSession(f.MANAGER, f.PASSWORD)
	hint = manager.json(manager.get(path, query_string=query))["docs"][0]["__onload"]["audience_overlap"]
	assert hint["kol"] == world.b_active.name and world.b_active.name in hint["message"]


def test_overlap_settings_default_to_30_and_10_percent_only_when_unset():
	assert overlap.settings_values(frappe._dict()) == (30.0, 10.0)
	assert overlap.settings_values(
		frappe._dict(overlap_warning_threshold="", assumed_platform_overlap="")
	) == (
		30.0,
		10.0,
	)
	zero = frappe._dict(overlap_warning_threshold=0, assumed_platform_overlap=0)
	assert overlap.settings_values(zero) == (0.0, 0.0)


def test_a_measured_overlap_never_counts_more_than_the_smaller_audience():
	cats = h.category_tree()
	a = kol(cats["Skincare"], 12_000)
	c = kol(cats["Makeup"], 5_000, platform="Douyin")
	measure(a.name, c.name, 1_000)
	# the smaller audience has since shrunk to 500: the measurement counts for 500 at most
	pool = overlap.Pool({a.name: 12_000, c.name: 500}, frappe._dict())
	assert pool.pair(a.name, c.name) == {"shared": 500.0, "coefficient": 1.0, "source": overlap.MEASURED}
	pool = overlap.Pool({a.name: 12_000, c.name: 5_000}, frappe._dict())
	assert pool.pair(a.name, c.name) == {"shared": 1000.0, "coefficient": 0.2, "source": overlap.MEASURED}

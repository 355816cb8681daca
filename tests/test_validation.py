"""Bad input gets a clear, translated message and changes nothing already stored."""

import frappe
import pytest

from tests import factories as f


def _assert_refused(doc, match: str, changes: dict):
	"""Apply ``changes`` to a stored record, expect the save to fail, and the record to be unchanged."""
	before = frappe.get_doc(doc.doctype, doc.name).as_dict()
	edited = frappe.get_doc(doc.doctype, doc.name)
	for key, value in changes.items():
		if key.startswith("row:"):
			table, field = key[4:].split(".")
			edited.get(table)[0].set(field, value)
		else:
			edited.set(key, value)
	with pytest.raises(frappe.ValidationError, match=match):
		edited.save()
	after = frappe.get_doc(doc.doctype, doc.name).as_dict()
	for key in ("modified", *[k for k in changes if not k.startswith("row:")]):
		assert after[key] == before[key], key
	for key in [k for k in changes if k.startswith("row:")]:
		table, field = key[4:].split(".")
		assert after[table][0][field] == before[table][0][field], key


@pytest.mark.parametrize(
	"changes,match",
	[
		({"email": "not-an-email"}, "not a valid email address"),
		({"email": "a@b"}, "not a valid email address"),
		({"phone": "call me maybe"}, "not a valid phone number"),
		({"phone": "12"}, "not a valid phone number"),
		({"wechat": "1 bad id!"}, "not a valid WeChat ID"),
		({"row:platform_accounts.profile_url": "javascript:alert(1)"}, "not a valid web address"),
		({"row:platform_accounts.profile_url": "www.no-scheme.example"}, "not a valid web address"),
		({"row:platform_accounts.followers": -5}, "cannot be negative"),
		({"row:platform_accounts.followers": 5_000_000_000}, "check the figure"),
		({"row:platform_accounts.engagement_rate": 140}, "between 0 and 100"),
		({"row:platform_accounts.engagement_rate": -1}, "between 0 and 100"),
		({"row:platform_accounts.handle": "  @ "}, "Handle is required"),
		({"conflict_of_interest": 1, "conflict_reason": ""}, "Conflict Reason"),
	],
)
def test_bad_kol_input_is_refused_and_nothing_changes(changes, match):
	kol = f.make_kol(phone=f.unique_phone())
	_assert_refused(kol, match, changes)


def test_messages_name_the_row_and_are_translated():
	kol = f.make_kol()
	doc = frappe.get_doc("KOL", kol.name)
	doc.platform_accounts[0].engagement_rate = 250
	frappe.local.lang = "zh"
	try:
		with pytest.raises(frappe.ValidationError) as err:
			doc.save()
	finally:
		frappe.local.lang = "en"
	message = str(err.value)
	assert "#1" in message
	assert "0" in message and "100" in message
	assert "between" not in message  # the Chinese translation was used


def test_duplicate_email_names_the_existing_kol():
	first = f.make_kol()
	with pytest.raises(frappe.DuplicateEntryError) as err:
		f.make_kol(email=first.email.upper())
	assert first.name in str(err.value) and first.kol_name in str(err.value)


def test_duplicate_platform_handle_names_the_existing_kol():
	first = f.make_kol()
	handle = first.platform_accounts[0].handle
	with pytest.raises(frappe.DuplicateEntryError) as err:
		f.make_kol(
			platform_accounts=[{"platform": "Bilibili", "handle": "@" + handle.upper(), "followers": 1}]
		)
	assert first.name in str(err.value) and handle in str(err.value)
	# the same handle on another platform is a different account
	f.make_kol(platform_accounts=[{"platform": "YouTube", "handle": handle, "followers": 1}])


def test_duplicate_phone_and_wechat_are_refused():
	first = f.make_kol(phone=f.unique_phone(), wechat="creator_wx_" + frappe.generate_hash(length=5))
	with pytest.raises(frappe.DuplicateEntryError, match=first.name):
		f.make_kol(phone=first.phone)
	with pytest.raises(frappe.DuplicateEntryError, match=first.name):
		f.make_kol(wechat=first.wechat)


def test_same_handle_twice_on_one_kol_is_refused():
	with pytest.raises(frappe.ValidationError, match="listed twice"):
		f.make_kol(
			platform_accounts=[
				{"platform": "Douyin", "handle": "same_one"},
				{"platform": "Douyin", "handle": "@Same_One"},
			]
		)


def test_total_followers_is_derived_from_platform_accounts():
	kol = f.make_kol(
		platform_accounts=[
			{"platform": "Douyin", "handle": f.unique("d"), "followers": 1000},
			{"platform": "Weibo", "handle": f.unique("w"), "followers": 2500},
		]
	)
	assert kol.total_followers == 3500
	kol.total_followers = 99
	kol.save()
	assert kol.total_followers == 3500


def test_proposal_dates_and_benefits_are_validated():
	kol = f.make_kol()
	with pytest.raises(frappe.ValidationError, match="cannot be before"):
		f.make_proposal(kol.name, valid_from="2026-12-01", valid_until="2026-11-01")
	with pytest.raises(frappe.ValidationError, match="Cash benefit needs an Amount"):
		f.make_proposal(kol.name, benefits=[{"benefit_type": "Cash"}])
	with pytest.raises(frappe.ValidationError, match="Revenue Share"):
		f.make_proposal(kol.name, benefits=[{"benefit_type": "Revenue Share", "revenue_share_percent": 150}])
	with pytest.raises(frappe.ValidationError):
		f.make_proposal(kol.name, budget=-1)
	prop = f.make_proposal(kol.name)
	_assert_refused(prop, "cannot be before", {"valid_until": "2000-01-01"})


def test_partnership_end_before_start_is_refused():
	kol = f.make_kol()
	p = frappe.get_doc(
		{
			"doctype": "KOL Partnership",
			"kol": kol.name,
			"purpose": "Activation",
			"start_date": "2026-11-01",
			"no_proposal_reason": "Renewal",
		}
	).insert()
	_assert_refused(p, "cannot be before", {"end_date": "2026-10-01"})


def test_interaction_dates_are_validated():
	kol = f.make_kol()
	with pytest.raises(frappe.ValidationError, match="in the future"):
		frappe.get_doc(
			{
				"doctype": "KOL Interaction",
				"kol": kol.name,
				"summary": "x",
				"interaction_on": "2099-01-01 10:00:00",
			}
		).insert()
	with pytest.raises(frappe.ValidationError, match="cannot be before"):
		frappe.get_doc(
			{
				"doctype": "KOL Interaction",
				"kol": kol.name,
				"summary": "x",
				"interaction_on": "2026-11-10 10:00:00",
				"next_follow_up_on": "2026-11-01",
			}
		).insert()


def test_tier_rank_must_be_unique_and_positive():
	frappe.get_doc({"doctype": "KOL Tier", "tier_name": f.unique("Tier "), "rank": 901}).insert()
	with pytest.raises(frappe.ValidationError, match="already used"):
		frappe.get_doc({"doctype": "KOL Tier", "tier_name": f.unique("Tier "), "rank": 901}).insert()
	with pytest.raises(frappe.ValidationError, match="Rank must be 1 or more"):
		frappe.get_doc({"doctype": "KOL Tier", "tier_name": f.unique("Tier "), "rank": 0}).insert()


def test_a_revenue_share_of_100_percent_is_accepted_and_just_above_it_or_0_is_not():
	kol = f.make_kol()
	prop = f.make_proposal(
		kol.name, benefits=[{"benefit_type": "Revenue Share", "revenue_share_percent": 100}]
	)
	assert prop.benefits[0].revenue_share_percent == 100
	for percent in (100.01, 0):
		with pytest.raises(frappe.ValidationError, match="between 0 and 100"):
			f.make_proposal(
				kol.name, benefits=[{"benefit_type": "Revenue Share", "revenue_share_percent": percent}]
			)

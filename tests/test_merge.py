"""Merging duplicate KOLs (issue 15): B folds into A, every record that linked B links A,
child rows are combined without duplicates, the manager's choices win, and only a KOL Manager
merges."""

import frappe
import pytest
from frappe.model.dynamic_links import get_dynamic_link_map
from frappe.model.rename_doc import get_link_fields

from kol_crm.intake import merge
from tests import factories as f
from tests import security_fixture
from tests.api import ApiSession

METHOD = "/api/method/kol_crm.intake.merge."


@pytest.fixture(scope="module")
def world():
	built = security_fixture.build()
	yield built
	security_fixture.destroy(built)


def links_to(kol: str) -> dict[str, set[str]]:
	"""Every record of every DocType that links ``kol`` (Link, Dynamic Link, attached File)."""
	found: dict[str, set[str]] = {}
	for link in get_link_fields("KOL"):
		if link.issingle:
			continue
		for name in frappe.get_all(link.parent, filters={link.fieldname: kol}, pluck="name"):
			found.setdefault(f"{link.parent}.{link.fieldname}", set()).add(name)
	for df in get_dynamic_link_map().get("KOL", []):
		if frappe.get_meta(df.parent).issingle:
			continue
		for name in frappe.get_all(df.parent, filters={df.options: "KOL", df.fieldname: kol}, pluck="name"):
			found.setdefault(f"{df.parent}.{df.fieldname}", set()).add(name)
	files = frappe.get_all(
		"File", filters={"attached_to_doctype": "KOL", "attached_to_name": kol}, pluck="name"
	)
	if files:
		found["File.attached_to_name"] = set(files)
	return found


def own_link_fields() -> set[str]:
	"""Every Link to KOL in kol_crm's own DocTypes (child tables included)."""
	own = set(frappe.get_all("DocType", filters={"module": "KOL CRM"}, pluck="name"))
	return {f"{link.parent}.{link.fieldname}" for link in get_link_fields("KOL") if link.parent in own}


def add_missing_links(world) -> None:
	"""Records B's world doesn't have yet: an application matched to B, a file on B."""
	frappe.db.set_value("KOL Application", world.first("KOL Application"), "kol", world.kol)
	frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"{world.token}brief.txt",
			"content": "brief",
			"attached_to_doctype": "KOL",
			"attached_to_name": world.kol,
			"is_private": 1,
		}
	).insert(ignore_permissions=True)
	frappe.get_doc(
		{"doctype": "ToDo", "description": "call back", "reference_type": "KOL", "reference_name": world.kol}
	).insert(ignore_permissions=True)
	# B as the second KOL of an overlap with a third KOL (the fixture's overlap is B with A's KOL)
	third = f.make_kol(acknowledge_rules=False)
	frappe.get_doc(
		{
			"doctype": "KOL Audience Overlap",
			"kol": third.name,
			"other_kol": world.kol,
			"shared_followers": 5,
			"source": "Audience Survey",
		}
	).insert(ignore_permissions=True)


def test_merge_moves_every_record_that_links_the_duplicate(world):
	add_missing_links(world)
	before = links_to(world.kol)
	# every Link to KOL in the app has a record in this test: a new one can't be forgotten
	missing = own_link_fields() - set(before)
	assert not missing, f"add a record for {sorted(missing)} to this test"
	for expected in ("Communication.reference_name", "ToDo.reference_name", "Comment.reference_name"):
		assert expected in before
	assert "File.attached_to_name" in before
	target_before = links_to(world.a_kol)
	# an overlap between the two merged KOLs would be the kept KOL with itself: it goes
	pair = set(merge.pair_overlaps(world.kol, world.a_kol))
	assert len(pair) == 1

	frappe.set_user(f.MANAGER)
	assert merge.merge_kols(world.kol, world.a_kol) == world.a_kol

	assert not frappe.db.exists("KOL", world.kol)
	assert links_to(world.kol) == {}
	assert not any(frappe.db.exists("KOL Audience Overlap", name) for name in pair)
	after = links_to(world.a_kol)
	for field, names in before.items():
		assert names - pair <= after.get(field, set()), field
	for field, names in target_before.items():
		assert names - pair <= after[field], field
	# Frappe keeps the deleted duplicate as a Deleted Document
	assert frappe.db.exists("Deleted Document", {"deleted_doctype": "KOL", "deleted_name": world.kol})


def test_merge_combines_accounts_and_occasions_without_duplicates():
	a = f.make_kol(
		platform_accounts=[{"platform": "Bilibili", "handle": "@same_handle", "followers": 100}],
		occasions=[{"occasion_date": "1990-03-01", "occasion": "Birthday"}],
	)
	b = f.make_kol(
		platform_accounts=[
			{"platform": "Bilibili", "handle": "@same_handle_b", "followers": 50},
			{"platform": "Douyin", "handle": "@other", "followers": 900, "engagement_rate": 3},
		],
		occasions=[
			{"occasion_date": "1990-03-01", "occasion": "birthday"},
			{"occasion_date": "2027-01-10", "occasion": "Product launch"},
		],
	)
	# the same account on both (data loaded around the duplicate check)
	frappe.db.set_value("KOL Platform Account", b.platform_accounts[0].name, "handle", "@Same_Handle")

	preview = merge.get_merge_preview(b.name, a.name)
	assert preview["platform_accounts"] == 1
	assert preview["occasions"] == 1
	merge.merge_kols(b.name, a.name)

	a.reload()
	assert sorted((r.platform, r.handle, r.followers) for r in a.platform_accounts) == [
		("Bilibili", "same_handle", 100),
		("Douyin", "other", 900),
	]
	assert sorted((str(r.occasion_date), r.occasion) for r in a.occasions) == [
		("1990-03-01", "Birthday"),
		("2027-01-10", "Product launch"),
	]
	assert a.total_followers == 1000


def test_conflicts_keep_the_target_unless_the_manager_takes_the_source():
	a = f.make_kol(strengths="Long-form reviews", personality="Calm", agent_name=None)
	b = f.make_kol(strengths="Live streams", personality="Bold", agent_name="Ms Agent")

	plan = merge.merge_plan(b, a)
	assert "strengths" in plan.conflicts and "personality" in plan.conflicts and "email" in plan.conflicts
	assert plan.fills == ["agent_name"]
	b_email, a_email = b.email, a.email

	frappe.set_user(f.MANAGER)
	merge.merge_kols(b.name, a.name, take_from_source=["personality", "email"])
	a.reload()
	assert a.strengths == "Long-form reviews"  # kept
	assert a.personality == "Bold"  # taken from B
	assert a.email == b_email  # taken from B: B is gone, so it is no duplicate
	assert a.agent_name == "Ms Agent"  # A had none: filled
	# A's old address stays one of its addresses (mail from it still lands on A)
	assert a.other_emails == a_email.lower()

	comment = frappe.get_all(
		"Comment",
		filters={"reference_doctype": "KOL", "reference_name": a.name, "comment_type": "Info"},
		pluck="content",
	)
	text = next(c for c in comment if b.name in c)
	assert "Personality" in text and "Agent Name" in text
	assert "Live streams" in text  # the dropped non-personal value is recorded
	assert b_email not in text  # personal values never go into the timeline


def test_opt_out_and_conflict_flag_of_either_are_kept():
	a = f.make_kol()
	b = f.make_kol(do_not_contact=1, do_not_contact_reason="Asked us to stop")
	merge.merge_kols(b.name, a.name)
	a.reload()
	assert a.do_not_contact == 1
	assert a.do_not_contact_reason == "Asked us to stop"


def test_the_duplicates_addresses_become_other_addresses_and_bounces_follow_the_address():
	a = f.make_kol(other_emails="Old.A@creators.example")
	b = f.make_kol(other_emails="second.b@creators.example")
	frappe.db.set_value("KOL", b.name, {"email_invalid": 1, "email_invalid_reason": "550 no such user"})
	b.reload()
	merge.merge_kols(b.name, a.name)  # A keeps its own (valid) email
	a.reload()
	assert a.other_emails.split("\n") == [
		"old.a@creators.example",
		"second.b@creators.example",
		b.email.lower(),
	]
	assert (a.email_invalid, a.email_invalid_reason) == (0, None)

	c = f.make_kol()
	d = f.make_kol()
	frappe.db.set_value("KOL", d.name, {"email_invalid": 1, "email_invalid_reason": "550 no such user"})
	merge.merge_kols(d.name, c.name, take_from_source=["email"])  # C takes D's bounced address
	c.reload()
	assert (c.email, c.email_invalid, c.email_invalid_reason) == (d.email, 1, "550 no such user")


def test_merge_refuses_bad_input():
	a = f.make_kol()
	with pytest.raises(frappe.ValidationError, match="merged into itself"):
		merge.merge_kols(a.name, a.name)
	with pytest.raises(frappe.ValidationError, match="does not exist"):
		merge.merge_kols("KOL-NOPE-0001", a.name)
	b = f.make_kol(strengths="x")
	with pytest.raises(frappe.ValidationError, match=r"not in conflict.*kol_name_typo"):
		merge.merge_kols(b.name, a.name, take_from_source=["kol_name_typo"])
	assert frappe.db.exists("KOL", b.name)


@pytest.mark.parametrize("user", [f.OPERATOR_A, f.ANALYST])
def test_only_managers_merge(user):
	a = f.make_kol(operator=f.OPERATOR_A)
	b = f.make_kol(operator=f.OPERATOR_A)
	frappe.set_user(user)
	with pytest.raises(frappe.PermissionError, match="Only a KOL Manager"):
		merge.merge_kols(b.name, a.name)
	with pytest.raises(frappe.PermissionError, match="Only a KOL Manager"):
		merge.get_merge_preview(b.name, a.name)
	frappe.set_user("Administrator")
	assert frappe.db.exists("KOL", b.name)


def test_frappe_own_rename_merge_is_refused_for_kol():
	a = f.make_kol()
	b = f.make_kol()
	frappe.set_user(f.MANAGER)
	with pytest.raises(frappe.ValidationError, match="not allowed to be renamed"):
		frappe.rename_doc("KOL", b.name, a.name, merge=True)


def test_merge_through_rest_by_role():
	frappe.set_user("Administrator")
	a = f.make_kol(operator=f.OPERATOR_A, strengths="Keep me")
	b = f.make_kol(operator=f.OPERATOR_A, strengths="Take me")
	proposal = f.make_proposal(b.name)
	frappe.db.commit()
	try:
		for user in (f.OPERATOR_A, f.ANALYST):
			api = ApiSession(user, f.PASSWORD)
			response = api.post(f"{METHOD}merge_kols", data={"source": b.name, "target": a.name})
			assert response.status_code == 403, response.get_data(as_text=True)
		api = ApiSession(f.MANAGER, f.PASSWORD)
		response = api.get(f"{METHOD}get_merge_preview", query_string={"source": b.name, "target": a.name})
		preview = ApiSession.json(response)["message"]
		assert [c["fieldname"] for c in preview["conflicts"]].count("strengths") == 1
		assert preview["linked"]["KOL Proposal"] == 1
		response = api.post(
			f"{METHOD}merge_kols",
			data={"source": b.name, "target": a.name, "take_from_source": '["strengths"]'},
		)
		assert response.status_code == 200, response.get_data(as_text=True)
		frappe.db.rollback()
		assert not frappe.db.exists("KOL", b.name)
		assert frappe.db.get_value("KOL Proposal", proposal.name, "kol") == a.name
		assert frappe.db.get_value("KOL", a.name, "strengths") == "Take me"
	finally:
		frappe.db.rollback()
		frappe.delete_doc("KOL Proposal", proposal.name, force=True, ignore_permissions=True)
		for name in (a.name, b.name):
			if frappe.db.exists("KOL", name):
				frappe.delete_doc("KOL", name, force=True, ignore_permissions=True)
		frappe.db.commit()


def test_possible_duplicates_by_name_handle_and_contact():
	a = f.make_kol(kol_name="Lin Xiaoyu", platform_accounts=[{"platform": "Bilibili", "handle": "@linxy"}])
	same_name = f.make_kol(kol_name="lin xiaoyu")
	same_handle = f.make_kol(platform_accounts=[{"platform": "Douyin", "handle": "@LinXY"}])
	other = f.make_kol()
	found = {d["name"]: d["reasons"] for d in merge.possible_duplicates(a.name)}
	assert found == {same_name.name: ["same name"], same_handle.name: ["same handle"]}
	assert other.name not in found

	# an operator only hears of duplicates they may read
	frappe.db.set_value("KOL", same_name.name, "operator", f.OPERATOR_B)
	frappe.db.set_value("KOL", a.name, "operator", f.OPERATOR_A)
	frappe.db.set_value("KOL", same_handle.name, "operator", f.OPERATOR_A)
	frappe.set_user(f.OPERATOR_A)
	found = {d["name"] for d in merge.possible_duplicates(a.name)}
	assert found == {same_handle.name}

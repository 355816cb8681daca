"""Community groups per KOL type (根据KOL的类型分类建立社群) and their memberships (issue 12).

The rules through the framework's insert and save; the suggestions, the bulk "Add to group",
offboarding and the report through their public functions; REST as operator A, operator B, an
analyst, a KOL's portal login and a guest; the capacity with two connections joining at once.
"""

import json
import threading

import frappe
import pytest
from frappe.utils import add_days, nowdate

from kol_crm.community import groups
from kol_crm.intake import merge
from kol_crm.kol_crm.report.kol_community_groups import kol_community_groups
from kol_crm.outreach import bulk
from tests import factories as f
from tests import ops_helpers as h
from tests.api import rest_list, rest_read, session_as


def make_group(**kwargs):
	data = {
		"doctype": "KOL Community Group",
		"group_name": f"Group {f.unique('g')}",
		"channel": "WeChat Group",
		"invite_link": "https://weixin.qq.com/g/invite",
	}
	data.update(kwargs)
	return frappe.get_doc(data).insert()


def join(kol: str, group: str, **kwargs):
	data = {"doctype": "KOL Community Membership", "kol": kol, "community_group": group}
	data.update(kwargs)
	return frappe.get_doc(data).insert()


def count_of(group: str) -> int:
	"""The group's Active Members as its form shows them (counted, never stored)."""
	return frappe.get_doc("KOL Community Group", group).as_dict()["member_count"]


def report_count(group: str) -> int:
	_cols, rows, *_rest = kol_community_groups.execute({})
	return next(r["member_count"] for r in rows if r["name"] == group)


# ---------------------------------------------------------------- rules


def test_membership_defaults_and_the_groups_count_follows_join_and_leave():
	group = make_group()
	kol = f.make_kol()
	m = join(kol.name, group.name)
	assert (m.status, str(m.joined_on), m.left_on, m.kol_name) == ("Active", nowdate(), None, kol.kol_name)
	assert count_of(group.name) == 1
	m.status = "Left"
	m.save()
	assert str(m.left_on) == nowdate() and count_of(group.name) == 0
	again = join(kol.name, group.name)  # a KOL who left may join again
	assert count_of(group.name) == 1
	again.delete()
	assert count_of(group.name) == 0


def test_a_kol_is_an_active_member_of_a_group_once():
	group = make_group()
	kol = f.make_kol()
	join(kol.name, group.name)
	with pytest.raises(frappe.ValidationError, match="is already a member of"):
		join(kol.name, group.name)


def test_capacity_is_reached_at_the_limit_not_before():
	group = make_group(capacity=2)
	join(f.make_kol().name, group.name)
	join(f.make_kol().name, group.name)  # the second place: still fine
	with pytest.raises(frappe.ValidationError, match=r"is full \(2 of 2 places taken\)"):
		join(f.make_kol().name, group.name)
	unlimited = make_group(capacity=0)
	for _i in range(3):
		join(f.make_kol().name, unlimited.name)
	assert count_of(unlimited.name) == 3


def test_a_member_who_left_frees_a_place_and_a_lower_capacity_refuses_the_next():
	group = make_group(capacity=2)
	first = join(f.make_kol().name, group.name)
	join(f.make_kol().name, group.name)
	first.status = "Left"
	first.save()
	assert (count_of(group.name), report_count(group.name)) == (1, 1)
	join(f.make_kol().name, group.name)  # the freed place: 2 of 2 again
	group.reload()
	group.capacity = 1  # below the members it has: they stay, nobody new joins
	group.save()
	with pytest.raises(frappe.ValidationError, match=r"is full \(2 of 1 places taken\)"):
		join(f.make_kol().name, group.name)
	group.capacity = 3
	group.save()
	join(f.make_kol().name, group.name)  # one below the new limit
	assert count_of(group.name) == 3


def test_the_group_stores_no_member_count():
	assert frappe.get_meta("KOL Community Group").get_field("member_count").is_virtual == 1
	assert not frappe.db.has_column("KOL Community Group", "member_count")


def test_disabled_group_and_closed_kol_take_no_new_membership():
	disabled = make_group(enabled=0)
	with pytest.raises(frappe.ValidationError, match="is disabled and takes no new members"):
		join(f.make_kol().name, disabled.name)
	kol = f.make_kol()
	f.set_state(kol, "Declined")
	with pytest.raises(frappe.ValidationError, match="a closed KOL can't join"):
		join(kol.name, make_group().name)


def test_left_on_cannot_precede_joined_on_and_a_membership_cannot_move():
	group = make_group()
	kol = f.make_kol()
	m = join(kol.name, group.name, joined_on=add_days(nowdate(), -10))
	m.update({"status": "Left", "left_on": add_days(nowdate(), -11)})
	with pytest.raises(frappe.ValidationError, match="cannot be before Joined On"):
		m.save()
	m.reload()
	m.community_group = make_group().name
	with pytest.raises(frappe.ValidationError, match="can't be moved to another KOL or group"):
		m.save()


def test_group_invite_link_must_be_http_and_a_group_with_members_is_not_deleted():
	with pytest.raises(frappe.ValidationError, match="must start with http:// or https://"):
		make_group(invite_link="weixin://join")
	group = make_group()
	join(f.make_kol().name, group.name)
	with pytest.raises(frappe.ValidationError, match="has 1 active members"):
		frappe.delete_doc("KOL Community Group", group.name)


# ---------------------------------------------------------------- suggestions, bulk, offboarding


def test_suggested_groups_follow_the_kols_category_tree_and_programme():
	cats = h.category_tree()
	domain = make_group(category=cats["domain"])
	skincare = make_group(category=cats["Skincare"])
	make_group(category=cats["Makeup"])  # another niche
	unpaid = make_group(category=cats["Skincare"], program_type="Unpaid")
	everyone = make_group()  # no category: every KOL
	make_group(category=cats["Skincare"], enabled=0)
	kol = f.make_kol(category=cats["Skincare"], program_type="Paid")
	names = [g["name"] for g in groups.suggested_groups(kol)]
	assert set(names) >= {domain.name, skincare.name, everyone.name}
	assert unpaid.name not in names
	assert names.index(skincare.name) < names.index(domain.name)  # the most specific first
	join(kol.name, skincare.name)
	data = groups.form_data(kol)
	assert [m["community_group"] for m in data["current"]] == [skincare.name]
	assert skincare.name not in [g["name"] for g in data["suggested"]]


def test_full_group_is_suggested_as_full():
	cats = h.category_tree()
	group = make_group(category=cats["Skincare"], capacity=1)
	join(f.make_kol(category=cats["Skincare"]).name, group.name)
	kol = f.make_kol(category=cats["Skincare"])
	entry = next(g for g in groups.suggested_groups(kol) if g["name"] == group.name)
	assert entry["full"] is True


def test_bulk_add_to_group_adds_skips_current_members_and_refuses_other_operators_kols():
	group = make_group()
	mine = [f.make_kol(operator=f.OPERATOR_A).name for _i in range(2)]
	theirs = f.make_kol(operator=f.OPERATOR_B).name
	join(mine[0], group.name)
	frappe.set_user(f.OPERATOR_A)
	summary = bulk.add_to_group(json.dumps([*mine, theirs]), group.name)
	assert [e["kol"] for e in summary["done"]] == [mine[1]]
	assert [(e["kol"], e["message"]) for e in summary["skipped"]] == [(mine[0], "Already a member")]
	assert [e["kol"] for e in summary["failed"]] == [theirs]
	frappe.set_user("Administrator")
	assert count_of(group.name) == 2
	assert not frappe.db.exists("KOL Community Membership", {"kol": theirs})


def test_bulk_add_to_group_needs_an_existing_group():
	with pytest.raises(frappe.ValidationError, match="Choose an existing Community Group"):
		bulk.add_to_group([f.make_kol().name], "No Such Group")


def test_offboarding_ends_every_membership_of_the_kol():
	first, second = make_group(), make_group()
	kol = f.make_kol()
	other = f.make_kol()
	join(kol.name, first.name)
	join(kol.name, second.name)
	join(other.name, first.name)
	f.set_state(kol, "Active")
	frappe.set_user(f.MANAGER)
	from frappe.model.workflow import apply_workflow

	apply_workflow(frappe.get_doc("KOL", kol.name), "Offboard")
	frappe.set_user("Administrator")
	rows = frappe.get_all(
		"KOL Community Membership", filters={"kol": kol.name}, fields=["status", "left_on", "left_reason"]
	)
	assert [(r.status, str(r.left_on), r.left_reason) for r in rows] == [
		("Left", nowdate(), "Offboarded")
	] * 2
	assert (count_of(first.name), count_of(second.name)) == (1, 0)
	assert frappe.db.get_value("KOL Community Membership", {"kol": other.name}, "status") == "Active"


def test_report_counts_follow_add_remove_and_merge():
	group = make_group(capacity=3)
	a, b, c = f.make_kol(), f.make_kol(), f.make_kol()
	assert report_count(group.name) == 0
	join(a.name, group.name)
	m_b = join(b.name, group.name)
	assert report_count(group.name) == 2
	m_b.update({"status": "Left"})
	m_b.save()
	assert report_count(group.name) == 1
	m_b.delete()
	assert report_count(group.name) == 1
	join(b.name, group.name)
	join(c.name, group.name)
	assert report_count(group.name) == 3
	_cols, rows, *_rest = kol_community_groups.execute({})
	row = next(r for r in rows if r["name"] == group.name)
	assert (row["free_places"], row["visible_members"]) == (0, 3)
	# B folds into A: both were members, A is still one member (and one place is free again)
	merge.merge_kols(b.name, a.name)
	_cols, rows, *_rest = kol_community_groups.execute({})
	row = next(r for r in rows if r["name"] == group.name)
	assert (row["member_count"], row["free_places"], row["visible_members"]) == (2, 1, 2)
	assert count_of(group.name) == 2
	join(f.make_kol().name, group.name)  # the freed place
	# C, a member, folds into D, who was in no group: D is the member now
	d = f.make_kol()
	merge.merge_kols(c.name, d.name)
	assert report_count(group.name) == 3
	assert (
		frappe.db.get_value(
			"KOL Community Membership", {"community_group": group.name, "kol": d.name}, "status"
		)
		== "Active"
	)


def test_report_counts_members_per_group_and_the_operators_own():
	group = make_group(capacity=5, group_owner=f.OPERATOR_A)
	a = f.make_kol(operator=f.OPERATOR_A)
	b = f.make_kol(operator=f.OPERATOR_B)
	join(a.name, group.name)
	join(b.name, group.name)
	_cols, rows, *_rest = kol_community_groups.execute({"enabled_only": 1})
	row = next(r for r in rows if r["name"] == group.name)
	assert (row["member_count"], row["capacity"], row["free_places"], row["visible_members"]) == (2, 5, 3, 2)
	frappe.set_user(f.OPERATOR_A)
	_cols, rows, *_rest = kol_community_groups.execute({})
	row = next(r for r in rows if r["name"] == group.name)
	assert (row["member_count"], row["visible_members"]) == (2, 1)
	assert "invite_link" not in row


# ---------------------------------------------------------------- over HTTP, per role


@pytest.fixture(scope="module")
def world():
	frappe.set_user("Administrator")
	token = frappe.generate_hash(length=8)
	a = f.make_kol(operator=f.OPERATOR_A, kol_name=f"Alpha Community {token}")
	b = f.make_kol(operator=f.OPERATOR_B, kol_name=f"Beta Community {token}")
	f.link_portal_user(b.name)
	frappe.set_user(f.MANAGER)
	group = make_group(group_name=f"Writers {token}", invite_link=f"https://weixin.qq.com/g/{token}")
	m_a = join(a.name, group.name)
	m_b = join(b.name, group.name)
	frappe.set_user("Administrator")
	frappe.db.commit()
	yield frappe._dict(a=a, b=b, group=group, m_a=m_a, m_b=m_b, token=token)
	frappe.set_user("Administrator")
	for name in frappe.get_all(
		"KOL Community Membership", filters={"kol": ["in", [a.name, b.name]]}, pluck="name"
	):
		frappe.delete_doc("KOL Community Membership", name, force=True)
	frappe.delete_doc("KOL Community Group", group.name, force=True)
	frappe.db.set_value("KOL", b.name, "portal_user", None)
	for doc in (a, b):
		frappe.delete_doc("KOL", doc.name, force=True)
	frappe.db.commit()


session = session_as
listing = rest_list
read = rest_read


@pytest.mark.parametrize(
	"user, mine, other",
	[(f.OPERATOR_A, "m_a", "m_b"), (f.OPERATOR_B, "m_b", "m_a")],
	ids=["opA", "opB"],
)
def test_rest_operator_sees_only_their_own_kols_memberships(world, user, mine, other):
	s = session(user)
	names = {row["name"] for row in listing(s, "KOL Community Membership", fields=["name"])}
	assert world[mine].name in names and world[other].name not in names
	assert read(s, "KOL Community Membership", world[mine].name)["community_group"] == world.group.name
	read(s, "KOL Community Membership", world[other].name, expect=403)
	# the group itself is shared, with its invite link, and its count of every member
	group = read(s, "KOL Community Group", world.group.name)
	assert group["invite_link"] == f"https://weixin.qq.com/g/{world.token}" and group["member_count"] == 2


def test_rest_operator_manages_memberships_of_their_own_kols_only(world):
	s = session(f.OPERATOR_A)
	response = s.post(
		"/api/resource/KOL Community Membership",
		json={"kol": world.b.name, "community_group": world.group.name},
	)
	assert response.status_code == 403, response.get_data(as_text=True)
	response = s.request(
		"PUT", f"/api/resource/KOL Community Membership/{world.m_b.name}", json={"status": "Left"}
	)
	assert response.status_code == 403
	response = s.post(
		"/api/resource/KOL Community Membership",
		json={"kol": world.a.name, "community_group": world.group.name},
	)
	assert response.status_code == 417 and "is already a member of" in response.get_data(as_text=True)
	# an operator doesn't change the group
	response = s.request("PUT", f"/api/resource/KOL Community Group/{world.group.name}", json={"capacity": 1})
	assert response.status_code == 403
	response = s.post("/api/resource/KOL Community Group", json={"group_name": f"Mine {world.token}"})
	assert response.status_code == 403
	frappe.db.rollback()
	assert frappe.db.get_value("KOL Community Membership", world.m_b.name, "status") == "Active"


def test_rest_analyst_reads_groups_without_the_invite_link_and_changes_nothing(world):
	s = session(f.ANALYST)
	group = read(s, "KOL Community Group", world.group.name)
	assert group["member_count"] == 2 and not group.get("invite_link")
	names = {row["name"] for row in listing(s, "KOL Community Membership", fields=["name"])}
	assert {world.m_a.name, world.m_b.name} <= names
	response = s.post(
		"/api/resource/KOL Community Membership",
		json={"kol": world.a.name, "community_group": world.group.name},
	)
	assert response.status_code == 403


@pytest.mark.parametrize("user", [f.PORTAL_USER, None], ids=["portal", "guest"])
def test_rest_portal_user_and_guest_read_no_community_records(world, user):
	s = session(user)
	read(s, "KOL Community Group", world.group.name, expect=403)
	read(s, "KOL Community Membership", world.m_b.name, expect=403)
	listing(s, "KOL Community Group", expect=403)
	listing(s, "KOL Community Membership", expect=403)
	response = s.post(
		"/api/resource/KOL Community Membership",
		json={"kol": world.b.name, "community_group": world.group.name},
	)
	assert response.status_code == 403


def test_deleting_a_kol_deletes_its_memberships_and_overlaps_and_the_count_follows():
	group = make_group()
	kol = f.make_kol()
	other = f.make_kol()
	join(kol.name, group.name)
	frappe.get_doc(
		{"doctype": "KOL Audience Overlap", "kol": other.name, "other_kol": kol.name, "shared_followers": 5}
	).insert()
	frappe.delete_doc("KOL", kol.name)
	assert not frappe.db.exists("KOL Community Membership", {"kol": kol.name})
	assert not frappe.db.exists("KOL Audience Overlap", {"other_kol": kol.name})
	assert count_of(group.name) == 0


# ---------------------------------------------------------------- two KOLs joining at once


@pytest.fixture
def committed_full_soon():
	"""A group with one place and two KOLs, committed (each joining thread has its connection)."""
	kols = [f.make_kol().name, f.make_kol().name]
	group = make_group(capacity=1)
	frappe.db.commit()
	yield group.name, kols
	frappe.db.rollback()
	for name in frappe.get_all("KOL Community Membership", {"community_group": group.name}, pluck="name"):
		frappe.delete_doc("KOL Community Membership", name, force=True)
	frappe.delete_doc("KOL Community Group", group.name, force=True)
	for kol in kols:
		frappe.delete_doc("KOL", kol, force=True)
	frappe.db.commit()


def test_two_kols_joining_the_last_place_at_once_one_is_refused(committed_full_soon):
	"""The second connection has already read (its snapshot counts no member) when it tries to join
	while the first one's membership is not yet committed: it waits for the group's lock, then
	counts the committed member and is refused."""
	group, (first, second) = committed_full_soon
	site, sites_path = frappe.local.site, frappe.local.sites_path
	first_joined, second_trying = threading.Event(), threading.Event()
	results: dict[str, str] = {}

	def connect():
		frappe.init(site=site, sites_path=sites_path)
		frappe.connect()
		frappe.flags.in_test = True
		frappe.set_user("Administrator")

	def join_first():
		connect()
		try:
			join(first, group)
			first_joined.set()
			second_trying.wait(timeout=10)
			threading.Event().wait(1)  # the second is waiting for the group's lock meanwhile
			frappe.db.commit()
			results["first"] = "joined"
		except Exception as e:
			results["first"] = repr(e)
		finally:
			first_joined.set()
			frappe.destroy()

	def join_second():
		connect()
		try:
			results["seen before"] = str(groups.active_count(group))  # the snapshot starts here
			first_joined.wait(timeout=10)
			second_trying.set()
			join(second, group)
			frappe.db.commit()
			results["second"] = "joined"
		except frappe.ValidationError as e:
			frappe.db.rollback()
			results["second"] = str(e)
		except Exception as e:
			results["second"] = repr(e)
		finally:
			second_trying.set()
			frappe.destroy()

	threads = [threading.Thread(target=join_first), threading.Thread(target=join_second)]
	for t in threads:
		t.start()
	for t in threads:
		t.join(timeout=60)
	assert results["first"] == "joined" and results["seen before"] == "0", results
	assert "is full (1 of 1 places taken)" in results["second"], results
	frappe.db.rollback()  # read what the threads committed
	assert frappe.db.count("KOL Community Membership", {"community_group": group, "status": "Active"}) == 1
	assert count_of(group) == 1

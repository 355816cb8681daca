"""Discovery (issue 12): the observation log and events / camps with their participants.

Through the public surface: REST as operator A, operator B, an analyst, a KOL's portal login and
a guest; the controllers' validation through the framework's insert and save.
"""

import json

import frappe
import pytest
from frappe.utils import add_days, nowdate

from tests import factories as f
from tests.api import rest_list, rest_read, session_as

# ---------------------------------------------------------------- validation (in-transaction)


def observation(kol: str, **kwargs):
	data = {
		"doctype": "KOL Observation",
		"kol": kol,
		"source": "WeChat Moments",
		"evidence": "Posts a weekly teardown of indie games, 200+ likes each",
	}
	data.update(kwargs)
	return frappe.get_doc(data)


def event(**kwargs):
	data = {
		"doctype": "KOL Event",
		"event_name": f"Spring Camp {f.unique('e')}",
		"event_type": "Camp",
		"starts_on": nowdate(),
		"ends_on": add_days(nowdate(), 6),
	}
	data.update(kwargs)
	return frappe.get_doc(data)


def test_observation_defaults_to_today_and_the_session_user():
	kol = f.make_kol()
	frappe.set_user(f.OPERATOR_A)
	doc = observation(kol.name, link="https://mp.weixin.qq.com/s/abc").insert()
	assert str(doc.observed_on) == nowdate()
	assert doc.observer == f.OPERATOR_A
	assert doc.kol_name == kol.kol_name


@pytest.mark.parametrize("link", ["ftp://example.com/x", "www.example.com/post", "javascript:alert(1)"])
def test_observation_link_must_be_http(link):
	kol = f.make_kol()
	with pytest.raises(frappe.ValidationError, match="must start with http:// or https://"):
		observation(kol.name, link=link).insert()


def test_observation_needs_evidence():
	kol = f.make_kol()
	with pytest.raises(frappe.ValidationError, match="Evidence is required"):
		observation(kol.name, evidence="   ").insert()


def test_observation_date_today_is_fine_tomorrow_is_not():
	kol = f.make_kol()
	assert observation(kol.name, observed_on=nowdate()).insert().observed_on
	assert observation(kol.name, observed_on=add_days(nowdate(), -1)).insert().observed_on
	with pytest.raises(frappe.ValidationError, match="cannot be in the future"):
		observation(kol.name, observed_on=add_days(nowdate(), 1)).insert()


def test_operator_records_observations_in_their_own_name_only():
	kol = f.make_kol(operator=f.OPERATOR_A)
	frappe.set_user(f.OPERATOR_A)
	with pytest.raises(frappe.PermissionError, match="in your own name"):
		observation(kol.name, observer=f.OPERATOR_B).insert()
	frappe.set_user(f.MANAGER)
	assert observation(kol.name, observer=f.OPERATOR_B).insert().observer == f.OPERATOR_B


def test_event_end_may_equal_start_but_not_precede_it():
	assert event(ends_on=nowdate()).insert().ends_on
	with pytest.raises(frappe.ValidationError, match=r"Ends On .* cannot be before Starts On"):
		event(ends_on=add_days(nowdate(), -1)).insert()


def test_event_refuses_the_same_participant_twice_in_one_role():
	kol = f.make_kol()
	rows = [{"kol": kol.name, "role": "Speaker"}, {"kol": kol.name, "role": "Speaker"}]
	with pytest.raises(frappe.ValidationError, match="already a participant"):
		event(participants=rows).insert()
	rows[1]["role"] = "Found Here"
	assert len(event(participants=rows).insert().participants) == 2


def found_comments(kol: str) -> list[str]:
	return frappe.get_all(
		"Comment",
		filters={"reference_doctype": "KOL", "reference_name": kol, "comment_type": "Info"},
		pluck="content",
	)


def test_found_here_leaves_one_comment_on_the_kols_timeline():
	found, speaker = f.make_kol(), f.make_kol()
	doc = event(
		event_name="Indie Dev Camp",
		participants=[{"kol": found.name, "role": "Found Here"}, {"kol": speaker.name, "role": "Speaker"}],
	).insert()
	comments = [c for c in found_comments(found.name) if "Found at event" in c]
	assert len(comments) == 1 and "Indie Dev Camp" in comments[0]
	assert not [c for c in found_comments(speaker.name) if "Found at event" in c]
	doc.review_notes = "<p>Found two strong writers</p>"
	doc.save()  # saved again: no second comment
	assert len([c for c in found_comments(found.name) if "Found at event" in c]) == 1
	doc.append("participants", {"kol": speaker.name, "role": "Found Here"})
	doc.save()
	assert len([c for c in found_comments(speaker.name) if "Found at event" in c]) == 1


def test_kol_form_connections_show_observations():
	from kol_crm.kol_crm.doctype.kol.kol_dashboard import get_data

	items = [item for group in get_data()["transactions"] for item in group["items"]]
	assert "KOL Observation" in items


# ---------------------------------------------------------------- over HTTP, per role


@pytest.fixture(scope="module")
def world():
	"""Committed records: A's KOL and B's, an observation of each, and a manager's camp with both."""
	frappe.set_user("Administrator")
	token = frappe.generate_hash(length=8)
	a = f.make_kol(operator=f.OPERATOR_A, kol_name=f"Alpha Discovery {token}")
	b = f.make_kol(operator=f.OPERATOR_B, kol_name=f"Beta Discovery {token}")
	f.link_portal_user(b.name)
	obs_a = observation(
		a.name, evidence=f"alpha-evidence-{token}", link=f"https://a.example/{token}"
	).insert()
	obs_b = observation(b.name, evidence=f"beta-evidence-{token}", link=f"https://b.example/{token}").insert()
	frappe.set_user(f.MANAGER)
	camp = event(
		event_name=f"Camp {token}",
		review_notes="<p>Two writers stood out</p>",
		participants=[
			{"kol": a.name, "role": "Found Here", "note": f"alpha-note-{token}"},
			{"kol": b.name, "role": "Participant", "note": f"beta-note-{token}"},
		],
	).insert()
	frappe.set_user("Administrator")
	frappe.db.commit()
	yield frappe._dict(a=a, b=b, obs_a=obs_a, obs_b=obs_b, camp=camp, token=token)
	frappe.set_user("Administrator")
	kols = [a.name, b.name]
	events = set(frappe.get_all("KOL Event", filters={"event_name": ["like", f"%{token}%"]}, pluck="name"))
	events |= set(
		frappe.get_all(
			"KOL Event Participant", filters={"kol": ["in", kols]}, pluck="parent", ignore_permissions=True
		)
	)
	for name in events:
		frappe.delete_doc("KOL Event", name, force=True)
	for name in frappe.get_all("KOL Observation", filters={"kol": ["in", kols]}, pluck="name"):
		frappe.delete_doc("KOL Observation", name, force=True)
	frappe.db.set_value("KOL", b.name, "portal_user", None)
	for doc in (a, b):
		frappe.delete_doc("KOL", doc.name, force=True)
	frappe.db.commit()


session = session_as
listing = rest_list
read = rest_read


def test_rest_operator_reads_and_lists_only_their_own_kols_observations(world):
	s = session(f.OPERATOR_A)
	names = {row["name"] for row in listing(s, "KOL Observation", fields=["name"])}
	assert world.obs_a.name in names and world.obs_b.name not in names
	assert read(s, "KOL Observation", world.obs_a.name)["link"] == f"https://a.example/{world.token}"
	read(s, "KOL Observation", world.obs_b.name, expect=403)
	s_b = session(f.OPERATOR_B)
	assert read(s_b, "KOL Observation", world.obs_b.name)["evidence"] == f"beta-evidence-{world.token}"
	read(s_b, "KOL Observation", world.obs_a.name, expect=403)


def test_rest_operator_creates_observations_on_their_own_kols_only(world):
	s = session(f.OPERATOR_A)
	body = {"source": "Project", "evidence": f"rest-{world.token}", "link": "https://github.com/x/y"}
	response = s.post("/api/resource/KOL Observation", json={**body, "kol": world.b.name})
	assert response.status_code == 403, response.get_data(as_text=True)
	response = s.post("/api/resource/KOL Observation", json={**body, "kol": world.a.name})
	assert response.status_code == 200, response.get_data(as_text=True)
	created = s.json(response)["data"]
	assert created["observer"] == f.OPERATOR_A and created["observed_on"] == nowdate()
	response = s.post(
		"/api/resource/KOL Observation", json={**body, "kol": world.a.name, "link": "ftp://x.y"}
	)
	assert response.status_code == 417
	assert "must start with http:// or https://" in response.get_data(as_text=True)


def test_rest_analyst_reads_observations_without_the_link(world):
	s = session(f.ANALYST)
	doc = read(s, "KOL Observation", world.obs_b.name)
	assert doc["evidence"] == f"beta-evidence-{world.token}"
	assert not doc.get("link")
	rows = listing(s, "KOL Observation", fields=["name", "link"], filters={"name": world.obs_b.name})
	assert [row["name"] for row in rows] == [world.obs_b.name] and not rows[0].get("link")
	response = s.post("/api/resource/KOL Observation", json={"kol": world.a.name, "evidence": "x"})
	assert response.status_code == 403


@pytest.mark.parametrize("user", [f.PORTAL_USER, None], ids=["portal", "guest"])
def test_rest_portal_user_and_guest_read_no_discovery_records(world, user):
	s = session(user)
	for doctype, name in (("KOL Observation", world.obs_b.name), ("KOL Event", world.camp.name)):
		read(s, doctype, name, expect=403)
		listing(s, doctype, expect=403)
	response = s.post("/api/resource/KOL Observation", json={"kol": world.b.name, "evidence": "x"})
	assert response.status_code == 403


@pytest.mark.parametrize(
	"user, sees",
	[(f.MANAGER, {"a", "b"}), (f.ANALYST, {"a", "b"}), (f.OPERATOR_A, {"a"}), (f.OPERATOR_B, {"b"})],
	ids=["manager", "analyst", "opA", "opB"],
)
def test_rest_event_participants_follow_their_kols(world, user, sees):
	s = session(user)
	doc = read(s, "KOL Event", world.camp.name)
	assert doc["review_notes"] == "<p>Two writers stood out</p>"
	expected = {world[k].name for k in sees}
	assert {row["kol"] for row in doc["participants"]} == expected
	text = json.dumps(doc)
	for key in {"a", "b"} - sees:
		assert world[key].name not in text and world[key].kol_name not in text
	response = s.get(
		"/api/method/frappe.client.get", query_string={"doctype": "KOL Event", "name": world.camp.name}
	)
	assert {row["kol"] for row in s.json(response)["message"]["participants"]} == expected
	response = s.get(
		"/api/method/frappe.desk.form.load.getdoc",
		query_string={"doctype": "KOL Event", "name": world.camp.name},
	)
	assert response.status_code == 200, response.get_data(as_text=True)
	assert {row["kol"] for row in s.json(response)["docs"][0]["participants"]} == expected
	for key in {"a", "b"} - sees:
		assert world[key].name not in response.get_data(as_text=True)
	response = s.get(f"/api/v2/document/KOL Event/{world.camp.name}")
	assert response.status_code == 200, response.get_data(as_text=True)
	assert {row["kol"] for row in s.json(response)["data"]["participants"]} == expected
	rows = listing(s, "KOL Event Participant", parent="KOL Event", fields=["kol", "note"])
	assert {row["kol"] for row in rows} >= expected
	assert not ({row["kol"] for row in rows} & {world[k].name for k in {"a", "b"} - sees})
	assert world.camp.name in {row["name"] for row in listing(s, "KOL Event", fields=["name"])}


def test_rest_operator_cant_reach_other_participants_through_the_event_list_or_a_row(world):
	s = session(f.OPERATOR_A)
	listing(s, "KOL Event", expect=403, fields=["name", "`tabKOL Event Participant`.`kol`"])
	listing(s, "KOL Event", expect=403, filters=[["KOL Event Participant", "kol", "=", world.b.name]])
	listing(s, "KOL Event", expect=403, fields=["name", "participants.kol"])
	listing(s, "KOL Event", expect=403, fields=["name"], order_by="`tabKOL Event Participant`.`kol` desc")
	b_row = next(row.name for row in world.camp.participants if row.kol == world.b.name)
	response = s.get(
		"/api/method/frappe.client.get",
		query_string={"doctype": "KOL Event Participant", "name": b_row, "parent": "KOL Event"},
	)
	assert response.status_code == 403, response.get_data(as_text=True)
	assert world.b.name not in response.get_data(as_text=True)
	# a manager lists the events by participant
	rows = listing(
		session(f.MANAGER),
		"KOL Event",
		fields=["name"],
		filters=[["KOL Event Participant", "kol", "=", world.b.name]],
	)
	assert [row["name"] for row in rows] == [world.camp.name]


def test_rest_operator_creates_events_with_their_own_kols_and_changes_only_their_own(world):
	s = session(f.OPERATOR_A)
	body = {"event_name": f"Meetup {world.token}", "event_type": "Meetup", "starts_on": nowdate()}
	response = s.post(
		"/api/resource/KOL Event", json={**body, "participants": [{"kol": world.b.name, "role": "Speaker"}]}
	)
	assert response.status_code == 403
	assert "you can only add your own KOLs as participants" in response.get_data(as_text=True)
	response = s.post(
		"/api/resource/KOL Event", json={**body, "participants": [{"kol": world.a.name, "role": "Speaker"}]}
	)
	assert response.status_code == 200, response.get_data(as_text=True)
	own = s.json(response)["data"]["name"]
	response = s.request("PUT", f"/api/resource/KOL Event/{own}", json={"review_notes": "<p>Went well</p>"})
	assert response.status_code == 200, response.get_data(as_text=True)
	# the manager's camp is not A's to change (it also holds B's KOL)
	response = s.request(
		"PUT", f"/api/resource/KOL Event/{world.camp.name}", json={"review_notes": "<p>x</p>"}
	)
	assert response.status_code == 403
	response = s.request("DELETE", f"/api/resource/KOL Event/{world.camp.name}")
	assert response.status_code == 403
	assert frappe.db.get_value("KOL Event", world.camp.name, "review_notes") == "<p>Two writers stood out</p>"
	# an analyst neither creates nor changes events
	s_an = session(f.ANALYST)
	assert s_an.post("/api/resource/KOL Event", json=body).status_code == 403
	assert (
		s_an.request("PUT", f"/api/resource/KOL Event/{own}", json={"review_notes": "x"}).status_code == 403
	)


def test_operator_cant_change_their_event_once_it_holds_another_operators_kol(world):
	frappe.set_user(f.OPERATOR_A)
	own = event(participants=[{"kol": world.a.name, "role": "Participant"}]).insert()
	frappe.set_user(f.MANAGER)
	own.reload()
	own.append("participants", {"kol": world.b.name, "role": "Speaker"})
	own.save()
	frappe.set_user(f.OPERATOR_A)
	mine = frappe.get_doc("KOL Event", own.name)
	mine.description = "changed"
	with pytest.raises(frappe.PermissionError, match="participants of KOLs you don't own"):
		mine.save()

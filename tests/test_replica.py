"""Replica reads only while the replica is fresh (kol_crm/utils/replica.py).

The pure parts (GTID positions, how stale a replica is, the decision) are checked with exact
numbers here; the drill tests/scripts/drill_replica.sh runs a real primary and replica.
"""

import frappe
import pytest

from kol_crm.utils import replica
from tests import factories as f
from tests.api import ApiSession


def test_parse_gtid_takes_the_highest_sequence_per_domain():
	assert replica.parse_gtid("0-1-42,1-2-7") == {0: 42, 1: 7}
	assert replica.parse_gtid("0-1-42, 0-2-40") == {0: 42}
	assert replica.parse_gtid("") == {}
	assert replica.parse_gtid(None) == {}


def test_reached_needs_every_domain():
	assert replica.reached({0: 5, 1: 3}, {0: 5, 1: 3}) is True
	assert replica.reached({0: 6}, {0: 5}) is True
	assert replica.reached({0: 4}, {0: 5}) is False
	assert replica.reached({0: 9}, {0: 5, 1: 1}) is False
	assert replica.reached({}, {}) is True


SAMPLES = [(100.0, {0: 10}), (102.0, {0: 12}), (104.0, {0: 15})]


def test_staleness_is_zero_when_the_replica_has_what_the_primary_has_now():
	assert replica.staleness({0: 15}, SAMPLES, now=104.5) == 0.0


def test_staleness_counts_from_the_newest_sample_the_replica_has_reached():
	# the replica has 12: everything it lacks was committed after 102.0, so at most 2.5 s old
	assert replica.staleness({0: 12}, SAMPLES, now=104.5) == pytest.approx(2.5)
	# 13 is past the second sample and short of the third: still counted from 102.0
	assert replica.staleness({0: 13}, SAMPLES, now=104.5) == pytest.approx(2.5)
	assert replica.staleness({0: 10}, SAMPLES, now=104.5) == pytest.approx(4.5)


def test_staleness_is_unknown_before_any_sample_is_reached():
	assert replica.staleness({0: 9}, SAMPLES, now=104.5) is None
	assert replica.staleness({0: 1}, [], now=1.0) is None


@pytest.mark.parametrize(
	("age", "fresh", "reason"),
	[(9.999, True, "fresh"), (10.0, True, "fresh"), (10.001, False, "lagging"), (None, False, "unknown")],
)
def test_decide_at_the_lag_limit_and_on_both_sides(age, fresh, reason):
	state = replica.decide(10.0, age)
	assert (state["fresh"], state["reason"]) == (fresh, reason)


def test_decide_down_wins_over_age():
	assert replica.decide(10.0, 0.0, error="refused") == {
		"fresh": False,
		"lag": None,
		"reason": "down",
		"error": "refused",
	}


@pytest.fixture
def replica_conf():
	conf = frappe.local.conf
	saved = {key: conf.get(key) for key in ("read_from_replica", "replica_host", "replica_db_port")}
	frappe.cache.delete_value([replica.STATE_KEY, replica.SAMPLES_KEY])
	yield conf
	conf.update(saved)
	frappe.cache.delete_value([replica.STATE_KEY, replica.SAMPLES_KEY])


def test_a_replica_that_does_not_answer_sends_the_request_to_the_primary(replica_conf):
	replica_conf.update({"read_from_replica": 1, "replica_host": "127.0.0.1", "replica_db_port": 9})
	replica.guard_replica_reads()
	assert frappe.local.conf.read_from_replica is False
	state = frappe.cache.get_value(replica.STATE_KEY, expires=True)
	assert (state["fresh"], state["reason"]) == (False, "down")


def test_a_replica_with_everything_the_primary_has_keeps_the_replica_reads(replica_conf):
	# the test site's own server as its "replica": it has applied exactly what it has committed
	replica_conf.update(
		{
			"read_from_replica": 1,
			"replica_host": frappe.conf.db_host or "127.0.0.1",
			"replica_db_port": frappe.conf.db_port,
		}
	)
	replica.guard_replica_reads()
	assert frappe.local.conf.read_from_replica == 1
	assert frappe.cache.get_value(replica.STATE_KEY, expires=True)["reason"] == "fresh"


def test_without_a_replica_the_guard_changes_nothing(replica_conf):
	replica_conf.update({"read_from_replica": None})
	replica.guard_replica_reads()
	assert frappe.cache.get_value(replica.STATE_KEY, expires=True) is None


@pytest.mark.parametrize(
	("user", "code"),
	[(f.MANAGER, 200), (f.OPERATOR_A, 403), (f.ANALYST, 403), (f.PORTAL_USER, 403), (None, 403)],
)
def test_replica_status_is_for_managers(user, code):
	session = ApiSession(user, f.PASSWORD if user else None)
	response = session.get("/api/method/kol_crm.utils.replica.status")
	assert response.status_code == code, response.get_data(as_text=True)
	if code == 200:
		assert response.json["message"] == {"configured": False}

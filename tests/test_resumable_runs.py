"""Resumable runs (kol_crm/utils/jobs.py): bulk actions (KOL Bulk Run) and the candidate import in
chunks, each committed with its checkpoint.

A chunked run gives what the one-pass path gives; a chunk done again (a duplicate job, a job
queued again after a crash) sends and inserts nothing twice; a run whose heartbeat is ten minutes
old is queued again; a bulk run is seen by the user who started it and by managers only.
Jobs are run here as a worker would, minus the commits (each test is rolled back), and what
would be queued is captured instead.
"""

import json

import frappe
import pytest
from frappe.utils import add_to_date, now_datetime

from kol_crm.intake import candidate_import
from kol_crm.intelligence import pacing
from kol_crm.outreach import bulk
from kol_crm.utils import jobs
from tests import factories as f
from tests import test_email
from tests.test_candidate_import import HEADER, make_import, results

TEMPLATE = "KOL First Outreach"
email_account = test_email.email_account  # the fixture


@pytest.fixture
def queued(monkeypatch):
	"""What the code queues (nothing reaches the shared Redis)."""
	jobs_queued = []
	monkeypatch.setattr(frappe, "enqueue", lambda method, **kwargs: jobs_queued.append((method, kwargs)))
	return jobs_queued


def _sent(kol: str) -> int:
	return frappe.db.count(
		"Communication", {"reference_doctype": "KOL", "reference_name": kol, "sent_or_received": "Sent"}
	)


def _queued_email(kol: str) -> int:
	comms = frappe.get_all(
		"Communication", filters={"reference_doctype": "KOL", "reference_name": kol}, pluck="name"
	)
	return frappe.db.count("Email Queue", {"communication": ("in", comms)}) if comms else 0


def _selection() -> tuple[list[str], dict]:
	"""Seven KOLs as operator A sees them: four to email, two to skip, one not theirs."""
	good = [f.make_kol().name for _ in range(4)]
	blocked = f.make_kol(do_not_contact=1, do_not_contact_reason="Asked us to stop").name
	no_email = f.make_kol(email=None).name
	theirs = f.make_kol(operator=f.OPERATOR_B).name
	names = [good[0], blocked, good[1], theirs, good[2], no_email, good[3]]
	return names, {"good": good, "blocked": blocked, "no_email": no_email, "theirs": theirs}


def _comparable(summary: dict) -> dict:
	"""A summary without what differs between two sends (the new Communication's name)."""
	return {
		"done": [(e["kol"], e["kol_name"]) for e in summary["done"]],
		"skipped": summary["skipped"],
		"failed": summary["failed"],
	}


def _start(names: list[str], monkeypatch, chunk: int = 2) -> tuple[str, str]:
	monkeypatch.setitem(frappe.conf, "kol_bulk_chunk_size", chunk)
	run = bulk.start_run("send_outreach", names, {"template": TEMPLATE})["run"]
	return run, frappe.db.get_value("KOL Bulk Run", run, "run_token")


# ------------------------------------------------------------------ bulk actions


def test_a_chunked_bulk_send_gives_the_one_pass_result(email_account, queued, monkeypatch):
	names, kols = _selection()
	frappe.set_user(f.OPERATOR_A)
	frappe.db.savepoint("one_pass")
	one_pass = bulk.process("send_outreach", names, {"template": TEMPLATE})
	frappe.db.rollback(save_point="one_pass")
	assert not any(_sent(n) for n in names)

	run, token = _start(names, monkeypatch)
	# each chunk a job of its own, as after a restart between chunks
	after, chunks = 0, 0
	while jobs.run_job("bulk", run, token, after, commit=False, enqueue_next=False, max_chunks=1):
		chunks += 1
		after = frappe.db.get_value("KOL Bulk Run", run, "checkpoint")
	chunked = bulk.summary(run)

	assert chunks == 4  # 7 KOLs, 2 a chunk
	assert _comparable(chunked) == _comparable(one_pass)
	assert [e["kol"] for e in chunked["done"]] == kols["good"]
	assert [e["kol"] for e in chunked["failed"]] == [kols["theirs"]]
	stored = frappe.db.get_value(
		"KOL Bulk Run",
		run,
		["status", "processed", "total", "done_count", "skipped_count", "failed_count", "progress"],
	)
	assert stored == ("Completed with Errors", 7, 7, 4, 2, 1, "7 of 7 KOLs")
	assert [_sent(n) for n in kols["good"]] == [1, 1, 1, 1]
	assert [_queued_email(n) for n in kols["good"]] == [1, 1, 1, 1]


def test_a_chunk_done_again_sends_nothing_twice(email_account, queued, monkeypatch):
	names, kols = _selection()
	frappe.set_user(f.OPERATOR_A)
	run, token = _start(names, monkeypatch)

	assert jobs.run_job("bulk", run, token, 0, commit=False, enqueue_next=False, max_chunks=1) == 1
	# the same job again (a duplicate, or queued again while the first one was still working)
	assert jobs.run_job("bulk", run, token, 0, commit=False, enqueue_next=False, max_chunks=1) == 0
	assert [_sent(n) for n in names[:2]] == [1, 0]  # the first KOL emailed once, the blocked one skipped

	# a worker killed in the middle of the next chunk: its transaction is lost with it
	frappe.db.savepoint("killed")
	jobs.run_job("bulk", run, token, 2, commit=False, enqueue_next=False, max_chunks=1)
	assert _sent(kols["good"][1]) == 1
	frappe.db.rollback(save_point="killed")
	assert _sent(kols["good"][1]) == 0
	assert frappe.db.get_value("KOL Bulk Run", run, ["checkpoint", "processed"]) == (2, 2)

	# the run is resumed from its checkpoint and finishes: every KOL processed, each emailed once
	jobs.run_to_end(bulk.BulkRun(run), token)
	assert frappe.db.get_value("KOL Bulk Run", run, ["status", "processed"]) == ("Completed with Errors", 7)
	assert [_sent(n) for n in kols["good"]] == [1, 1, 1, 1]
	assert [_queued_email(n) for n in kols["good"]] == [1, 1, 1, 1]
	# a job of the finished run does nothing
	assert jobs.run_job("bulk", run, token, 2, commit=False, enqueue_next=False) == 0
	assert [_sent(n) for n in kols["good"]] == [1, 1, 1, 1]


def test_a_job_of_a_run_started_again_does_nothing(email_account, queued, monkeypatch):
	names, _kols = _selection()
	frappe.set_user(f.OPERATOR_A)
	run, old_token = _start(names, monkeypatch)
	new_token = jobs.start(bulk.BulkRun(run), len(names), enqueue=False)
	assert jobs.run_job("bulk", run, old_token, 0, commit=False, enqueue_next=False) == 0
	assert not any(_sent(n) for n in names)
	assert jobs.run_job("bulk", run, new_token, 0, commit=False, enqueue_next=False) == 4


def test_a_bulk_job_runs_as_the_user_who_started_it(email_account, queued, monkeypatch):
	names, kols = _selection()
	frappe.set_user(f.OPERATOR_A)
	run, token = _start(names, monkeypatch)
	frappe.set_user("Administrator")  # the scheduler's resume task, say
	jobs.run_to_end(bulk.BulkRun(run), token)
	assert frappe.session.user == f.OPERATOR_A
	assert [e["kol"] for e in bulk.summary(run)["failed"]] == [kols["theirs"]]  # not operator A's


# ------------------------------------------------------------------ resume_stalled


@pytest.mark.parametrize("seconds,resumed", [(-1, False), (0, True), (1, True)])
def test_a_run_is_resumed_when_its_heartbeat_is_ten_minutes_old(
	email_account, queued, monkeypatch, seconds, resumed
):
	"""``seconds`` beyond the ten minutes: at the limit and after it the run is resumed."""
	names, _kols = _selection()
	frappe.set_user(f.OPERATOR_A)
	run, token = _start(names, monkeypatch)
	jobs.run_job("bulk", run, token, 0, commit=False, enqueue_next=False, max_chunks=1)
	now = now_datetime()
	beat = add_to_date(now, minutes=-jobs.STALL_MINUTES, seconds=-seconds)
	frappe.db.set_value("KOL Bulk Run", run, "heartbeat", beat, update_modified=False)
	queued.clear()

	frappe.set_user("Administrator")
	assert (("bulk", run) in jobs.resume_stalled(now)) is resumed
	mine = [kw for method, kw in queued if kw["name"] == run]
	if not resumed:
		assert mine == []
		return
	assert len(mine) == 1 and mine[0]["after"] == 2 and mine[0]["token"] == token
	assert mine[0]["queue"] == "long"
	# its heartbeat is renewed: one resume per stall
	assert ("bulk", run) not in jobs.resume_stalled(now)
	# the queued job finishes the run from the checkpoint, nothing twice
	kw = mine[0]
	jobs.run_job(kw["kind"], kw["name"], kw["token"], kw["after"], commit=False, enqueue_next=False)
	assert frappe.db.get_value("KOL Bulk Run", run, ["status", "processed"]) == ("Completed with Errors", 7)
	assert [_sent(n) for n in _kols["good"]] == [1, 1, 1, 1]


def test_a_finished_run_is_not_resumed(email_account, queued, monkeypatch):
	names, _kols = _selection()
	frappe.set_user(f.OPERATOR_A)
	run, token = _start(names, monkeypatch, chunk=10)
	jobs.run_to_end(bulk.BulkRun(run), token)
	old = add_to_date(now_datetime(), hours=-5)
	frappe.db.set_value("KOL Bulk Run", run, "heartbeat", old, update_modified=False)
	assert ("bulk", run) not in jobs.resume_stalled()


# ------------------------------------------------------------------ who sees a run


def test_a_bulk_run_is_seen_by_its_starter_and_managers_only(email_account, queued, monkeypatch):
	names, _kols = _selection()
	frappe.set_user(f.OPERATOR_A)
	assert bulk.run("send_outreach", names, {"template": TEMPLATE})["queued"] is False  # 7: inline
	monkeypatch.setattr(bulk, "INLINE_LIMIT", 2)
	run = bulk.run("send_outreach", json.dumps(names), {"template": TEMPLATE})["run"]

	expected = {f.OPERATOR_A: True, f.MANAGER: True, f.OPERATOR_B: False, f.ANALYST: False}
	for user, allowed in expected.items():
		frappe.set_user(user)
		assert frappe.has_permission("KOL Bulk Run", "read", doc=run, user=user) is allowed, user
		listed = frappe.get_list("KOL Bulk Run", filters={"name": run}, pluck="name") if allowed else []
		assert listed == ([run] if allowed else []), user
		# nobody edits a run in the desk: the jobs write it
		assert frappe.has_permission("KOL Bulk Run", "write", doc=run, user=user) is False, user
	frappe.set_user(f.OPERATOR_B)
	assert frappe.get_list("KOL Bulk Run", filters={"name": run}, pluck="name") == []
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc("KOL Bulk Run", run).check_permission("read")
	frappe.set_user(f.ANALYST)
	with pytest.raises(frappe.PermissionError):
		frappe.get_list("KOL Bulk Run", filters={"name": run})


# ------------------------------------------------------------------ the candidate import


def _file(t: str) -> str:
	"""Rows that are created, duplicates within the file across chunks, a bad row, an existing KOL."""
	existing = f.make_kol(email=f"old.{t}@cand.example")
	return (
		f"{HEADER}\n"
		f"A {t},a.{t}@cand.example,,,,,Douyin,a_{t},1,,,\n"  # 2
		f"B {t},b.{t}@cand.example,,,,,Douyin,b_{t},x,,,\n"  # 3: followers not a number
		f"C {t},c.{t}@cand.example,,,,,Douyin,c_{t},1,,,\n"  # 4
		f"A again {t},A.{t}@CAND.example,,,,,Douyin,a2_{t},1,,,\n"  # 5: row 2's email
		f"Old {t},{existing.email},,,,,Douyin,old_{t},1,,,\n"  # 6: an existing KOL
		f"D {t},d.{t}@cand.example,,,,,Douyin,c_{t},1,,,\n"  # 7: row 4's handle
		f"E {t},e.{t}@cand.example,,,,,Douyin,e_{t},1,,,\n"  # 8
	)


def _import_counts(doc) -> tuple:
	doc.reload()
	return (
		doc.status,
		doc.total_rows,
		doc.processed_rows,
		doc.created_count,
		doc.updated_count,
		doc.skipped_count,
		doc.failed_count,
	)


def _created(t: str) -> dict[str, int]:
	rows = frappe.get_all(
		"KOL",
		filters={"email": ("like", f"%.{t}@cand.example")},
		fields=["email", "count(name) as n"],
		group_by="email",
	)
	return {r.email: r.n for r in rows}


def test_a_chunked_import_gives_the_one_pass_result(monkeypatch):
	t = f.unique("r")
	doc = make_import(_file(t))
	frappe.db.savepoint("one_pass")
	candidate_import.run(doc)  # every row in one chunk
	one_pass = (_import_counts(doc), results(doc), _created(t))
	frappe.db.rollback(save_point="one_pass")
	assert _created(t) == {f"old.{t}@cand.example": 1}

	monkeypatch.setattr(candidate_import, "CHUNK", 2)
	doc.reload()
	token = candidate_import.begin(doc, enqueue=False)
	after, chunks = 0, 0
	# each chunk a job of its own (the file read again, the earlier rows' keys replayed)
	while jobs.run_job("import", doc.name, token, after, commit=False, enqueue_next=False, max_chunks=1):
		chunks += 1
		after = frappe.db.get_value("KOL Candidate Import", doc.name, "checkpoint")
	assert chunks == 4
	assert (_import_counts(doc), results(doc), _created(t)) == one_pass
	assert one_pass[0] == ("Completed with Errors", 7, 7, 3, 0, 3, 1)
	assert [(n, r[0]) for n, r in sorted(one_pass[1].items())] == [
		(3, "Failed"),
		(5, "Skipped"),
		(6, "Skipped"),
		(7, "Skipped"),
	]
	assert "row 2" in one_pass[1][5][2] and "row 4" in one_pass[1][7][2]


def test_an_import_chunk_done_again_inserts_nothing_twice(monkeypatch):
	t = f.unique("q")
	doc = make_import(_file(t))
	monkeypatch.setattr(candidate_import, "CHUNK", 3)
	token = candidate_import.begin(doc, enqueue=False)
	assert jobs.run_job("import", doc.name, token, 0, commit=False, enqueue_next=False, max_chunks=1) == 1
	assert jobs.run_job("import", doc.name, token, 0, commit=False, enqueue_next=False, max_chunks=1) == 0
	assert _created(t) == {f"a.{t}@cand.example": 1, f"c.{t}@cand.example": 1, f"old.{t}@cand.example": 1}

	# a worker killed in the middle of the next chunk
	frappe.db.savepoint("killed")
	jobs.run_job("import", doc.name, token, 3, commit=False, enqueue_next=False, max_chunks=1)
	frappe.db.rollback(save_point="killed")
	assert _import_counts(doc)[2] == 3

	jobs.run_to_end(candidate_import.ImportRun(doc.name), token)
	assert _import_counts(doc) == ("Completed with Errors", 7, 7, 3, 0, 3, 1)
	assert set(_created(t).values()) == {1} and len(_created(t)) == 4
	assert sorted(results(doc)) == [3, 5, 6, 7]  # every row not created has its result, once


def test_a_large_import_is_queued_as_a_resumable_run(queued, monkeypatch):
	t = f.unique("z")
	doc = make_import(_file(t))
	monkeypatch.setattr(candidate_import, "INLINE_LIMIT", 3)
	assert candidate_import.start_import(doc.name) == {"status": "Running", "queued": True}
	assert _created(t) == {f"old.{t}@cand.example": 1}
	(method, kwargs), *_rest = queued
	assert method == jobs.JOB_METHOD and (kwargs["kind"], kwargs["name"]) == ("import", doc.name)
	doc.reload()
	assert (doc.status, doc.total_rows, doc.progress, doc.started_by) == (
		"Running",
		7,
		"0 of 7 rows",
		"Administrator",
	)
	with pytest.raises(frappe.ValidationError, match="already Running"):
		candidate_import.start_import(doc.name)


def test_imported_kols_skip_the_overlap_and_pacing_notices(monkeypatch):
	seen = []
	original = pacing.warn_if_overlapping
	monkeypatch.setattr(
		pacing,
		"warn_if_overlapping",
		lambda doc, s=None: (
			seen.append((doc.kol_name, bool(doc.flags.skip_pacing_warning))) or original(doc, s)
		),
	)
	t = f.unique("o")
	candidate_import.run(make_import(f"{HEADER}\nO {t},o.{t}@cand.example,,,,,Douyin,o_{t},1,,,\n"))
	desk = f.make_kol(kol_name=f"Desk {t}")
	assert (f"O {t}", True) in seen
	assert (desk.kol_name, False) in seen
	assert all(skip for name, skip in seen if name == f"O {t}")

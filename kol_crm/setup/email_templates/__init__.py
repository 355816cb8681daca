"""Email Templates kol_crm ships (created on install and migrate when missing, never overwritten)."""

import os

import frappe

TEMPLATES = {
	"KOL First Outreach": ("first_outreach.html", "{{ kol_name }}, an invitation to create with us"),
	"KOL Follow-up": ("follow_up.html", "Following up: {{ kol_name }} x our community"),
	# the same in Chinese, sent instead to a KOL written to in zh (outreach/email.py, template_for_kol)
	"KOL First Outreach (zh)": ("first_outreach.zh.html", "{{ kol_name }}，诚邀您与我们一起创作"),
	"KOL Follow-up (zh)": ("follow_up.zh.html", "跟进：{{ kol_name }} x 我们的社区"),
	"KOL Proposal": ("proposal.html", "Our cooperation proposal for {{ kol_name }}"),
	"KOL Code of Conduct": ("code_of_conduct.html", "Our rules for KOLs: please read and acknowledge"),
	"KOL Application Received": (
		"application_received.html",
		"We received your application, {{ applicant_name }}",
	),
	# content review (kol_crm/content/notify.py): rendered in the KOL's language
	"KOL Content Changes Requested": (
		"content_changes_requested.html",
		'{{ _("Changes requested: {0}").format(title) }}',
	),
	"KOL Content Approved": ("content_approved.html", '{{ _("Approved: {0}").format(title) }}'),
	"KOL Content Published": ("content_published.html", '{{ _("Published: {0}").format(title) }}'),
}


def ensure_email_templates() -> None:
	folder = os.path.dirname(__file__)
	for name, (filename, subject) in TEMPLATES.items():
		if frappe.db.exists("Email Template", name):
			continue
		with open(os.path.join(folder, filename)) as f:
			html = f.read()
		frappe.get_doc(
			{
				"doctype": "Email Template",
				"name": name,
				"subject": subject,
				"use_html": 1,
				"response_html": html,
			}
		).insert(ignore_permissions=True)


def remove_email_templates() -> None:
	for name in TEMPLATES:
		frappe.delete_doc_if_exists("Email Template", name, force=True)

"""Templated outreach email to a KOL: template checks, rendering, do-not-contact, sending.

Used by the list view's bulk send (``bulk.py``) and by follow-up sequences (``sequences.py``).
Every send goes through Frappe's ``communication.email.make``, so it is one Communication on
the KOL, and the Communication hook (``interactions.on_communication``) records it as one
outbound KOL Interaction.
"""

import frappe
from frappe import _
from frappe.core.doctype.communication.email import make as make_communication
from frappe.email.doctype.email_account.email_account import EmailAccount
from frappe.model import default_fields
from frappe.translate import print_language
from frappe.utils import formatdate, nowdate
from frappe.utils.jinja import get_jenv
from jinja2 import TemplateSyntaxError, meta, nodes

#: template variables that are not KOL fields but exist when the template renders
EXTRA_CONTEXT = frozenset({"doc", "doctype"})


class TemplateFieldError(frappe.ValidationError):
	"""An Email Template refers to something the KOL does not have."""


# ------------------------------------------------------------------ do not contact


def apply_do_not_contact(doc) -> None:
	"""KOL.validate: date the do-not-contact flag; clear it when lifted."""
	if doc.get("do_not_contact"):
		if not (doc.get("do_not_contact_reason") or "").strip():
			frappe.throw(
				_("Do Not Contact Reason is required when the KOL must not be contacted."),
				title=_("Missing value"),
			)
		if not doc.get("do_not_contact_on"):
			doc.do_not_contact_on = nowdate()
	else:
		doc.do_not_contact_on = None


def contact_block_reason(doc) -> str | None:
	"""Why no outreach email may go to this KOL (None: it may)."""
	if doc.get("do_not_contact"):
		return _("Do not contact: {0}").format(doc.get("do_not_contact_reason") or _("no reason given"))
	if not doc.get("email"):
		return _("No email address")
	if doc.get("email_invalid"):
		if not doc.get("email_invalid_on"):
			return _("The email address bounced as undeliverable: correct it before sending")
		return _("The email address bounced as undeliverable on {0}: correct it before sending").format(
			formatdate(doc.email_invalid_on)
		)
	if is_unsubscribed(doc):
		return _("Unsubscribed: {0} opted out of our emails").format(doc.email)
	return None


def is_unsubscribed(doc) -> bool:
	"""Frappe's Email Unsubscribe for this address (globally or from this KOL): the Email Queue
	would silently drop the email, so it is not sent (nor recorded as an interaction) at all."""
	eu = frappe.qb.DocType("Email Unsubscribe")
	return bool(
		frappe.qb.from_(eu)
		.select(eu.name)
		.where(
			(eu.email == doc.email)
			& (
				((eu.reference_doctype == "KOL") & (eu.reference_name == doc.name))
				| (eu.global_unsubscribe == 1)
			)
		)
		.limit(1)
		.run()
	)


# ------------------------------------------------------------------ templates


def kol_variables() -> set[str]:
	"""Names a template rendered against a KOL may use: its fields and the Jinja globals."""

	meta = frappe.get_meta("KOL")
	fields = {df.fieldname for df in meta.fields if df.fieldtype not in frappe.model.no_value_fields}
	fields |= {df.fieldname for df in meta.get_table_fields()}
	return fields | set(default_fields) | set(get_jenv().globals) | EXTRA_CONTEXT


def unknown_variables(source: str) -> set[str]:
	"""Names ``source`` reads that a KOL does not provide (``{{ x }}`` and ``{{ doc.x }}``)."""

	if not source:
		return set()
	try:
		ast = get_jenv().parse(source)
	except TemplateSyntaxError as e:
		frappe.throw(
			_("The template has an error on line {0}: {1}").format(e.lineno, e.message),
			exc=TemplateFieldError,
			title=_("Invalid template"),
		)
	allowed = kol_variables()
	unknown = meta.find_undeclared_variables(ast) - allowed
	for node in ast.find_all(nodes.Getattr):
		if isinstance(node.node, nodes.Name) and node.node.name == "doc" and node.attr not in allowed:
			unknown.add(f"doc.{node.attr}")
	return unknown


def get_template(template: str):
	if not template or not frappe.db.exists("Email Template", template):
		frappe.throw(_("Email Template {0} not found").format(template), frappe.DoesNotExistError)
	return frappe.get_cached_doc("Email Template", template)


def template_parts(template) -> tuple[str, str]:
	"""(subject, body) sources of an Email Template (its HTML body when it uses HTML)."""
	return template.subject or "", (template.response_html if template.use_html else template.response) or ""


def check_template(template) -> None:
	"""Refuse a template that refers to a field a KOL does not have, naming the field."""
	subject, body = template_parts(template)
	unknown = unknown_variables(subject) | unknown_variables(body)
	if unknown:
		frappe.throw(
			_(
				"Email Template {0} uses {1}, which a KOL does not have. Fix the template before sending."
			).format(template.name, ", ".join(sorted(unknown))),
			exc=TemplateFieldError,
			title=_("Unknown field in template"),
		)


def kol_language(kol) -> str | None:
	"""The language the KOL is written to in: its Email Language, else its portal login's."""
	if kol.get("email_language"):
		return kol.email_language
	if kol.get("portal_user"):
		return frappe.db.get_value("User", kol.portal_user, "language")
	return None


def template_for_kol(template, kol):
	"""The template in the KOL's language: "NAME (zh)" for a KOL written to in zh, when that
	Email Template exists (else ``template`` itself)."""
	language = kol_language(kol)
	if not language:
		return template
	localized = f"{template.name} ({language})"
	if localized != template.name and frappe.db.exists("Email Template", localized):
		return frappe.get_cached_doc("Email Template", localized)
	return template


def render_for_kol(template, kol) -> dict:
	"""{"subject", "message"} of the template, in the KOL's language, rendered for the KOL document;
	"template" is the Email Template used."""
	template = template_for_kol(template, kol)
	check_template(template)
	context = kol.as_dict()
	if frappe.session.user != "Administrator":
		# render only what the sender may read (personal fields are permlevel 1)
		readable = kol.get_permlevel_access("read")
		for df in kol.meta.fields:
			if df.permlevel and df.permlevel not in readable:
				context[df.fieldname] = None
	context["doc"] = frappe._dict(context)
	subject, body = template_parts(template)
	with print_language(kol_language(kol)):  # what the template translates with _()
		return {
			"subject": frappe.render_template(subject, context).strip(),
			"message": frappe.render_template(body, context),
			"template": template.name,
		}


def ensure_outgoing_account() -> None:

	if not EmailAccount.find_outgoing(match_by_doctype="KOL"):
		frappe.throw(
			_("No outgoing Email Account is set up. Add one in Email Account before sending outreach."),
			frappe.OutgoingEmailError,
			title=_("Cannot send email"),
		)


def send_template(template, kol) -> str:
	"""Email the rendered template to the KOL as the session user; the Communication's name."""
	recipient = kol.email
	rendered = render_for_kol(template, kol)
	result = make_communication(
		doctype="KOL",
		name=kol.name,
		recipients=recipient,
		subject=rendered["subject"],
		content=rendered["message"],
		send_email=True,
		email_template=rendered["template"],
	)
	return result["name"]

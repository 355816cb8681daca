"""Email Account (Frappe): the pull notes which emails are automatic replies.

``hooks.override_doctype_class`` makes this the class of every Email Account. It adds one step
to the pull and changes nothing else: see ``outreach/auto_replies.py``.
"""

from frappe.email.doctype.email_account.email_account import EmailAccount

from kol_crm.outreach import auto_replies


class KOLEmailAccount(EmailAccount):
	def get_inbound_mails(self):
		mails = super().get_inbound_mails()
		auto_replies.note_pulled(mails)
		return mails

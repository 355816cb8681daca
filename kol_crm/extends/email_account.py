"""Email Account (Frappe): the pull notes which emails are automatic replies, bounces and
requests to unsubscribe, and which emails each refers to (References), from what Frappe does not
keep on the Communication it makes (the headers; the body, which it adds after the
Communication's hooks ran).

``hooks.override_doctype_class`` makes this the class of every Email Account. It adds one step
to the pull and changes nothing else: see ``outreach/auto_replies.py``, ``outreach/bounces.py``,
``outreach/opt_outs.py`` and ``outreach/threads.py``.
"""

from frappe.email.doctype.email_account.email_account import EmailAccount

from kol_crm.outreach import auto_replies, bounces, opt_outs, threads


class KOLEmailAccount(EmailAccount):
	def get_inbound_mails(self):
		mails = super().get_inbound_mails()
		auto_replies.note_pulled(mails)
		bounces.note_pulled(mails)
		opt_outs.note_pulled(mails)
		threads.note_pulled(mails)
		return mails

"""Email Unsubscribe (Frappe): a KOL who left by the link in our email is not to be contacted."""

from kol_crm.outreach import opt_outs


def after_insert(doc, method=None) -> None:
	opt_outs.on_email_unsubscribe(doc)

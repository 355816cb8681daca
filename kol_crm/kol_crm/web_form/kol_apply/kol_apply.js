frappe.ready(function () {
	// the honeypot field stays in the page for bots but out of sight (see the form's custom CSS)
	frappe.web_form.set_df_property("homepage", "description", "");
});

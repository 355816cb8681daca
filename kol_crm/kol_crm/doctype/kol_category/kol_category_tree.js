frappe.treeview_settings["KOL Category"] = {
	breadcrumb: "KOL CRM",
	title: __("KOL Category"),
	get_tree_root: false,
	root_label: __("All KOL Categories"),
	filters: [],
};

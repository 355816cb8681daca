frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["New KOLs per Week by Path"] = {
	method: "kol_crm.kol_crm.dashboard_chart_source.new_kols_per_week_by_path.new_kols_per_week_by_path.get",
	filters: [],
};

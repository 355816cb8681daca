frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["KOL Interactions per Week"] = {
	method: "kol_crm.kol_crm.dashboard_chart_source.kol_interactions_per_week.kol_interactions_per_week.get",
	filters: [],
};

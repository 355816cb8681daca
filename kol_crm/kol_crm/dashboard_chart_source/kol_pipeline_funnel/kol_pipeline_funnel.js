frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["KOL Pipeline Funnel"] = {
	method: "kol_crm.kol_crm.dashboard_chart_source.kol_pipeline_funnel.kol_pipeline_funnel.get",
	filters: [],
};

import { readFileSync } from "node:fs";
import path from "node:path";
import { parser } from "@prometheus-io/lezer-promql";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { metricCatalogue, type MetricInfo } from "@/lib/metrics/metrics";

/**
 * The observability artefacts in deploy/observability/ against the registry
 * the hub really exposes: every alert rule and dashboard query must parse as
 * PromQL (Prometheus's own grammar) and name only metrics, and labels, that
 * lib/metrics/metrics.ts registers. Each alert has a runbook.
 */
const root = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

const catalogue = new Map<string, MetricInfo>(metricCatalogue().map((metric) => [metric.name, metric]));
/** Labels Prometheus attaches to every scraped series. */
const TARGET_LABELS = ["job", "instance"];

/** The metric behind a series name: histograms expose name_bucket, name_sum and name_count. */
function lookup(series: string): { metric: MetricInfo; bucket: boolean } | undefined {
  const direct = catalogue.get(series);
  if (direct) return { metric: direct, bucket: false };
  const match = /^(.*)_(bucket|sum|count)$/.exec(series);
  const base = match ? catalogue.get(match[1]!) : undefined;
  if (base && (base.type === "histogram" || base.type === "summary")) return { metric: base, bucket: match![2] === "bucket" };
  return undefined;
}

type Selector = { metric: string; labels: string[] };

/** Parses a PromQL expression; returns its syntax errors and the selectors it uses. */
function analyse(expr: string): { errors: string[]; selectors: Selector[] } {
  const errors: string[] = [];
  const selectors: Selector[] = [];
  const tree = parser.parse(expr);
  tree.iterate({
    enter(node) {
      if (node.type.isError) errors.push(`syntax error at ${node.from}: …${expr.slice(Math.max(0, node.from - 20), node.from + 20)}…`);
      if (node.name !== "VectorSelector") return;
      const identifier = node.node.getChild("Identifier");
      const labels: string[] = [];
      const matchers = node.node.getChild("LabelMatchers");
      matchers?.toTree().iterate({
        enter(inner) {
          if (inner.name === "LabelName") labels.push(expr.slice(matchers.from + inner.from, matchers.from + inner.to));
        },
      });
      selectors.push({ metric: identifier ? expr.slice(identifier.from, identifier.to) : "", labels });
    },
  });
  if (expr.trim() === "") errors.push("empty expression");
  return { errors, selectors };
}

/** Problems with one expression: syntax, unknown metrics, unknown labels. */
function problemsIn(expr: string): string[] {
  const { errors, selectors } = analyse(expr);
  const problems = [...errors];
  if (selectors.length === 0) problems.push("selects no metric");
  for (const selector of selectors) {
    if (!selector.metric) {
      problems.push("a selector without a metric name");
      continue;
    }
    const found = lookup(selector.metric);
    if (!found) {
      problems.push(`unknown metric ${selector.metric}`);
      continue;
    }
    const allowed = new Set([...found.metric.labelNames, ...TARGET_LABELS, ...(found.bucket ? ["le"] : [])]);
    for (const label of selector.labels) if (!allowed.has(label)) problems.push(`${selector.metric} has no label ${label}`);
  }
  return problems;
}

type Rule = { alert?: string; record?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
const rules: Rule[] = (parseYaml(read("deploy/observability/alerts.yml")) as { groups: Array<{ name: string; rules: Rule[] }> }).groups.flatMap((group) => group.rules);

describe("the checker itself", () => {
  it("finds syntax errors, unknown metrics and unknown labels", () => {
    expect(problemsIn("sum(rate(hub_jobs_processed_total[5m])")).not.toEqual([]);
    expect(problemsIn("rate(hub_no_such_metric_total[5m])")).toEqual(["unknown metric hub_no_such_metric_total"]);
    expect(problemsIn('rate(hub_jobs_processed_total{user_id="usr_1"}[5m])')).toEqual(["hub_jobs_processed_total has no label user_id"]);
    expect(problemsIn('rate(hub_job_duration_seconds_sum{le="1"}[5m])')).toEqual(["hub_job_duration_seconds_sum has no label le"]);
    expect(problemsIn("vector(1)")).toEqual(["selects no metric"]);
    expect(problemsIn('histogram_quantile(0.95, sum by (le, queue) (rate(hub_job_duration_seconds_bucket{queue="x"}[5m])))')).toEqual([]);
  });
});

describe("deploy/observability/alerts.yml", () => {
  it("has the alerts operators rely on", () => {
    expect(rules.map((rule) => rule.alert)).toEqual(
      expect.arrayContaining(["HubHighErrorRate", "HubHighLatency", "HubJobFailures", "HubWebhookAutoDisabled", "HubDeviceOffline", "HubSocketStorm"]),
    );
    expect(new Set(rules.map((rule) => rule.alert)).size).toBe(rules.length);
  });

  it.each(rules.map((rule) => [rule.alert ?? rule.record ?? "?", rule] as const))("%s is a well-formed rule over metrics the hub exposes", (_name, rule) => {
    expect(rule.alert).toMatch(/^Hub[A-Z][A-Za-z]+$/);
    expect(problemsIn(rule.expr)).toEqual([]);
    expect(rule.for ?? "0m").toMatch(/^\d+[smh]$/);
    expect(["critical", "warning", "info"]).toContain(rule.labels?.severity);
    expect(rule.annotations?.summary).toBeTruthy();
    expect(rule.annotations?.description).toBeTruthy();
    expect(rule.annotations?.runbook_url).toBe(`docs/runbooks.md#${rule.alert!.toLowerCase()}`);
  });

  it("has a runbook section per alert, and none for alerts that do not exist", () => {
    const runbooks = read("docs/runbooks.md");
    const sections = [...runbooks.matchAll(/^## (\S+)$/gm)].map((match) => match[1]);
    expect(sections.sort()).toEqual(rules.map((rule) => rule.alert).sort());
    for (const section of runbooks.split(/^## /m).slice(1)) {
      // Each runbook says what the alert means and what to do about it.
      expect(section).toMatch(/\*\*What it means\.\*\*/);
      expect(section).toMatch(/\*\*What to do\.\*\*/);
    }
  });
});

describe("deploy/observability/grafana-dashboard.json", () => {
  const dashboard = JSON.parse(read("deploy/observability/grafana-dashboard.json")) as {
    uid: string;
    title: string;
    panels: Array<{ type: string; title: string; targets?: Array<{ expr: string; refId: string }>; gridPos: { x: number; w: number } }>;
  };
  const charts = dashboard.panels.filter((panel) => panel.type !== "row");

  it("queries only metrics the hub exposes, in valid PromQL", () => {
    expect(dashboard.uid).toBe("message-hub");
    expect(charts.length).toBeGreaterThan(20);
    for (const panel of charts) {
      expect(panel.title, "panel title").toBeTruthy();
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
      // Grafana's $__rate_interval is substituted before Prometheus sees the query.
      for (const target of panel.targets ?? []) expect(problemsIn(target.expr.replaceAll("$__rate_interval", "5m")), `${panel.title}: ${target.expr}`).toEqual([]);
    }
  });

  it("charts every metric of the hub's own (not only the process defaults)", () => {
    const used = new Set(charts.flatMap((panel) => (panel.targets ?? []).flatMap((target) => analyse(target.expr.replaceAll("$__rate_interval", "5m")).selectors.map((s) => lookup(s.metric)?.metric.name))));
    const own = [...catalogue.keys()].filter((name) => !name.startsWith("hub_process_"));
    expect(own.filter((name) => !used.has(name))).toEqual([]);
  });
});

describe("the registry's names and labels", () => {
  const own = [...catalogue.values()].filter((metric) => !metric.name.startsWith("hub_process_"));

  it("follows Prometheus conventions: hub_ prefix, _total counters, _seconds durations", () => {
    for (const metric of own) {
      expect(metric.name).toMatch(/^hub_[a-z0-9_]+$/);
      if (metric.type === "counter") expect(metric.name, metric.name).toMatch(/_total$/);
      else expect(metric.name, metric.name).not.toMatch(/_total$/);
      if (metric.type === "histogram") expect(metric.name, metric.name).toMatch(/_seconds$/);
      expect(metric.help.length, metric.name).toBeGreaterThan(10);
    }
  });

  it("has no label that could carry an id or other unbounded value", () => {
    for (const metric of own) for (const label of metric.labelNames) expect(label, `${metric.name}{${label}}`).not.toMatch(/id$|Id$|user|email|phone|number|url|path|key|ip/i);
  });
});

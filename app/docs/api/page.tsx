import type { Metadata } from "next";
import { ERROR_STATUS, ERROR_TITLES, type ErrorCode } from "@/lib/http/errors";
import { API_TAGS, openApiDocument } from "@/lib/http/openapi";

export const metadata: Metadata = { title: "API reference" };

/**
 * A readable rendering of /api/v1/openapi.json, grouped by tag. It reads the
 * generated document, so it can never disagree with it. Every string goes
 * through React's escaping; nothing here is rendered as HTML.
 */
type Schema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  description?: string;
  default?: unknown;
  maxLength?: number;
  minLength?: number;
  maximum?: number;
  minimum?: number;
  maxItems?: number;
  format?: string;
};
type Parameter = { name: string; in: string; required: boolean; description?: string; schema: Schema };
type Operation = {
  operationId: string;
  tags: string[];
  summary: string;
  description?: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema?: Schema }> }>;
};

const METHOD_STYLES: Record<string, string> = {
  get: "bg-sky-100 text-sky-800 dark:bg-sky-900/40 dark:text-sky-200",
  post: "bg-emerald-100 text-emerald-800 dark:bg-emerald-900/40 dark:text-emerald-200",
  put: "bg-amber-100 text-amber-800 dark:bg-amber-900/40 dark:text-amber-200",
  patch: "bg-violet-100 text-violet-800 dark:bg-violet-900/40 dark:text-violet-200",
  delete: "bg-rose-100 text-rose-800 dark:bg-rose-900/40 dark:text-rose-200",
};

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

function typeOf(schema: Schema | undefined): string {
  if (!schema) return "any";
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(" | ");
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return variants.map(typeOf).join(" | ");
  if (Array.isArray(schema.type)) return schema.type.join(" | ");
  if (schema.type === "array") return `${typeOf(schema.items)}[]`;
  if (schema.type === "string" && schema.format) return `string (${schema.format})`;
  return schema.type ?? "any";
}

function limits(schema: Schema): string {
  const parts: string[] = [];
  if (schema.minLength !== undefined && schema.minLength > 0) parts.push(`min length ${schema.minLength}`);
  if (schema.maxLength !== undefined) parts.push(`max length ${schema.maxLength}`);
  if (schema.minimum !== undefined && schema.minimum > -9007199254740991) parts.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined && schema.maximum < 9007199254740991) parts.push(`≤ ${schema.maximum}`);
  if (schema.maxItems !== undefined) parts.push(`at most ${schema.maxItems} items`);
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  return parts.join(", ");
}

function Fields({ schema }: { schema: Schema }) {
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants && variants.some((variant) => variant.properties)) {
    return (
      <div className="space-y-3">
        {variants.map((variant, index) => (
          <div key={index}>
            <p className="text-xs font-medium uppercase tracking-wide text-slate-500">{index === 0 ? "One of" : "or"}</p>
            <Fields schema={variant} />
          </div>
        ))}
      </div>
    );
  }
  if (!schema.properties) return <p className="font-mono text-sm">{typeOf(schema)}</p>;
  const required = new Set(schema.required ?? []);
  return (
    <table className="w-full text-left text-sm">
      <tbody>
        {Object.entries(schema.properties).map(([name, property]) => (
          <tr key={name} className="border-t border-slate-200 align-top dark:border-slate-800">
            <td className="py-1.5 pr-3 font-mono whitespace-nowrap">
              {name}
              {required.has(name) ? <span className="text-rose-600" title="required">*</span> : null}
            </td>
            <td className="py-1.5 pr-3 font-mono text-xs text-slate-600 dark:text-slate-400">{typeOf(property)}</td>
            <td className="py-1.5 text-slate-700 dark:text-slate-300">
              {property.description}
              {limits(property) ? <span className="block text-xs text-slate-500">{limits(property)}</span> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function OperationCard({ method, path, operation }: { method: string; path: string; operation: Operation }) {
  return (
    <article id={operation.operationId} className="rounded-lg border border-slate-200 p-4 dark:border-slate-800">
      <h3 className="flex flex-wrap items-center gap-2">
        <span className={`rounded px-2 py-0.5 font-mono text-xs font-semibold uppercase ${METHOD_STYLES[method] ?? ""}`}>{method}</span>
        <code className="font-mono text-sm break-all">{path}</code>
      </h3>
      <p className="mt-2 font-medium">{operation.summary}</p>
      {(operation.description ?? "").split("\n\n").map((paragraph, index) => (
        <p key={index} className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          {paragraph}
        </p>
      ))}
      {operation.parameters && operation.parameters.length > 0 ? (
        <section className="mt-3">
          <h4 className="text-sm font-semibold">Parameters</h4>
          <table className="mt-1 w-full text-left text-sm">
            <tbody>
              {operation.parameters.map((parameter) => (
                <tr key={`${parameter.in}-${parameter.name}`} className="border-t border-slate-200 align-top dark:border-slate-800">
                  <td className="py-1.5 pr-3 font-mono whitespace-nowrap">
                    {parameter.name}
                    {parameter.required ? <span className="text-rose-600">*</span> : null}
                  </td>
                  <td className="py-1.5 pr-3 text-xs text-slate-500">{parameter.in}</td>
                  <td className="py-1.5 pr-3 font-mono text-xs text-slate-600 dark:text-slate-400">{typeOf(parameter.schema)}</td>
                  <td className="py-1.5 text-slate-700 dark:text-slate-300">
                    {parameter.description}
                    {limits(parameter.schema) ? <span className="block text-xs text-slate-500">{limits(parameter.schema)}</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
      {operation.requestBody ? (
        <section className="mt-3">
          <h4 className="text-sm font-semibold">Request body</h4>
          <p className="text-xs text-slate-500">{Object.keys(operation.requestBody.content).join(", ")}</p>
          <Fields schema={Object.values(operation.requestBody.content)[0]!.schema} />
        </section>
      ) : null}
      <section className="mt-3">
        <h4 className="text-sm font-semibold">Responses</h4>
        <ul className="mt-1 space-y-2 text-sm">
          {Object.entries(operation.responses)
            .filter(([status]) => status !== "default")
            .map(([status, response]) => {
              const schema = response.content ? Object.values(response.content)[0]?.schema : undefined;
              return (
                <li key={status}>
                  <span className="font-mono font-semibold">{status}</span> <span className="text-slate-700 dark:text-slate-300">{response.description}</span>
                  {schema ? (
                    <details className="mt-1">
                      <summary className="cursor-pointer text-xs text-slate-500">Fields</summary>
                      <Fields schema={schema} />
                    </details>
                  ) : null}
                </li>
              );
            })}
        </ul>
      </section>
    </article>
  );
}

export default function ApiReferencePage() {
  const document = openApiDocument() as { paths: Record<string, Record<string, Operation>>; info: { description: string } };
  const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ path, method, operation })));
  const tags = API_TAGS.filter((tag) => operations.some((entry) => entry.operation.tags.includes(tag.name)));
  return (
    <main className="mx-auto max-w-4xl p-6">
      <h1 className="text-3xl font-semibold">Message Hub API</h1>
      <p className="mt-2 text-slate-600 dark:text-slate-400">{document.info.description}</p>
      <p className="mt-2 text-sm">
        Machine-readable: <a className="text-sky-700 underline dark:text-sky-400" href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1). Authenticate with{" "}
        <code className="rounded bg-slate-100 px-1 dark:bg-slate-800">Authorization: Bearer mh_…</code>.
      </p>
      <nav className="mt-6" aria-label="Sections">
        <ul className="flex flex-wrap gap-2 text-sm">
          {tags.map((tag) => (
            <li key={tag.name}>
              <a className="rounded border border-slate-200 px-2 py-1 hover:bg-slate-50 dark:border-slate-800 dark:hover:bg-slate-900" href={`#${slug(tag.name)}`}>
                {tag.name}
              </a>
            </li>
          ))}
          <li>
            <a className="rounded border border-slate-200 px-2 py-1 hover:bg-slate-50 dark:border-slate-800 dark:hover:bg-slate-900" href="#errors">
              Errors
            </a>
          </li>
        </ul>
      </nav>
      {tags.map((tag) => (
        <section key={tag.name} id={slug(tag.name)} className="mt-10">
          <h2 className="text-2xl font-semibold">{tag.name}</h2>
          <p className="mt-1 text-slate-600 dark:text-slate-400">{tag.description}</p>
          <div className="mt-4 space-y-4">
            {operations
              .filter((entry) => entry.operation.tags.includes(tag.name))
              .map((entry) => (
                <OperationCard key={`${entry.method} ${entry.path}`} {...entry} />
              ))}
          </div>
        </section>
      ))}
      <section id="errors" className="mt-10">
        <h2 className="text-2xl font-semibold">Errors</h2>
        <p className="mt-1 text-slate-600 dark:text-slate-400">
          Every error is <code>application/problem+json</code>: <code>{"{type, title, status, detail, requestId, errors?}"}</code>. <code>errors</code> lists one item per invalid field. The
          <code> type</code> links here.
        </p>
        <dl className="mt-4 grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
          {(Object.keys(ERROR_STATUS) as ErrorCode[]).map((code) => (
            <div key={code} className="contents">
              <dt id={`error-${code.replaceAll("_", "-")}`} className="scroll-mt-4 font-mono">
                {ERROR_STATUS[code]}
              </dt>
              <dd>
                {ERROR_TITLES[code]} <span className="font-mono text-xs text-slate-500">({code})</span>
              </dd>
            </div>
          ))}
        </dl>
      </section>
    </main>
  );
}

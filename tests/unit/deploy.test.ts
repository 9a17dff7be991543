import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DockerfileParser, type Instruction } from "dockerfile-ast";
import { validate as lintDockerfile } from "dockerfile-utils";
import { parse as parseYaml, parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { envSchema, parseConfig } from "@/lib/config/env";

/**
 * The deployment files are code nobody runs in CI (no Docker engine, no
 * cluster), so these tests hold them to what docs/deploy.md promises: a
 * linted Dockerfile whose runtime stage carries everything the server
 * imports, a compose stack wired with health conditions, and Kubernetes
 * manifests whose names, labels, ports and variables line up. Where the
 * real tools are installed (docker compose, caddy, kubectl) they check too.
 */
const root = path.resolve(import.meta.dirname, "../..");
const deploy = path.join(root, "deploy");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");
const hubVariables = new Set(Object.keys(envSchema.shape));
const has = (command: string, args: string[]) => spawnSync(command, args, { stdio: "ignore" }).status === 0;

// Parsed YAML is checked field by field below; indexing it loosely keeps the checks readable.
type Yaml = { [key: string]: any };

describe("deploy/Dockerfile", () => {
  const text = read("deploy/Dockerfile");
  const dockerfile = DockerfileParser.parse(text);
  const args = new Map(dockerfile.getARGs().map((arg) => [arg.getProperty()!.getName(), arg.getProperty()!.getValue()]));
  const froms = dockerfile.getFROMs();
  const stageNames = froms.map((from) => from.getBuildStage());
  const finalFrom = froms.at(-1)!;
  const finalStage = dockerfile.getInstructions().filter((instruction) => instruction.getRange().start.line > finalFrom.getRange().start.line);
  const final = (keyword: string) => finalStage.filter((instruction) => instruction.getKeyword() === keyword);
  const stageOf = (name: string) => {
    const index = stageNames.indexOf(name);
    const start = froms[index]!.getRange().start.line;
    const end = froms[index + 1]?.getRange().start.line ?? Infinity;
    return dockerfile.getInstructions().filter((instruction) => instruction.getRange().start.line > start && instruction.getRange().start.line < end);
  };

  it("passes the Dockerfile linter with no findings", () => {
    expect(lintDockerfile(text).map((diagnostic) => `${diagnostic.range.start.line + 1}: ${diagnostic.message}`)).toEqual([]);
  });

  it("builds in stages on Node 20 slim and runs as an unprivileged user", () => {
    expect(froms.length).toBeGreaterThanOrEqual(3);
    for (const from of froms) {
      const image = from.getImage()!.replace(/^\$\{(\w+)\}$/, (_, name: string) => args.get(name) ?? "");
      expect(image === "node:20-slim" || stageNames.includes(image), `FROM ${from.getImage()}`).toBe(true);
    }
    const users = final("USER").map((instruction) => instruction.getArgumentsContent());
    expect(users).toHaveLength(1);
    expect(users[0]).not.toMatch(/^(root|0)(:|$)/);
    expect(final("RUN").some((run) => new RegExp(`useradd .*\\b${users[0]}\\b`).test(run.getArgumentsContent() ?? ""))).toBe(true);
  });

  it("ships production dependencies only, and tsx with them because the server runs through it", () => {
    const nodeModules = final("COPY").find((copy) => (copy.getArgumentsContent() ?? "").startsWith("/app/node_modules"));
    const from = (nodeModules as Instruction & { getFromFlag: () => { getValue: () => string } | null }).getFromFlag()!.getValue();
    expect(stageOf(from).some((run) => run.getKeyword() === "RUN" && /npm ci --omit=dev/.test(run.getArgumentsContent() ?? ""))).toBe(true);
    const pkg = JSON.parse(read("package.json")) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect(pkg.dependencies.tsx).toBeTruthy();
    expect(pkg.dependencies.next).toBeTruthy();
    expect(final("CMD")[0]!.getArgumentsContent()).toBe('["node", "--import", "tsx", "server/index.ts"]');
  });

  it("checks health on /api/health, stops on SIGTERM and serves port 3000", () => {
    expect(final("HEALTHCHECK")).toHaveLength(1);
    expect(final("HEALTHCHECK")[0]!.getArgumentsContent()).toMatch(/^CMD .*\/api\/health/);
    expect(final("STOPSIGNAL")[0]!.getArgumentsContent()).toBe("SIGTERM");
    expect(final("EXPOSE")[0]!.getArgumentsContent()).toBe("3000");
  });

  it("copies into the runtime image every local module the server imports, and the files it reads", () => {
    // Follow imports from the entry point, as tsx will at boot, and from every
    // API route module, which the server's API router imports on first use.
    const seen = new Set<string>();
    const routes = readdirSync(path.join(root, "app/api"), { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith("route.ts"));
    expect(routes.length).toBeGreaterThan(50);
    const queue = ["server/index.ts", ...routes.map((file) => `app/api/${file}`)];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const match of read(file).matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)) {
        const specifier = match[1]!;
        const base = specifier.startsWith("@/") ? specifier.slice(2) : specifier.startsWith(".") ? path.join(path.dirname(file), specifier) : null;
        if (!base) continue;
        const resolved = [`${base}.ts`, `${base}.tsx`, path.join(base, "index.ts"), base].find((candidate) => existsSync(path.join(root, candidate)) && statSync(path.join(root, candidate)).isFile());
        if (resolved) queue.push(resolved);
      }
    }
    const copied = final("COPY")
      .filter((copy) => !(copy as Instruction & { getFromFlag: () => unknown }).getFromFlag())
      .flatMap((copy) => (copy.getArgumentsContent() ?? "").split(/\s+/).slice(0, -1));
    const needed = new Set([...seen].map((file) => (file.startsWith("app/api/") ? "app/api" : file.split("/")[0]!)));
    // Read at runtime, not imported: migrations, the Next config, and the path aliases tsx resolves "@/…" with.
    for (const file of ["db", "next.config.mjs", "tsconfig.json", "package.json"]) needed.add(file);
    expect([...needed].filter((entry) => !copied.includes(entry)).sort()).toEqual([]);
    expect(existsSync(path.join(root, "db/migrations"))).toBe(true);
  });

  it("keeps local dependencies, builds, data and secrets out of the build context", () => {
    const ignored = read("deploy/Dockerfile.dockerignore").split("\n").map((line) => line.trim());
    for (const entry of ["node_modules", ".next", "data", ".env", ".git"]) expect(ignored).toContain(entry);
  });
});

describe("deploy/docker-compose.yml", () => {
  const compose = parseYaml(read("deploy/docker-compose.yml"), { merge: true }) as Yaml;
  const services = compose.services as Record<string, Yaml>;
  const app = ["web1", "web2", "worker"];

  it("runs PostgreSQL 16 on a volume, Redis, two web instances, a worker and a proxy", () => {
    expect(Object.keys(services).sort()).toEqual(["postgres", "proxy", "redis", "web1", "web2", "worker"]);
    expect(services.postgres!.image).toMatch(/^postgres:16(\b|$)/);
    const [volume, mountPoint] = (services.postgres!.volumes as string[])[0]!.split(":");
    expect(mountPoint).toBe("/var/lib/postgresql/data");
    expect(Object.keys(compose.volumes as object)).toContain(volume);
    expect(services.redis!.image).toMatch(/^redis:/);
    expect(services.web1!.environment.ROLE).toBe("web");
    expect(services.web2!.environment.ROLE).toBe("web");
    expect(services.worker!.environment.ROLE).toBe("worker");
  });

  it("builds every app container from the one image of deploy/Dockerfile", () => {
    for (const name of app) {
      expect(services[name]!.image).toBe(services.web1!.image);
      expect(services[name]!.build).toEqual({ context: "..", dockerfile: "deploy/Dockerfile" });
    }
    expect(existsSync(path.join(deploy, "..", services.web1!.build.dockerfile))).toBe(true);
  });

  it("gives every service a health check and starts each only after what it needs is healthy", () => {
    for (const [name, service] of Object.entries(services)) expect(service.healthcheck?.test, name).toBeTruthy();
    for (const name of app) {
      expect(services[name]!.depends_on).toEqual({ postgres: { condition: "service_healthy" }, redis: { condition: "service_healthy" } });
      expect(services[name]!.healthcheck.test.join(" ")).toContain("/api/ready");
    }
    expect(services.proxy!.depends_on).toEqual({ web1: { condition: "service_healthy" }, web2: { condition: "service_healthy" } });
  });

  it("publishes only the proxy, and configures the app with variables the hub knows", () => {
    for (const [name, service] of Object.entries(services)) if (name !== "proxy") expect(service.ports, name).toBeUndefined();
    expect(services.proxy!.ports).toEqual(expect.arrayContaining([expect.stringMatching(/:80$/), expect.stringMatching(/:443$/)]));
    for (const name of app) {
      const environment = services[name]!.environment as Record<string, string>;
      expect(Object.keys(environment).filter((key) => !hubVariables.has(key))).toEqual([]);
      expect(environment.DATABASE_URL).toMatch(/@postgres:5432\/messagehub$/);
      expect(environment.REDIS_URL).toBe("redis://redis:6379");
      expect(environment.TRUST_PROXY).toBe("true");
      expect(environment.PUBLIC_URL).toMatch(/^\$\{PUBLIC_URL:\?/);
      // Drain within the grace period, or Docker kills mid-drain.
      expect(Number(environment.SHUTDOWN_TIMEOUT_MS) / 1000).toBeLessThan(Number.parseInt(services[name]!.stop_grace_period, 10));
    }
  });

  it("fronts the web instances with Caddy: sticky Socket.IO, readiness checks, a TLS switch", () => {
    expect(services.proxy!.image).toMatch(/^caddy:2/);
    expect(services.proxy!.volumes).toContain("./Caddyfile:/etc/caddy/Caddyfile:ro");
    const caddyfile = read("deploy/Caddyfile");
    expect(caddyfile).toMatch(/^\{\$SITE_ADDRESS::80\} \{/m);
    const socketBlock = /handle @socketio \{([\s\S]*?)\n\t\}/.exec(caddyfile)?.[1] ?? "";
    expect(caddyfile).toMatch(/@socketio path \/socket\.io\/\*/);
    expect(socketBlock).toMatch(/reverse_proxy web1:3000 web2:3000/);
    expect(socketBlock).toMatch(/lb_policy cookie/);
    expect(caddyfile.match(/health_uri \/api\/ready/g)).toHaveLength(2);
    expect(services.proxy!.environment.SITE_ADDRESS).toBe("${SITE_ADDRESS:-:80}");
  });

  it.skipIf(!has("caddy", ["version"]))("is a configuration Caddy accepts", () => {
    const result = spawnSync("caddy", ["validate", "--config", path.join(deploy, "Caddyfile"), "--adapter", "caddyfile"], { encoding: "utf8", env: { ...process.env, SITE_ADDRESS: ":80" } });
    expect(result.stdout + result.stderr).toContain("Valid configuration");
  });

  const composeV2 = has("docker", ["compose", "version"]);
  const composeV1 = !composeV2 && has("docker-compose", ["version"]);
  it.skipIf(!composeV2 && !composeV1)("passes `docker compose config`", () => {
    const env = { ...process.env, POSTGRES_PASSWORD: "pw", PUBLIC_URL: "http://localhost", AUTH_SECRET: "x".repeat(32) };
    let file = path.join(deploy, "docker-compose.yml");
    if (composeV1) {
      // Compose v1 predates the top-level `name`; everything else is checked as
      // written, from a copy beside the original so relative paths resolve alike.
      file = path.join(deploy, `.compose-check-${process.pid}.yml`);
      writeFileSync(file, read("deploy/docker-compose.yml").replace(/^name: .*\n/m, ""));
    }
    try {
      const result = composeV2
        ? spawnSync("docker", ["compose", "-f", file, "config", "-q"], { encoding: "utf8", env })
        : spawnSync("docker-compose", ["-f", file, "config", "-q"], { encoding: "utf8", env });
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      // Without the required secrets it refuses to start, naming them.
      const bareEnv = { PATH: process.env.PATH ?? "", NODE_ENV: "test" } as const;
      const bare = composeV2
        ? spawnSync("docker", ["compose", "-f", file, "config", "-q"], { encoding: "utf8", env: bareEnv })
        : spawnSync("docker-compose", ["-f", file, "config", "-q"], { encoding: "utf8", env: bareEnv });
      expect(bare.status).not.toBe(0);
      expect(bare.stderr).toMatch(/POSTGRES_PASSWORD|PUBLIC_URL|AUTH_SECRET/);
    } finally {
      if (composeV1) rmSync(file, { force: true });
    }
  });
});

describe("deploy/k8s", () => {
  const dir = path.join(deploy, "k8s");
  const files = readdirSync(dir).filter((file) => file.endsWith(".yaml")).sort();
  const docs = files.flatMap((file) =>
    parseAllDocuments(readFileSync(path.join(dir, file), "utf8")).map((doc) => {
      expect(doc.errors, file).toEqual([]);
      return { file, object: doc.toJS() as Yaml };
    }),
  );
  const objects = docs.map((doc) => doc.object);
  const ofKind = (kind: string) => objects.filter((object) => object.kind === kind);
  const deployments = ofKind("Deployment");
  const secretTemplate = ofKind("Secret")[0]!;
  const configMap = ofKind("ConfigMap")[0]!;
  const labelsMatch = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([key, value]) => labels[key] === value);

  const apiVersions: Record<string, string> = {
    Kustomization: "kustomize.config.k8s.io/v1beta1",
    Namespace: "v1",
    ConfigMap: "v1",
    Secret: "v1",
    Service: "v1",
    Deployment: "apps/v1",
    Ingress: "networking.k8s.io/v1",
    PodDisruptionBudget: "policy/v1",
    HorizontalPodAutoscaler: "autoscaling/v2",
  };

  it("has an apiVersion, kind and name on every object, and applies every file but the Secret template", () => {
    for (const { file, object } of docs) {
      expect(apiVersions[object.kind], `${file}: ${object.kind}`).toBe(object.apiVersion);
      if (object.kind !== "Kustomization") expect(object.metadata?.name, file).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }
    const kustomization = ofKind("Kustomization")[0]!;
    expect([...kustomization.resources].sort()).toEqual(files.filter((file) => file !== "kustomization.yaml" && file !== "secret.example.yaml"));
    for (const kind of ["Deployment", "Service", "Ingress", "PodDisruptionBudget", "HorizontalPodAutoscaler", "Secret", "ConfigMap"]) expect(ofKind(kind).length, kind).toBeGreaterThan(0);
  });

  it("runs a web and a worker Deployment from one image, each selecting its own pods", () => {
    expect(deployments.map((deployment) => deployment.spec.template.spec.containers[0].env.find((env: Yaml) => env.name === "ROLE").value).sort()).toEqual(["web", "worker"]);
    for (const deployment of deployments) {
      const { selector, template } = deployment.spec;
      expect(labelsMatch(selector.matchLabels, template.metadata.labels)).toBe(true);
      const others = deployments.filter((other) => other !== deployment);
      for (const other of others) expect(labelsMatch(selector.matchLabels, other.spec.template.metadata.labels)).toBe(false);
      expect(template.spec.containers[0].image).toBe("message-hub");
      expect(template.spec.securityContext.runAsNonRoot).toBe(true);
      expect(template.spec.securityContext.runAsUser).toBe(10001);
      expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
    }
  });

  it("probes readiness on /api/ready and liveness on /api/health, on a port the container declares", () => {
    for (const deployment of deployments) {
      const container = deployment.spec.template.spec.containers[0];
      const ports = new Set<string>(container.ports.map((port: Yaml) => port.name));
      expect(container.readinessProbe.httpGet.path).toBe("/api/ready");
      expect(container.livenessProbe.httpGet.path).toBe("/api/health");
      for (const probe of [container.readinessProbe, container.livenessProbe, container.startupProbe]) expect(ports.has(probe.httpGet.port)).toBe(true);
      expect(container.ports[0].containerPort).toBe(3000);
    }
  });

  it("gives a stopping pod time to drain: grace period > preStop pause + SHUTDOWN_TIMEOUT_MS", () => {
    for (const deployment of deployments) {
      const spec = deployment.spec.template.spec;
      const pause = Number(spec.containers[0].lifecycle?.preStop?.exec?.command?.[1] ?? 0);
      expect(spec.terminationGracePeriodSeconds).toBeGreaterThan(pause + Number(configMap.data.SHUTDOWN_TIMEOUT_MS) / 1000);
    }
  });

  it("configures pods only with variables the hub knows, and an unedited Secret template cannot boot", () => {
    for (const deployment of deployments) {
      const envFrom = deployment.spec.template.spec.containers[0].envFrom as Yaml[];
      expect(envFrom.map((source) => source.configMapRef?.name ?? source.secretRef?.name)).toEqual([configMap.metadata.name, secretTemplate.metadata.name]);
    }
    const keys = [...Object.keys(configMap.data), ...Object.keys(secretTemplate.stringData), "ROLE"];
    expect(keys.filter((key) => !hubVariables.has(key))).toEqual([]);
    for (const key of ["DATABASE_URL", "REDIS_URL", "AUTH_SECRET"]) expect(Object.keys(secretTemplate.stringData)).toContain(key);
    // Filled in, the settings parse for both roles; left as shipped, boot stops on AUTH_SECRET.
    const filled = { ...configMap.data, ...secretTemplate.stringData, AUTH_SECRET: "s".repeat(48), METRICS_TOKEN: "t".repeat(24) };
    for (const role of ["web", "worker"]) expect(parseConfig({ ...filled, ROLE: role }).ROLE).toBe(role);
    expect(() => parseConfig({ ...configMap.data, ...secretTemplate.stringData, ROLE: "web" })).toThrow(/AUTH_SECRET|METRICS_TOKEN/);
  });

  it("routes the Service to web pods only, and the Ingress to the Service, with cookie affinity on /socket.io", () => {
    const service = ofKind("Service")[0]!;
    const web = deployments.find((deployment) => deployment.metadata.name.endsWith("-web"))!;
    const worker = deployments.find((deployment) => deployment.metadata.name.endsWith("-worker"))!;
    expect(labelsMatch(service.spec.selector, web.spec.template.metadata.labels)).toBe(true);
    expect(labelsMatch(service.spec.selector, worker.spec.template.metadata.labels)).toBe(false);
    expect(web.spec.template.spec.containers[0].ports.map((port: Yaml) => port.name)).toContain(service.spec.ports[0].targetPort);

    const ingresses = ofKind("Ingress");
    for (const ingress of ingresses) {
      expect(ingress.spec.tls[0].secretName).toBeTruthy();
      for (const rule of ingress.spec.rules) {
        for (const entry of rule.http.paths) {
          expect(entry.backend.service.name).toBe(service.metadata.name);
          expect(service.spec.ports.map((port: Yaml) => port.name)).toContain(entry.backend.service.port.name);
        }
      }
    }
    const socketIngress = ingresses.find((ingress) => ingress.spec.rules.some((rule: Yaml) => rule.http.paths.some((entry: Yaml) => entry.path === "/socket.io")))!;
    expect(socketIngress.metadata.annotations["nginx.ingress.kubernetes.io/affinity"]).toBe("cookie");
    expect(Number(socketIngress.metadata.annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"])).toBeGreaterThanOrEqual(60);
  });

  it("keeps one pod of each role through disruptions, and scales web pods on CPU", () => {
    const budgets = ofKind("PodDisruptionBudget");
    for (const deployment of deployments) {
      const budget = budgets.find((candidate) => labelsMatch(candidate.spec.selector.matchLabels, deployment.spec.template.metadata.labels));
      expect(budget, deployment.metadata.name).toBeTruthy();
      expect(budget!.spec.minAvailable).toBeLessThan(deployment.spec.replicas);
    }
    const hpa = ofKind("HorizontalPodAutoscaler")[0]!;
    const target = deployments.find((deployment) => deployment.metadata.name === hpa.spec.scaleTargetRef.name);
    expect(target?.spec.template.spec.containers[0].env[0].value).toBe("web");
    expect(hpa.spec.metrics[0].resource.name).toBe("cpu");
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    // Utilisation is measured against the request: without one the HPA cannot act.
    expect(target!.spec.template.spec.containers[0].resources.requests.cpu).toBeTruthy();
  });

  it.skipIf(!has("kubectl", ["version", "--client"]))("renders with `kubectl kustomize`", () => {
    const result = spawnSync("kubectl", ["kustomize", dir], { encoding: "utf8" });
    expect(result.stderr).toBe("");
    const rendered = parseAllDocuments(result.stdout).map((doc) => doc.toJS() as Yaml);
    expect(rendered).toHaveLength(objects.length - 2); // without the Kustomization and the Secret template
    expect(rendered.filter((object) => object.kind !== "Namespace").every((object) => object.metadata.namespace === "message-hub")).toBe(true);
    expect(rendered.filter((object) => object.kind === "Deployment").map((object) => object.spec.template.spec.containers[0].image)).toEqual([
      "registry.example.com/message-hub:0.1.0",
      "registry.example.com/message-hub:0.1.0",
    ]);
  });
});

// Turns each benchmark module's own result shape into rows of the one summary table, with the
// target each issue set next to the figure. The modules are read structurally (their result
// types are not imported) so that a module changing shape degrades to a generic row instead of
// breaking the run.

/** One line of the summary table. */
export interface Row {
  /** Which benchmark module produced it (`http-server`). */
  readonly bench: string;
  /** What was measured. */
  readonly subject: string;
  /** Throughput: `12,345 req/s`. */
  readonly throughput?: string;
  readonly p50?: string;
  readonly p99?: string;
  /** Per-call cost: `9.8 µs CPU/req`, `412 ns/call`. */
  readonly cost?: string;
  /** Ratio against the bare baseline measured in the same run. */
  readonly vsBaseline?: string;
  /** The target the issue set, in words. */
  readonly target?: string;
  /** `yes`, `no`, or a qualified verdict; `—` when there is no target. */
  readonly met?: string;
}

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null;
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string => (typeof v === 'string' ? v : String(v));
const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const fixed = (n: number, digits = 1): string => n.toFixed(digits);
const ratio = (n: number): string => `${n.toFixed(2)}×`;
// autocannon reports latency in whole milliseconds: 0 means "under a millisecond".
const ms = (n: number | undefined): string | undefined =>
  n === undefined ? undefined : n === 0 ? '< 1 ms' : `${Number.isInteger(n) ? String(n) : fixed(n, n < 10 ? 2 : 1)} ms`;

/** `12.3 µs CPU/req`, or nothing when the CPU time was not measured. */
const cpuCost = (cpu: number | undefined): string | undefined => (cpu === undefined ? undefined : `${fixed(cpu)} µs CPU/req`);

/**
 * ` (windows <lowest>–<highest>)` for a result measured in alternating windows (its
 * `cpuWindowRange`: the spread of the machine's speed within the run), otherwise `''`.
 */
function windowSpread(r: Rec): string {
  const range = Array.isArray(r.cpuWindowRange) && r.cpuWindowRange.length === 2 ? (r.cpuWindowRange as unknown[]).map(num) : undefined;
  return range?.[0] !== undefined && range[1] !== undefined ? ` (windows ${fixed(range[0])}–${fixed(range[1])})` : '';
}

/** {@link cpuCost} followed by the result's {@link windowSpread}. */
const windowedCpuCost = (cpu: number | undefined, r: Rec): string | undefined => (cpu === undefined ? undefined : `${cpuCost(cpu)!}${windowSpread(r)}`);

/**
 * The figure columns of a row measured under load: throughput (`<rps> <unit>`), p50 and p99 from
 * the result's `p50Ms`/`p99Ms`, and `cost`; each left out when it was not measured.
 */
function loadColumns(rps: number | undefined, r: Rec, cost: string | undefined, unit = 'req/s'): Pick<Row, 'throughput' | 'p50' | 'p99' | 'cost'> {
  return {
    ...(rps !== undefined ? { throughput: `${int(rps)} ${unit}` } : {}),
    ...(ms(num(r.p50Ms)) ? { p50: ms(num(r.p50Ms)) } : {}),
    ...(ms(num(r.p99Ms)) ? { p99: ms(num(r.p99Ms)) } : {}),
    ...(cost !== undefined ? { cost } : {}),
  };
}

/**
 * The verdict on a ratio target, judged on throughput AND on CPU efficiency (bare CPU per call ÷
 * this one's) when both were measured: throughput alone swings with whatever else runs on a shared
 * machine, CPU per call much less. A target met on only one of them says which.
 */
function verdict(target: number, throughputRatio: number | undefined, cpuRatio: number | undefined, unit: string): string {
  if (throughputRatio === undefined) return cpuRatio === undefined ? '—' : cpuRatio >= target ? 'yes (CPU/call)' : 'no';
  const onThroughput = throughputRatio >= target;
  if (cpuRatio === undefined) return onThroughput ? 'yes' : 'no';
  const onCpu = cpuRatio >= target;
  if (onThroughput && onCpu) return 'yes';
  if (!onThroughput && !onCpu) return 'no';
  return onThroughput
    ? `on ${unit} only; CPU efficiency ${ratio(cpuRatio)} < ${ratio(target)}`
    : `on CPU/call only; ${unit} ${ratio(throughputRatio)} < ${ratio(target)}`;
}

/** Rows of `bench/overload.bench.ts` (issue 13, item 11): liveness under CPU saturation. */
export function overloadRows(result: unknown): Row[] {
  if (!Array.isArray(result) || !result.every((r) => isRec(r) && num(r.slowestProbeMs) !== undefined)) return genericRows('overload', result);
  return (result as Rec[]).map((r): Row => {
    const probes = Array.isArray(r.probesMs) ? r.probesMs.length : 0;
    const failed = num(r.failedProbes) ?? 0;
    const isDefault = str(r.name).startsWith('serve() defaults (');
    return {
      bench: 'overload',
      subject: `${str(r.name)}: CPU saturation, liveness every 2.5 s`,
      p99: `slowest liveness ${int(num(r.slowestProbeMs)!)} ms`,
      cost: `${String(failed)}/${String(probes)} probes over 3 s; load ${int(num(r.ok) ?? 0)} 2xx, ${int(num(r.shed) ?? 0)} 503`,
      target: isDefault ? 'no liveness answer slower than the 3 s probe timeout (issue 13)' : 'report only',
      met: isDefault ? (failed === 0 ? 'yes' : 'no') : '—',
    };
  });
}

/** Rows of `bench/config.bench.ts` (issue 2: report only, no numeric target). */
export function configRows(result: unknown): Row[] {
  if (!isRec(result) || num(result.microsPerOp) === undefined) return genericRows('config', result);
  const keys = num(result.keys) ?? 100;
  const rows: Row[] = [
    {
      bench: 'config',
      subject: `load + validate ${keys} keys (50 ConfigMap files, 10 Secret files, 40 env vars)`,
      cost: `${fixed(num(result.microsPerOp)!)} µs/load`,
      target: 'report only (issue 2); paid once at startup and per ConfigMap update',
      met: '—',
    },
  ];
  const envOnly = num(result.envOnlyMicrosPerOp);
  if (envOnly !== undefined) {
    rows.push({
      bench: 'config',
      subject: `the same ${keys} keys from env vars only (coercion + zod + freeze, no file I/O)`,
      cost: `${fixed(envOnly)} µs/load`,
      target: 'report only',
      met: '—',
    });
  }
  return rows;
}

/** Rows of `bench/core.bench.ts`: each podkit case next to bare pino / prom-client in the same run. */
export function coreRows(result: unknown): Row[] {
  if (!isRec(result) || !Array.isArray(result.cases)) return genericRows('core', result);
  const cases = result.cases.filter(isRec);
  const bare = new Map<string, { impl: string; ns: number }>();
  for (const c of cases) {
    const ns = num(c.nsPerOp);
    if (c.impl !== 'podkit' && ns !== undefined) bare.set(str(c.name), { impl: str(c.impl), ns });
  }
  return cases
    .filter((c) => c.impl === 'podkit')
    .map((c): Row => {
      const ns = num(c.nsPerOp) ?? Number.NaN;
      const base = bare.get(str(c.name));
      return {
        bench: 'core',
        subject: str(c.name),
        cost: `${fixed(ns)} ns/call`,
        ...(base
          ? { vsBaseline: `${base.impl} ${fixed(base.ns)} ns → ${ratio(ns / base.ns)} its cost` }
          : { vsBaseline: 'podkit-only feature (no bare equivalent)' }),
        target: 'report only (issue 3)',
        met: '—',
      };
    });
}

/** Issue 4's targets, as a ratio of bare node:http's req/s measured in the same run. */
function serverTarget(name: string): number | undefined {
  if (!/^podkit/i.test(name)) return undefined;
  return /access/i.test(name) ? 0.65 : 0.85;
}

/** Rows of `bench/http-server.bench.ts` (issue 4: podkit ≥ 0.85× bare; with access log ≥ 0.65×). */
export function httpServerRows(result: unknown): Row[] {
  if (!Array.isArray(result)) return genericRows('http-server', result);
  const items = result.filter(isRec);
  const bare = items.find((r) => /bare/i.test(str(r.name))) ?? items[0];
  const bareRps = num(bare?.requestsPerSecond);
  const bareCpu = num(bare?.cpuMicrosPerRequest);
  return items.map((r): Row => {
    const name = str(r.name);
    const rps = num(r.requestsPerSecond);
    const cpu = num(r.cpuMicrosPerRequest);
    const rel = num(r.relative) ?? (rps !== undefined && bareRps ? rps / bareRps : undefined);
    const cpuRel = cpu !== undefined && bareCpu !== undefined && cpu > 0 ? bareCpu / cpu : undefined;
    const isBare = r === bare;
    const target = serverTarget(name);
    const met = target === undefined ? '—' : verdict(target, rel, cpuRel, 'req/s');
    return {
      bench: 'http-server',
      subject: name,
      ...loadColumns(rps, r, windowedCpuCost(cpu, r)),
      vsBaseline: isBare
        ? 'baseline'
        : `${rel !== undefined ? ratio(rel) : '?'} req/s${cpuRel !== undefined ? `, ${ratio(cpuRel)} CPU efficiency` : ''}`,
      target: target !== undefined ? `≥ ${ratio(target)} bare (req/s and CPU/req)` : isBare ? 'baseline' : 'comparison',
      met,
    };
  });
}

/**
 * Rows of `bench/proxy.bench.ts` (issue 18): each proxy's max req/s and CPU µs per request at the
 * fixed rate, against the minimal undici proxy measured in the same run. podkit's row carries the
 * issue's two targets: CPU/request ≤ 1.0× the minimal proxy's and ≤ 0.8× `@fastify/http-proxy`'s.
 */
export function proxyRows(result: unknown): Row[] {
  if (!Array.isArray(result)) return genericRows('proxy', result);
  const items = result.filter(isRec);
  return items.map((r): Row => {
    const variant = str(r.variant);
    if (r.skipped !== undefined) return { bench: 'proxy', subject: str(r.name), vsBaseline: `skipped: ${str(r.skipped)}`, target: 'comparison', met: '—' };
    const rps = num(r.requestsPerSecond);
    const cpu = num(r.cpuMicrosPerRequest);
    const vsMinimal = num(r.cpuVsMinimal);
    const vsFastify = num(r.cpuVsFastify);
    const parts = [vsMinimal !== undefined ? `${ratio(vsMinimal)} minimal's CPU/req` : undefined, vsFastify !== undefined ? `${ratio(vsFastify)} @fastify/http-proxy's` : undefined];
    const isPodkit = variant === 'podkit';
    let met = '—';
    if (isPodkit) {
      const okMinimal = vsMinimal !== undefined && vsMinimal <= 1.0;
      const okFastify = vsFastify !== undefined && vsFastify <= 0.8;
      met = okMinimal && okFastify ? 'yes' : !okMinimal && !okFastify ? 'no' : okMinimal ? 'vs minimal only' : 'vs @fastify/http-proxy only';
    }
    return {
      bench: 'proxy',
      subject: str(r.name),
      ...loadColumns(rps, r, cpu === undefined ? undefined : `${cpuCost(cpu)!}${num(r.fixedRateAchieved) !== undefined ? ` @ ${int(num(r.fixedRateAchieved)!)} req/s` : ''}${windowSpread(r)}`, 'req/s max'),
      vsBaseline: variant === 'minimal' ? 'baseline' : parts.filter(Boolean).join(', ') || '—',
      target: isPodkit ? 'CPU/req ≤ 1.00× minimal and ≤ 0.80× @fastify/http-proxy' : variant === 'minimal' ? 'baseline' : 'comparison',
      met,
    };
  });
}

/**
 * Rows of `bench/service-config.bench.ts` (issue 18, parts 5 and 6): a blog service's server
 * configuration against bare node:http under load (target ≤ 1.5× bare's CPU per request), and
 * both idle (target: within 0.3 percentage points of a core of bare's CPU).
 */
export function serviceConfigRows(result: unknown): Row[] {
  if (!isRec(result) || !Array.isArray(result.load) || !Array.isArray(result.idle)) return genericRows('service-config', result);
  const load = result.load.filter(isRec);
  const idle = result.idle.filter(isRec);
  const bare = load.find((r) => r.variant === 'bare');
  const bareCpu = num(bare?.cpuMicrosPerRequest);
  const bareRps = num(bare?.requestsPerSecond);
  const rows = load.map((r): Row => {
    const cpu = num(r.cpuMicrosPerRequest);
    const rps = num(r.requestsPerSecond);
    const isBare = r === bare;
    const cpuTimes = cpu !== undefined && bareCpu ? cpu / bareCpu : undefined;
    return {
      bench: 'service-config',
      subject: str(r.name),
      ...loadColumns(rps, r, windowedCpuCost(cpu, r)),
      vsBaseline: isBare
        ? 'baseline'
        : `${cpuTimes !== undefined ? ratio(cpuTimes) : '?'} bare's CPU/req, ${rps !== undefined && bareRps ? ratio(rps / bareRps) : '?'} req/s`,
      target: isBare ? 'baseline' : '≤ 1.50× bare CPU/req',
      met: isBare ? '—' : cpuTimes === undefined ? '?' : cpuTimes <= 1.5 ? 'yes' : 'no',
    };
  });
  const bareIdle = num(idle.find((r) => r.variant === 'bare')?.cpuPercent);
  for (const r of idle) {
    const pct = num(r.cpuPercent);
    const isBare = r.variant === 'bare';
    const over = pct !== undefined && bareIdle !== undefined ? pct - bareIdle : undefined;
    rows.push({
      bench: 'service-config',
      subject: `idle ${str(r.seconds)} s: ${str(r.name)}`,
      ...(pct !== undefined ? { cost: `${fixed(pct, 3)} % of a core` } : {}),
      vsBaseline: isBare ? 'baseline' : over === undefined ? '?' : `+${fixed(over, 3)} pp`,
      target: isBare ? 'baseline' : '≤ bare + 0.3 pp',
      met: isBare ? '—' : over === undefined ? '?' : over <= 0.3 ? 'yes' : 'no',
    });
  }
  return rows;
}

/**
 * Rows of `bench/fastify.bench.ts` (issue 17): each variant against the baseline it names (serve()
 * and Fastify alone against bare node:http, the Fastify stacks against Fastify alone), plus one
 * row judging the target: the plugin's cost over Fastify no more than serve()'s over bare.
 */
export function fastifyRows(result: unknown): Row[] {
  if (!Array.isArray(result)) return genericRows('fastify', result);
  const items = result.filter(isRec);
  const byVariant = new Map(items.map((r) => [str(r.variant), r]));
  const rows = items.map((r): Row => {
    const rps = num(r.requestsPerSecond);
    const cpu = num(r.cpuMicrosPerRequest);
    const rel = num(r.relative);
    const cpuRel = num(r.relativeCpu);
    const baseline = r.baseline === undefined ? undefined : byVariant.get(str(r.baseline));
    return {
      bench: 'fastify',
      subject: str(r.name),
      ...loadColumns(rps, r, cpuCost(cpu)),
      vsBaseline:
        baseline === undefined
          ? 'baseline'
          : `${rel !== undefined ? ratio(rel) : '?'} req/s, ${cpuRel !== undefined ? ratio(cpuRel) : '?'} CPU efficiency vs ${str(baseline.name)}`,
      target: baseline === undefined ? 'baseline' : 'comparison',
      met: '—',
    };
  });
  const serve = byVariant.get('podkit');
  const plugin = byVariant.get('fastify-podkit');
  const [sRel, sCpu, pRel, pCpu] = [serve?.relative, serve?.relativeCpu, plugin?.relative, plugin?.relativeCpu].map(num);
  if (sRel !== undefined && sCpu !== undefined && pRel !== undefined && pCpu !== undefined) {
    const onRps = pRel >= sRel;
    const onCpu = pCpu >= sCpu;
    rows.push({
      bench: 'fastify',
      subject: 'podkit plugin cost over Fastify vs serve() cost over bare node:http',
      vsBaseline: `plugin ${ratio(pRel)} req/s, ${ratio(pCpu)} CPU efficiency; serve() ${ratio(sRel)} req/s, ${ratio(sCpu)} CPU efficiency`,
      target: 'plugin ratios ≥ serve() ratios (issue 17)',
      met: onRps && onCpu ? 'yes' : !onRps && !onCpu ? 'no' : onRps ? 'on req/s only' : 'on CPU/call only',
    });
  }
  return rows;
}

/**
 * Rows of `bench/router-post.bench.ts` (issue 18, part 2): a validated 1 KiB JSON POST, each
 * variant's CPU per request against Fastify with a JSON schema (and against bare node:http), with
 * the lowest and highest of its alternating windows when given (`cpuWindowRange`); the target:
 * the podkit router through `serve()` with its defaults ≤ 1.0× Fastify's CPU per request.
 */
export function routerPostRows(result: unknown): Row[] {
  if (!Array.isArray(result)) return genericRows('router-post', result);
  return result.filter(isRec).map((r): Row => {
    const variant = str(r.variant);
    const rps = num(r.requestsPerSecond);
    const cpu = num(r.cpuMicrosPerRequest);
    const vsFastify = num(r.cpuVsFastify);
    const vsBare = num(r.cpuVsBare);
    const rpsVsBare = num(r.rpsVsBare);
    const judged = variant === 'podkit';
    return {
      bench: 'router-post',
      subject: `${str(r.name)}: POST 1 KiB JSON, validated, 201`,
      ...loadColumns(rps, r, windowedCpuCost(cpu, r)),
      vsBaseline:
        variant === 'bare'
          ? 'baseline'
          : `CPU/req ${vsFastify !== undefined ? ratio(vsFastify) : '?'} Fastify's, ${vsBare !== undefined ? ratio(vsBare) : '?'} bare's; req/s ${rpsVsBare !== undefined ? ratio(rpsVsBare) : '?'} bare`,
      target: judged ? '≤ 1.00× Fastify + JSON schema CPU/req (issue 18)' : variant === 'bare' ? 'baseline' : 'comparison',
      met: judged ? (vsFastify === undefined ? '—' : vsFastify <= 1 ? 'yes' : 'no') : '—',
    };
  });
}

/**
 * Rows of `bench/http-client.bench.ts` (issue 5: podkit client ≥ 0.95× bare undici Pool.request).
 * Each result names the bare variant it is compared with (`baseline`, with `callsRatio` and
 * `cpuRatio` computed in the run); a result without one is a baseline.
 */
export function httpClientRows(result: unknown): Row[] {
  if (!Array.isArray(result)) return genericRows('http-client', result);
  return result.filter(isRec).map((r): Row => {
    const name = str(r.name);
    const rate = num(r.callsPerSecond);
    const cpu = num(r.cpuMicrosPerCall);
    const baseline = typeof r.baseline === 'string' ? r.baseline : undefined;
    const rel = num(r.callsRatio);
    const cpuRel = num(r.cpuRatio);
    const isPodkit = /^podkit/i.test(name);
    return {
      bench: 'http-client',
      subject: name,
      ...(rate !== undefined
        ? { throughput: `${int(rate)} calls/s${num(r.medianCallsPerSecond) !== undefined ? ` (best round; median ${int(num(r.medianCallsPerSecond)!)})` : ''}` }
        : {}),
      ...(cpu !== undefined ? { cost: `${fixed(cpu)} µs CPU/call (load side)` } : {}),
      vsBaseline:
        baseline === undefined
          ? 'baseline'
          : `${rel !== undefined ? ratio(rel) : '?'} calls/s${cpuRel !== undefined ? `, ${ratio(cpuRel)} CPU efficiency` : ''} vs ${baseline}`,
      target: isPodkit ? `≥ 0.95× ${baseline ?? 'bare undici'} (calls/s and CPU/call)` : baseline === undefined ? 'baseline' : 'comparison',
      met: isPodkit ? verdict(0.95, rel, cpuRel, 'calls/s') : '—',
    };
  });
}

/** Issue 6's target (cached read) and reference figures (comments), by scenario name. */
function platformTarget(name: string): { rps: number; p95: number; isTarget: boolean } | undefined {
  if (/cached|post read|read post/i.test(name)) return { rps: 5000, p95: 5, isTarget: true };
  if (/comment/i.test(name)) return { rps: 1500, p95: 30, isTarget: false };
  return undefined;
}

/**
 * Rows of `bench/platform.bench.ts` (issue 6: a cached post read through the gateway at ≥ 5000
 * req/s with p95 ≤ 5 ms; creating a comment compared with the reference 1500 req/s at p95 30 ms).
 * Accepts an array of scenarios or an object holding one (`scenarios`, `results`), plus
 * optional RSS per service after startup (`idleRssMiB`) and at its peak (`peakRssMiB`).
 */
export function platformRows(result: unknown): Row[] {
  const list = Array.isArray(result)
    ? result
    : isRec(result) && Array.isArray(result.scenarios)
      ? result.scenarios
      : isRec(result) && Array.isArray(result.results)
        ? result.results
        : undefined;
  if (!list) return genericRows('platform', result);
  const rows = list.filter(isRec).map((r): Row => {
    const name = str(r.name ?? r.scenario ?? 'scenario');
    const rps = num(r.requestsPerSecond) ?? num(r.rps);
    const p95 = num(r.p95Ms) ?? num(r.p95);
    const failed = num(r.failed);
    const target = platformTarget(name);
    let met = '—';
    if (target && rps !== undefined && p95 !== undefined) {
      const ok = rps >= target.rps && p95 <= target.p95 && (failed ?? 0) === 0;
      met = target.isTarget ? (ok ? 'yes' : 'no') : ok ? 'at or above the reference' : 'below the reference';
    }
    const cpu = isRec(r.cpuMicrosPerRequest)
      ? `CPU µs/req: ${Object.entries(r.cpuMicrosPerRequest)
          .filter(([, v]) => num(v) !== undefined)
          .map(([k, v]) => `${k} ${fixed(num(v)!)}`)
          .join(', ')}`
      : undefined;
    const costParts = [p95 !== undefined ? `p95 ${ms(p95)!}` : undefined, failed !== undefined ? `${int(failed)} failed` : undefined, cpu].filter(Boolean);
    return {
      bench: 'platform',
      subject: name,
      ...loadColumns(rps, r, costParts.length > 0 ? costParts.join(', ') : undefined),
      vsBaseline: typeof r.vsBaseline === 'string' ? r.vsBaseline : 'no bare baseline (whole platform, every hop)',
      target: typeof r.target === 'string' ? r.target : target ? `≥ ${int(target.rps)} req/s at p95 ≤ ${target.p95} ms` : 'report only',
      met,
    };
  });
  if (isRec(result)) {
    const line = (rss: unknown, subject: string): void => {
      if (!isRec(rss)) return;
      const parts = Object.entries(rss).map(([k, v]) => `${k} ${num(v) !== undefined ? int(num(v)!) : str(v)}`);
      rows.push({ bench: 'platform', subject, cost: parts.join(', '), target: 'report only (requests: deploy/MEASUREMENTS.md)', met: '—' });
    };
    line(result.idleRssMiB, 'RSS per service after startup (MiB, VmRSS)');
    line(result.peakRssMiB ?? result.peakRss ?? result.rss, 'peak RSS per service (MiB, VmHWM)');
  }
  return rows;
}

/** Fallback for a result shape this runner does not know: its numeric fields, flattened. */
export function genericRows(bench: string, result: unknown): Row[] {
  const items = Array.isArray(result) ? result : [result];
  return items.map((item, i): Row => {
    const fields = isRec(item)
      ? Object.entries(item)
          .filter(([, v]) => num(v) !== undefined)
          .map(([k, v]) => `${k}=${fixed(num(v)!, 2)}`)
      : [str(item)];
    return {
      bench,
      subject: isRec(item) && typeof item.name === 'string' ? item.name : `result ${i + 1}`,
      cost: fields.join(', '),
      target: 'not recognised by bench/run.ts (see the module)',
      met: '—',
    };
  });
}

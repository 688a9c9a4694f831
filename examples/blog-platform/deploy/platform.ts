/**
 * The deployment's view of the platform: which services exist, their ports, who calls whom, what
 * each one needs (PostgreSQL, Redis) and the resources each gets. `generate.ts` writes the
 * per-service manifests and ConfigMaps from this table; the tests check the hand-written parts
 * (NetworkPolicies, Ingress, Secrets) against it, so topology and policy cannot drift apart.
 */

/**
 * Names of the five services and the worker, as used for Deployments, Services and `<NAME>_URL`
 * variables (`comment-counter` is a queue worker: a Deployment without a Service).
 */
export type ServiceName = 'gateway' | 'auth' | 'posts' | 'comments' | 'images' | 'comment-counter';

/** CPU and memory for one container (Kubernetes quantities). */
export interface Resources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** One service of the platform as deployed. */
export interface DeployedService {
  readonly name: ServiceName;
  /** Container port `http`: the API only, what the Service (and so the Ingress and the other pods) reach. */
  readonly port: number;
  /**
   * Container port `admin`: podkit's probes (`/health`, `/ready`, `/startup`) and `/metrics`,
   * reached by the kubelet and Prometheus only (no Service port, no Ingress path, and the
   * NetworkPolicies admit Prometheus on this port alone).
   */
  readonly adminPort: number;
  /** `app.kubernetes.io/component`: a `worker` has no Service and no `http` container port. */
  readonly component: 'api-gateway' | 'backend' | 'worker';
  /** One line for humans (a manifest comment and the keys reference). */
  readonly description: string;
  /** Services this one calls (becomes `<NAME>_URL` env vars and egress rules). */
  readonly calls: readonly ServiceName[];
  readonly usesPostgres: boolean;
  readonly usesRedis: boolean;
  /** Publishes to or consumes from RabbitMQ (the URL, with its credentials, is the Secret key `amqp-url`). @default false */
  readonly usesRabbitmq?: boolean;
  /** Secret keys this service reads from /etc/secrets (projected from the Secrets below). */
  readonly secretKeys: readonly SecretKey[];
  /**
   * ConfigMap values that differ from the schema defaults, by ConfigMap key (`cache.ttl`).
   * Every other non-secret key not set through env gets its schema default, written out.
   */
  readonly config?: Readonly<Record<string, string>>;
  /**
   * Requests and limits. Memory requests are at least the peak RSS measured under load divided
   * by 0.8 (the HPA's memory target), so a pod at its measured peak does not alone trigger a
   * scale-out; limits are about 1.5x the request. Figures and method: `deploy/MEASUREMENTS.md`.
   */
  readonly resources: Resources;
  /**
   * `NODE_OPTIONS` of the container: the V8 heap sized for the memory limit. Node 24 sizes the
   * heap from the cgroup's limit, but never below V8's minimum (an old space of about 256 MiB,
   * more than these limits) and with semi-spaces sized for a larger heap, so a pod would grow
   * past its limit before V8 collects. `--max-old-space-size` keeps the old space within the
   * limit with room for code, buffers and native memory; `--max-semi-space-size` caps the young
   * generation (in MiB). Figures: `deploy/MEASUREMENTS.md`.
   */
  readonly nodeOptions: string;
}

/** A Secret key and the Secret object that holds it. */
export interface SecretKey {
  readonly secret: string;
  readonly key: string;
}

/** Secret objects the platform expects; created by hand (see deploy/secrets/README.md). */
export const SECRETS: readonly { readonly name: string; readonly keys: readonly string[]; readonly purpose: string }[] = [
  {
    name: 'postgres-credentials',
    keys: ['database-password'],
    purpose: 'password of the PostgreSQL role `blog` (PostgreSQL itself and every service that uses it)',
  },
  { name: 'auth-signing-key', keys: ['jwt-signing-key'], purpose: 'Ed25519 private key (PEM, PKCS#8) auth signs JWTs with' },
  {
    name: 'rabbitmq-credentials',
    keys: ['amqp-url', 'rabbitmq-password'],
    purpose: 'RabbitMQ: the password of its user `blog`, and the URL comments and comment-counter connect with (`amqp://blog:<password>@rabbitmq:5672`)',
  },
  { name: 'blog-platform-tls', keys: ['tls.crt', 'tls.key'], purpose: 'TLS certificate of the Ingress host' },
];

const databasePassword: SecretKey = { secret: 'postgres-credentials', key: 'database-password' };
const signingKey: SecretKey = { secret: 'auth-signing-key', key: 'jwt-signing-key' };
const amqpUrl: SecretKey = { secret: 'rabbitmq-credentials', key: 'amqp-url' };

/** The platform's Kubernetes namespace. */
export const NAMESPACE = 'blog-platform';
/** `app.kubernetes.io/part-of` on every object. */
export const PART_OF = 'blog-platform';
/** Fixed non-root UID/GID the service image runs as (Dockerfile `USER 10001:10001`). */
export const SERVICE_UID = 10001;
/** Image the service Deployments run; overlays replace it (`images:` in kustomization). */
export const SERVICE_IMAGE = 'ghcr.io/podkit/blog-platform';
/** Port of the Kubernetes Services in front of the pods (`http://posts` reaches posts:8082). */
export const SERVICE_PORT = 80;
/** Name of the container port serving the API (the Service's target port). */
export const HTTP_PORT_NAME = 'http';
/** Name of the container port serving probes and `/metrics` (probes and Prometheus target it). */
export const ADMIN_PORT_NAME = 'admin';
/** Where the ConfigMap and the Secrets are mounted (podkit config's defaults). */
export const CONFIG_DIR = '/etc/config';
export const SECRETS_DIR = '/etc/secrets';

/**
 * `MALLOC_ARENA_MAX` of every container, for glibc's malloc (the fallback when the image's
 * jemalloc is not preloaded): glibc keeps up to 8 arenas per core, one per thread that allocates
 * (V8's platform workers, libuv's pool, libvips in images), and their fragments stay resident.
 * Two arenas cut the peak RSS under load (images 278 → 214 MiB, the others 4 to 13 MiB;
 * deploy/MEASUREMENTS.md).
 */
export const MALLOC_ARENA_MAX = '2';

/**
 * Where the image's jemalloc is (the Dockerfile installs Debian's `libjemalloc2` and links it
 * here, whatever the architecture) and preloads it with `LD_PRELOAD`: glibc's malloc keeps what
 * V8's compilers (Maglev, TurboFan: 30 to 45 MiB of zone memory while the code warms up),
 * OpenSSL's scrypt (auth) and the sockets freed, so RSS stays at its peak; jemalloc hands freed
 * pages back (`MALLOC_CONF`): 9 to 85 MiB less RSS per service after the load, the same peak,
 * up to 5 MiB more at idle, CPU per request unchanged (deploy/MEASUREMENTS.md).
 */
export const JEMALLOC_PATH = '/usr/local/lib/libjemalloc.so.2';

/**
 * `MALLOC_CONF` of every container (jemalloc's options): two arenas (as `MALLOC_ARENA_MAX` for
 * glibc: a pod has one or two CPUs), freed pages given back at once (`dirty_decay_ms:0`) and
 * none kept "muzzy" (`MADV_FREE`d pages still count in RSS until the kernel needs them). Against
 * a 1 s decay, 2 to 4 MiB less at idle and up to 25 MiB less after the load (images), CPU per
 * request of the gateway within the spread. jemalloc ignores it when it is not preloaded.
 */
export const MALLOC_CONF = 'narenas:2,dirty_decay_ms:0,muzzy_decay_ms:0';

/** The five services and the worker. */
export const SERVICES: readonly DeployedService[] = [
  {
    name: 'gateway',
    port: 8080,
    adminPort: 9080,
    component: 'api-gateway',
    description: 'API gateway: routes /api/* to the services and serves the front end',
    calls: ['auth', 'posts', 'comments', 'images'],
    usesPostgres: false,
    usesRedis: false,
    secretKeys: [],
    resources: { requests: { cpu: '250m', memory: '160Mi' }, limits: { cpu: '1', memory: '240Mi' } },
    nodeOptions: '--max-old-space-size=48 --max-semi-space-size=1',
  },
  {
    name: 'auth',
    port: 8081,
    adminPort: 9081,
    component: 'backend',
    description: 'users, login, JWT issuing and the JWKS',
    calls: [],
    usesPostgres: true,
    usesRedis: true,
    secretKeys: [databasePassword, signingKey],
    // the gateway's peers are pods: trust X-Forwarded-For from the pod network (set your cluster's pod CIDR)
    config: { 'trusted-proxies': '10.0.0.0/8' },
    resources: { requests: { cpu: '250m', memory: '160Mi' }, limits: { cpu: '1', memory: '240Mi' } },
    nodeOptions: '--max-old-space-size=96 --max-semi-space-size=2',
  },
  {
    name: 'posts',
    port: 8082,
    adminPort: 9082,
    component: 'backend',
    description: 'posts CRUD with cache-aside reads in Redis',
    calls: ['auth'],
    usesPostgres: true,
    usesRedis: true,
    secretKeys: [databasePassword],
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '384Mi' } },
    nodeOptions: '--max-old-space-size=160 --max-semi-space-size=4',
  },
  {
    name: 'comments',
    port: 8083,
    adminPort: 9083,
    component: 'backend',
    description: 'comments per post; checks the post exists through a podkit client to posts; publishes comment events (outbox)',
    calls: ['auth', 'posts'],
    usesPostgres: true,
    usesRedis: false,
    usesRabbitmq: true,
    secretKeys: [databasePassword, amqpUrl],
    resources: { requests: { cpu: '250m', memory: '160Mi' }, limits: { cpu: '1', memory: '240Mi' } },
    nodeOptions: '--max-old-space-size=96 --max-semi-space-size=2',
  },
  {
    name: 'images',
    port: 8084,
    adminPort: 9084,
    component: 'backend',
    description: 'image upload and background processing with sharp (jobs in PostgreSQL)',
    calls: ['auth'],
    usesPostgres: true,
    usesRedis: false,
    secretKeys: [databasePassword],
    resources: { requests: { cpu: '250m', memory: '288Mi' }, limits: { cpu: '2', memory: '448Mi' } },
    nodeOptions: '--max-old-space-size=128 --max-semi-space-size=2',
  },
  {
    name: 'comment-counter',
    port: 8085,
    adminPort: 9085,
    component: 'worker',
    description: 'queue worker: consumes comment events from RabbitMQ, keeps each post\'s comment count (comments schema)',
    calls: [],
    usesPostgres: true,
    usesRedis: false,
    usesRabbitmq: true,
    secretKeys: [databasePassword, amqpUrl],
    // the comments schema: the worker writes the projection the comments service reads
    config: { 'database.schema': 'comments' },
    resources: { requests: { cpu: '100m', memory: '384Mi' }, limits: { cpu: '1', memory: '576Mi' } },
    nodeOptions: '--max-old-space-size=192 --max-semi-space-size=2',
  },
];

/**
 * The ConfigMap values this deployment sets for a service, by ConfigMap key: where PostgreSQL,
 * Redis and the services it calls are (derived from the table, so a call in `calls` is both a
 * URL here and an allowed edge in the NetworkPolicies), plus the service's own `config`.
 */
export function deployedConfig(svc: DeployedService): Record<string, string> {
  const values: Record<string, string> = {};
  if (svc.usesPostgres) Object.assign(values, { 'database.host': 'postgres', 'database.port': '5432', 'database.name': 'blog', 'database.user': 'blog' });
  if (svc.usesRedis) values['redis.url'] = 'redis://redis:6379/0';
  for (const callee of svc.calls) values[`${callee}.url`] = `http://${callee}`;
  return { ...values, ...svc.config };
}

/** Looks a service up by name (throws on an unknown name: a typo in the table is a bug). */
export function service(name: ServiceName): DeployedService {
  const found = SERVICES.find((s) => s.name === name);
  if (found === undefined) throw new Error(`unknown service ${name}`);
  return found;
}

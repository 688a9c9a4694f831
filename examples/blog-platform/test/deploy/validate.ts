/**
 * Validates manifests against the Kubernetes OpenAPI schemas shipped by `kubernetes-models`
 * (types, required fields, enums, formats) and, like `kubectl --validate=strict`, rejects fields
 * the API does not know (a typo such as `readinesProbe` is silently dropped by the API server,
 * which is exactly the bug a reference manifest must not have). Unknown fields are found by
 * walking each object along the TypeScript declarations of kubernetes-models' models.
 *
 * The VerticalPodAutoscaler is a CRD that kubernetes-models does not cover (no published
 * @kubernetes-models package for it): it is validated against `vpa-v1-schema.ts`, the parts of
 * the VPA CRD's openAPIV3Schema (autoscaling.k8s.io/v1) that the example uses, transcribed as a
 * strict zod schema.
 */
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import type { Model } from '@kubernetes-models/base';
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import type { Manifest } from './load.ts';
import { VPA_V1_SCHEMA } from './vpa-v1-schema.ts';

type ModelClass = new (data: never) => Model<unknown>;

/** Model class and declaration (module, interface) per apiVersion/kind used by the example. */
const MODELS: Record<string, { model: ModelClass; module: string; type: string }> = {
  'v1/Namespace': { model: Namespace, module: 'kubernetes-models/v1/Namespace', type: 'INamespace' },
  'v1/ConfigMap': { model: ConfigMap, module: 'kubernetes-models/v1/ConfigMap', type: 'IConfigMap' },
  'v1/Secret': { model: Secret, module: 'kubernetes-models/v1/Secret', type: 'ISecret' },
  'v1/Service': { model: Service, module: 'kubernetes-models/v1/Service', type: 'IService' },
  'v1/ServiceAccount': { model: ServiceAccount, module: 'kubernetes-models/v1/ServiceAccount', type: 'IServiceAccount' },
  'apps/v1/Deployment': { model: Deployment, module: 'kubernetes-models/apps/v1/Deployment', type: 'IDeployment' },
  'apps/v1/StatefulSet': { model: StatefulSet, module: 'kubernetes-models/apps/v1/StatefulSet', type: 'IStatefulSet' },
  'autoscaling/v2/HorizontalPodAutoscaler': {
    model: HorizontalPodAutoscaler,
    module: 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler',
    type: 'IHorizontalPodAutoscaler',
  },
  'networking.k8s.io/v1/Ingress': { model: Ingress, module: 'kubernetes-models/networking.k8s.io/v1/Ingress', type: 'IIngress' },
  'networking.k8s.io/v1/NetworkPolicy': {
    model: NetworkPolicy,
    module: 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy',
    type: 'INetworkPolicy',
  },
  'rbac.authorization.k8s.io/v1/Role': { model: Role, module: 'kubernetes-models/rbac.authorization.k8s.io/v1/Role', type: 'IRole' },
  'rbac.authorization.k8s.io/v1/RoleBinding': {
    model: RoleBinding,
    module: 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding',
    type: 'IRoleBinding',
  },
  'policy/v1/PodDisruptionBudget': {
    model: PodDisruptionBudget,
    module: 'kubernetes-models/policy/v1/PodDisruptionBudget',
    type: 'IPodDisruptionBudget',
  },
};

/** Validates one object; returns the problems (empty when valid). */
export function validateManifest(object: Manifest): string[] {
  const id = `${object.apiVersion}/${object.kind}`;
  if (id === 'autoscaling.k8s.io/v1/VerticalPodAutoscaler') {
    const result = VPA_V1_SCHEMA.safeParse(object);
    return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.') || '/'}: ${i.message}`);
  }
  const entry = MODELS[id];
  if (entry === undefined) return [`no schema for ${id}: add it to MODELS in test/deploy/validate.ts`];
  const problems: string[] = [];
  try {
    new entry.model(object as never).validate();
  } catch (err) {
    problems.push(err instanceof Error ? err.message : String(err));
  }
  problems.push(...unknownFields(object, entry.module, entry.type));
  return problems;
}

// --- unknown-field detection along kubernetes-models' declarations ---------------------------

let checker: ts.TypeChecker | undefined;
let program: ts.Program | undefined;

function dtsOf(module: string): string {
  return fileURLToPath(import.meta.resolve(module)).replace(/\.js$/, '.d.ts');
}

/** One TypeScript program over every model's declarations, built on first use. */
function typeFor(module: string, typeName: string): ts.Type {
  if (program === undefined) {
    program = ts.createProgram(
      Object.values(MODELS).map((m) => dtsOf(m.module)),
      { strict: true, noEmit: true, skipLibCheck: true, types: [] },
    );
    checker = program.getTypeChecker();
  }
  const dts = dtsOf(module);
  const source = program.getSourceFile(dts);
  if (source === undefined) throw new Error(`cannot read ${dts}`);
  const symbol = checker!.getSymbolAtLocation(source);
  const exported = symbol === undefined ? undefined : checker!.getExportsOfModule(symbol).find((s) => s.name === typeName);
  if (exported === undefined) throw new Error(`${dts} does not export ${typeName}`);
  return checker!.getDeclaredTypeOfSymbol(exported);
}

function objectMembers(type: ts.Type): ts.Type[] {
  const nonNull = checker!.getNonNullableType(type);
  const parts = nonNull.isUnion() ? nonNull.types : [nonNull];
  return parts.filter((t) => (t.flags & ts.TypeFlags.Object) !== 0 && !checker!.isArrayType(t));
}

function walk(value: unknown, type: ts.Type, at: string, problems: string[]): void {
  const c = checker!;
  const nonNull = c.getNonNullableType(type);
  if (Array.isArray(value)) {
    const arrays = (nonNull.isUnion() ? nonNull.types : [nonNull]).filter((t) => c.isArrayType(t));
    const element = arrays[0] === undefined ? undefined : c.getTypeArguments(arrays[0] as ts.TypeReference)[0];
    if (element !== undefined) value.forEach((item, i) => walk(item, element, `${at}[${i}]`, problems));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const members = objectMembers(nonNull);
  if (members.length !== 1) return; // primitives, or a union of object shapes: left to the schema
  const shape = members[0]!;
  const index = c.getIndexTypeOfType(shape, ts.IndexKind.String);
  for (const [key, child] of Object.entries(value)) {
    const prop = c.getPropertyOfType(shape, key);
    if (prop !== undefined) {
      const decl = prop.valueDeclaration ?? prop.declarations?.[0];
      if (decl !== undefined) walk(child, c.getTypeOfSymbolAtLocation(prop, decl), `${at}.${key}`, problems);
    } else if (index !== undefined) {
      walk(child, index, `${at}.${key}`, problems);
    } else {
      problems.push(`unknown field ${at}.${key}`);
    }
  }
}

function unknownFields(object: Manifest, module: string, typeName: string): string[] {
  const problems: string[] = [];
  walk(object, typeFor(module, typeName), object.kind, problems);
  return problems;
}

/**
 * The VerticalPodAutoscaler (autoscaling.k8s.io/v1) shape, transcribed from the
 * `openAPIV3Schema` of the VPA CRD published by kubernetes/autoscaler
 * (vertical-pod-autoscaler/deploy/vpa-v1-crd-gen.yaml) for the fields this example uses, as a
 * strict zod schema: unknown fields are errors (the API server would prune them silently), enums
 * and required fields as in the CRD. kubernetes-models has no package for this CRD.
 */
import { z } from 'zod';

/** Resource quantity pattern of the CRD (`x-kubernetes-int-or-string`). */
const QUANTITY = /^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/;
const quantity = z.union([z.number().int(), z.string().regex(QUANTITY)]);
const resourceList = z.record(z.string(), quantity);

const containerPolicy = z.strictObject({
  containerName: z.string().optional(),
  mode: z.enum(['Auto', 'Off']).optional(),
  minAllowed: resourceList.optional(),
  maxAllowed: resourceList.optional(),
  controlledResources: z.array(z.string()).optional(),
  controlledValues: z.enum(['RequestsAndLimits', 'RequestsOnly']).optional(),
});

/** `VerticalPodAutoscaler` as accepted by the CRD (the fields the example may use). */
export const VPA_V1_SCHEMA = z.strictObject({
  apiVersion: z.literal('autoscaling.k8s.io/v1'),
  kind: z.literal('VerticalPodAutoscaler'),
  metadata: z.object({
    name: z.string().min(1),
    namespace: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
  spec: z.strictObject({
    targetRef: z.strictObject({ apiVersion: z.string().optional(), kind: z.string(), name: z.string() }),
    updatePolicy: z
      .strictObject({
        updateMode: z.enum(['Off', 'Initial', 'Recreate', 'InPlaceOrRecreate', 'InPlace']).optional(),
        minReplicas: z.number().int().optional(),
        evictAfterOOMSeconds: z.number().int().min(1).optional(),
      })
      .optional(),
    resourcePolicy: z.strictObject({ containerPolicies: z.array(containerPolicy).optional() }).optional(),
    recommenders: z.array(z.strictObject({ name: z.string() })).optional(),
  }),
});

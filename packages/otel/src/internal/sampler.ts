import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  SamplingDecision,
  TraceIdRatioBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace';
import type { SamplerName } from '../settings.ts';

/**
 * Records a root span without sampling it: the span has valid ids, so podkit's server keeps its
 * context, the ids reach the logs and `traceparent` carries them to the next service, but
 * nothing is exported (and spans under it are not recorded at all).
 */
const recordOnly: Sampler = Object.freeze({
  shouldSample: () => ({ decision: SamplingDecision.RECORD }),
  toString: () => 'RecordOnlySampler',
});

/**
 * The sampler for `name` (the `OTEL_TRACES_SAMPLER` values). Without an exporter the sampler is
 * parent-based with a record-only root whatever `name` says: ids without export.
 */
export function createSampler(name: SamplerName, ratio: number, exporting: boolean): Sampler {
  if (!exporting) return new ParentBasedSampler({ root: recordOnly });
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }
}
